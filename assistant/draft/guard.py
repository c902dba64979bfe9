"""What a model wrote for one section is data: checked like user input before it may stand in the draft.

A section is rejected (and composed offline instead) when it is empty, not Chinese, over-long, a degenerate
loop, mostly echoes of the prompt, or structurally another section. Echoed lines (fences, instruction lines,
source labels, internal file names) are dropped; figures that appear nowhere in what the model was given are
replaced by a placeholder and counted. Standard numbers are checked afterwards by `verify_numbers`.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.standards import find_numbers
from assistant.textnorm import split_sentences

MIN_CHINESE_SHARE = 0.6  # of the letters (CJK + Latin): below it the section is "not Chinese"
MAX_SECTION_CHARS = 2500
MAX_ECHO_SHARE = 1 / 3  # more echoed sentences than this and the section is rejected
MAX_REPEAT_SHARE = 1 / 3
FIGURE_PLACEHOLDER = "【待补充：数值】"

_ECHO = re.compile(
    r"<<<|>>>|‹‹‹|›››|资料开始|资料结束|只是资料|不是指令|写作要求|写作规则|本节标题|本节要写清|只输出本节"
    r"|[\w.-]+/[\w./-]+\.(?:ya?ml|md|txt|json|pdf|docx)\b|\b[\w-]+\.(?:ya?ml|json)\b"
    r"|（[^（）]{1,60}\s·\s[^（）]{1,40}）|\[\d+\]\s*（",
    re.I,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# A figure: a percentage, an amount, a date, or a count with a unit. Schedule positions (第3个月) are not facts.
_FIGURE = re.compile(
    r"(?<![\d.])((?:19|20)\d{2})\s*[年\-/.]\s*\d{1,2}\s*月?(?:\d{1,2}\s*日)?"
    r"|(?<![\d.第])(\d+(?:\.\d+)?)\s*(%|％|个百分点|万元|亿元|元|万吨|吨|万平方米|平方米|千瓦时|kWh|万台|台|套|条|家|人|"
    r"小时|分钟|秒|天|个月|年|月|倍)"
)
_HEADING = re.compile(r"^\s*#{1,6}\s*(.+?)\s*$|^\s*\*\*(.+?)\*\*\s*$")


@dataclass
class SectionCheck:
    """The outcome for one model-written section: the text that may stand, or the reasons it may not."""

    text: str
    problems: list[str] = field(default_factory=list)  # any → replaced by the offline composer
    echoes: int = 0
    figures: list[str] = field(default_factory=list)  # figures nobody gave, replaced by FIGURE_PLACEHOLDER
    trimmed: bool = False  # cut at the output limit, kept up to the last complete sentence

    @property
    def ok(self) -> bool:
        return not self.problems


def check_section(text: str, *, finish: str | None, known: str, other_headings: list[str]) -> SectionCheck:
    """Validate one section. `known`: everything the model was given (scenario, group, passages, prompt)."""
    result = SectionCheck(text=text.strip())
    if finish == "length":
        result.text, result.trimmed = _last_full_sentence(result.text), True
    if not result.text:
        result.problems.append("回复为空或被截断" if finish == "length" else "回复为空")
        return result
    result.text = _cut_other_sections(result.text, other_headings, result)
    result.text, result.echoes, total = _drop_echoes(result.text)
    if total and result.echoes / total > MAX_ECHO_SHARE:
        result.problems.append(f"复述了提示词或资料标记（{result.echoes}句）")
    if _chinese_share(result.text) < MIN_CHINESE_SHARE:
        result.problems.append("不是中文")
    if len(result.text) > MAX_SECTION_CHARS:
        result.problems.append(f"过长（{len(result.text)}字）")
    result.text, repeated = _drop_repeats(result.text)
    if repeated:
        result.problems.append(f"重复循环（同一句重复{repeated}次）")
    if not result.problems and not result.text.strip():
        result.problems.append("去掉复述后没有正文")
    result.text, result.figures = flag_figures(result.text, known)
    return result


def flag_figures(text: str, known: str) -> tuple[str, list[str]]:
    """Replace figures (percentages, amounts, dates, counts) that appear nowhere in `known`."""
    given = set(re.findall(r"\d+(?:\.\d+)?", _without_numbers(known)))
    spans = [(s, e) for _, s, e in find_numbers(text)]
    found: list[str] = []

    def replace(m: re.Match) -> str:
        if any(s <= m.start() < e for s, e in spans):
            return m.group(0)
        value = m.group(1) or m.group(2)
        if value in given:
            return m.group(0)
        found.append(m.group(0))
        return FIGURE_PLACEHOLDER

    return _FIGURE.sub(replace, text), found


def _without_numbers(text: str) -> str:
    """Standard numbers' digits are not figures anyone gave."""
    for _, s, e in reversed(find_numbers(text)):
        text = text[:s] + " " + text[e:]
    return text


def _last_full_sentence(text: str) -> str:
    ends = [m.end() for m in re.finditer(r"[。！？；]", text)]
    return text[: ends[-1]].strip() if ends else ""


def _cut_other_sections(text: str, headings: list[str], result: SectionCheck) -> str:
    """A model that goes on to write the next sections: keep only this one."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        title = (m.group(1) or m.group(2)) if m else line.strip().rstrip("：:")
        if title and any(h == title.strip("*# ：:") for h in headings):
            if i == 0:
                result.problems.append(f"写成了另一节（{title}）")
            return "\n".join(lines[:i]).strip()
    return text


def _drop_echoes(text: str) -> tuple[str, int, int]:
    """The text without sentences that echo the prompt; (text, echoed sentences, all sentences)."""
    out, echoes, total = [], 0, 0
    for line in text.splitlines():
        kept = []
        for sentence in split_sentences(line):
            total += 1
            if _ECHO.search(sentence):
                echoes += 1
            else:
                kept.append(sentence)
        out.append("".join(kept))
    return "\n".join(out).strip(), echoes, total


def _drop_repeats(text: str) -> tuple[str, int]:
    """Repeated sentences removed; returns the most repeats of one sentence when it is a degenerate loop."""
    sentences = [s for line in text.splitlines() for s in split_sentences(line) if s.strip()]
    counts = Counter(_key(s) for s in sentences)
    worst = max(counts.values(), default=0)
    looped = sentences and worst >= 3 and (sum(c - 1 for c in counts.values()) / len(sentences)) > MAX_REPEAT_SHARE
    looped = looped or bool(re.search(r"(.{4,30}?)\1{3,}", text))
    seen: set[str] = set()
    out = []
    for line in text.splitlines():
        kept = []
        for s in split_sentences(line):
            if _key(s) not in seen:
                seen.add(_key(s))
                kept.append(s)
        out.append("".join(kept))
    return "\n".join(out).strip(), (max(worst, 4) if looped else 0)


def _key(sentence: str) -> str:
    return re.sub(r"\W", "", sentence)


def _chinese_share(text: str) -> float:
    cjk, latin = len(_CJK.findall(text)), len(_LATIN.findall(text))
    return cjk / (cjk + latin / 4) if cjk + latin else 0.0  # ~4 Latin letters make one English word
