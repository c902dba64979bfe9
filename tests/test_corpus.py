"""Schema tests for everything in corpus/: fields, number format, uniqueness, plan coverage, sources."""
from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml
from conftest import REPO

from assistant.corpus import load_corpus
from assistant.standards import find_numbers, parse_number

CORPUS = REPO / "corpus"
NUMBER_FORM = re.compile(r"^(?:(?:GB/T|GB|GB/Z|[A-Z]{2}/T|T/[A-Z]+) \d+(?:\.\d+)?(?:—\d{4})?|\d{8}—T—\d{3})$")
PLAN_DIRECTIONS = ["智能工厂建设应用类", "供应链协同应用类", "新模式实践应用类", "咨询规划服务类", "新技术融合创新类", "系统集成服务类"]
PLAN_REQUIREMENTS = ["标准群应用情况材料", "标准修订建议与新标准立项建议", "实施指南或解决方案", "面向中小企业推广", "标准应用案例"]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS)  # pydantic validates every file's required fields and types


def test_every_yaml_file_parses():
    for path in CORPUS.rglob("*.yaml"):
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict), path


def test_plan_text_is_clean_utf8():
    text = (CORPUS / "plan" / "plan.txt").read_text(encoding="utf-8")
    assert text.startswith("智能制造标准应用试点实施方案")
    for healed in ["企业标准的标准集合", "远程运维", "信息技术 工业云 参考模型"]:
        assert healed in text, f"page-break artefact left around {healed}"


def test_catalog_numbers_are_normalised_and_unique(corpus):
    numbers = [s.number for s in corpus.catalog.standards]
    assert len(numbers) >= 100
    assert [n for n, c in Counter(numbers).items() if c > 1] == []
    for s in corpus.catalog.standards:
        assert NUMBER_FORM.match(s.number), s.number
        assert s.source.strip(), f"{s.number} has no source"
        assert (s.status == "plan") == s.number[0].isdigit(), f"{s.number}: status and number shape disagree"
        if s.year is not None and s.status == "published":
            assert s.number.endswith(f"—{s.year}"), s.number
        assert set(s.directions) <= set(PLAN_DIRECTIONS), s.number


def test_every_standard_the_plan_names_is_in_the_catalog(corpus):
    plan_text = (CORPUS / "plan" / "plan.txt").read_text(encoding="utf-8")
    named = {n.normalized for n, _, _ in find_numbers(plan_text)}
    assert len(named) == 16, sorted(named)
    for number in named:
        entry = corpus.catalog.get(number)
        assert entry is not None and entry.in_plan, number


def test_plan_structure(corpus):
    plan = corpus.plan
    assert [d.name for d in plan.directions] == PLAN_DIRECTIONS
    assert plan.assessment == PLAN_REQUIREMENTS
    assert plan.period_years == 2
    assert (plan.group_rules.min_count, plan.group_rules.max_count) == (5, 20)
    for d in plan.directions:
        assert d.example_standards, d.name
        for number in d.example_standards:
            assert corpus.catalog.get(number) is not None, number


def test_rubric_follows_the_plan_order(corpus):
    assert [(r.id, r.name) for r in corpus.rubric.requirements] == list(enumerate(PLAN_REQUIREMENTS, start=1))
    for r in corpus.rubric.requirements:
        assert r.keywords and r.evidence and r.promise and r.headings and r.advice
    assert "将" in corpus.rubric.promise_markers


def test_cases_cover_every_direction_and_cite_only_catalog_numbers(corpus):
    assert {c.direction for c in corpus.cases} == set(PLAN_DIRECTIONS)
    for case in corpus.cases:
        for number in case.standards:
            assert corpus.catalog.get(number) is not None, f"{case.id}: {number}"
        for number, _, _ in find_numbers(case.body):
            assert corpus.catalog.get(number) is not None, f"{case.id} body cites {number.normalized}"
        if case.kind == "example":
            assert "示例" in case.company or "虚构" in case.company, case.id


def test_each_direction_is_served_by_enough_standards(corpus):
    served = Counter(d for s in corpus.catalog.standards for d in s.directions)
    for direction in PLAN_DIRECTIONS:
        assert served[direction] >= 10, direction


def test_glossary(corpus):
    preferred = [t.preferred for t in corpus.glossary.terms]
    assert "标准群" in preferred and len(preferred) == len(set(preferred))
    assert set(corpus.glossary.section_limits) == {"项目概况", "标准群构成", "实施路径", "应用成效", "推广经验"}


def test_parse_number_roundtrips_every_catalog_entry(corpus):
    for s in corpus.catalog.standards:
        assert parse_number(s.number).normalized == s.number


def _raw_catalog() -> list[dict]:
    return yaml.safe_load((CORPUS / "standards" / "catalog.yaml").read_text(encoding="utf-8"))["standards"]


def test_catalog_needs_links_and_lifecycle_are_consistent():
    entries = _raw_catalog()
    numbers = {e["number"] for e in entries}
    need_ids = {n["id"] for n in yaml.safe_load((CORPUS / "needs.yaml").read_text(encoding="utf-8"))["needs"]}
    for e in entries:
        assert set(e.get("needs", [])) <= need_ids, e["number"]
        assert set(e.get("accompanies", [])) <= need_ids, e["number"]
        assert set(e.get("companions", [])) <= numbers, e["number"]
        assert e.get("scope", "").strip(), f"{e['number']} has no scope"
        if e["status"] == "replaced":
            assert e.get("replaced_by") in numbers, f"{e['number']} is replaced but its successor is not in the catalog"
        if e.get("replaces"):
            assert by_number(entries, e["replaces"])["replaced_by"] == e["number"], e["number"]


def by_number(entries: list[dict], number: str) -> dict:
    return next(e for e in entries if e["number"] == number)


def test_every_need_is_served_by_a_current_national_standard():
    """Directly, or (needs.yaml means_of) through a need that is a way of doing it: quality inspection is served
    by the vision standards where vision is how it is done; inspection by other means is reported uncovered."""
    needs = yaml.safe_load((CORPUS / "needs.yaml").read_text(encoding="utf-8"))["needs"]
    served = Counter(n for e in _raw_catalog() if e["level"] == "national" and e["status"] == "published" for n in e["needs"])
    for need in needs:
        for broader in need.get("means_of") or []:
            served[broader] += served[need["id"]]
    assert [n["id"] for n in needs if served[n["id"]] == 0] == []
    ids = {n["id"] for n in needs}
    assert all(set(n.get("means_of") or []) <= ids for n in needs)


def test_invented_examples_never_carry_evidence_confidence(corpus):
    for case in corpus.cases:
        if case.kind == "example":
            assert case.confidence not in {"H", "M"}, case.id


def test_staged_candidates_are_sourced_entries_not_yet_in_the_catalog(corpus):
    """corpus/standards/candidates.yaml holds sourced standards held back from the catalog (see its header): each
    validates as a catalog entry, has a source, and is not already in the catalog under any edition."""
    from assistant.standards import Standard

    data = yaml.safe_load((CORPUS / "standards" / "candidates.yaml").read_text(encoding="utf-8"))
    entries = [Standard.model_validate(e) for e in data["standards"]]
    assert len(entries) >= 50
    have = {s.parsed.key for s in corpus.catalog.standards}
    for e in entries:
        assert e.source and e.confidence in {"H", "M"}, e.number
        assert e.parsed.key not in have, e.number
        if e.level == "local":
            assert e.regions, f"{e.number}: a local standard names where it applies"
