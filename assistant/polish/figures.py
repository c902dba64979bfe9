"""Figure rules: changes with a metric and a basis, units, figures in words, degree-only claims, and the same
indicator given different values in one write-up."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.polish.structure import _Checker, _sentences
from assistant.standards import find_numbers
from assistant.textnorm import width_fold

# -- 5 figures

def check_figures(ck: _Checker) -> None:
    figures = extract_figures(ck)
    aliases = _abbreviations(figures)  # OEE stands for 设备综合效率（OEE） once introduced
    stated = {aliases.get(k, k) for k in _based_results(figures)}
    for si, sec, pi, para, header in _with_headers(ck):
        text = width_fold(para.text)
        std_spans = [(s, e) for _, s, e in find_numbers(text)]
        sentences = list(_sentences(text))
        for k, (sent_start, sent) in enumerate(sentences):
            # "…下降41%。对比口径：2022年全年为1,260小时，2024年全年为743小时。": the next sentence gives the basis.
            basis_next = k + 1 < len(sentences) and bool(_BASIS_SENTENCE.match(sentences[k + 1][1]))
            # A table row under a header that names the baseline column (基线（2022年）| 2024年 | 变化).
            basis_row = para.kind == "table_row" and para.text != header and bool(_BASIS.search(header))
            for m in _CHANGE.finditer(sent):
                at = sent_start + m.start()
                if any(s <= at < e for s, e in std_spans):
                    continue
                claim = para.text[at:at + len(m.group(0))] if len(text) == len(para.text) else m.group(0)  # as written
                obj = (m.group("obj") or "").strip()
                if obj.startswith("每") or m.group("verb")[-1] in "至到":
                    obj = ""  # 降至每吨产品41千瓦时: a per-unit base after a verb of arriving, not the metric
                restated = None if obj else _restates(sent, m.start())
                if restated is not None:  # "由97.4%提高到99.1%，提高1.7个百分点": the change of the clause before
                    _check_points(ck, (si, pi, sent_start + m.start()), sec, para, m, restated)
                    continue
                subject = _clean_subject(obj) if obj else _subject(sent, m.start())
                key = _indicator_key(subject)
                # …or the section's heading gives the period compared (📈成效（2022年→2024年）). A level reached
                # (降至每月3次) needs the value it came from: a period compared says when, not from what.
                period = _clause_basis(sent, m.start()) or bool(sec.heading is not None and _BASIS.search(sec.written))
                level = bool(_LEVEL.search(m.group(0)[:m.start("num") - m.start()]))
                based = ((_level_basis(sent, m.end()) if level else period) or aliases.get(key, key) in stated
                         or basis_next or _in_premise(sent, m.start()) or basis_row)
                if based and subject:
                    continue
                lacking = [] if subject else ["指标（什么提升或降低了）"]
                if not based:
                    lacking.append(_PERIOD_ONLY if level and period else "对比基准（由多少到多少，或较何时）")
                target = subject or "××指标"
                said = claim if obj else (subject or "") + claim
                ck.add("figures", sec.label, ck.where(sec, para, at),
                       f"“{said}”没有说明" + "和".join(lacking),
                       f"写明对比期的数值，如“{target}由对比期的××{m.group('verb').rstrip('至到')}至"
                       f"{m.group('num')}{m.group('unit')}”" if level and period and subject else
                       f"写明指标、基准与结果，如“{target}由改造前的××{m.group('verb').rstrip('至到')}至××"
                       f"（{m.group('verb')}{m.group('num')}{m.group('unit')}）”，或注明“较改造前”“同比”等基准",
                       (si, pi, at), ("figure_no_baseline",), said)
            for m in _MONEY.finditer(sent):  # 年节约电费约96万元: an amount saved, with nothing to derive it from
                at = sent_start + m.start()
                # (a heading naming the years compared dates the amount; it does not say how it was derived)
                if any(s <= at < e for s, e in std_spans) or _clause_basis(sent, m.start()) or _DERIVED.search(sent) \
                        or basis_next or basis_row:
                    continue
                said = m.group(0)
                ck.add("figures", sec.label, ck.where(sec, para, at),
                       f"“{said}”没有说明测算依据（数量、单价或较何时）",
                       f"写明金额怎样算出，如“按年产××吨、吨产品电耗下降××千瓦时、电价××元/千瓦时计算，{said}”，"
                       "或注明“较改造前”“同比”等基准和数据来源", (si, pi, at), ("figure_no_baseline",), said)
            # a result stated as a level (合格率达到99.2%) with no before anywhere, where results are told (a lesson
            # may tell one: 裁片排版数字化之后，裁片利用率达到了91.5%)
            if sec.name in ("应用成效", "推广经验"):
                for m in _RATE_STATE.finditer(sent):
                    at = sent_start + m.start("ind")
                    key = _indicator_key(m.group("ind"))
                    # (a level needs the value it rose from: "与2022年相比" or a heading's years say when, not from what)
                    if any(s <= at < e for s, e in std_spans) or aliases.get(key, key) in stated or basis_next \
                            or basis_row or _level_basis(sent, m.end()):
                        continue
                    said = m.group(0)[m.start("ind") - m.start():].strip()
                    period = _BASIS.search(sent) or _YEARS.search(sent) or (sec.heading is not None
                                                                              and _BASIS.search(sec.written))
                    ck.add("figures", sec.label, ck.where(sec, para, at),
                           f"“{said}”没有说明" + (_PERIOD_ONLY if period else "对比基准（由多少到多少，或较何时）"),
                           f"写明改造前的数值和统计期，如“{m.group('ind')}由改造前的××%提高到{m.group('num')}%（较2022年）”",
                           (si, pi, at), ("figure_no_baseline",), said)
            unitless: set[int] = set()
            for m in [*_NO_UNIT.finditer(sent), *_NO_UNIT_STATE.finditer(sent), *_BARE_NUMBER.finditer(sent),
                      *_ARROW_NO_UNIT.finditer(sent)]:
                at = sent_start + m.start("num")
                if at in unitless:
                    continue
                unitless.add(at)
                if any(s <= at < e for s, e in std_spans) or _has_unit(sent[m.end("num"):]) \
                        or sent[:m.start("num")].endswith("百分之") or _baseline_unit(sent[:m.start("num")]) \
                        or _UNITLESS.search(_clause_to(sent, m.end("num"))) or _ORDINAL_BEFORE.search(sent[:m.start("num")]):
                    continue  # (an index such as CPK由1.12提升至1.47 has no unit; 表1序号5 is a position)
                said = _clause_to(sent, m.end("num"))
                ck.add("figures", sec.label, ck.where(sec, para, at),
                       f"“{said}”中的数字 {m.group('num')} 没有单位",
                       f"在 {m.group('num')} 后补上单位（次、件、台、万元、小时、% 等），并写明对比基准",
                       (si, pi, at), ("figure_no_unit",), said)
            if k == 0 and (_unit_cell_empty(para, header) or _row_lacks_unit(para, header)):
                where = "在“单位”一栏" if "单位" in header.split(" | ") else "在表头或数值后"
                ck.add("figures", sec.label, ck.where(sec, para, 0), f"“{para.text}”一行没有填写单位",
                       f"{where}补上单位（%、小时、千克标准煤/吨 等）", (si, pi, 0), ("figure_no_unit",), para.written)
            words = list(_zh_figures(sent))
            for start, written, arabic in words:
                at = sent_start + start
                based = _clause_basis(sent, start)  # the basis of another figure in the sentence is not this one's
                ck.add("figures", sec.label, ck.where(sec, para, at),
                       f"“{written}”" + ("只说了倍数，没有给出数据" if _DOUBLED.fullmatch(written) else "用汉字书写数据"),
                       f"改为阿拉伯数字“{arabic}”"
                       + ("" if based else "，并写明对比基准（由多少到多少，或较何时）"), (si, pi, at),
                       ("figure_words",) if based else ("figure_words", "figure_no_baseline"), written)
            vague = _vague_claim(sent, [(s - sent_start, e - sent_start) for s, e in std_spans])
            if vague is not None and not words:
                at = sent_start + vague.start()
                verb = vague.group("verb1") or vague.group("verb2")
                ck.add("figures", sec.label, ck.where(sec, para, at),
                       f"“{vague.group(0)}”没有给出具体数据",
                       f"补充数据和依据：写明指标由改造前的××{verb}至××（{verb}××%），注明对比基准（较改造前、同比等）"
                       "和数据来源；无法量化时删去“" + vague.group(0) + "”这类程度说法，只写做了什么", (si, pi, at),
                       ("figure_vague", "figure_no_baseline", "wording:unverifiable"), vague.group(0))  # no figure, so no basis either; a claim no reader can check


# figures ------------------------------------------------------------------------------------------


# A figure as written: 1,260 (thousands separators) or 96.2. Parsed by _value.
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def _value(number: str) -> float:
    return float(number.replace(",", ""))  # 1,260 小时

_VERBS = "提升|提高|降低|下降|缩短|减少|增加|增长|节约|节省|压缩|缩减|上升|减低|降幅|增幅|降至|降到|升至|升到"
_CHANGE = re.compile(
    rf"(?P<verb>{_VERBS})(?:了)?(?P<obj>(?![至到为])[\u4e00-\u9fff]{{1,8}}?(?=约|近|超过|逾|\d))?(?:至|到|为)?(?:约|近|超过|逾|达)?\s*"
    rf"(?P<num>{_NUM})\s*(?P<unit>[%％‰]|个百分点|倍|个?工作日|天|小时|分钟|kgce|tce|千克标准煤|吨标准煤|kWh|千瓦时|立方米|次|起)(?![\u4e00-\u9fff]{0,2}[至到]\s*\d)")  # obj: 降低生产成本15% names its metric after the verb
_NO_UNIT = re.compile(rf"(?:{_VERBS}|达到|达)[\u4e00-\u9fff]{{0,6}}?\s*(?P<num>{_NUM})(?![\d.]|,\d{{3}})")
# "合格率为99.5": a value stated of a rate, time or amount, with no unit after it
_NO_UNIT_STATE = re.compile(r"(?:率|量|值|时间|周期|成本|效率|能耗|产能|产值|次数|天数|工时)(?:为|是|保持在|控制在|稳定在)"
                            rf"(?:约|近)?\s*(?P<num>{_NUM})(?![\d.]|,\d{{3}})")
# "员工1600，年产整机2600。": a number that ends a clause right after a Chinese word, with nothing after it
_BARE_NUMBER = re.compile(r"(?<=[\u4e00-\u9fff])(?<!第)(?<!型号)(?<!编号)(?<!批号)(?<!代号)(?<!版本)"
                          rf"(?P<num>{_NUM})(?!,\d{{3}})(?=\s*(?:[，。；、,;]|$))")
_BASIS = re.compile(
    # (a from–to of values, not of stages: 从下单到交付，周期缩短至7天 gives no basis)
    r"由(?!于)[^。；]{0,40}?\d[^。；]{0,24}?(?:至|到|为)|从(?!而|事)[^。；]{0,40}?\d[^。；]{0,24}?(?:至|到|为)|较|同比|环比|相比|相较|对比"
    r"|(?<![无对])比(?!例|重|率|如|较|赛|特)|之前|以前|(?<![目当提])前的|基准|基线|同期|上年|去年|上一年"
    r"|(?:19|20)\d{2}\s*年[^。；]*?(?:19|20)\d{2}\s*年")
# Two years compared in one sentence ("2023年为94.1%，2024年提升至95.2%"): the earlier year is the basis.
_YEARS = re.compile(r"(?:19|20)\d{2}\s*年[^。；]*?\d[^。；]*?(?:19|20)\d{2}\s*年")
_UNIT_RE = re.compile(
    r"\s*(?:[%％‰]|个百分点|倍|个|项|台|套|件|人|名|万|亿|千|百|元|天|日|小时|分钟|秒|年|月|周|次|条|家|吨|米|度|"
    r"瓦|批|类|种|级|分|座|辆|只|片|块|箱|张|份|点|组|道|位|层|期|届|代|起|宗|公里|平方|立方|升|克|毫|厘|微|兆|千克|帧|轮|单|笔|户|"
    r"处|页|吉焦|焦耳|焦|头|尾|羽|匹|[A-Za-zμΩ℃°])")  # (头/尾/羽: livestock, fish and poultry counted in a food plant)
_LEAD = re.compile(r"^(?:并且|并|且|同时|其中|实现了?|推动|带动|促进|使得?|让|整体|总体|均|都|分别|平均|明显|显著|大幅|"
                   r"有效|进一步|累计|约|合计|共)+")


_MORE_VERBS = rf"{_VERBS}|改善|改进|优化|增强|加快|提速|好转"
# A change stated by degree only: 大幅降低, 显著提高, 明显改善 / 提升了很多, 降低不少.
_VAGUE = re.compile(
    rf"(?:大幅度|大幅|显著|明显|极大|大大|大为|很大程度上|较大幅度|较大|很大)地?(?P<verb1>{_MORE_VERBS})"
    rf"|(?P<verb2>{_MORE_VERBS})(?:了)?(?:很多|许多|不少|很大|较多|明显|显著|一大截|数倍|多倍)")
_ZH_NUM_CHARS = "零〇一二两三四五六七八九十百"
_ZH_PERCENT = re.compile(rf"百分之(?P<n>[{_ZH_NUM_CHARS}]+(?:点[零〇一二两三四五六七八九]+)?|\d+(?:\.\d+)?)")
# 三成 = 30%: a numeral + 成 after a verb, 约/近/超过…, punctuation or the sentence start (not 统一成, 一成不变, 成本).
_ZH_TENTHS = re.compile(r"(?P<n>[一二两三四五六七八九])成(?![本果为功立熟员品型交长效就绩套批分年形不])")
_TENTHS_BEFORE = re.compile(rf"(?:^|[\s，,、；;：:（(“]|{_MORE_VERBS}|约|近|超过|超|逾|达到|达|占|将近|接近|不到|不足|仅|"
                            r"只有|了|有)$")
_ZH_TIMES = re.compile(rf"(?:{_MORE_VERBS})了?(?:近|约|超过)?(?P<n>[一二两三四五六七八九十]{{1,3}})倍")
# 缩短了三分之一, 下降了一半: a share in words after a change verb (not 三分之一的员工 as a plain description).
_ZH_SHARE = re.compile(rf"(?:{_MORE_VERBS})了?(?:近|约|超过|将近)?"
                       r"(?P<share>(?P<d>[二三四五六七八九十])分之(?P<n>[一二三四五六七八九])|一半)")
_DOUBLED = re.compile(r"翻了?(?P<n>一)?番")
_OTHER_FIGURE = re.compile(r"[一二两三四五六七八九十百千万]+(?:倍|个百分点)|翻(?:了)?[一两]?番")
_NOT_A_FIGURE = re.compile(r"(?:19|20)\d{2}\s*年|\d{1,2}\s*[月日号]")


def _zh_number(text: str) -> float | None:
    """三十五 → 35, 三点五 → 3.5, 一百 → 100, 35 → 35 (None when it does not read as a number)."""
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
    whole, _, frac = text.partition("点")
    total, current = 0, 0
    for c in whole:
        if c in digits:
            current = digits[c]
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        elif c == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    value = float(total + current)
    if frac:
        if any(c not in digits for c in frac):
            return None
        value += float("0." + "".join(str(digits[c]) for c in frac))
    return value


def _percent(value: float) -> str:
    return f"{value:g}%"


def _zh_figures(sentence: str):
    """(offset, as written, Arabic form) of each figure written in Chinese words: 百分之三十五, 三成."""
    for m in _ZH_PERCENT.finditer(sentence):
        value = _zh_number(m.group("n"))
        if value is not None:
            yield m.start(), m.group(0), _percent(value)
    for m in _ZH_TENTHS.finditer(sentence):
        if _TENTHS_BEFORE.search(sentence[:m.start()]):
            yield m.start(), m.group(0), _percent(_zh_number(m.group("n")) * 10)  # type: ignore[operator]
    for m in _ZH_SHARE.finditer(sentence):
        if m.group("share") == "一半":
            yield m.start("share"), "一半", "50%"
        else:
            share = _zh_number(m.group("n")) / _zh_number(m.group("d"))  # type: ignore[operator]
            yield m.start("share"), m.group("share"), f"{round(100 * share, 1):g}%"
    for m in _DOUBLED.finditer(sentence):  # 产能翻了一番: doubled, a change in words like the others
        yield m.start(), m.group(0), "增长100%（为原来的2倍）" if m.group("n") in ("一", None) else m.group(0)
    for m in _ZH_TIMES.finditer(sentence):
        value = _zh_number(m.group("n"))
        if value is not None:
            yield m.start("n"), m.group("n") + "倍", f"{value:g}倍"


def _vague_claim(sentence: str, std_spans: list[tuple[int, int]]):
    """The first degree-only change (显著提高) whose clause, and the clause after it, give no figure, else None:
    "…响应时间由36小时缩短至8小时，装配差错大幅降低" gives the other indicator's figures, not this one's; "成本大幅
    降低，降幅达30%" gives its own in the next clause."""
    m = _VAGUE.search(sentence)
    if m is None:
        return None
    chars = list(sentence)
    for s, e in std_spans:
        chars[max(s, 0):max(e, 0)] = [" "] * (max(e, 0) - max(s, 0))
    masked = "".join(chars)
    bounds = [0] + [k + 1 for k, ch in enumerate(masked) if ch in "，,；;"] + [len(masked) + 1]
    k = next(i for i in range(len(bounds) - 1) if bounds[i] <= m.start() < bounds[i + 1])
    own = masked[bounds[k]:bounds[min(k + 2, len(bounds) - 1)]]
    before = masked[bounds[k - 1]:bounds[k]] if k else ""
    subject = re.sub(r"[^\u4e00-\u9fff]", "", masked[bounds[k]:m.start()])
    # "…缩短至4小时，编制效率显著提高" / "…提高至99.1%，质量明显改善": a remark on the figure just given (a short
    # subject, or one sharing words with it), not a claim of its own
    remark = len(subject) < 3 or any(subject[i:i + 2] in before for i in range(len(subject) - 1))
    rest = _NOT_A_FIGURE.sub(" ", own + (before if remark else ""))
    if re.search(r"[0-9０-９]", rest) or _ZH_PERCENT.search(rest) or _OTHER_FIGURE.search(rest) \
            or any(True for _ in _zh_figures(rest)):
        return None
    return m


# A rate stated as the level reached (叶片型面检测合格率达到99.2%): a result, whose before the reader is not told.
# (a year before the indicator is not part of its name: 2024年批次合格率达到99.6%)
_RATE_STATE = re.compile(rf"(?:(?<=\d)年(?:底|末|度)?)?(?P<ind>[\u4e00-\u9fffA-Za-z]{{1,12}}率)(?:达到|达|控制在|保持在|稳定在)了?\s*"
                         rf"(?P<num>{_NUM})\s*[%％]")


# A clause that only gives the basis of the one before: "较改造前提高15个百分点" (no metric of its own).
_BASIS_SENTENCE = re.compile(r"\s*[（(]?\s*(?:对比口径|对比基准|比较基准|基准|基线|口径|统计口径|baseline|Baseline|BASELINE)\s*[：:]")
_BASIS_NEXT = re.compile(rf"\s*(?:较|比|同比|环比|相比|相较)[^，。；,;]*?(?:{_VERBS})了?(?:约|近)?\s*\d")


# 吨丝电耗：1150 → 1020: a from–to by arrow whose first value carries no unit
_ARROW_NO_UNIT = re.compile(rf"(?P<num>{_NUM})(?=\s*(?:→|->|⟶|➡)\s*\d)")


def _with_headers(ck: _Checker):
    """ck.body() with the header row of the table each row belongs to ("" outside tables): a table's first row is
    its header (Markdown rows carry no header of their own)."""
    header, previous = "", None
    for si, sec, pi, para in ck.body():
        if para.kind == "table_row" and (previous is None or previous[1].kind != "table_row" or previous[0] != si):
            header = getattr(para, "header", "") or para.text
        previous = (si, para)
        yield si, sec, pi, para, header if para.kind == "table_row" else ""


def _unit_cell_empty(para, header: str) -> bool:
    """A table row under a header with a 单位 column whose unit cell is empty or missing (| 吨奶综合能耗 | 38.6 | 33.2 |)."""
    if para.kind != "table_row" or para.text == header:
        return False
    head = [c.strip() for c in header.split(" | ")]
    if "单位" not in head or not re.search(r"\d", para.text):
        return False
    cells = [c.strip() for c in para.text.split(" | ")]
    at = head.index("单位")
    return at >= len(cells) or cells[at] in ("", "—", "-", "/")


# An amount of money saved, cut or earned (年节约电费约96万元, 全年减少人工成本180万元, 新增产值1.2亿元).
_MONEY = re.compile(rf"(?:年|全年|每年|累计|半年|年均)?(?:节约|节省|节支|减少|降低|省下|省了|增收|新增|增加|创造|带来)"
                    rf"(?:了)?[一-鿿]{{0,8}}?(?:约|近|超过|逾|达)?\s*(?:{_NUM})\s*(?:万元|亿元|元)")
# How an amount was derived: a stated calculation, a product of quantities, an audit.
_DERIVED = re.compile(r"按[^。；]{0,48}?(?:计算|测算|折算|核算|估算)|测算|核算|经[^。；]{0,12}审计|[×x＊*]\s*\d|乘以|折合")
# "按吨铸件电耗下降68千瓦时、平均电价0.66元/千瓦时计算，节约电费约117万元": the change is an input of a stated
# calculation, whose own basis the write-up gives elsewhere; it claims nothing by itself.
_PREMISE = re.compile(r"按[^。；;！？]{0,48}?(?:计算|测算|折算|核算|估算)")


def _in_premise(sentence: str, at: int) -> bool:
    return any(m.start() <= at < m.end() for m in _PREMISE.finditer(sentence))


def _clause_to(sentence: str, end: int) -> str:
    """The clause of `sentence` that ends at `end` ("年节约成本约350")."""
    start = max(sentence.rfind(c, 0, end) for c in "，,；;：:、") + 1
    return sentence[start:end].strip()


_LEVEL = re.compile(r"[至到]")
_PERIOD_ONLY = "对比期的数值（写了与何时相比，没有写那时是多少）"


def _level_basis(sentence: str, end: int) -> bool:
    """Is a level stated at `end` given what it rose from? The next clause gives the change against a basis
    ("合格率达到98.7%，较2022年提高3.2个百分点"), or its own clause compares ("合格率比2022年的95.1%提高到98.7%")."""
    following = re.split(r"[，,；;。]", sentence[end:])
    if len(following) > 1 and _BASIS_NEXT.match(following[1]):
        return True
    own = re.split(r"[，,；;]", sentence[:end])[-1]
    return bool(re.search(r"(?:由|从|比|较)[^，,；;]{0,24}?\d", own))


def _clause_basis(sentence: str, at: int) -> bool:
    """Is the change at `at` given a basis? In its own clause, or in a leading clause that states no figure of its
    own ("较改造前，效率提升30%"); a basis belonging to another figure in the sentence does not count."""
    if _YEARS.search(sentence[:at]):
        return True
    clauses = re.split(r"[，,；;]", sentence[:at])
    own = clauses[-1] + re.split(r"[，,；;。]", sentence[at:])[0]
    if _BASIS.search(own):
        return True
    following = re.split(r"[，,；;。]", sentence[at:])
    if len(following) > 1 and _BASIS_NEXT.match(following[1]):
        return True  # "OEE提升至85%，较改造前提高15个百分点": the next clause gives the basis
    for clause in reversed(clauses[:-1]):
        if re.search(r"\d", clause):
            return False
        if _BASIS.search(clause):
            return True
    return False


# Clauses end at commas, but not at the comma of a thousands separator (18,600 小时).
_CLAUSE_SPLIT = re.compile(r"[，；;]|,(?!\d{3}(?!\d))")
# 由97.4%提高到99.1%; in slides and posts an arrow does the same: OEE：71.3% → 79.8%
_ARROW = r"(?:→|->|—>|=>|➡|⟶)"
_FROM_TO = re.compile(rf"(?<!理)(?:由(?!于)|从(?!而|事))[^，；;]*?(?P<a>{_NUM})\s*(?P<ua>[%％])?[^，,；;\d]*?(?:到|至)\s*"
                      rf"(?P<b>{_NUM})\s*(?P<ub>[%％])?"
                      rf"|(?P<a2>{_NUM})\s*(?P<ua2>[%％])?[^，,；;\d]{{0,6}}?{_ARROW}\s*(?P<b2>{_NUM})\s*(?P<ub2>[%％])?")


def _restates(sentence: str, at: int) -> re.Match | None:
    """The from–to figures of the clause just before a change that names no indicator of its own, if any."""
    clauses = _CLAUSE_SPLIT.split(sentence[:at])
    if len(clauses) < 2 or _clean_subject(clauses[-1]):
        return None
    return _FROM_TO.search(clauses[-2])


def _check_points(ck: _Checker, pos: tuple, sec, para, change: re.Match, basis: re.Match) -> None:
    """A rate's change restated in % must be its points (由81%提高到93% is 12 个百分点, a 14.8% rise): "提升了12%"
    after it says the one while meaning the other."""
    ends = {k: basis.group(k) or basis.group(k + "2") for k in ("a", "ua", "b", "ub")}
    if change.group("unit") not in ("%", "％") or not (ends["ua"] or ends["ub"]):
        return
    a, b, value = (_value(ends["a"]), _value(ends["b"]), _value(change.group("num")))
    points = abs(b - a)
    relative = points / a * 100 if a else None
    if abs(value - points) < 0.051 and (relative is None or abs(value - relative) > 0.5):
        said = change.group(0)
        ck.add("figures", sec.label, ck.where(sec, para, pos[2]),
               f"“{said}”与前文“{basis.group(0)}”不一致：由{a:g}%到{b:g}%是{change.group('verb')}{points:g}个百分点"
               + (f"（相对{change.group('verb')}{relative:.1f}%）" if relative else ""),
               f"改为“{change.group('verb')}{points:g}个百分点”" + (f"，或写相对变化“{relative:.1f}%”" if relative else ""),
               pos, ("figure_conflict",), said, basis.group(0))


def _has_unit(rest: str) -> bool:
    # (多达60余页, 约3000多台: 余/多 stand between the number and its unit)
    return bool(_UNIT_RE.match(re.sub(r"^\s*(?:余|多)", "", rest)))


_ORDINAL_BEFORE = re.compile(r"(?:序号|编号|第|表|图|附件|附表|条款|章节)\s*$")


_FROM_VALUE = re.compile(rf"(?<!理)(?:由(?!于)|从(?!而|事))[^，,；;。]*?(?P<num>{_NUM})")


def _baseline_unit(before: str) -> bool:
    """"由每百批6.3起降至每百批2.1": the result is in the unit its own clause gave the baseline."""
    clause = re.split(r"[，,；;。]", before)[-1]
    # A percentage is written on both values (由82.1%提高到86.4 lacks it); other units may be said once.
    return any(_has_unit(clause[m.end("num"):]) and not re.match(r"\s*[%％‰]", clause[m.end("num"):])
               for m in _FROM_VALUE.finditer(clause))


def _subject(sentence: str, verb_at: int) -> str:
    """The metric a change is about: the clause text before the verb, minus connectives. A clause that only
    names a period ("2023年为94.1%，2024年提升至95.2%") continues the indicator of the clause before it."""
    clauses = re.split(r"[，,；;：:、。]", sentence[:verb_at])
    subject = _clean_subject(clauses[-1])
    if not subject and len(clauses) > 1 and _PERIOD.fullmatch(clauses[-1].strip()):
        prev = _PERIOD.sub("", clauses[-2])
        cut = re.search(rf"由|从|为|是|达|\d|{_VERBS}", prev)
        subject = _clean_subject(prev[:cut.start()] if cut else prev)
    elif not subject and len(clauses) > 1 and _FROM_ONLY.fullmatch(clauses[-1]):
        subject = _clean_subject(clauses[-2])  # • 套圈尺寸一次合格率：从97.4%提高到99.1%: the label names it
    return subject


_FROM_ONLY = re.compile(rf"\s*(?:由|从)(?:改造前的?|实施前的?|试点前的?|原来的?)?\s*(?:{_NUM})\s*(?:%|％|‰)?\s*")


def _clean_subject(clause: str) -> str:
    clause = _LEAD.sub("", _SYMBOLS.sub("", clause.strip()))
    clause = re.sub(r"(?:了|均|都|分别|明显|显著|大幅|有效|进一步|约)+$", "", clause)
    return clause if len(re.findall(r"[\u4e00-\u9fffA-Za-z]", clause)) >= 2 else ""




# 📉 单位能耗, ✅ 废品率: a bullet's symbols are no part of the indicator's name
_SYMBOLS = re.compile(r"^[^\w\u4e00-\u9fff（(《“]+")


# figure conflicts ---------------------------------------------------------------------------------

_UNIT = (r"(?:%|％|‰|个百分点|ppm|PPM|小时|h|分钟|min|秒|天|个工作日|工作日|日|周|个月|万元|亿元|元|万件|件|台套|台|套|"
         r"人|次|万吨标准煤|吨标准煤|千克标准煤|kgce|tce|万吨|吨|千克|kg|万千瓦时|千瓦时|kWh|万度|度|立方米|m³|Nm³|平方米|㎡|"
         r"倍|项|条|米|mm|km)")
_TO = (r"(?:降低至|降低到|降至|降到|下降至|下降到|减少至|减少到|减至|缩短至|缩短到|缩减至|压缩至|压缩到|控制在|提高至|提高到|提升至|"
       r"提升到|增加至|增加到|增长至|增长到|增至|上升至|上升到|达到了|达到|达|保持在|稳定在|为)")
_BY = rf"(?:{_VERBS})了?"
_FACT = re.compile(
    rf"(?P<lead>(?<!理)由|从|{_TO}|{_BY}|(?<=率))了?(?P<when>改造前的?|实施前的?|原来的?|原先的?|以前的?|上年的?|(?:19|20)\d{{2}}\s*年(?:底|末|初)?的?)?"
    # "由平均95分钟", "降至每吨112立方米": an average or a per-unit base stands between the verb and the value
    rf"(?:平均|每(?:[周月天日年吨件台套批次人]|万[元吨件]|百[件台]))?"
    rf"(?:约|近|超过|逾|不足|不到)?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT})")
# Time and scope words that say when a figure holds: facts of different periods do not contradict each other.
# "改造后/目前" is the default time of a result and "改造前" makes a value a baseline, so neither is a period here.
_PERIOD = re.compile(r"(?:19|20)\d{2}\s*年(?:上半年|下半年|[一二三四1-4]季度|\d{1,2}月)?|上半年|下半年|[一二三四]季度|同期")
_TIME_WORDS = re.compile(r"改造前|实施前|改造后|实施后|投产后|上线后|试点前|试点后|目前|当前|^[\u4e00-\u9fff]{1,3}[后前](?=[\u4e00-\u9fffA-Za-z])")
_QUALIFIER = re.compile(r"[（(][^）)]*[）)]|的|平均|整体|总体|综合|产品|工序|环节|工段|工位|产线|生产线|累计|年均|全年|"
                        r"项目实施后|实施后|改造后|上线后|投产后|目前|当前|以来|其中|均|都|已|将|可|使|让|实现了?|推动|带动")


_ITEM_MARK = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.、．)）](?!\d)|[（(][一二三四五六七八九十\d]{1,3}[）)]|[①-⑳]|[-*•·])\s*")
_OWNER = re.compile(r"^(?:某|该|本|我)?(?:企业|公司|工厂|集团|车间|项目)(?:的)?")


@dataclass(frozen=True)
class Figure:
    """One indicator–value pair as written: which indicator, the value and unit, and its role in the sentence."""

    indicator: str  # as written (the clause before the value)
    key: str  # the indicator without qualifiers, for comparing mentions
    role: str  # baseline (由X) | result (降至X) | change (提升X)
    value: float
    unit: str
    written: str  # the clause up to the value: "焊接工序不良率由2.3%降至1.5%"
    period: str
    pos: tuple  # (section index, paragraph index, offset)
    where: str
    sentence: str


def extract_figures(ck: _Checker) -> list[Figure]:
    """Every indicator–value pair in the write-up, in reading order."""
    out: list[Figure] = []
    for si, sec, pi, para, header in _with_headers(ck):
        if header and para.text != header:
            out += _row_figures(ck, (si, sec, pi, para), header)
            continue
        std_spans = [(s, e) for _, s, e in find_numbers(para.text)]
        folded = width_fold(para.text)
        aligned = len(folded) == len(para.text)  # offsets in the folded text are the entry's own
        for sent_start, sent in _sentences(folded):
            last = ""  # "2023年为94.1%，2024年提升至95.2%": a period-only clause continues the indicator before it
            for c_start, clause in _clauses(sent):
                for fig in _clause_figures(clause):
                    at = sent_start + c_start + fig[0]
                    if any(s <= at < e for s, e in std_spans):
                        continue
                    indicator, role, value, unit, written, period = fig[1:]
                    # quoted as the entry writes it (９６．２％), not as folded for reading
                    if aligned and (k := clause.find(written)) >= 0:
                        begin = sent_start + c_start + k
                        written = para.text[begin:begin + len(written)]
                    if not _indicator_key(indicator) and _PERIOD.fullmatch(indicator.strip()) and last:
                        indicator = last
                    elif not _indicator_key(indicator) and c_start and _LABEL_END.search(sent[:c_start]):
                        # - 吨熟料标准煤耗：由108.6千克降到101.3千克: the label before the colon names it
                        indicator = re.split(r"[，,；;。]", sent[:c_start].rstrip("：: "))[-1]
                    last = indicator if _indicator_key(indicator) else last
                    out.append(Figure(indicator, _indicator_key(indicator), role, value, unit, written, period,
                                      (si, pi, at), ck.where(sec, para, at), sent))
    return out


# A header cell that holds the value before (基线, 改造前, 2022年) or after (改造后, 目前, 2024年); a change column
# (变化, 降幅) holds neither.
_BEFORE_CELL = re.compile(r"前|基线|基准|原|上年|去年")
_AFTER_CELL = re.compile(r"后|目前|当前|现在|现状|实施|达成|结果|本年|今年")
_CHANGE_CELL = re.compile(r"变化|变动|提升|提高|降低|降幅|增幅|下降|减少|增加|差值|幅度|对比|同比|备注|说明|目标")
_CELL_VALUE = re.compile(rf"(?:约|近)?\s*(?P<num>{_NUM})\s*(?P<unit>{_UNIT})?")
# A unit per thing or period (（天/分段）, （小时/月）, （千克标准煤/平方米）) is a unit too.
_HEADER_UNIT = re.compile(rf"[（(](?P<unit>{_UNIT})(?:\s*/\s*[^()（）/]{{1,8}})?[)）]")


def _row_roles(head: list[str], first: int) -> dict[int, tuple[str, str]]:
    """Which header cells hold the value before and after ({column: (role, period)}), or {} when it does not say."""
    years = [(k, int(m.group(1))) for k, h in enumerate(head) if (m := re.fullmatch(r"((?:19|20)\d{2})\s*年?(?:全年)?", h))]
    roles: dict[int, tuple[str, str]] = {}
    if len(years) >= 2:
        early, late = min(years, key=lambda y: y[1]), max(years, key=lambda y: y[1])
        roles = {early[0]: ("baseline", head[early[0]]), late[0]: ("result", head[late[0]])}
    else:
        for k, h in enumerate(head[first + 1:], first + 1):
            if _CHANGE_CELL.search(h):
                continue
            period = m.group(0) if (m := _PERIOD.search(h)) else ""
            if _BEFORE_CELL.search(h):
                roles.setdefault(k, ("baseline", period))
            elif _AFTER_CELL.search(h):
                roles.setdefault(k, ("result", period))
    return roles if sorted(r for r, _ in roles.values()) == ["baseline", "result"] else {}


# Indicators whose values have no unit: a grade, an index, a ratio.
_UNITLESS = re.compile(r"等级|级别|指数|系数|比值|评分|得分|分值|cpk|ppk|Cpk|CPK|Ppk|PPK|成熟度")


def _row_cells(para, header: str) -> tuple[list[str], list[str], int] | None:
    """A table row's header cells, its own cells and the column of its indicator (序号 | 指标 | 改造前 | 改造后: 1),
    when the row is a body row as wide as its header; else None."""
    if para.kind != "table_row" or not header or para.text == header:
        return None
    head = [c.strip() for c in width_fold(header).split(" | ")]
    cells = [c.strip() for c in width_fold(para.text).split(" | ")]
    if len(cells) != len(head):
        return None
    return head, cells, 1 if re.fullmatch(r"序号|编号|No\.?|#", head[0]) else 0


def _row_lacks_unit(para, header: str) -> bool:
    """A before/after table row without a 单位 column whose values are bare numbers, with no unit in the indicator or
    the header ("灭菌批次放行周期 | 45 | 8" under 指标 | 试点前 | 试点后)."""
    row = _row_cells(para, header)
    if row is None or "单位" in row[0]:
        return False
    head, cells, first = row
    roles = _row_roles(head, first)
    indicator = cells[first] if first < len(cells) else ""
    if not roles or _UNITLESS.search(indicator) or _HEADER_UNIT.search(indicator) \
            or any(_HEADER_UNIT.search(head[k]) for k in roles):
        return False
    return all(re.fullmatch(_NUM, cells[k]) for k in roles)


def _row_figures(ck: _Checker, at: tuple, header: str) -> list[Figure]:
    """A table row under a header that says which column is before and which after (指标 | 改造前 | 改造后 | 单位, or
    指标 | 2022年 | 2024年): a baseline and a result of the row's indicator, like "由5.5天缩短到3.0天" in prose. Rows
    whose header says neither are not read: the columns could be anything."""
    si, sec, pi, para = at
    row = _row_cells(para, header)
    if row is None or len(row[1]) < 3:
        return []
    head, cells, first = row
    indicator = cells[first]
    if len(re.findall(r"[\u4e00-\u9fffA-Za-z]", indicator)) < 2 or re.search(r"\d", indicator[:1]):
        return []
    unit_col = next((k for k, h in enumerate(head) if h == "单位"), None)
    row_unit = cells[unit_col] if unit_col is not None else ""
    title = _HEADER_UNIT.search(indicator)
    roles = _row_roles(head, first)
    if not roles:
        return []
    out = []
    for k, (role, period) in sorted(roles.items()):
        m = _CELL_VALUE.fullmatch(cells[k])
        unit = (m.group("unit") if m else None) or row_unit or (title.group("unit") if title else "") \
            or (u.group("unit") if (u := _HEADER_UNIT.search(head[k])) else "")
        if not m or not re.fullmatch(_UNIT, unit or "-"):
            return []
        written = para.written
        out.append(Figure(indicator, _indicator_key(indicator), role, _value(m.group("num")), unit.replace("％", "%"),
                          written, period, (si, pi, 0), ck.where(sec, para, 0), para.text))
    return out


def _based_results(figures: list[Figure]) -> set[str]:
    """Indicators the write-up states with their baseline somewhere ("由2.3%降至1.5%"): a later mention
    ("焊接不良率降至1.5%") needs no second basis; if its value differs, that is a conflict, reported as such."""
    return {f.key for f in figures if f.role == "baseline"}


_LABEL_END = re.compile(r"[：:]\s*$")


def _clauses(sentence: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for part in re.split(r"(?<=[，,；;：:])", sentence):
        out.append((pos, part))
        pos += len(part)
    return out


def _clause_figures(clause: str):
    matches = list(_FACT.finditer(clause))
    if not matches:
        return
    head = clause[:matches[0].start()]
    periods = _PERIOD.findall(clause)
    for k, m in enumerate(matches):
        # "由2022年的91.2%提高到2024年的95.0%": each value holds for the year written before it; otherwise the
        # clause's first period ("降至1.4%（2024年对比2023年）")
        own = _PERIOD.match(m.group("when") or "")
        period = own.group(0) if own else periods[0] if periods else ""
        lead = m.group("lead")
        role = "baseline" if lead in {"由", "从"} else "result" if not lead or re.fullmatch(_TO, lead) else "change"
        # "改造前不良率为2.3%": a lone value said of the time before is a baseline
        if k == 0 and role == "result" and re.search(r"(?:改造前|实施前|原来|原先|以前)", clause[:m.start()]) \
                and not re.search(r"(?:改造后|实施后|现|目前)", clause[:m.start()]):
            role = "baseline"
        yield (m.start(), head, role, _value(m.group("num")), m.group("unit").replace("％", "%"),
               clause[:m.end()].strip("，,；;：: "), period)


def _indicator_key(indicator: str) -> str:
    """The indicator without period, time, owner and qualifier words or punctuation, for comparing mentions."""
    key = re.sub(r"[（(][^（）()]*[）)]", "", indicator)
    # "成功率由2022年的82%提高到90%": the indicator ends where its baseline begins
    key = re.sub(r"(?<!理)(?:由(?!于)|从(?!而|事))(?=[^，。；]*\d).*$", "", key)
    key = _ITEM_MARK.sub("", key)  # a list item's number: "4. 管坯库存周转天数"
    key = re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", key)  # punctuation, spaces and an unclosed （
    key = _TIME_WORDS.sub("", _PERIOD.sub("", key))
    key = _OWNER.sub("", _LEAD.sub("", key))
    return _QUALIFIER.sub("", key)


def check_figure_conflicts(ck: _Checker) -> None:
    """The same indicator with different values in one write-up: name both values and where each stands."""
    # longest word first, so a word inside a longer listed word is replaced as part of it, not on its own
    synonyms = sorted(((w, group[0]) for group in ck.data.indicators.synonyms for w in group[1:]),
                      key=lambda pair: len(pair[0]), reverse=True)
    figures = [replace(f, key=_canonical(f.key, synonyms)) for f in extract_figures(ck)
               if len(re.findall(r"[\u4e00-\u9fffA-Za-z]", f.key)) >= 2]
    # (an abbreviation's name is unified like any key: 直通率（FPY） and 一次通过率 are one rate)
    aliases = {k: _canonical(v, synonyms) for k, v in {**_same_baseline(figures), **_abbreviations(figures)}.items()}
    groups: dict[tuple, list[Figure]] = {}
    for f in figures:
        # Only the same indicator counts: 设备联网率 and 关键设备联网率 are two scopes, not one figure told twice.
        key = aliases.get(f.key, f.key)
        groups.setdefault(("".join(sorted(key)), f.role, f.unit), []).append(f)  # 一次装配合格率 = 装配一次合格率
    for group in groups.values():
        _group_conflicts(ck, _infer_periods(group))


def _canonical(key: str, synonyms: list[tuple[str, str]]) -> str:
    """换辊用时 → 换辊时间: the indicator's name with interchangeable words (corpus/polish/indicators.yaml, as (word,
    kept word) pairs, longest word first) unified."""
    for word, kept in synonyms:
        key = key.replace(word, kept)
    # 吨熟料煤耗 = 熟料煤耗, 单位产品能耗 = 产品能耗: a per-unit opening says what the value is per, not which indicator
    return re.sub(r"^(?:每吨|吨|单位|单)(?=[\u4e00-\u9fff]{2})", "", key)


def _infer_periods(group: list[Figure]) -> list[Figure]:
    """A figure given without a period that equals one given with a period is that period's figure."""
    dated = {f.value: f.period for f in group if f.period}
    return [f if f.period or f.value not in dated else replace(f, period=dated[f.value]) for f in group]


def _group_conflicts(ck: _Checker, group: list[Figure]) -> None:
    reported: set[float] = set()
    for k, f in enumerate(group):
        seen = group[:k]
        if f.value in reported or any(a.value == f.value for a in seen):
            continue
        clash = next((a for a in seen if a.value != f.value and not (a.period and f.period and a.period != f.period)),
                     None)
        if clash is not None:
            reported.add(f.value)
            _add_conflict(ck, clash, f)


def _same_baseline(figures: list[Figure]) -> dict[str, str]:
    """单批次追溯时间 and 追溯时间 (一次交检合格率 and 一次合格率), both from the same 4小时: one indicator named twice. A shorter
    name with another baseline stays another scope (设备联网率 vs 关键设备联网率)."""
    out: dict[str, str] = {}
    bases = [f for f in figures if f.role == "baseline"]
    for a in bases:
        for b in bases:
            # (two names of one length map one way only: 纱线一等品率 ↔ 成纱一等品率 would swap and stay apart)
            if a.key != b.key and a.value == b.value and a.unit == b.unit and a.key not in out \
                    and out.get(b.key) != a.key \
                    and (_within(b.key, a.key) or (len(b.key) <= len(a.key) and _common_run(a.key, b.key) >= 4)):
                out[a.key] = b.key
    return out


def _common_run(a: str, b: str) -> int:
    """The longest run of characters two names share: 轧机换辊 in 连轧机换辊时间 and 轧机换辊用时, 吨玻璃液 in
    池窑吨玻璃液天然气单耗 and 吨玻璃液气耗. With the same baseline, four shared characters name one indicator; three
    (合格率 in 一次合格率 and 出厂合格率) do not."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] not in b:
                break
            best = j - i
    return best


def _within(short: str, long: str) -> bool:
    """The shorter name's characters in order inside the longer one (一次合格率 in 一次交检合格率, 追溯时间 in
    单批次追溯时间): with the same baseline, one indicator named twice."""
    it = iter(long)
    return len(short) >= 3 and all(ch in it for ch in short)


def _abbreviations(figures: list[Figure]) -> dict[str, str]:
    """OEE → the key of 设备综合效率（OEE）: an indicator introduced with its abbreviation may be cited by it."""
    out: dict[str, str] = {}
    for f in figures:
        for m in re.finditer(r"([\u4e00-\u9fff]{2,})[（(]\s*([A-Za-z][A-Za-z0-9]{1,9})\s*[）)]", f.indicator):
            name = _indicator_key(m.group(1))
            # 设备综合效率（OEE） here, 整体设备效率（OEE） there: one indicator under the first name given
            out.setdefault(m.group(2), name)
            if name != out[m.group(2)]:
                out[name] = out[m.group(2)]
    return out


def _add_conflict(ck: _Checker, a: Figure, b: Figure) -> None:
    sec = ck.sections[b.pos[0]]
    name = _ITEM_MARK.sub("", a.indicator.strip("，,；;：:、 "))  # "（三）", "1. ", "- " mark a list item, not the name
    name = _TIME_WORDS.sub("", _PERIOD.sub("", _OWNER.sub("", name))) or a.key
    # Both in one paragraph: say so once instead of naming the same place twice.
    first, then = (f"{a.where}先写", "后写") if a.where == b.where else (f"{a.where}写", f"{b.where}写")
    ck.add("figures", sec.label, b.where,
           f"同一指标“{name}”前后数值不一致：{first}“{a.written}”（{a.value:g}{a.unit}），"
           f"{then}“{b.written}”（{b.value:g}{b.unit}）",
           "核对后统一为同一数值；如两处统计口径或时间不同，分别写明口径和统计期（如“2024年全年”“焊接工序”）",
           b.pos, ("figure_conflict",), f"{a.written} / {b.written}", f"{a.sentence} / {b.sentence}")
