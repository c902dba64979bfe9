"""Shared writers for reports and drafts: atomic file output, Markdown, and DOCX with tables.

Nothing half-written ever appears at the target path: every writer renders into a temporary file in the
same folder and `os.replace()`s it over the target (atomic on one filesystem), or removes it on failure.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Sequence

from assistant.errors import InputError, os_reason

EAST_ASIA_FONT = "宋体"


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import: os.umask() can only be read by setting it, which is not thread-safe later on.
_UMASK = _read_umask()


def atomic_write(path: Path | str, write_fn: Callable[[Path], None]) -> Path:
    """Call `write_fn(tmp_path)` to produce the file, then move it onto `path` in one step.

    A missing or unwritable folder is an InputError (one line, exit 2); on any failure the temporary file is
    removed and the target, if it existed, is left untouched.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise InputError(f"{path}: 是文件夹，不能作为输出文件")
    if not folder.is_dir():
        raise InputError(f"{path}: 输出目录不存在：{folder}")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"{path}: 无法写入输出目录（{os_reason(exc)}）") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write_fn(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; outputs are ordinary user files
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: 无法写入文件（{os_reason(exc)}）") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_markdown(path: Path | str, text: str) -> Path:
    """Write UTF-8 Markdown (or any text) atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8"))


def md_escape(cell: object) -> str:
    """A value made safe for one Markdown table cell (pipes escaped, line breaks flattened)."""
    return str(cell if cell is not None else "").replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-style Markdown table."""
    lines = ["| " + " | ".join(md_escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def docx_document(title: str | None = None):
    """A new python-docx Document whose default font renders Chinese (East Asian font set), with a title."""
    import docx
    from docx.oxml.ns import qn

    doc = docx.Document()
    for style_name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        try:
            style = doc.styles[style_name]
        except KeyError:
            continue
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), EAST_ASIA_FONT)
    if title:
        doc.add_heading(title, level=0)
    return doc


def add_table(doc, header: Sequence[str], rows: Iterable[Sequence[object]]):
    """Append a bordered table with a bold header row; cells are str()-ed, None becomes empty."""
    rows = [list(r) for r in rows]
    table = doc.add_table(rows=1, cols=len(header))
    try:
        table.style = "Table Grid"
    except (KeyError, ValueError):  # a template without that style still gets a table
        pass
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if value is None else str(value)
    return table


def save_docx(doc, path: Path | str) -> Path:
    """Save a python-docx Document atomically."""
    return atomic_write(path, lambda tmp: doc.save(str(tmp)))
