"""Review a submission against the plan's five assessment requirements, with citation and 标准群 checks.

Offline path (always): the document's blocks are cut into sentences; each requirement gets candidates from
sections whose heading matches it and from sentences with its keywords (scored, longest keyword wins), ranked
together with a dense similarity to the requirement (only candidates are embedded, batched and capped). Each
candidate is classified at the clause level as done (已/完成/累计/numbers with units…), promise (将/拟/计划…),
negated or neutral; the verdict follows from the strongest requirement-specific evidence.

Optional LLM refinement (`settings.llm != "none"`): the model may lower a verdict, but raise it only on quotes
found verbatim in the document that the offline evidence test also accepts; sentences addressed to the assistant
are never evidence; any LLM failure keeps the offline verdict. Before any of this, every page's text layer is
checked (assistant/quality.py): a requirement whose evidence can only lie on unreadable pages is 无法判断.
Batch review (batch.py) spreads files over worker processes, one summary row per file.
"""
from __future__ import annotations

from assistant.review.batch import BatchRow, collect_paths, render_rows, review_batch, write_summary
from assistant.review.citations import document_citations, find_group, review_group
from assistant.review.pipeline import review_document, review_file
from assistant.review.refine import find_verbatim, refine_with_llm
from assistant.review.report import (
    CITATION_HEADERS,
    CitationLine,
    citation_note,
    citation_row,
    make_summary,
    merged_citations,
    render_review,
    unverifiable,
    write_review_report,
)
from assistant.review.requirements import (
    APPLIED_KEY,
    APPLIED_REQ,
    DENSE_WEIGHT,
    GENERIC_KEYWORDS,
    MAX_EMBED,
    MAX_EMBED_PER_REQ,
    Candidate,
    KeywordIndex,
    add_dense_scores,
    advice_for,
    find_candidates,
    quote_of,
    section_owners,
    verdict_for,
)
from assistant.review.result import (
    CITATION_ZH,
    MAX_EVIDENCE,
    MAX_QUOTE,
    STATUS_ZH,
    CitationResult,
    Evidence,
    GroupMemberResult,
    RequirementVerdict,
    ReviewResult,
    StandardGroupResult,
    Status,
)
from assistant.review.sentences import (
    EXTRA_PROMISE,
    GENERIC_DONE,
    NEGATION,
    ClauseState,
    Markers,
    Sentence,
    build_markers,
    clause_state,
    document_sentences,
)

__all__ = [
    "BatchRow", "collect_paths", "render_rows", "review_batch", "write_summary",
    "APPLIED_KEY", "APPLIED_REQ", "CITATION_ZH", "DENSE_WEIGHT", "EXTRA_PROMISE", "GENERIC_DONE", "GENERIC_KEYWORDS",
    "MAX_EMBED", "MAX_EMBED_PER_REQ", "MAX_EVIDENCE", "MAX_QUOTE", "NEGATION", "STATUS_ZH", "Candidate",
    "CitationResult", "ClauseState", "Evidence", "GroupMemberResult", "KeywordIndex", "Markers", "RequirementVerdict", "ReviewResult",
    "Sentence", "StandardGroupResult", "Status", "add_dense_scores", "advice_for", "CITATION_HEADERS", "CitationLine", "citation_note", "citation_row",
    "merged_citations", "unverifiable", "build_markers", "clause_state",
    "document_citations", "document_sentences", "find_candidates", "find_group", "find_verbatim", "make_summary",
    "quote_of", "refine_with_llm", "render_review", "review_document", "review_file", "review_group",
    "section_owners", "verdict_for", "write_review_report",
]
