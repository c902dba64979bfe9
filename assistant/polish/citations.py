"""Citation rules: the house form 《标题》（编号）, catalog validity, and the group's stated size and members."""
from __future__ import annotations

import re

from assistant import standards
from assistant.polish.structure import _Checker, _Section
from assistant.standards import find_numbers
from assistant.textnorm import nfkc

# -- 2, 3 citations

def check_citations(ck: _Checker) -> None:
    first_seen: set[str] = set()
    for si, sec, pi, para in ck.body():
        text = para.text
        numbers = find_numbers(text)
        cits = standards.check_citations(ck.catalog, text, "")
        for (num, start, end), cit in zip(numbers, cits):
            entry = ck.catalog.get(num)
            loc = ck.where(sec, para, start)
            pos = (si, pi, start)
            raw = re.sub(r"\s*\n\s*", "", text[start:end])
            if cit.status != "ok":
                _invalid(ck, cit, entry, raw, sec, loc, pos)
            first = num.key not in first_seen
            first_seen.add(num.key)
            if entry is None or cit.status == "wrong_year" or _series_mention(text, end):
                continue
            titled = para.kind == "table_row" and _title_in_row(text, entry)
            problems = _form_problems(text, start, end, raw, entry,
                                      first and cit.status != "title_mismatch" and not titled, table=titled)
            if problems:
                ck.add("citation_form", sec.label, loc,
                       f"标准引用“{_cited_span(text, start, end)}”不符合规范写法：" + "；".join(problems),
                       f"改为：{entry.display()}" if first else f"改为：{entry.display()}（或仅写编号 {entry.number}）",
                       pos)


def _invalid(ck: _Checker, cit, entry, raw: str, sec: _Section, loc: str, pos: tuple) -> None:
    if cit.status == "unknown":
        msg = f"标准编号“{raw}”不在标准目录中，无法核实"
        fix = "核对编号是否有误；如确为现行有效标准，请附标准名称与发布信息以便入库前核实，否则删除"
    elif cit.status == "wrong_year":
        msg = f"“{raw}”的年代号与目录不符（目录为 {entry.number}）"
        fix = f"改为：{entry.display()}"
    elif cit.status in ("replaced", "abolished"):
        msg = f"“{raw}”{cit.note or standards.STATUS_ZH[cit.status]}"
        now = ck.catalog.edition(cit.expected) if cit.expected else None
        fix = (f"改为现行版本：{now.display() if now else cit.expected}" if cit.expected
               else "删除，或说明引用已废止标准的理由")
    else:
        msg = f"“{raw}”前后的标准名称《{cit.title}》与目录不符（目录为《{entry.title}》）"
        fix = f"改为：{cit.expected or entry.display()}"
    ck.add("citation_valid", sec.label, loc, msg, fix, pos)


# -- 4 group consistency

def check_group(ck: _Checker) -> None:
    group = next((s for s in ck.sections if s.name == "标准群构成"), None)
    if group is None:
        return
    listed: dict[str, str] = {}
    for para in group.paras:
        for num, _, _ in find_numbers(para.text):
            entry = ck.catalog.get(num)
            listed.setdefault(num.key, entry.number if entry else num.normalized)
    if not listed:
        return
    n = len(listed)
    for si, sec, pi, para in ck.body():
        for m in _count_statements(para.text):
            stated = _zh_int(m.group("n"))
            if stated is None or stated == n:
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


# citations ------------------------------------------------------------------------------------------

_TITLE_BRACKET = re.compile(r"《([^《》]{1,80})》\s*([（(])\s*$")
_TITLE_ONLY = re.compile(r"《([^《》]{1,80})》\s*$")
_TITLE_AFTER = re.compile(r"^\s*[）)]?\s*[，、：:]?\s*《([^《》]{1,80})》")


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


def _form_problems(text: str, start: int, end: int, raw: str, entry, need_title: bool,
                   table: bool = False) -> list[str]:
    problems = []
    number = entry.number
    if raw != number:
        detail = []
        norm = nfkc(raw)
        if norm != raw:
            detail.append("字母或数字应为半角")
        if re.match(r"\s*[a-z]|\s*[A-Za-z]+\s*/\s*[a-z]", norm):
            detail.append("代号应为大写字母")
        if re.search(r"[-‐‑‒–―−－﹣⁃]", raw):
            detail.append("年代号前应使用一字线“—”")
        if entry.year and not re.search(r"(?:19|20)\d\d\s*$", raw) and entry.parsed.prefix != "PLAN":
            detail.append("缺少年代号")
        if entry.parsed.prefix != "PLAN" and re.search(r"[A-Za-z]\d", norm):
            detail.append("代号与顺序号之间应空一格")
        if not detail:
            detail.append("写法应与目录一致")
        problems.append(f"编号应写作“{number}”（" + "，".join(detail) + "）")
    if table:  # number and title in separate cells: only the number's typography matters
        return problems
    before = text[max(0, start - 90):start]
    after = text[end:]
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
