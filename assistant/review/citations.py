"""Citations checked against the catalog, and the 标准群 the document presents checked against the plan's rules."""
from __future__ import annotations

import re

from assistant.context import Context
from assistant.loaders import Block, Document
from assistant.review.result import CitationResult, GroupMemberResult, StandardGroupResult
from assistant.standards import (
    Catalog,
    GroupMember,
    check_citations,
    check_group,
    find_numbers,
    member_level,
    title_near,
)
from assistant.textnorm import HEADING_RE, heading_level

# ---- citations and the standard group -------------------------------------------------------------


def document_citations(catalog: Catalog, doc: Document) -> list[CitationResult]:
    out = []
    for block in doc.blocks:
        spans = find_numbers(block.text)  # check_citations reports the same numbers in the same order
        for c, (_, at, _) in zip(check_citations(catalog, block.text, block.location), spans):
            out.append(CitationResult(text=c.text, normalized=c.normalized, status=c.status, expected=c.expected,
                                      location=block.location_at(at), note=c.note))
    return out


_CORE_NO = re.compile(r"非核心|不是核心")
_YES = {"是", "√", "✓", "✔", "Y", "y", "yes", "Yes", "核心", "★"}
_GROUP_HEADING = re.compile(r"标准群|标准清单|标准体系构成|标准组合")
_ITEM_CUT = re.compile(r"[；;。、\n]|(?<![\d.])\d{1,2}[.．](?!\d)|[（(]\d{1,2}[）)]")


def _table_groups(doc: Document) -> list[tuple[str, list[Block]]]:
    """Runs of consecutive table rows; a DOCX table is named "表N", a flattened (PDF/text) one by its first row."""
    tables: list[tuple[str, list[Block]]] = []
    previous = None
    for i, block in enumerate(doc.blocks):
        if block.kind != "table_row":
            continue
        key = block.location.split("第")[0] if block.location.startswith("表") else ""  # "表2第3行" -> "表2"
        if tables and previous == i - 1 and (not key or key == tables[-1][0]):
            tables[-1][1].append(block)
        elif key and tables and key == tables[-1][0]:
            tables[-1][1].append(block)
        else:
            tables.append((key or f"{block.location}起的表格", [block]))
        previous = i
    return tables


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
        members.append(GroupMember(number=number.normalized, title=title_near(row.text, start, end) or _cell_title(cells, row.text[start:end]),
                                   core=core))
    return members


def _cell_title(cells: list[str], number_text: str) -> str:
    """In a table the title is usually the cell after the number's cell."""
    for i, cell in enumerate(cells[:-1]):
        if number_text in cell:
            nxt = cells[i + 1]
            return nxt if nxt and not find_numbers(nxt) and len(nxt) > 2 else ""
    return ""


def _is_core(text: str, numbers: list[tuple], i: int) -> bool:
    """Does the item of number i say it is the core? Its own item is the text from the end of the previous number
    (or the last ；。 line break before it) to the next number (or the first ；。 line break after it)."""
    _, start, end = numbers[i]
    lo = numbers[i - 1][2] if i > 0 else 0
    before = text[lo:start]
    cuts = [m.end() for m in _ITEM_CUT.finditer(before)]
    # Text between two numbers with no item break in it belongs to the earlier number's item.
    before = before[cuts[-1]:] if cuts else (before if i == 0 else "")
    hi = numbers[i + 1][1] if i + 1 < len(numbers) else len(text)
    after = text[end:hi]
    stop = _ITEM_CUT.search(after)
    after = after[: stop.start() + 1] if stop else after
    item = before + text[start:end] + after
    return "核心" in item and not _CORE_NO.search(item)


def _members_from_text(text: str) -> list[GroupMember]:
    """A group written as list items or prose: one member per distinct number."""
    members = []
    seen: set[str] = set()  # prose may cite a standard twice; a listed group names it once
    numbers = find_numbers(text)
    for i, (number, start, end) in enumerate(numbers):
        if number.key in seen:
            continue
        seen.add(number.key)
        title = title_near(text, start, end) or _plain_title(text[end:])
        members.append(GroupMember(number=number.normalized, title=title, core=_is_core(text, numbers, i)))
    return members


_PLAIN_TITLE = re.compile(r"^[ \t\u3000]+([^\s（(|《》，,；;。\n、][^（(|《》，,；;。\n、]{1,40}?)[ \t\u3000]*(?:[（(]|$|\n|[；;。，,])")


def _plain_title(after: str) -> str:
    """"GB/T 37393—2019 数字化车间 通用技术要求" (a list item without 《》): the words after the number."""
    m = _PLAIN_TITLE.match(after)
    return m.group(1).strip() if m and not find_numbers(m.group(1)) else ""


def _ends_section(heading: Block, opener: Block) -> bool:
    """Does `heading` close the section `opener` began? Only a heading at the same or an outer level does:
    compared by outline markers (一、 > （一） > 1. > (1)) when both have one, else by Markdown depth, else yes."""
    if HEADING_RE.match(heading.text) and HEADING_RE.match(opener.text):
        return heading_level(heading.text) <= heading_level(opener.text)
    if heading.level is not None and opener.level is not None:
        return heading.level <= opener.level
    return True


def _group_sections(doc: Document) -> list[tuple[str, str]]:
    """(heading, text) of every section whose heading names the group, with its sub-sections: the text of all its
    blocks joined by line breaks, so a list or paragraph a PDF cut at line wraps is read as one."""
    out: list[tuple[str, str]] = []
    opener: Block | None = None
    texts: list[str] = []
    for block in doc.blocks:
        if block.kind == "heading" and opener is not None and _ends_section(block, opener):
            out.append((opener.text, "\n".join(texts)))
            opener = None
        if block.kind == "heading" and opener is None:
            if _GROUP_HEADING.search(block.text):
                opener, texts = block, []
            continue
        if opener is not None:
            texts.append(block.text)
    if opener is not None:
        out.append((opener.text, "\n".join(texts)))
    return out


# "以国家标准GB/T 39116—2020《…》为核心" / "核心标准为GB/T 39116—2020": a core declared in prose.
_PROSE_CORE = re.compile(r"以[^。；]{0,80}?为核心|核心(?:国家)?标准(?:为|是|包括|：|:)[^。；]{0,80}")


def prose_cores(doc: Document) -> set[str]:
    """Year-less keys of the standards the text declares as the group's core."""
    keys: set[str] = set()
    for block in doc.blocks:
        for m in _PROSE_CORE.finditer(block.text):
            span = m.group()
            if _CORE_NO.search(span):
                continue
            keys.update(n.key for n, _, _ in find_numbers(span))
    return keys


def _mark_prose_cores(members: list[GroupMember], doc: Document) -> list[GroupMember]:
    cores = prose_cores(doc)
    if not cores:
        return members
    keys = {m.number: n.key for m in members for n, _, _ in find_numbers(m.number)[:1]}
    return [m.model_copy(update={"core": True}) if keys.get(m.number) in cores else m for m in members]


def find_group(doc: Document) -> tuple[list[GroupMember], str]:
    members, where = _find_group(doc)
    return _mark_prose_cores(members, doc), where


def _find_group(doc: Document) -> tuple[list[GroupMember], str]:
    """The standards the document presents as its 标准群: a table of numbers (preferring one under or next to
    a heading that says 标准群), else the numbers in a section whose heading mentions 标准群 (sub-sections and
    line-wrapped paragraphs included)."""
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
    for heading, text in _group_sections(doc):
        members = _members_from_text(text)
        if len(members) >= 2 and len(members) > len(best[1]):
            best = (len(members), members, f"“{heading}”一节")
    return best[1], best[2]


def review_group(ctx: Context, doc: Document) -> tuple[StandardGroupResult, str]:
    members, where = find_group(doc)
    if not members:
        missing = "未找到标准群清单" + ("（有页面无法读取，清单可能在其中）" if doc.unreadable else "")
        return StandardGroupResult(count=0, has_national_core=False, violations=[missing]), ""
    rules = ctx.corpus.plan.group_rules
    catalog = ctx.corpus.catalog
    checks = check_group(members, catalog, rules.min_count, rules.max_count)
    stated = _stated_count(doc.text)
    if stated and stated > len(members):
        # "配套GB/T 25485、GB/T 38619等6项标准" lists three of six: the list is short, not necessarily the group.
        checks.violations = [v for v in checks.violations if not v.startswith("标准数量")] + [
            f"文中称标准群共{stated}项，只列出{len(members)}项，请补全清单后再核对数量"
            + ("" if rules.min_count <= stated <= rules.max_count else
               f"（{stated}项也不在方案要求的{rules.min_count}–{rules.max_count}项之内）")]
    found = [GroupMemberResult(number=m.number, title=m.title or _catalog_title(catalog, m.number),
                               level=member_level(m, catalog), core=m.core) for m in members]
    return StandardGroupResult(**checks.model_dump(), members=found), where


def group_complete(doc: Document, group: StandardGroupResult) -> bool:
    """A group list was found and the text claims no more members than it lists."""
    stated = _stated_count(doc.text)
    return bool(group.members) and not (stated and stated > len(group.members))


_STATED = re.compile(r"(?:等|共|计)\s*(\d{1,2})\s*项(?:国家|行业|相关)?标准|标准群[^。；\n]{0,40}?(?:共|等|计|包括)\s*(\d{1,2})\s*项")


def _stated_count(text: str) -> int | None:
    """How many members the document says its group has (等6项标准, 标准群共8项)."""
    m = _STATED.search(text)
    return int(m.group(1) or m.group(2)) if m else None


def _catalog_title(catalog: Catalog, number: str) -> str:
    entry = catalog.get(number)
    return entry.title if entry else ""
