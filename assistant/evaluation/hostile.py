"""Hostile but well-formed inputs, generated on the spot for the reliability tests and the benchmark.

- `zip_bomb_docx`: a valid DOCX whose word/document.xml inflates to `inflated_mb` MB of whitespace. The deflate
  stream is one compressed 1 MB segment repeated (each ends on a sync flush, so the segments concatenate into
  one valid stream), so a 1.5 GB bomb is made in about a second instead of compressing 1.5 GB. With
  `declared_mb` the zip directory lies about the inflated size.
- `many_paragraphs_docx`: a DOCX with thousands of short paragraphs under a few headings.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

_XML_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
             '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
             '正文</w:t></w:r></w:p>').encode()
_XML_TAIL = b"</w:body></w:document>"
_SEGMENT = 1 << 20


def _raw_deflate(data: bytes, final: bool) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return comp.compress(data) + comp.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


def _document_xml_stream(inflated_mb: int) -> tuple[bytes, int, int]:
    """(raw deflate bytes, CRC-32, inflated size) of head + `inflated_mb` MB of spaces + tail."""
    blank = b" " * _SEGMENT
    segment = _raw_deflate(blank, final=False)
    crc = zlib.crc32(_XML_HEAD)
    for _ in range(inflated_mb):
        crc = zlib.crc32(blank, crc)
    crc = zlib.crc32(_XML_TAIL, crc)
    data = _raw_deflate(_XML_HEAD, False) + segment * inflated_mb + _raw_deflate(_XML_TAIL, True)
    return data, crc, len(_XML_HEAD) + inflated_mb * _SEGMENT + len(_XML_TAIL)


def zip_bomb_docx(path: Path, inflated_mb: int = 1500, declared_mb: int | None = None) -> Path:
    """Write the bomb to `path`; `declared_mb` (if given) is the size its zip directory claims instead."""
    import docx

    base = io.BytesIO()
    docx.Document().save(base)
    parts = {i.filename: zipfile.ZipFile(base).read(i) for i in zipfile.ZipFile(base).infolist()}
    data, crc, size = _document_xml_stream(inflated_mb)
    declared = size if declared_mb is None else declared_mb << 20
    members = [(name, zlib.DEFLATED, _raw_deflate(raw, True), zlib.crc32(raw), len(raw))
               for name, raw in parts.items() if name != "word/document.xml"]
    members.insert(1, ("word/document.xml", zlib.DEFLATED, data, crc, declared))
    Path(path).write_bytes(_zip(members))
    return Path(path)


def _zip(members: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A plain (non-zip64) archive from (name, method, compressed bytes, crc, declared size) tuples."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, method, data, crc, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0x21, crc, len(data), size,
                              len(encoded), 0) + encoded)
        out.write(data)
        central.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0, 0x21, crc, len(data),
                                  size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central.getvalue()),
                          start, 0))
    return out.getvalue()


def many_paragraphs_docx(path: Path, paragraphs: int = 11000, per_section: int = 1000) -> Path:
    """Short paragraphs ("完成第N项记录。") under a Heading 1 paragraph every `per_section` of them, in python-docx's
    default template. The body XML is written directly: python-docx's add_paragraph is itself slow at this size."""
    import docx

    base = io.BytesIO()
    docx.Document().save(base)
    source = zipfile.ZipFile(base)
    xml = source.read("word/document.xml").decode("utf-8")
    body = []
    for i in range(paragraphs):
        if i % per_section == 0:
            body.append(f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>第{i // per_section + 1}部分 实施情况'
                        f"</w:t></w:r></w:p>")
        body.append(f"<w:p><w:r><w:t>完成第{i + 1}项记录。</w:t></w:r></w:p>")
    at = xml.index("<w:sectPr")
    xml = xml[:at] + "".join(body) + xml[at:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = xml.encode("utf-8") if info.filename == "word/document.xml" else source.read(info)
            out.writestr(info.filename, data)
    return Path(path)
