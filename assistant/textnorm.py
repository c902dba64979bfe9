"""Chinese-first text normalisation: full/half width, dashes, whitespace, sentence and heading structure."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Every dash-like character a standard number may be typed with; they all mean the same separator.
DASHES = "-‐‑‒–—―−－﹣⁃"
_DASH_RE = re.compile(f"[{re.escape(DASHES)}]")
_SPACE_RE = re.compile(r"[ \t\u00a0\u3000]+")

SENTENCE_END = "。！？；!?;"
_SENTENCE_RE = re.compile(rf"[^{SENTENCE_END}\n]*(?:[{SENTENCE_END}]+[”’」』）)]*|\n|$)")

# 一、  （一）  1.  1．  1、  (1)  第一章  — the heading shapes Chinese official documents use.
HEADING_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百\d]+[章节部分条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]"
    r"|\d{1,2}(?:\.\d{1,2})*[\.．、](?!\d)|[（(]\d{1,2}[）)])"
)


def nfkc(text: str) -> str:
    """Full-width letters/digits/punctuation to half width (ＧＢ／Ｔ → GB/T), but keep Chinese punctuation."""
    out = []
    for ch in text:
        # NFKC would turn （ into ( and ： into :, which breaks Chinese heading and sentence rules.
        if ch in "（）：；，。！？、【】《》“”‘’—":
            out.append(ch)
        else:
            out.append(unicodedata.normalize("NFKC", ch))
    return "".join(out)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> tuple[str, bool]:
    """A text in Traditional characters in the simplified script the programme's documents use (本公司為台資企業 →
    本公司为台资企业), and whether anything changed. Text already simplified comes back as it is."""
    out = _t2s().convert(text)
    return out, out != text


def width_fold(text: str) -> str:
    """`nfkc` when it keeps the length (９６．２％ → 96.2%), so offsets found in the result point into `text`."""
    out = nfkc(text)
    return out if len(out) == len(text) else text


def unify_dashes(text: str, dash: str = "-") -> str:
    return _DASH_RE.sub(dash, text)


def squash_spaces(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()


def normalize(text: str) -> str:
    """Normalised form used for matching (not for display): half width, one dash, single spaces."""
    return squash_spaces(unify_dashes(nfkc(text)))


def join_lines(left: str, right: str) -> str:
    """Join wrapped lines: Chinese lines join without a space; Latin words keep one."""
    if left and left[-1].isascii() and left[-1].isalpha() and right[:1].isascii() and right[:1].isalpha():
        return f"{left} {right}"
    return left + right


def split_sentences(text: str) -> list[str]:
    """Split at 。！？； (and line ends), keeping the punctuation with its sentence."""
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


# GB/T 1.1-style clause numbers: "1 项目基本情况", "4.2 实施路径" (a number, a space, a title). A count is not one:
# "3 家企业参加…", "12 月完成…".
_SPACED_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\s+(?![家台个人次年月日天条套种名吨万亿余多届批位只件]|项(?!目))"
                            r"(?=[\u4e00-\u9fff])")


# An appendix's title ("附：项目组织架构与人员", "附件2 推广活动一览表"): what follows belongs to the appendix,
# not to the section before it.
_APPENDIX = re.compile(r"^\s*(?:附件\s*\d{0,2}|附表\s*\d{0,2}|附录\s*[A-Z\d]?|附)\s*[：:、．.\s]\s*(?=[\u4e00-\u9fff])")


def is_heading(line: str, max_len: int = 40) -> bool:
    """A short line that starts with a Chinese outline marker or a clause number is a heading."""
    line = line.strip()
    if not line or len(line) > max_len:
        return False
    marker = HEADING_RE.match(line) or _APPENDIX.match(line)
    if not marker:
        marker = _SPACED_NUMBER.match(line)
        if not marker or line.endswith(tuple("。；！？，,：:")):
            return False
    # "1.智能工厂建设应用类。围绕…" is a numbered paragraph, not a heading: it runs on past a full stop.
    body = line[marker.end():]
    return not any(p in body[:-1] for p in "。；！？")


def heading_level(line: str) -> int:
    """1 for 一、/第X章, 2 for （一）, 3 for 1. / 1.1, 4 for (1)."""
    line = line.strip()
    if re.match(r"^(第[一二三四五六七八九十百\d]+[章部分]|[一二三四五六七八九十]+、)", line):
        return 1
    if re.match(r"^[（(][一二三四五六七八九十]+[）)]", line):
        return 2
    if re.match(r"^\d", line):
        return 3
    return 4
