"""Citations checked against the catalog, and the 标准群 the document presents checked against the plan's rules."""
from __future__ import annotations

import re

from assistant.context import Context
from assistant.loaders import Block, Document
from assistant.review.result import CitationResult, StandardGroupResult
from assistant.standards import Catalog, GroupMember, check_citations, check_group, find_numbers, title_near


# ---- citations and the standard group -------------------------------------------------------------


def document_citations(catalog: Catalog, doc: Document) -> list[CitationResult]:
    out = []
    for block in doc.blocks:
        for c in check_citations(catalog, block.text, block.location):
            out.append(CitationResult(text=c.text, normalized=c.normalized, status=c.status, expected=c.expected,
                                      location=c.location))
    return out


_CORE_NO = re.compile(r"非核心|不是核心")
_YES = {"是", "√", "✓", "✔", "Y", "y", "yes", "Yes", "核心", "★"}


def _table_groups(doc: Document) -> list[tuple[str, list[Block]]]:
    tables: dict[str, list[Block]] = {}
    for block in doc.blocks:
        if block.kind == "table_row":
            key = block.location.split("第")[0]  # "表2第3行" -> "表2"
            tables.setdefault(key, []).append(block)
    return list(tables.items())


def _members_from_rows(rows: list[Block]) -> list[GroupMember]:
    header = next((r for r in rows if not find_numbers(r.text)), None)
    core_col = None
    if header is not None:
        cells = [c.strip() for c in header.text.split(" | ")]
        core_col = next((i for i, c in enumerate(cells) if "核心" in c), None)
        header_cells = len(cells)
    members = []
    for row in rows:
        numbers = find_numbers(row.text)
        if not numbers:
            continue
        cells = [c.strip() for c in row.text.split(" | ")]
        if core_col is not None and len(cells) == header_cells:
            core = cells[core_col] in _YES or ("核心" in cells[core_col] and not _CORE_NO.search(cells[core_col]))
        else:
            core = "核心" in row.text and not _CORE_NO.search(row.text)
        number, start, end = numbers[0]
        members.append(GroupMember(number=number.normalized, title=title_near(row.text, start, end) or "", core=core))
    return members


def _members_from_text(blocks: list[Block]) -> list[GroupMember]:
    """A group written as lines or prose: each number's stretch (up to the next number) says if it is core."""
    members = []
    seen: set[str] = set()  # prose may cite a standard twice; a listed group names it once
    for block in blocks:
        numbers = find_numbers(block.text)
        for i, (number, start, end) in enumerate(numbers):
            if number.key in seen:
                continue
            seen.add(number.key)
            stop = numbers[i + 1][1] if i + 1 < len(numbers) else len(block.text)
            stretch = block.text[start:stop]
            core = "核心" in stretch and not _CORE_NO.search(stretch)
            members.append(GroupMember(number=number.normalized, title=title_near(block.text, start, end) or "", core=core))
    return members


def find_group(doc: Document) -> tuple[list[GroupMember], str]:
    """The standards the document presents as its 标准群: a table of numbers (preferring one under or next to
    a heading that says 标准群), else the numbers in a section whose heading mentions 标准群."""
    best: tuple[float, list[GroupMember], str] = (0.0, [], "")
    for key, rows in _table_groups(doc):
        members = _members_from_rows(rows)
        if len(members) < 2:
            continue
        context = rows[0].section + " " + rows[0].text
        score = len(members) + (100 if "标准群" in context or "标准清单" in context else 0) + \
            (10 if any(m.core for m in members) else 0)
        if score > best[0]:
            best = (score, members, f"{key}（{rows[0].section or '正文'}）")
    if best[1]:
        return best[1], best[2]
    sections: dict[str, list[Block]] = {}
    for block in doc.blocks:
        if block.kind != "heading" and "标准群" in block.section:
            sections.setdefault(block.section, []).append(block)
    for heading, blocks in sections.items():
        members = _members_from_text(blocks)
        if len(members) >= 2 and len(members) > len(best[1]):
            best = (len(members), members, f"“{heading}”一节")
    return best[1], best[2]


def review_group(ctx: Context, doc: Document) -> tuple[StandardGroupResult, str]:
    members, where = find_group(doc)
    if not members:
        return StandardGroupResult(count=0, has_national_core=False, violations=["未找到标准群清单"]), ""
    rules = ctx.corpus.plan.group_rules
    checks = check_group(members, ctx.corpus.catalog, rules.min_count, rules.max_count)
    return StandardGroupResult(**checks.model_dump()), where
