"""Scenario hints from corpus/plan/suggest_hints.yaml: English terms in Chinese, who is applying, industry fit."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.standards import Standard
from assistant.suggest.matching import _norm, _present
from assistant.tokenize import tokenize

HINTS_FILE = Path("plan") / "suggest_hints.yaml"
_CLAUSE = re.compile(r"[^,.;:!?。！？；，：\n]+")


@dataclass(frozen=True)
class Role:
    """One kind of applicant: the plan category it applies under and the phrases that give it away."""

    name: str  # "provider" | "own"
    category: str
    label: str
    cues: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Hints:
    english: tuple[tuple[re.Pattern, tuple[str, ...]], ...]
    roles: tuple[Role, ...]


def _english_pattern(term: str) -> re.Pattern:
    t = re.escape(_norm(term)).replace(r"\ ", r"[\s\-]+")
    plural = r"(?:s|es)?" if not term.endswith("y") else ""
    if term.endswith("y"):
        t = t[:-1] + r"(?:y|ies)"
    return re.compile(rf"(?<![a-z0-9]){t}{plural}(?![a-z0-9])")


@lru_cache(maxsize=4)
def load_hints(corpus_root: Path) -> Hints:
    path = Path(corpus_root) / HINTS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    english = tuple((_english_pattern(str(k)), tuple(str(x) for x in v))
                    for k, v in sorted((data.get("english") or {}).items(), key=lambda kv: -len(str(kv[0]))))
    roles = tuple(Role(name, str(r["category"]), str(r.get("label", name)),
                       tuple(re.compile(c) for c in r.get("cues", [])))
                  for name, r in (data.get("roles") or {}).items())
    return Hints(english, roles)


def expand_scenario(corpus_root: Path, scenario: str) -> str:
    """The scenario with the Chinese terms of its English words put in front (unchanged when there are none).

    The terms go first, each its own clause, so retrieval's length cut keeps them and role cues stay separate.
    """
    text = _norm(scenario)
    if not re.search(r"[a-z]{2,}", text):
        return scenario
    terms: list[str] = []
    for pattern, zh in load_hints(corpus_root).english:
        if pattern.search(text):
            terms += [t for t in zh if t not in terms and _norm(t) not in text]  # MES needs no MES
    return "；".join(terms) + "。" + scenario if terms else scenario


def english_terms(corpus_root: Path, scenario: str) -> list[str]:
    """The Chinese terms expand_scenario adds (for notes)."""
    expanded = expand_scenario(corpus_root, scenario)
    if expanded == scenario:
        return []
    return expanded[: len(expanded) - len(scenario) - 1].split("；")


# ---- who is applying -------------------------------------------------------------------------------------


def applicant_role(corpus_root: Path, text: str) -> tuple[Role | None, list[str]]:
    """The role the scenario's wording points to, with the phrases that said so; None when unclear or mixed.

    A clause with a provider cue is not read for own-operations cues: 帮中小企业摸清自己的水平 speaks of clients.
    """
    roles = {r.name: r for r in load_hints(corpus_root).roles}
    found: dict[str, list[str]] = {name: [] for name in roles}
    for clause in _CLAUSE.findall(_norm(text)):
        hits = {name: [m.group(0) for p in r.cues for m in [p.search(clause)] if m] for name, r in roles.items()}
        if hits.get("provider"):
            hits = {"provider": hits["provider"]}
        for name, cues in hits.items():
            found[name] += [c for c in cues if c not in found[name]]
    present = [name for name, cues in found.items() if cues]
    if len(present) != 1:
        return None, []
    cues = found[present[0]]
    return roles[present[0]], [c for c in cues if not any(c != o and c in o for o in cues)]


# ---- industry fit ----------------------------------------------------------------------------------------


def industry_hits(std: Standard, text: str, tokens: set[str] | None = None) -> list[str]:
    """Which of an industry-specific entry's industries the scenario names ([] also when it has none)."""
    if not std.industries:
        return []
    norm = _norm(text)
    tokens = tokens if tokens is not None else set(tokenize(text))
    return [i for i in std.industries if _present(i, norm, tokens)]


def off_industry(std: Standard, text: str, tokens: set[str] | None = None) -> bool:
    """An entry written for one industry or technology (开关设备, 船舶, 增材制造) the scenario does not mention."""
    return bool(std.industries) and not industry_hits(std, text, tokens)
