"""Wording rules: glossary terms, and the case library's banned wording by category (corpus/polish/wording.yaml)
plus contact details."""
from __future__ import annotations

import re

from assistant.polish.data import WordRule
from assistant.polish.structure import _Checker
from assistant.standards import find_numbers
from assistant.textnorm import nfkc

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
    """Contact details first (phone, e-mail…), then every phrase and pattern of the wording list; a span is
    reported once, and ordinal or technical uses (第一批, 首件检验, 唯一标识) are exceptions."""
    exceptions = ck.data.wording.exceptions
    for si, sec, pi, para in ck.body():
        text = para.text
        taken = [(s, e) for _, s, e in find_numbers(text)]
        taken += _contact_hits(ck, si, sec, pi, para, taken)
        safe = [(m.start(), m.end()) for ex in exceptions for m in re.finditer(re.escape(ex), text)]
        safe += [(m.start(), m.end()) for ex in ck.data.wording.exception_patterns for m in re.finditer(ex, text)]
        for rule in ck.data.rules:
            for m in rule.regex.finditer(text):
                s, e = m.span()
                if any(a <= s and e <= b for a, b in safe) or any(a < e and s < b for a, b in taken):
                    continue
                taken.append((s, e))
                _add_wording(ck, rule, m.group(0), si, sec, pi, para, s)


def _add_wording(ck: _Checker, rule: WordRule, found: str, si, sec, pi, para, at: int) -> None:
    cat = ck.data.wording.categories[rule.category]
    ck.add("advertising", sec.label, ck.where(sec, para, at),
           f"“{found}”属于{cat.name}，公开案例库不使用", f"{rule.alternative}（依据：{_short_source(cat.source)}）",
           (si, pi, at), (f"wording:{rule.category}",), found)


def _short_source(source: str) -> str:
    """The first clause of a category's source note, enough for the editor to see why."""
    return re.split(r"[：:]", source, maxsplit=1)[0].strip()


def _contact_hits(ck: _Checker, si, sec, pi, para, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    text = para.text
    norm = nfkc(text) if len(nfkc(text)) == len(text) else text
    spans: list[tuple[int, int]] = []
    for kind, rx in _CONTACT:
        for m in rx.finditer(norm):
            if any(s < m.end() and m.start() < e for s, e in taken + spans):
                continue
            spans.append((m.start(), m.end()))
            found = text[m.start():m.end()].strip()
            ck.add("contact", sec.label, ck.where(sec, para, m.start()), f"公开案例中出现{kind}“{found}”",
                   f"删除“{found}”：案例库不登载电话、邮箱、网址、社交账号和详细地址", (si, pi, m.start()),
                   ("wording:sales_contact",), found)
    return spans


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
