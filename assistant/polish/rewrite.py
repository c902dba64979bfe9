"""The optional LLM rewrite, accepted only when it keeps every number and standard citation of the original."""
from __future__ import annotations

import difflib
import re
from collections import Counter

from assistant.polish.result import PolishResult, Rewrite, RewriteSection
from assistant.polish.structure import PREAMBLE
from assistant.standards import find_numbers
from assistant.textnorm import nfkc, split_sentences

# ---- LLM rewrite ----------------------------------------------------------------------------------

_NUM_RE = re.compile(r"\d+(?:\.\d+)?%?")


def fact_numbers(text: str) -> tuple[Counter, set[str]]:
    """(multiset of plain numbers, set of standard numbers) of a text; standard numbers are not plain numbers."""
    norm = nfkc(text).replace("％", "%")
    if len(norm) != len(text):
        norm = text
    found = find_numbers(norm)
    stds = {n.normalized for n, _, _ in found}
    chars = list(norm)
    for _, s, e in found:
        chars[s:e] = [" "] * (e - s)
    plain = "".join(chars)
    plain = re.sub(r"(?<=\d),(?=\d{3})", "", plain)  # 1,200 = 1200
    return Counter(_NUM_RE.findall(plain)), stds


def check_rewrite(original: str, rewritten: str) -> tuple[bool, str]:
    """Accept a rewrite only if it keeps every number and standard citation of the original."""
    if not rewritten.strip():
        return False, "改写结果为空"
    (n1, s1), (n2, s2) = fact_numbers(original), fact_numbers(rewritten)
    reasons = []
    if n1 != n2:
        lost, added = sorted((n1 - n2).elements()), sorted((n2 - n1).elements())
        parts = []
        if lost:
            parts.append("删去或改动了数字 " + "、".join(lost))
        if added:
            parts.append("新增了数字 " + "、".join(added))
        reasons.append("，".join(parts))
    if s1 != s2:
        parts = []
        if s1 - s2:
            parts.append("缺少标准 " + "、".join(sorted(s1 - s2)))
        if s2 - s1:
            parts.append("多出标准 " + "、".join(sorted(s2 - s1)))
        reasons.append("，".join(parts))
    if reasons:
        return False, "改写改变了事实，已拒绝：" + "；".join(reasons)
    return True, "数字与标准引用与原文一致"


def sentence_diff(original: str, rewritten: str) -> str:
    a = [s for line in original.splitlines() for s in split_sentences(line)]
    b = [s for line in rewritten.splitlines() for s in split_sentences(line)]
    return "\n".join(difflib.unified_diff(a, b, fromfile="原文", tofile="改写", lineterm=""))


UNVERIFIED = "【未核实编号】"


def _mask_new_numbers(original: str, text: str) -> str:
    """`text` with every standard number the original does not cite replaced (never printed, diffs included)."""
    known = {n.normalized for n, _, _ in find_numbers(original)}
    for number, start, end in reversed(find_numbers(text)):
        if number.normalized not in known:
            text = text[:start] + UNVERIFIED + text[end:]
    return text


def _clean_reply(reply: str) -> str:
    text = reply.strip()
    fence = re.match(r"^```[\w-]*\n(.*?)\n?```$", text, re.DOTALL)
    if fence:
        text = fence.group(1).strip()
    return text


def add_rewrite(ctx, result: PolishResult) -> PolishResult:
    """Rewrite each section with the configured LLM (skipped offline; on LLMError: rewrite=None + notice)."""
    from assistant.errors import LLMError
    from assistant.prompts import load_prompt

    llm = ctx.llm
    if getattr(llm, "offline", True):
        result.notices.append("离线模式（未配置大模型）：只做规则检查，未生成改写稿")
        return result
    prompt = load_prompt(ctx.settings.prompts_dir, "polish/rewrite")
    system = prompt.render("system")
    out = []
    try:
        for sec in result.sections:
            if not sec.text.strip() or sec.heading == PREAMBLE:
                continue
            user = prompt.render("user", heading=sec.heading, text=sec.text, limit=sec.limit or 0)
            rewritten = _clean_reply(llm.complete(system, user))
            ok, reason = check_rewrite(sec.text, rewritten)
            if not ok:  # a rejected rewrite is still shown: its invented standard numbers are not
                rewritten, reason = _mask_new_numbers(sec.text, rewritten), _mask_new_numbers(sec.text, reason)
            out.append(RewriteSection(heading=sec.heading, original=sec.text, rewritten=rewritten,
                                      diff=sentence_diff(sec.text, rewritten), accepted=ok, reason=reason))
    except LLMError as exc:
        result.rewrite = None
        result.notices.append(f"大模型改写失败，只给出规则检查结果：{exc}")
        return result
    result.rewrite = Rewrite(sections=out, backend=str(getattr(llm, "name", "llm")))
    return result
