"""Optional LLM refinement: the model may change a verdict, but only quotes found verbatim in the document stay."""
from __future__ import annotations

import json
import re

from assistant.context import Context
from assistant.corpus import Requirement
from assistant.errors import AssistantError
from assistant.loaders import Document
from assistant.review.requirements import Candidate, advice_for
from assistant.review.sentences import instruction_pattern
from assistant.review.result import MAX_EVIDENCE, MAX_QUOTE, STATUS_ZH, Evidence, RequirementVerdict, Status
from assistant.textnorm import nfkc

# ---- LLM refinement (optional) ------------------------------------------------------------------------


def _compact(text: str) -> tuple[str, list[int]]:
    keep = [(ch, i) for i, ch in enumerate(nfkc(text)) if not ch.isspace()]
    return "".join(c for c, _ in keep), [i for _, i in keep]


def find_verbatim(quote: str, doc: Document) -> Evidence | None:
    """The document's own text for a quote (matched ignoring whitespace and full/half width), or None."""
    target, _ = _compact(quote)
    if len(target) < 4:
        return None
    for block in doc.blocks:
        compact, index = _compact(block.text)
        at = compact.find(target)
        if at >= 0:
            verbatim = block.text[index[at]: index[at + len(target) - 1] + 1]
            if len(verbatim) > MAX_QUOTE:
                verbatim = verbatim[:MAX_QUOTE]
            return Evidence(quote=verbatim, location=block.location_at(index[at]))
    return None


class _BadReply(ValueError):
    """The reply is not the agreed JSON; the message says how, in the words a notice shows."""


def _parse_reply(reply: str) -> dict:
    """The JSON object in an LLM reply (tolerates ```json fences and text around it)."""
    m = re.search(r"\{.*\}", reply, re.S)
    if not m:
        raise _BadReply("回复中没有 JSON 对象")
    try:
        data = json.loads(m.group())
    except json.JSONDecodeError:
        raise _BadReply("回复中的 JSON 格式有误") from None
    data = data if isinstance(data, dict) else {}  # a list or a bare value: no status, said so below
    if data.get("status") not in ("covered", "partial", "missing", "planned"):
        raise _BadReply(f"回复中的结论 status 无法识别：{str(data.get('status'))[:40]}")
    if not isinstance(data.get("quotes", []), list):
        raise _BadReply("回复中的 quotes 不是列表")
    return data


# How far a verdict goes: the model may lower one freely, but raise it only on quotes the offline test accepts.
_RANK = {"unreadable": 0, "missing": 0, "partial": 1, "planned": 2, "covered": 3}


def _accepted(status: str, quotes: list[Evidence], candidates: list[Candidate]) -> bool:
    """Do the model's quotes pass the offline evidence test for `status`? Each must lie in (or hold) a candidate
    sentence of this requirement that is strong evidence (covered) or a concrete/any mention (planned/partial)."""
    wanted = {"covered": ("strong",), "planned": ("strong", "promise"), "partial": ("strong", "promise", "weak")}[status]
    good = [c.sentence.text for c in candidates if c.strength in wanted and c.sentence.kind != "heading"]
    return bool(quotes) and all(any(q.quote in t or t in q.quote for t in good) for q in quotes)


def refine_with_llm(ctx: Context, requirement: Requirement, candidates: list[Candidate], verdict: RequirementVerdict,
                    doc: Document, notices: list[str], stage: str = "acceptance") -> RequirementVerdict:
    """Let the configured LLM re-judge one requirement; keep only quotes found in the document."""
    try:
        from assistant.prompts import load_prompt

        prompt = load_prompt(ctx.settings.prompts_dir, "review/refine")
        passages = [{"n": i + 1, "location": c.sentence.location, "text": c.sentence.text[:400]}
                    for i, c in enumerate(sorted(candidates, key=lambda c: -c.rank)[:8])]
        variables = dict(requirement=requirement.model_dump(), passages=passages, verdict=verdict.status,
                         statuses=STATUS_ZH, stage=stage)
        reply = ctx.llm.complete(prompt.render("system", **variables), prompt.render("user", **variables))
        data = _parse_reply(reply)
    except ImportError as exc:
        notices.append(f"要求{requirement.id}：大模型不可用（缺少依赖包 {exc.name or '未知'}），保留离线结论")
        return verdict
    except (AssistantError, _BadReply) as exc:  # LLMError is an AssistantError
        reason = (str(exc).splitlines() or ["回复格式无法识别"])[0][:100]
        notices.append(f"要求{requirement.id}：大模型复核失败（{reason}），保留离线结论")
        return verdict
    except (ValueError, KeyError, TypeError):
        notices.append(f"要求{requirement.id}：大模型复核失败（回复格式无法识别），保留离线结论")
        return verdict
    evidence: list[Evidence] = []
    dropped = suspect = 0
    instructions = instruction_pattern(ctx.corpus.rubric)
    for q in data.get("quotes", [])[:MAX_EVIDENCE * 2]:
        found = find_verbatim(str(q), doc) if isinstance(q, str) else None
        if found is not None and instructions is not None and instructions.search(found.quote):
            suspect += 1  # an injected sentence is never evidence, even verbatim
        elif found is None:
            dropped += 1
        elif found not in evidence and len(evidence) < MAX_EVIDENCE:
            evidence.append(found)
    if dropped:
        notices.append(f"要求{requirement.id}：大模型给出的 {dropped} 条引文在原文中找不到，已丢弃")
    if suspect:
        notices.append(f"要求{requirement.id}：大模型引用了 {suspect} 句疑似指令（写给评审助手的话），已丢弃，不作为证据")
    status: Status = data["status"]
    if status == "planned" and stage != "application":
        status = "partial"  # at acceptance a plan is not delivery, whatever the model says
    if status != "missing" and not evidence:
        notices.append(f"要求{requirement.id}：大模型的结论没有可核对的原文引文，保留离线结论")
        return verdict
    if _RANK[status] > _RANK[verdict.status] and not _accepted(status, evidence, candidates):
        notices.append(f"要求{requirement.id}：大模型把结论提高为“{STATUS_ZH[status]}”，但所引原文未通过证据检验"
                       f"（没有讲到这项成果本身），保留离线结论")
        return verdict
    if status == "missing" and verdict.status == "unreadable":
        return verdict  # the model saw only the readable pages; it cannot know what the others say
    if status == "missing":
        evidence = []
    reason = str(data.get("advice") or data.get("reason") or "").strip()
    advice = advice_for(requirement, status, verdict.status == "partial" and "承诺" in verdict.advice,
                        figures=any(re.search(r"\d", e.quote) for e in evidence), stage=stage,  # type: ignore[arg-type]
                        unreadable=[q.where for q in doc.unreadable])
    if reason:
        advice = f"{advice}（大模型意见：{reason[:200]}）"
    return RequirementVerdict(id=verdict.id, name=verdict.name, status=status, evidence=evidence, advice=advice)
