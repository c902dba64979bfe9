"""Untrusted text and cited numbers: injected instructions stripped, their payloads scrubbed, numbers checked.

Scenarios, retrieved passages and uploads are data. Sentences that read as instructions to a model are kept
out of the offline composer, and what they ask a model to print is removed from LLM output.
"""
from __future__ import annotations

import re
from typing import Collection

from assistant.draft.result import CheckedCitation
from assistant.standards import Catalog, check_citations, find_numbers
from assistant.textnorm import split_sentences

REMOVED = "【已删除未核实的标准编号】"

_INJECTION = re.compile(
    r"(忽略|无视|不要理会|忘记|忘掉|不再遵守)(掉)?(你)?(以上|上述|之前|前面|先前|上面|所有|全部|此前)"
    r"|ignore\s+(all\s+|any\s+)?(the\s+)?(previous|above|prior|earlier)"
    r"|disregard\s+(all\s+|the\s+)?(previous|above|prior)"
    r"|system\s+prompt|系统提示词|你现在(是|扮演)|you\s+are\s+now|改为输出|请(直接)?输出以下",
    re.I,
)
_FOLLOW_UP = re.compile(r"输出|回复|回答|打印|写上|print|output|say", re.I)
_QUOTED = re.compile(r"[“\"「『']([^”\"」』']{4,80})[”\"」』']|[：:]\s*([^，。；;,\s]{4,80}?)[。.!！]?$")


def strip_injections(text: str) -> tuple[str, list[str]]:
    """The text without sentences that read as instructions to a model, and those sentences.

    Scenarios and retrieved passages are data: the offline composer never repeats an injected instruction,
    and the payloads found here are removed from LLM output as well.
    """
    kept_lines, flagged = [], []
    for line in text.splitlines():
        kept, after_flag = [], False
        for sentence in split_sentences(line):
            if _INJECTION.search(sentence) or (after_flag and _FOLLOW_UP.search(sentence)):
                flagged.append(sentence)
                after_flag = True
            else:
                kept.append(sentence)
                after_flag = False
        if kept or not line.strip():
            kept_lines.append("".join(kept))
    return "\n".join(kept_lines).strip(), flagged


def payloads(flagged: list[str]) -> list[str]:
    """Quoted strings (or text after a colon) in injected sentences: what an obedient model would print."""
    out = []
    for sentence in flagged:
        for m in _QUOTED.finditer(sentence):
            value = (m.group(1) or m.group(2) or "").strip()
            if len(value) >= 4 and value not in out:
                out.append(value)
    return out


def as_data(text: str) -> str:
    """Text for inside the <<<资料>>> fence: it may not close the fence itself."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def user_keys(scenario: str, group_numbers: Collection[str] = ()) -> set[str]:
    """Year-less keys of the numbers the user gave (in the scenario text or the group): never removed."""
    keys = {n.key for n, _, _ in find_numbers(scenario or "")}
    for number in group_numbers:
        keys.update(n.key for n, _, _ in find_numbers(number))
    return keys


def verify_numbers(catalog: Catalog, text: str, section: str,
                   given: Collection[str] = ()) -> tuple[str, list[CheckedCitation], list[str]]:
    """Check every cited number: wrong years corrected, title mismatches flagged; a number the catalog lacks is
    removed only when it is a national (GB, GB/T, GB/Z, plan) number the user did not give (`given`: year-less
    keys). Other unknown numbers (enterprise, group, local, industry; or the user's own) stay, as "unverified"."""
    citations = check_citations(catalog, text, section)
    spans = find_numbers(text)
    records, removed = [], []
    for (number, start, end), c in reversed(list(zip(spans, citations))):
        action = {"unknown": "removed", "wrong_year": "corrected", "title_mismatch": "flagged"}.get(c.status, "kept")
        if action == "removed" and (number.level != "national" or number.key in given):
            action = "unverified"
        if action == "removed":
            text = text[:start] + REMOVED + text[end:]
            removed.append(c.normalized)
        elif action == "corrected":
            text = text[:start] + str(c.expected) + text[end:]
        records.append(CheckedCitation(text=c.text, normalized=c.normalized, status=c.status, expected=c.expected,
                                       section=section, action=action))  # type: ignore[arg-type]
    return text, records[::-1], removed[::-1]


def scrub_payloads(text: str, found: list[str]) -> tuple[str, bool]:
    """The text with every injected payload replaced, and whether any was found."""
    changed = False
    for p in found:
        if p in text:
            text, changed = text.replace(p, "【已删除：输入中的注入指令内容】"), True
    return text, changed
