"""The shipped knowledge (corpus/): typed models of its structured files and their text for the index."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from assistant.loaders import Block, Document, load_document, text_blocks
from assistant.standards import LEVEL_ZH, STATUS_ZH, Catalog, load_catalog
from assistant.yamlio import load_yaml


class Direction(BaseModel):
    id: str
    name: str
    category: str
    applicants: str = ""
    scope: str
    keywords: list[str]
    example_standards: list[str]


class GroupRules(BaseModel):
    min_count: int = 5
    max_count: int = 20
    core_level: str = "national"
    allowed_levels: list[str]
    prefer: str = ""
    definition: str = ""


class Plan(BaseModel):
    title: str
    period_years: int
    group_rules: GroupRules
    directions: list[Direction]
    assessment: list[str]
    targets: list[dict] = []

    def direction(self, name_or_id: str) -> Direction | None:
        """By id, name or a prefix of the name (two characters or more) that only one direction has."""
        key = name_or_id.strip()
        exact = [d for d in self.directions if key in (d.id, d.name)]
        if exact:
            return exact[0]
        prefixed = [d for d in self.directions if len(key) >= 2 and d.name.startswith(key)]
        return prefixed[0] if len(prefixed) == 1 else None  # ambiguous: the caller lists the candidates


class Requirement(BaseModel):
    id: int
    name: str
    plan_clause: str = ""
    description: str
    evidence: list[str]
    promise: list[str]
    headings: list[str]
    keywords: list[str]
    done_markers: list[str] = []
    advice: str
    # Words that are progress, not incompleteness, for this requirement (征求意见稿 for a standard being drafted).
    not_incomplete: list[str] = []
    # For `covered`, the done evidence must have substance: a 《》/“” name, or this many characters in all.
    min_evidence_chars: int = 0
    # Or: for `covered`, a done sentence must name what it is about (a standard number, a 《title》, a clause).
    substance: list[str] = []
    # Senses (review): done evidence must speak of the deliverable itself, i.e. match one of these patterns;
    # keyword hits inside a false friend ("系统解决方案供应商" for 解决方案) do not count at all.
    deliverable: list[str] = []
    false_friends: list[str] = []
    # What a false friend is, in a reviewer's words ("写的是产品销售或市场推广"): said when it was all a section had.
    false_friend_note: str = ""
    # Halves the plan asks for together (name -> pattern): covered needs done evidence of every part.
    parts: dict[str, str] = {}
    # A part that is about standards of some levels only (修订建议: the plan asks for national and industry ones):
    # a sentence citing standards, none of these levels, does not count for it.
    part_levels: dict[str, list[str]] = {}
    sources: str = ""


class Rubric(BaseModel):
    requirements: list[Requirement]
    promise_markers: list[str]
    # A clause with one of these (初稿, 进行中…) reports unfinished work: it counts as partial, never covered.
    incomplete_markers: list[str] = []
    # Sentences that address the reviewing assistant (an injection attempt): reported, never evidence.
    instruction_markers: list[str] = []
    # Headings of sections that describe plans (试点目标, 实施计划, 预期成果): what they say will be done is a plan.
    plan_headings: list[str] = []
    # The cover's form fields (项目名称：…): a sentence that is one of them is never evidence.
    cover_labels: list[str] = []
    # A sign-off line (青岚制药股份有限公司　2026年11月): who wrote it and when, never evidence either.
    signature_lines: list[str] = []


class Case(BaseModel):
    id: str
    kind: Literal["public", "example"]
    title: str
    company: str
    industry: str
    direction: str
    batch: str | None = None
    standards: list[str] = []
    effects: list[str] = []
    source: str
    confidence: str = "M"
    body: str


class GlossaryTerm(BaseModel):
    preferred: str
    variants: list[str] = []
    note: str = ""


class Glossary(BaseModel):
    terms: list[GlossaryTerm]
    banned_phrases: list[str] = []
    banned_exceptions: list[str] = []
    section_limits: dict[str, int] = {}


@dataclass
class Corpus:
    """Everything in corpus/, parsed and validated once."""

    root: Path
    plan: Plan
    catalog: Catalog
    rubric: Rubric
    cases: list[Case]
    glossary: Glossary


def _yaml(path: Path) -> dict:
    return load_yaml(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def load_corpus(root: Path) -> Corpus:
    """Parse and validate every structured corpus file (cached per folder: it is read-only data)."""
    root = Path(root)
    cases = [Case.model_validate(_yaml(p)) for p in sorted((root / "cases").glob("*.yaml"))]
    return Corpus(
        root=root,
        plan=Plan.model_validate(_yaml(root / "plan" / "plan.yaml")),
        catalog=load_catalog(root),
        rubric=Rubric.model_validate(_yaml(root / "requirements" / "rubric.yaml")),
        cases=cases,
        glossary=Glossary.model_validate(_yaml(root / "glossary.yaml")),
    )


# ---- corpus as documents for the index -----------------------------------------------------------


def corpus_documents(root: Path) -> dict[str, Document]:
    """Each corpus file as a Document, keyed by its path relative to the corpus root."""
    corpus = load_corpus(Path(root))
    docs: dict[str, Document] = {}
    plan_txt = root / "plan" / "plan.txt"
    doc = load_document(plan_txt, doc_type="plan")
    doc.source = "plan/plan.txt"
    docs[doc.source] = doc
    docs["plan/plan.yaml"] = _directions_doc(corpus)
    docs["standards/catalog.yaml"] = _catalog_doc(corpus.catalog)
    docs["requirements/rubric.yaml"] = _rubric_doc(corpus.rubric)
    for case in corpus.cases:
        docs[f"cases/{case.id}.yaml"] = _case_doc(case)
    return docs


def _directions_doc(corpus: Corpus) -> Document:
    blocks = []
    for d in corpus.plan.directions:
        examples = "、".join(corpus.catalog.get(n).display() if corpus.catalog.get(n) else n for n in d.example_standards)
        text = f"试点方向：{d.name}（{d.category}）。{d.scope} 关键词：{'、'.join(d.keywords)}。方案示例标准：{examples}。"
        blocks.append(Block(text, f"方向“{d.name}”", d.name, "table_row"))
    return Document("plan/plan.yaml", "plan", blocks)


def standard_text(s) -> str:
    """How a catalog entry reads in the index: title, number, level, area, directions, keywords."""
    status = STATUS_ZH[s.status] + (f"（由 {s.replaced_by} 代替）" if s.status == "replaced" and s.replaced_by else "")
    parts = [f"{s.display()}，{LEVEL_ZH[s.level]}，{status}"]
    if s.area:
        parts.append(f"体系位置：{s.area}")
    if s.directions:
        parts.append(f"适用方向：{'、'.join(s.directions)}")
    if s.keywords:
        parts.append(f"关键词：{'、'.join(s.keywords)}")
    if s.alt_titles:
        parts.append(f"又称：{'、'.join(s.alt_titles)}")
    return "；".join(parts) + "。"


def _catalog_doc(catalog: Catalog) -> Document:
    blocks = [Block(standard_text(s), s.number, s.area, "table_row") for s in catalog.standards]
    return Document("standards/catalog.yaml", "standard", blocks)


def _rubric_doc(rubric: Rubric) -> Document:
    blocks = []
    for r in rubric.requirements:
        text = (f"考核要求{r.id}：{r.name}。{r.description} 证据：{'；'.join(r.evidence)}。"
                f"常见章节：{'、'.join(r.headings)}。")
        blocks.append(Block(text, f"要求{r.id}", r.name, "table_row"))
    return Document("requirements/rubric.yaml", "requirement", blocks)


def _case_doc(case: Case) -> Document:
    header = f"{case.title}（{case.direction}；{case.industry}；{'示例' if case.kind == 'example' else case.batch or ''}）"
    blocks = [Block(header, "概要", case.title)]
    blocks += text_blocks(case.body)
    return Document(f"cases/{case.id}.yaml", "case", blocks, {"direction": case.direction, "case_kind": case.kind})
