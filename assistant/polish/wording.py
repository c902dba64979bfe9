"""Wording rules: figures with a metric and a basis, glossary terms, contact details, advertising phrases."""
from __future__ import annotations

import re

from assistant.polish.structure import _Checker, _sentences
from assistant.standards import find_numbers
from assistant.textnorm import nfkc

# -- 5 figures

def check_figures(ck: _Checker) -> None:
    for si, sec, pi, para in ck.body():
        text = para.text
        std_spans = [(s, e) for _, s, e in find_numbers(text)]
        for sent_start, sent in _sentences(text):
            has_basis = bool(_BASIS.search(sent))
            for m in _CHANGE.finditer(sent):
                at = sent_start + m.start()
                if any(s <= at < e for s, e in std_spans):
                    continue
                claim = m.group(0)
                subject = _subject(sent, m.start())
                if has_basis and subject:
                    continue
                lacking = [] if subject else ["指标（什么提升或降低了）"]
                if not has_basis:
                    lacking.append("对比基准（由多少到多少，或较何时）")
                target = subject or "××指标"
                ck.add("figures", sec.label, ck.where(sec, para, at),
                       f"“{(subject or '') + claim}”没有说明" + "和".join(lacking),
                       f"写明指标、基准与结果，如“{target}由改造前的××{m.group('verb')}至××"
                       f"（{m.group('verb')}{m.group('num')}{m.group('unit')}）”，或注明“较改造前”“同比”等基准",
                       (si, pi, at))
            for m in _NO_UNIT.finditer(sent):
                at = sent_start + m.start("num")
                if any(s <= at < e for s, e in std_spans) or _has_unit(sent[m.end("num"):]) \
                        or sent[:m.start("num")].endswith("百分之"):
                    continue
                ck.add("figures", sec.label, ck.where(sec, para, at),
                       f"“{m.group(0)}”中的数字 {m.group('num')} 没有单位",
                       f"补上单位（如“万元”“小时”“%”），例如“{m.group(0)}万元”，并写明对比基准",
                       (si, pi, at))
            words = list(_zh_figures(sent))
            for start, written, arabic in words:
                at = sent_start + start
                ck.add("figures", sec.label, ck.where(sec, para, at),
                       f"“{written}”用汉字书写数据", f"改为阿拉伯数字“{arabic}”"
                       + ("" if has_basis else "，并写明对比基准（由多少到多少，或较何时）"), (si, pi, at))
            vague = _vague_claim(sent, [(s - sent_start, e - sent_start) for s, e in std_spans])
            if vague is not None and not words:
                at = sent_start + vague.start()
                verb = vague.group("verb1") or vague.group("verb2")
                ck.add("figures", sec.label, ck.where(sec, para, at),
                       f"“{vague.group(0)}”没有给出具体数据",
                       f"补充数据和依据：写明指标由改造前的××{verb}至××（{verb}××%），注明对比基准（较改造前、同比等）"
                       "和数据来源；无法量化时删去“" + vague.group(0) + "”这类程度说法，只写做了什么", (si, pi, at))


# -- 6 glossary

def check_glossary(ck: _Checker) -> None:
    full = "\n".join(p.text for _, _, _, p in ck.body())
    for term in ck.glossary.terms:
        variants = [v for v in term.variants if "（" not in v and "(" not in v]
        if not variants:
            continue
        preferred_used = _find_term(term.preferred, full, _all_preferred(ck)) != []
        for si, sec, pi, para in ck.body():
            titles = [(m.start(), m.end()) for m in re.finditer(r"《[^《》]*》", para.text)]
            for start, variant in _variant_hits(para.text, variants, _all_preferred(ck), titles):
                both = "；全文同时使用了推荐写法“%s”，两种写法混用" % term.preferred if preferred_used else ""
                ck.add("glossary", sec.label, ck.where(sec, para, start),
                       f"“{variant}”不是推荐用语{both}", f"将“{variant}”改为“{term.preferred}”"
                       + (f"（{term.note}）" if term.note else ""), (si, pi, start))


def _all_preferred(ck: _Checker) -> list[str]:
    return [t.preferred for t in ck.glossary.terms]


# -- 8 contact, advertising

def check_contact_ads(ck: _Checker) -> None:
    exceptions = list(ck.glossary.banned_exceptions) + EXTRA_BANNED_EXCEPTIONS
    banned = sorted(ck.glossary.banned_phrases, key=len, reverse=True)
    for si, sec, pi, para in ck.body():
        text = para.text
        std_spans = [(s, e) for _, s, e in find_numbers(text)]
        taken: list[tuple[int, int]] = []
        for kind, rx in _CONTACT:
            for m in rx.finditer(nfkc(text) if len(nfkc(text)) == len(text) else text):
                if any(s < m.end() and m.start() < e for s, e in std_spans + taken):
                    continue
                taken.append((m.start(), m.end()))
                ck.add("contact", sec.label, ck.where(sec, para, m.start()),
                       f"公开案例中出现{kind}“{m.group(0).strip()}”",
                       f"删除“{m.group(0).strip()}”：案例库不登载电话、邮箱、网址、社交账号和详细地址",
                       (si, pi, m.start()))
        safe = [(m.start(), m.end()) for ex in exceptions for m in re.finditer(re.escape(ex), text)]
        hit: list[tuple[int, int]] = []
        for phrase in banned:
            for m in re.finditer(re.escape(phrase), text):
                s, e = m.span()
                if any(a <= s and e <= b for a, b in safe) or any(a < e and s < b for a, b in hit):
                    continue
                hit.append((s, e))
                ck.add("advertising", sec.label, ck.where(sec, para, s),
                       f"“{phrase}”属于广告式用语，公开案例库不使用",
                       f"删除“{phrase}”；如确有依据，改写为可核实的事实（指标数值、鉴定结论）并注明出处",
                       (si, pi, s))


EXTRA_BANNED_EXCEPTIONS = ["唯一标识", "唯一编码", "唯一性", "唯一码", "绝对值", "绝对误差", "绝对定位", "第一季度",
                           "第一轮", "第一线", "第一年", "第一周"]


# figures ------------------------------------------------------------------------------------------

_VERBS = "提升|提高|降低|下降|缩短|减少|增加|增长|节约|节省|压缩|缩减|上升|减低|降幅|增幅"
_CHANGE = re.compile(
    rf"(?P<verb>{_VERBS})(?:了)?(?:至|到)?(?:约|近|超过|逾|达)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[%％‰]|个百分点|倍)")
_NO_UNIT = re.compile(rf"(?:{_VERBS}|达到)[\u4e00-\u9fff]{{0,6}}?\s*(?P<num>\d+(?:\.\d+)?)(?![\d.])")
_BASIS = re.compile(
    r"由(?!于)[^。；]{0,40}?(?:至|到|为)|从(?!而|事)[^。；]{0,40}?(?:至|到|为)|较|同比|环比|相比|相较|对比"
    r"|(?<![无对])比(?!例|重|率|如|较|赛|特)|之前|以前|(?<![目当提])前的|基准|基线|同期|上年|去年|上一年")
_UNIT_RE = re.compile(
    r"\s*(?:[%％‰]|个百分点|倍|个|项|台|套|件|人|名|万|亿|千|百|元|天|日|小时|分钟|秒|年|月|周|次|条|家|吨|米|度|"
    r"瓦|批|类|种|级|分|座|辆|只|片|块|箱|张|份|点|组|道|位|层|期|届|代|公里|平方|立方|升|克|毫|厘|微|兆|千克|帧|轮|单|笔|户|[A-Za-zμΩ℃°])")
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


def _vague_claim(sentence: str, std_spans: list[tuple[int, int]]):
    """The first degree-only change (显著提高) in a sentence that gives no figure at all, else None."""
    m = _VAGUE.search(sentence)
    if m is None:
        return None
    chars = list(sentence)
    for s, e in std_spans:
        chars[max(s, 0):max(e, 0)] = [" "] * (max(e, 0) - max(s, 0))
    rest = _NOT_A_FIGURE.sub(" ", "".join(chars))
    if re.search(r"[0-9０-９]", rest) or _ZH_PERCENT.search(rest) or _OTHER_FIGURE.search(rest) \
            or any(True for _ in _zh_figures(rest)):
        return None
    return m


def _has_unit(rest: str) -> bool:
    return bool(_UNIT_RE.match(rest))


def _subject(sentence: str, verb_at: int) -> str:
    """The metric a change is about: the clause text before the verb, minus connectives."""
    clause = re.split(r"[，,；;：:、。]", sentence[:verb_at])[-1].strip()
    clause = _LEAD.sub("", clause)
    clause = re.sub(r"(?:了|均|都|分别|明显|显著|大幅|有效|进一步|约)+$", "", clause)
    return clause if len(re.findall(r"[\u4e00-\u9fffA-Za-z]", clause)) >= 2 else ""


# glossary -----------------------------------------------------------------------------------------

_VARIANT_GUARD = {"标准组": r"(?![成织长件])", "国标": r"(?!委)", "项目验收": "", "智造": ""}


def _find_term(term: str, text: str, _preferred: list[str]) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(term), text)]


def _variant_hits(text: str, variants: list[str], preferred: list[str], titles: list[tuple[int, int]]):
    protected = [(m.start(), m.end()) for p in preferred for m in re.finditer(re.escape(p), text)]
    protected += titles
    hits: list[tuple[int, int, str]] = []
    for v in sorted(variants, key=len, reverse=True):
        for m in re.finditer(re.escape(v) + _VARIANT_GUARD.get(v, ""), text):
            s, e = m.span()
            if any(a < e and s < b for a, b in protected) or any(a < e and s < b for a, b, _ in hits):
                continue
            hits.append((s, e, v))
    return [(s, v) for s, _, v in sorted(hits)]


# contact ------------------------------------------------------------------------------------------

_CONTACT = [
    ("电子邮箱", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    ("网址", re.compile(r"(?:https?://|www\.)[^\s，。；、）)》\u4e00-\u9fff]+|(?<![@\w.])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                      r"\.(?:com|cn|net|org|gov|edu)(?:\.cn)?(?:/[^\s，。；、\u4e00-\u9fff]*)?(?![\w.])")),
    ("手机号码", re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d{9}(?!\d)")),
    ("电话号码", re.compile(r"(?<![\d/])(?:0\d{2,3}[-－—\s]?\d{7,8}|400[-\s]?\d{3}[-\s]?\d{4})(?!\d)")),
    ("社交账号", re.compile(r"(?:QQ|qq|微信号?|WeChat|wechat|企业微信)\s*(?:号|群)?\s*[：:为是]?\s*[A-Za-z0-9_-]{5,}")),
    ("详细地址", re.compile(r"[\u4e00-\u9fff]{1,12}(?:路|街|大道|巷|弄|道)\s*\d+\s*号(?![线机])"
                        r"(?:[\u4e00-\u9fff\dA-Za-z-]{0,12}?\d+\s*室)?"
                        r"|\d+\s*号[楼院]?[\u4e00-\u9fff\dA-Za-z-]{0,8}?\d+\s*室|(?<![\d.])\d{3,4}\s*室")),
]
