"""PDFs with the broken text layers real producers make, written byte by byte so tests and the eval can build them.

Each page is drawn with a Type0 font (non-embedded STSong-Light, Identity-H); what changes is the ToUnicode map the
extractors read the text from:
    good      code -> its character (a sound text layer)
    nul       code -> character + U+0000 (pypdf then returns a NUL after every character)
    cid       no ToUnicode map at all (extractors return nothing or "(cid:N)")
    fffd      code -> U+FFFD
    mojibake  a simple font whose bytes are the GBK encoding of the text (read back as Latin-1 / WinAnsi)
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal, Sequence

Shape = Literal["good", "nul", "cid", "fffd", "mojibake"]


def _hex(text: str) -> str:
    return "".join(f"{ord(c):04X}" for c in text)


def _tounicode(codes: dict[str, int], shape: Shape) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    items = sorted(codes.items(), key=lambda kv: kv[1])
    for start in range(0, len(items), 100):
        chunk = items[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for ch, code in chunk:
            dst = {"good": _hex(ch), "nul": _hex(ch) + "0000", "fffd": "FFFD"}[shape]
            lines.append(f"<{code:04X}> <{dst}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _page_stream(lines: Sequence[str], codes: dict[str, int], shape: Shape) -> bytes:
    ops = ["BT", "/F1 11 Tf", "14 TL", "56 790 Td"]
    for line in lines:
        if shape == "mojibake":
            data = line.encode("gbk", errors="replace")
            ops.append("<" + data.hex().upper() + "> Tj T*")
        else:
            ops.append("<" + "".join(f"{codes.setdefault(c, len(codes) + 1):04X}" for c in line) + "> Tj T*")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def write_pdf(path: Path | str, pages: Sequence[Sequence[str]], shapes: Sequence[Shape] | Shape = "good") -> Path:
    """A PDF of `pages` (each a list of lines); `shapes` gives each page's text-layer shape (or one for all)."""
    path = Path(path)
    page_shapes = [shapes] * len(pages) if isinstance(shapes, str) else list(shapes)
    codes: dict[str, int] = {}
    streams = [_page_stream(lines, codes, s) for lines, s in zip(pages, page_shapes)]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes, extra: str = "") -> bytes:
        return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    cid_font = add(b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                   b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
                   b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
                   b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 "
                   b"/StemV 93 >> /DW 1000 >>")
    fonts = {}
    for shape in dict.fromkeys(page_shapes):
        if shape == "mojibake":
            fonts[shape] = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
            continue
        to_unicode = "" if shape == "cid" else f"/ToUnicode {add(stream(_tounicode(codes, shape)))} 0 R "
        fonts[shape] = add(f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
                           f"/DescendantFonts [{cid_font} 0 R] {to_unicode}>>".encode())
    kids = []
    for data, shape in zip(streams, page_shapes):
        content = add(stream(data))
        kids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R "
                        f"/Resources << /Font << /F1 {fonts[shape]} 0 R >> >> >>".encode()))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    objects[pages_id - 1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path
