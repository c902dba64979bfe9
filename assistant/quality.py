"""Text-layer quality: is the text a loader got from a page the page's real text?

Some PDF producers give text layers no extractor reads as written: a NUL after every character (a ToUnicode map
with two-character targets), "(cid:N)" or control characters (no ToUnicode map), U+FFFD, GBK bytes read as
Latin-1. Reviewing such text as if it were the document gives five confident "missing" verdicts, so every page is
checked here: what can be undone without loss is repaired (NULs stripped, Latin-1 mojibake re-decoded when it
round-trips exactly), what cannot is marked unreadable with the reason, and the review says so before any verdict.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Reasons a page's text cannot be used, in the words the report shows.
PROBLEM_ZH = {
    "cid": "文字层只有字形编号（(cid:…)），没有字符映射",
    "control": "文字层是控制字符，缺少字符映射（ToUnicode）",
    "fffd": "文字层多为替换字符（�），字符映射损坏",
    "pua": "文字层是私用区字符（字体自定义编码），无法还原成文字",
    "images": "含整页图片（可能是扫描页），图片中的文字无法读取",
    "mojibake": "文字层是乱码（编码错误），无法还原",
    "junk": "文字层是无意义的符号，缺少正确的字符映射",
    "no_text": "没有文字层（可能是扫描页或图片），需要 OCR",
    "extract_error": "提取文字时出错",
}
REPAIR_ZH = {"nul": "去除了字符间的空字符（NUL）", "mojibake": "按 GBK/UTF-8 还原了乱码"}

_CID = re.compile(r"\(cid:\d+\)")
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INTERLEAVE = re.compile(r"[\x00\ufffe\ufeff]")
_LATIN1_HIGH = re.compile(r"[\x80-\xff]")
_PUA = re.compile(r"[\ue000-\uf8ff]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# ASCII punctuation a table or prose uses sparingly; a page made mostly of it is glyph codes read as ASCII.
_ASCII_PUNCT = re.compile(r"[!-\-/:-@\[-`{}~]")
BAD_SHARE = 0.05  # above this share of bad characters the page is not trusted
MIN_CHARS = 20  # shorter pages (a title, a page number) are never judged by proportions


@dataclass(frozen=True)
class PageQuality:
    """What was found on one page (PDF) or in the whole text (DOCX, TXT: page None)."""

    page: int | None
    readable: bool
    problems: tuple[str, ...] = ()
    repaired: tuple[str, ...] = ()
    extractor: str = ""

    @property
    def reason(self) -> str:
        return "；".join(PROBLEM_ZH.get(p, p) for p in self.problems)

    @property
    def where(self) -> str:
        if self.page is not None:
            return f"第{self.page}页"
        # a DOCX whose text reads but holds a pasted page picture: only the picture is unread, not the whole text
        return "文中的整页图片" if self.problems == ("images",) else "全文"


def repair(text: str) -> tuple[str, tuple[str, ...]]:
    """Undo what can be undone losslessly: interleaved NULs (and U+FFFE, what PDFium makes of them) and
    GBK/UTF-8 text decoded as Latin-1 (only when the bytes re-decode exactly, with no replacement)."""
    done: list[str] = []
    if _INTERLEAVE.search(text):
        text = _INTERLEAVE.sub("", text)
        done.append("nul")
    fixed = _undo_mojibake(text)
    if fixed is not None:
        text = fixed
        done.append("mojibake")
    return text, tuple(done)


def _undo_mojibake(text: str) -> str | None:
    high = len(_LATIN1_HIGH.findall(text))
    if high < 4 or high < 0.3 * sum(1 for c in text if ord(c) > 0x7f) or _CJK.search(text.replace("\u3000", "")):
        return None
    for encoding in ("cp1252", "latin-1"):
        try:
            raw = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        for codec in ("utf-8", "gb18030"):
            try:
                decoded = raw.decode(codec)
            except UnicodeDecodeError:
                continue
            if cjk_share(decoded) > 0.3:
                return decoded
    return None


def cjk_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(1 for c in chars if _CJK.match(c)) / len(chars) if chars else 0.0


def problems_of(text: str) -> tuple[str, ...]:
    """What is wrong with a (repaired) text on its own, without knowing the rest of the document."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < MIN_CHARS:
        return ("cid",) if _CID.search(text) else ()
    n = len(chars)
    found = []
    if len("".join(_CID.findall(text))) > BAD_SHARE * n:
        found.append("cid")
    if len(_CONTROL.findall(text)) > BAD_SHARE * n:
        found.append("control")
    if text.count("\ufffd") > BAD_SHARE * n:
        found.append("fffd")
    if len(_PUA.findall(text)) > BAD_SHARE * n:
        found.append("pua")
    if len(_LATIN1_HIGH.findall(text)) > 0.2 * n:
        found.append("mojibake")
    if not found and sum(1 for c in chars if _ASCII_PUNCT.match(c)) > 0.25 * n:
        found.append("junk")
    return tuple(found)


def check_text(text: str, page: int | None, extractor: str) -> tuple[str, PageQuality]:
    """Repair a page's text and judge what remains."""
    fixed, repaired = repair(text)
    problems = problems_of(fixed)
    return fixed, PageQuality(page, not problems, problems, repaired, extractor)


def empty_page(page: int, has_images: bool, extractor: str) -> PageQuality:
    """A page with no text: blank (readable, nothing to read) unless it carries an image (a scanned page)."""
    return PageQuality(page, not has_images, ("no_text",) if has_images else (), (), extractor)


# A picture at least this large (EMU; 914400 per inch) is a page, not a logo: about 11 × 14 cm.
_PAGE_IMAGE_EMU = (4_000_000, 5_000_000)
_EXTENT = re.compile(rb"<wp:extent\s+cx=\"(\d+)\"\s+cy=\"(\d+)\"")


def docx_page_images(raw: bytes) -> int:
    """How many page-sized pictures a DOCX body holds (a scanned page pasted into Word has no text to read)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            xml = zf.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return 0
    return sum(1 for cx, cy in _EXTENT.findall(xml) if int(cx) >= _PAGE_IMAGE_EMU[0] and int(cy) >= _PAGE_IMAGE_EMU[1])


def unreadable(quality: list[PageQuality]) -> list[PageQuality]:
    return [q for q in quality if not q.readable]


def describe(quality: list[PageQuality]) -> list[str]:
    """One line per unreadable page range with the same reason, then one per repair."""
    lines: list[str] = []
    bad = unreadable(quality)
    for reason, pages in _by_reason(bad).items():
        pictures = all(q.where == "文中的整页图片" for q in bad if q.reason == reason)
        lines.append(f"{'文中的整页图片' if pictures else _page_ranges(pages)}无法读取：{reason}")
    for code in dict.fromkeys(r for q in quality for r in q.repaired):
        pages = [q.page for q in quality if code in q.repaired]
        where = _page_ranges([p for p in pages if p is not None]) if pages and pages[0] is not None else "全文"
        lines.append(f"{where}已修复：{REPAIR_ZH[code]}")
    return lines


def _by_reason(bad: list[PageQuality]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for q in bad:
        out.setdefault(q.reason, []).append(q.page or 0)
    return out


def _page_ranges(pages: list[int]) -> str:
    if not pages or pages == [0]:
        return "全文"
    runs: list[list[int]] = []
    for p in sorted(pages):
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return "第" + "、".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs) + "页"
