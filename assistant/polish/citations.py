"""Citation rules: the house form 《标题》（编号）, catalog validity, and the group's stated size and members."""
from __future__ import annotations

import re
from dataclasses import replace

from assistant.polish.structure import LIST_ITEM, _Checker, _Section
from assistant.standards import (
    NumberHit,
    Standard,
    check_number,
    find_numbers,
    lifecycle_note,
    read_numbers,
    title_near,
)
from assistant.textnorm import width_fold

# Catalog statuses that make a number itself wrong; the house-form check is moot for those.
_NUMBER_PROBLEMS = {"unknown": "unknown_number", "wrong_year": "wrong_year", "replaced": "replaced_edition",
                    "abolished": "abolished"}


# -- 2, 3 citations

def check_citations(ck: _Checker) -> None:
    first_seen: set[str] = set()
    for si, sec, pi, para in ck.body():
        text = para.text
        for hit in read_numbers(text):
            hit = _with_source_break(hit, para)
            title = title_near(text, hit.start, hit.end)
            entry = ck.catalog.get(hit.number)
            status, expected = _catalog_status(ck, hit, title, entry)
            loc = ck.where(sec, para, hit.start)
            pos = (si, pi, hit.start)
            published_plan = entry is not None and entry.status == "plan" and status == "replaced"
            if status != "ok" and not published_plan:
                _invalid(ck, hit, status, expected, title, entry, sec, loc, pos)
            elif published_plan and expected:
                # A plan number a source links to its published standard: the write-up should cite the standard.
                published = ck.catalog.get(expected)
                ck.add("citation_valid", sec.label, loc,
                       f"写作“{hit.written}”：该计划号已发布为 {expected}", f"改为：{published.display() if published else expected}",
                       pos, ("replaced_edition",), hit.written)
            first = hit.number.key not in first_seen
            first_seen.add(hit.number.key)
            if entry is None or (status in _NUMBER_PROBLEMS and not published_plan) or _series_mention(text, hit.end):
                continue
            titled = para.kind == "table_row" and _title_in_row(text, entry)
            problems, kinds = _form_problems(text, hit, entry,
                                             first and status != "title_mismatch" and not titled, table=titled)
            if problems:
                ck.add("citation_form", sec.label, loc,
                       f"标准引用“{_cited_span(text, hit.start, hit.end)}”不符合规范写法：" + "；".join(problems),
                       f"改为：{entry.display()}" if first else f"改为：{entry.display()}（或仅写编号 {entry.number}）",
                       pos, kinds, hit.written)


def _with_source_break(hit: NumberHit, para) -> NumberHit:
    """A number the source file broke over two lines ("GB/T⏎42202—2022") reads whole once the lines are joined;
    the break is still a form problem, as it splits the number in print."""
    inside = any(hit.start < offset < hit.end for offset, _ in para.lines or [])
    if not inside or "编号中间断行" in hit.changes:
        return hit
    return replace(hit, changes=("编号中间断行", *hit.changes))


def _catalog_status(ck: _Checker, hit: NumberHit, title: str | None, entry: Standard | None) -> tuple[str, str | None]:
    """The catalog's verdict: ok, wrong_year, title_mismatch, replaced, abolished, unknown (or any status it adds)."""
    return check_number(ck.catalog, hit.number, title)


def _superseded(entry: Standard | None, hit: NumberHit) -> bool:
    """An edition the catalog records as no longer current (cited with its year)."""
    return entry is not None and hit.number.year is not None and (
        entry.status == "replaced" or (entry.status == "published" and bool(entry.replaced_by)))


def _invalid(ck: _Checker, hit: NumberHit, status: str, expected: str | None, title: str | None,
             entry: Standard | None, sec: _Section, loc: str, pos: tuple) -> None:
    raw = hit.written
    form = f"（{'，'.join(hit.changes)}）" if hit.changes else ""
    # GB 39116 for GB/T 39116: unknown as written, and a form problem (the prefix) when the catalog has the sibling
    wrong_prefix = status == "unknown" and bool(expected)
    kinds = [_NUMBER_PROBLEMS.get(status, status)] + (["number_form"] if hit.changes or wrong_prefix else [])
    parts = [s for s in ck.catalog.standards if s.key.startswith(hit.number.key + ".")] if status == "unknown" else []
    if parts and "." not in hit.number.code:
        # GB/T 39466—2020 for a standard published in parts: the number is missing its part, not unknown.
        names = "、".join(f"{s.number}《{s.title}》" for s in sorted(parts, key=lambda s: s.number)[:3])
        ck.add("citation_form", sec.label, loc, f"“{raw}”是分部分发布的标准，编号缺少部分号：目录中有 {names}"
               + ("等" if len(parts) > 3 else ""), "写明所引用的部分，如 " + parts[0].display(), pos, ("number_form",), raw)
        return
    if status == "unknown":
        hint = f"；是否应为 {expected}？" if expected else ""
        written = f"，规范写法为 {hit.normalized}{form}" if hit.changes else ""
        msg = f"标准编号“{raw}”不在标准目录中，无法核实{written}{hint}"
        fix = "核对编号是否有误；如确为现行有效标准，请附标准名称与发布信息以便入库前核实，否则删除"
    elif status == "wrong_year":
        msg = f"写作“{raw}”，应为 {entry.number}：年代号与目录不符{form}"
        fix = f"改为：{entry.display()}"
    elif status == "replaced":
        note = lifecycle_note(ck.catalog, entry) if entry else ""
        msg = f"写作“{raw}”：{note or f'该版本已被 {expected} 代替'}{form}"
        fix = f"改为现行版本 {_display(ck, expected)}；如确需引用旧版，注明“已被 {expected} 替代”"
    elif status == "abolished":
        note = lifecycle_note(ck.catalog, entry) if entry else ""
        msg = f"写作“{raw}”：{note or '该标准已废止'}{form}"
        fix = "删除该引用，或改为替代它的现行标准；如确需提及，注明“已废止”"
    elif status == "title_mismatch":
        msg = f"“{raw}”前后的标准名称《{title}》与目录不符（目录为《{entry.title}》）"
        fix = f"改为：{expected or entry.display()}"
        if _superseded(entry, hit):  # the edition is checked apart from the title
            now = ck.catalog.successor(entry) or entry.replaced_by
            msg += f"；且该版本已被 {now} 代替"
            fix += f"，或改为现行版本 {_display(ck, now)}"
            kinds.insert(1, "replaced_edition")
    else:  # a status the catalog added later: shown as it is rather than dropped
        msg = f"“{raw}”在目录中的状态为 {status}" + (f"（目录为 {expected}）" if expected else "")
        fix = "核对该标准的版本与状态"
    ck.add("citation_valid", sec.label, loc, msg, fix, pos, tuple(kinds), raw)


def _display(ck: _Checker, number: str | None) -> str:
    entry = ck.catalog.get(number) if number else None
    return entry.display() if entry else (number or "")


# -- 4 group consistency

def check_group(ck: _Checker) -> None:
    group = next((s for s in ck.sections if s.name == "标准群构成"), None)
    if group is None:
        return
    listed: dict[str, str] = {}
    unnumbered: list[str] = []  # 8.企业标准《光缆盘标识编码规则》: a member listed by title alone
    for para in group.paras:
        numbers = find_numbers(para.text)
        for num, _, _ in numbers:
            entry = ck.catalog.get(num)
            listed.setdefault(num.key, entry.number if entry else num.normalized)
        if not numbers and _is_item(para):  # （七）企业标准《组件生产数据字典》《EL图像缺陷分级规范》: two members
            titles = [f"《{t}》" for t in re.findall(r"《([^《》]{2,60})》", para.text)]
            unnumbered += titles or (["企业标准"] if "企业标准" in para.text else [])
        elif numbers:  # "…；企业标准《服装吊挂线作业规范》。" inside a list written as one sentence
            unnumbered += [f"《{t}》" for run in _ENTERPRISE_TITLES.finditer(para.text)
                           for t in re.findall(r"《([^《》]{2,60})》", run.group(0))]
    if not listed:
        return
    # "企业标准2项（《设备三维模型交付规范》《远程运维数据接口规范》）" in running text: members the section counts
    # without numbers (less those listed with a Q/ number)
    stated = [_zh_int(m.group("n") or m.group("n2")) or 0
              for p in group.paras for m in _ENTERPRISE_COUNT.finditer(width_fold(p.text))]
    extra = max(len(unnumbered), sum(stated) - sum(k.startswith("Q/") for k in listed))
    # T/CBMF 89—2020 / T/CCPA 16—2020: one standard two associations published together, under both numbers
    n = len(listed) - sum(len(_JOINT.findall(p.text)) for p in group.paras) + extra
    listed.update({f"_{k}": t for k, t in enumerate(unnumbered)})
    if extra > len(unnumbered):
        listed["_enterprise"] = f"企业标准{extra - len(unnumbered)}项（未列编号）"
    for si, sec, pi, para in ck.body():
        for m in _count_statements(para.text):
            stated = _zh_int(m.group("n"))
            # "共8项国家/行业标准，另有企业标准2项": a count may leave the unnumbered members out
            if stated is None or stated in (n, n - extra):
                continue
            ck.add("group_consistency", sec.label, ck.where(sec, para, m.start()),
                   f"文中称“{m.group(0)}”（{stated}项），但“标准群构成”一节列出 {n} 项不同的标准",
                   f"将“{m.group('n')}项”改为“{_same_style(m.group('n'), n)}项”，或在“标准群构成”中补全/删减标准清单使两处一致"
                   f"（目前列出：{'、'.join(listed.values())}）", (si, pi, m.start()))
        if sec is group:
            continue
        reported: set[str] = set()
        for num, start, end in find_numbers(para.text):
            key = num.key
            if key in reported or key in listed or any(k.startswith(key + ".") or key.startswith(k + ".")
                                                       for k in listed):
                continue
            reported.add(key)
            ck.add("group_consistency", sec.label, ck.where(sec, para, start),
                   f"“{sec.label}”引用了 {num.normalized}，但它不在“标准群构成”列出的标准中",
                   f"若该标准属于标准群，请补入“标准群构成”并同步修改标准数量（应为{n + 1}项）；"
                   f"若不属于，请删除或说明它与标准群的关系", (si, pi, start))


_ENTERPRISE_TITLES = re.compile(r"企业标准[：:]?\s*《[^《》]{2,60}》(?:\s*[、和及与]?\s*《[^《》]{2,60}》)*(?!\s*[（(]?\s*Q\s*/)")
_JOINT = re.compile(r"(?:T|DB\d{2})/[A-Z]{2,12}\s*\d+(?:\.\d+)?\s*[—–-]\s*\d{4}\s*/\s*(?=(?:T|DB\d{2})/)")


def _is_item(para) -> bool:
    """One member per line: a list item (1. ① - ), a table row, or a line that opens with a title."""
    text = para.text.strip()
    return para.kind == "table_row" or bool(LIST_ITEM.match(text)
                                            or re.match(r"^(?:[①-⑳]|[（(][一二三四五六七八九十]{1,3}[）)]|《|企业标准)", text))


# citations ------------------------------------------------------------------------------------------

_TITLE_BRACKET = re.compile(r"《([^《》]{1,80})》\s*([（(])\s*$")
_TITLE_ONLY = re.compile(r"《([^《》]{1,80})》\s*$")
# A title right after the number (space or colon) is its own; after 、 or ， or one with its own (number), the next item's.
_TITLE_AFTER = re.compile(r"^\s*[）)]?\s*[：:]?\s*《([^《》]{1,80})》(?!\s*[（(]\s*[A-Z0-9])")


def _series_mention(text: str, end: int) -> bool:
    return bool(re.match(r"\s*(?:系列|等系列|各部分)", text[end:end + 6]))


def _cited_span(text: str, start: int, end: int) -> str:
    """The whole citation as written: 《title》（number） / (number) / number 《title》."""
    s, e = start, end
    before = re.search(r"《[^《》]{1,80}》\s*[（(]?\s*$", text[max(0, start - 90):start])
    if before:
        s = start - (len(text[max(0, start - 90):start]) - before.start())
    elif start and text[start - 1] in "（(":
        s = start - 1
    close = re.match(r"\s*[）)]", text[end:])
    if close:
        e = end + close.end()
    return re.sub(r"\s*\n\s*", "", text[s:e])


def _title_in_row(row: str, entry) -> bool:
    """A table row lists the title in its own cell (序号 | 编号 | 名称)."""
    titles = {re.sub(r"\s", "", t) for t in [entry.title, *entry.alt_titles]}
    return any(re.sub(r"[\s《》]", "", cell) in titles for cell in row.split(" | "))


def _form_problems(text: str, hit: NumberHit, entry: Standard, need_title: bool,
                   table: bool = False) -> tuple[list[str], tuple[str, ...]]:
    """What keeps a citation of a known number from the house form, and the kinds (number_form, citation_title)."""
    problems, kinds = [], []
    number = entry.number
    detail = list(hit.changes)
    if entry.year and hit.year_missing:
        detail.append("缺少年代号")
    written = hit.written
    if entry.year and not hit.year_missing and text[hit.end:hit.end + 1] == "版":  # GB/T 23001—2017版
        detail.append("年代号后不加“版”字")
        written += "版"
    if detail and written == number:  # only the line break was wrong
        rest = [d for d in detail if d != "编号中间断行"]
        problems.append(f"编号“{number}”中间断行" + (f"（{'，'.join(rest)}）" if rest else "") + "，应写在同一行")
    elif detail:
        problems.append(f"写作“{written}”，编号应写作“{number}”（" + "，".join(detail) + "）")
    if detail:
        kinds.append("number_form")
    if table:  # number and title in separate cells: only the number's typography matters
        return problems, tuple(kinds)
    title_problems = _title_problems(text, hit.start, hit.end, need_title)
    if title_problems:
        kinds.append("citation_title")
    return problems + title_problems, tuple(kinds)


def _title_problems(text: str, start: int, end: int, need_title: bool) -> list[str]:
    problems = []
    before = text[max(0, start - 90):start]
    after = text[end:]
    after = after[1:] if after.startswith("版") else after  # GB/T 37393—2019版《…》: the slip is reported as a form
    bracket = _TITLE_BRACKET.search(before)
    if bracket:
        close = after.lstrip()[:1]
        if bracket.group(2) == "(" or close == ")":
            problems.append("括号应为全角“（）”")
        elif close != "）":
            problems.append("缺少右括号“）”")
    elif _TITLE_ONLY.search(before):
        problems.append("编号应放在标准名称后的全角括号内")
    elif _TITLE_AFTER.match(after):
        problems.append("标准名称应写在编号之前：《标题》（编号）")
    elif need_title:
        problems.append("首次引用缺少标准名称")
        if before.rstrip().endswith("(") or after.lstrip().startswith(")"):
            problems.append("括号应为全角“（）”")
    return problems


# group --------------------------------------------------------------------------------------------

_ZH_NUM = r"(?:\d{1,3}|[一二两三四五六七八九十]{1,3})"
_ENTERPRISE_COUNT = re.compile(rf"企业标准\s*(?P<n>{_ZH_NUM})\s*项|(?P<n2>{_ZH_NUM})\s*项企业标准")
_COUNT_RES = [
    re.compile(rf"标准群[^。；\n]{{0,6}}?(?:共|总计|合计|共计|一共)[有计含涉及包括]{{0,3}}\s*(?P<n>{_ZH_NUM})\s*项"),
    re.compile(rf"(?:标准群|标准体系)?(?:由|包含|包括|涵盖|共有|含)\s*(?P<n>{_ZH_NUM})\s*项[^。；，\n]{{0,10}}?标准(?:组成|构成)?"),
    re.compile(rf"(?:共|总计|合计|共计|一共)[有计含涉及包括采用选用应用引用]{{0,3}}\s*(?P<n>{_ZH_NUM})\s*项[^。；，、\n]{{0,6}}?标准"),
]


def _count_statements(text: str):
    seen: set[int] = set()
    out = []
    for rx in _COUNT_RES:
        for m in rx.finditer(text):
            if m.start("n") in seen:
                continue
            # "另配企业标准2项" counts standards outside the list; "其中3项" is a part, not the total
            if re.search(r"(?:其中|另|另外|此外)[^。；，]{0,4}$", text[:m.start()]):
                continue
            seen.add(m.start("n"))
            out.append(m)
    return sorted(out, key=lambda m: m.start())


def _same_style(written: str, n: int) -> str:
    """n written the way the original wrote its count: digits, or Chinese numerals (八项)."""
    if written.isdigit() or n > 99 or n < 1:
        return str(n)
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")) + (digits[ones] if ones else "")


def _zh_int(s: str) -> int | None:
    if s.isdigit():
        return int(s)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(s) if len(s) == 1 else None
