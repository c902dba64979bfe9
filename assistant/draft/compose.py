"""Writing one section: the offline composer, or the LLM streamed sentence by sentence with each piece checked.

What the model returns is validated as a whole afterwards (assistant/draft/guard.py); a section that fails,
is cut off or runs out of its time budget is composed offline instead, and the draft says which and why.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

from assistant.context import Context
from assistant.draft.basis import DraftBasis
from assistant.draft.guard import check_section
from assistant.draft.result import ModelSection, OnToken
from assistant.draft.safety import as_data, payloads, scrub_payloads, strip_injections, verify_numbers
from assistant.draft.templates import fill_template, rule_vars
from assistant.errors import LLMCutOff, LLMError
from assistant.prompts import Prompt
from assistant.retrieve import Hit

FACTS_SHOWN = 3  # offline: excerpts quoted per section
FACT_CHARS = 160
PROMPT_FACT_CHARS = 600
SCENARIO_PROMPT_CHARS = 4000
MIN_KEPT_CHARS = 12  # an obedient model's reply, once the injected payload is removed, has nothing left to keep  # a long @file scenario is sent once per section: keep prompts bounded


@dataclass
class DraftJob:
    """Everything one draft's sections share."""

    ctx: Context
    kind: str
    template: dict
    shared: Prompt
    variables: dict
    scenario: str
    title: str
    system: str
    flagged: list[str]
    emit: OnToken
    llm_up: bool
    shown: set[str] = field(default_factory=set)
    failed: list[str] = field(default_factory=list)  # headings composed offline although an LLM is configured
    notices: list[str] = field(default_factory=list)
    given: set[str] = field(default_factory=set)  # year-less keys of the numbers the user gave: never removed
    basis: DraftBasis | None = None  # scenes, needs and standard uses (assistant/draft/basis.py)
    deadline: float = float("inf")  # time.monotonic() by which the whole document's model calls must end
    model_sections: list[ModelSection] = field(default_factory=list)  # what the model did, section by section

    def replaced(self, heading: str, reason: str, seconds: float = 0.0) -> None:
        """A section the model was asked for but the offline composer writes: recorded and announced."""
        self.model_sections.append(ModelSection(heading=heading, kept=False, reason=reason, seconds=seconds))
        self.emit(f"\n\n【本节未采用大模型输出（{reason}），改用离线模板】\n\n")


class BudgetSpent(Exception):
    """The section's or the document's time budget ran out while the model was writing."""

def compose_offline(spec: dict, variables: dict, facts: list[dict], name: str, shared) -> str:
    """One section from its offline template plus a short list of retrieved excerpts."""
    body = fill_template(spec["offline"], f"{name}:{spec['heading']}", variables)
    extra = shared.render("facts", facts=facts).strip()
    return f"{body}\n\n{extra}" if extra else body


def offline_facts(hits: list[Hit], shown: set[str]) -> tuple[list[Hit], list[dict]]:
    """The section's grounding passages (plan, rubric, cases, uploads before catalog rows) and the excerpts to
    quote: each passage is quoted once per draft, at its first section."""
    ordered = [h for h in hits if h.doc_type != "standard"] + [h for h in hits if h.doc_type == "standard"]
    used = [h for h in ordered if _fact(h)["text"]][:FACTS_SHOWN]
    quoted = [_fact(h) for h in used if h.id not in shown]
    shown.update(h.id for h in used)
    return used, quoted


def _fact(hit: Hit) -> dict:
    text, _ = strip_injections(" ".join(hit.text.split()))
    if len(text) > FACT_CHARS:
        cut = text[:FACT_CHARS]
        end = max(cut.rfind(p) for p in "。；;")
        text = (cut[: end + 1] if end > FACT_CHARS // 2 else cut) + "…"
    return {"text": text, "source": hit.source, "location": hit.location}


def llm_section(job: DraftJob, spec: dict, hits: list[Hit]) -> tuple[str | None, list[Hit], bool]:
    """The section from the LLM (streamed and validated), or None: then the offline composer writes it.

    An unreachable or failing server turns the rest of the draft offline; a cut-off reply, a reply that fails
    validation or a spent section budget affects this section only; a spent document budget ends model use."""
    heading, settings = spec["heading"], job.ctx.settings
    left = job.deadline - time.monotonic()
    if left <= 0:
        job.llm_up = False
        job.replaced(heading, f"文档的大模型时间预算（{settings.llm_document_seconds:g}秒）已用完")
        return None, hits, False
    user = job.shared.render("user", title=job.title, heading=heading, goal=spec["goal"],
                             instruction=fill_template(spec["prompt"], f"draft/{job.kind}:prompt", job.variables),
                             scenario=as_data(job.scenario[:SCENARIO_PROMPT_CHARS]),
                             facts=[_prompt_fact(h) for h in hits],
                             **rule_vars(job.variables))
    started = time.monotonic()
    budget = min(settings.llm_section_seconds, left)
    try:
        raw, finish = _generate(job.ctx.llm, job.system, user, job.emit, partial(_clean_stream, job),
                                started + budget)
    except BudgetSpent:
        job.replaced(heading, f"超出本节时间预算（{budget:.0f}秒）", time.monotonic() - started)
        return None, hits, False
    except LLMCutOff as exc:
        job.replaced(heading, f"回复中途中断：{exc}", time.monotonic() - started)
        return None, hits, False
    except LLMError as exc:
        job.llm_up = False
        job.notices.append(job.shared.render("fallback", heading=heading, error=str(exc)))
        job.emit("\n\n【大模型不可用，本节改用离线模板】\n\n")
        return None, hits, False
    seconds = time.monotonic() - started
    headings = [s["heading"] for s in job.template["sections"] if s["heading"] != heading]
    check = check_section(_strip_heading(raw, heading), finish=finish, known=job.system + "\n" + user,
                          other_headings=headings)
    if not check.ok:
        job.replaced(heading, "；".join(check.problems), seconds)
        return None, hits, False
    text, injected = strip_injections(check.text)
    text, scrubbed = scrub_payloads(text, payloads(job.flagged))
    if (injected or scrubbed) and len(re.sub(r"【[^】]*】|\W", "", text)) < MIN_KEPT_CHARS:
        job.replaced(heading, "只复述了输入中给模型的指令", seconds)
        return None, hits, False
    job.model_sections.append(ModelSection(heading=heading, kept=True, seconds=seconds, figures=check.figures,
                                           echoes=check.echoes, trimmed=check.trimmed))
    return text, hits, scrubbed or bool(injected)


def _clean_stream(job: DraftJob, piece: str) -> str:
    """What the user may see of a streamed piece: unknown numbers and injected payloads already removed."""
    piece = verify_numbers(job.ctx.corpus.catalog, piece, "", job.given)[0]
    return scrub_payloads(piece, payloads(job.flagged))[0]


def _prompt_fact(hit: Hit) -> dict:
    return {"text": as_data(" ".join(hit.text.split())[:PROMPT_FACT_CHARS]), "source": hit.source,
            "location": hit.location}


_SENTENCE_END = re.compile(r"[。；！？\n]")


def _generate(llm, system: str, user: str, emit: OnToken, clean: Callable[[str], str],
              deadline: float) -> tuple[str, str | None]:
    """Stream the reply sentence by sentence, each checked by `clean` first, so no unverified number is shown.
    Returns the text and the server's finish reason; raises BudgetSpent past `deadline`."""
    parts, pending = [], ""
    reply = llm.stream(system, user)
    try:
        for token in reply:
            parts.append(token)
            pending += token
            ends = [m.end() for m in _SENTENCE_END.finditer(pending)]
            if ends:
                emit(clean(pending[: ends[-1]]))
                pending = pending[ends[-1] :]
            if time.monotonic() > deadline:
                raise BudgetSpent
    finally:
        close = getattr(reply, "close", None)
        if close is not None:
            close()
    if pending:
        emit(clean(pending))
    return _tidy_llm_text("".join(parts)), getattr(reply, "finish_reason", "stop")


def _tidy_llm_text(text: str) -> str:
    text = re.sub(r"^```[a-z]*\n|\n```\s*$", "", text.strip())
    return text.strip()


def _strip_heading(text: str, heading: str) -> str:
    lines = text.strip().splitlines()
    if lines and lines[0].strip().lstrip("#").strip().rstrip("：:") == heading:
        lines = lines[1:]
    return "\n".join(lines).strip()
