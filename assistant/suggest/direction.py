"""Direction inference: the scenario's words, retrieval votes and catalog-entry votes, combined and softmaxed."""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

from assistant.context import Context
from assistant.corpus import Direction
from assistant.errors import InputError
from assistant.standards import Catalog, parse_number
from assistant.suggest.hints import applicant_role, expand_scenario, off_industry
from assistant.suggest.matching import QUERY_CHARS, TermIndex, _catalog_index, _norm, _words
from assistant.tokenize import tokenize

DIRECTION_HITS = 30
# Who is applying (a solution provider serving others, or a manufacturer for its own plant) moves the three
# directions of the matching plan category up by this much in the combined score (which sums to 1 over six):
# enough to settle a close call, not enough to override a scenario whose words clearly say otherwise.
ROLE_WEIGHT = 0.12

# ---- direction inference -----------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _direction_index(corpus_root: Path) -> TermIndex:
    """Each direction's keywords, plus the words of its name and scope that no other direction uses."""
    from assistant.corpus import load_corpus

    plan = load_corpus(corpus_root).plan
    scope = {d.id: set(_words(f"{d.name} {d.scope}")) for d in plan.directions}
    extra = {}
    for d in plan.directions:
        others = set().union(*(v for k, v in scope.items() if k != d.id))
        extra[d.id] = {w: 0.5 for w in sorted(scope[d.id] - others)}  # weaker than the curated keywords
    return TermIndex.build({d.id: d.keywords for d in plan.directions}, extra)


def _chunk_directions(doc_type: str, source: str, location: str, section: str, meta: dict | None,
                      catalog: Catalog, names: set[str]) -> list[str]:
    """Which directions an indexed chunk speaks for: a catalog entry's, a direction row's, a case's."""
    if doc_type == "standard":
        entry = catalog.get(location)
        return [d for d in entry.directions if d in names] if entry else []
    if source == "plan/plan.yaml":
        return [section] if section in names else []
    if doc_type == "case":
        d = (meta or {}).get("direction")
        return [d] if d in names else []
    return []


def _vote_weight(doc_type: str) -> float:
    return 0.5 if doc_type == "case" else 1.0  # most public cases are factories; a case row counts half


def _priors(retriever, catalog: Catalog, names: set[str]) -> dict[str, float]:
    """Each direction's share of the index: 68 catalog entries serve factories, 14 supply chains."""
    counts = {n: 1.0 for n in names}
    for r in retriever.records:
        dirs = _chunk_directions(r["doc_type"], r["source"], r["location"], r["section"], r["meta"], catalog, names)
        for n in dirs:
            counts[n] += _vote_weight(r["doc_type"]) / len(dirs)
    total = sum(counts.values())
    return {n: c / total for n, c in counts.items()}


def infer_direction(ctx: Context, scenario: str) -> tuple[Direction, float, dict]:
    """Direction from keyword evidence and retrieval votes; confidence is the softmaxed share of the winner."""
    plan, catalog = ctx.corpus.plan, ctx.corpus.catalog
    scenario = expand_scenario(ctx.settings.corpus_dir, scenario)  # English words also as their Chinese terms
    text, tokens = _norm(scenario), set(tokenize(scenario))
    index = _direction_index(ctx.settings.corpus_dir)
    kw, matched = {}, {}
    for d in plan.directions:
        full, parts, kw[d.id] = index.match(d.id, text, tokens)
        matched[d.id] = full + parts
    names = {d.name: d.id for d in plan.directions}
    retriever = ctx.retriever()
    priors = _priors(retriever, catalog, set(names))
    votes = {d.id: 0.0 for d in plan.directions}
    for rank, hit in enumerate(retriever.search(scenario[:QUERY_CHARS], k=DIRECTION_HITS)):
        dirs = _chunk_directions(hit.doc_type, hit.source, hit.location, hit.section, hit.meta, catalog, set(names))
        weight = _vote_weight(hit.doc_type) / (rank + 8)  # rank, not raw score: robust to another embedding model
        for name in dirs:
            # Divided by sqrt(prior): a direction many entries serve collects votes by chance alone.
            votes[names[name]] += weight / len(dirs) / math.sqrt(priors[name] * len(names))
    entries = _entry_votes(ctx, text, tokens, names, priors)
    combined = _combine(kw, votes, entries)
    before = max(plan.directions, key=lambda d: combined[d.id])  # max keeps the first on ties, like the sort
    role, cues = applicant_role(ctx.settings.corpus_dir, scenario)
    if role is not None:
        combined = {d.id: combined[d.id] + (ROLE_WEIGHT if d.category == role.category else 0.0)
                    for d in plan.directions}
    order = sorted(plan.directions, key=lambda d: -combined[d.id])  # stable: plan order breaks ties
    probs = _softmax([combined[d.id] for d in order], temperature=0.12)
    best = order[0]
    # Retrieval always returns something, even for a milk-tea shop: without the user's own domain words the
    # winner's share overstates how sure we are.
    strength = min(1.0, (sum(kw.values()) + 0.5 * sum(entries.values())) / 1.5)
    confidence = probs[0] * (0.4 + 0.6 * strength)
    evidence = {"keywords": matched[best.id], "scores": {d.name: round(combined[d.id], 3) for d in order},
                "role": role, "role_cues": cues, "without_role": before.name,
                "role_changed": role is not None and before.id != best.id}
    return best, round(confidence, 3), evidence


def domain_terms(ctx: Context, scenario: str) -> list[str]:
    """The scenario's words that are direction keywords or catalog keywords/title words (longest, distinct)."""
    scenario = expand_scenario(ctx.settings.corpus_dir, scenario)
    text, tokens = _norm(scenario), set(tokenize(scenario))
    found: set[str] = set()
    directions = _direction_index(ctx.settings.corpus_dir)
    for d in ctx.corpus.plan.directions:
        found.update(directions.match(d.id, text, tokens)[0])
    catalog = _catalog_index(ctx.settings.corpus_dir)
    for s in ctx.corpus.catalog.standards:
        if not off_industry(s, text, tokens):
            found.update(catalog.match(s.number, text, tokens)[0])
    norm = {t: _norm(t) for t in found}
    return sorted((t for t in found if not any(t != o and norm[t] in norm[o] for o in found)),
                  key=lambda t: (-len(t), t))


def _entry_votes(ctx: Context, text: str, tokens: set[str], names: dict[str, str],
                 priors: dict[str, float]) -> dict[str, float]:
    """The catalog entries whose own words the scenario uses (造船, 数据流通) vote for the directions they serve."""
    index = _catalog_index(ctx.settings.corpus_dir)
    votes = {d: 0.0 for d in names.values()}
    examples = _examples_by_key(ctx.settings.corpus_dir)
    for s in ctx.corpus.catalog.standards:
        if off_industry(s, text, tokens):
            continue  # 开关设备's words in a battery plant's scenario say nothing about its direction
        _, _, weight = index.match(s.number, text, tokens)
        # The plan lists its example standards under one direction: that outranks the catalog's wider tagging.
        dirs = examples.get(s.key) or examples.get(_key(s.part_of)) or [d for d in s.directions if d in names]
        for name in dirs:
            votes[names[name]] += weight / len(dirs) / math.sqrt(priors[name] * len(names))
    return votes


@lru_cache(maxsize=4)
def _examples_by_key(corpus_root: Path) -> dict[str, list[str]]:
    from assistant.corpus import load_corpus

    out: dict[str, list[str]] = {}
    for d in load_corpus(corpus_root).plan.directions:
        for number in d.example_standards:
            out.setdefault(_key(number), []).append(d.name)
    return out


def _key(number: str | None) -> str:
    parsed = parse_number(number) if number else None
    return parsed.key if parsed else ""


def _combine(kw: dict[str, float], votes: dict[str, float], entries: dict[str, float]) -> dict[str, float]:
    """Shares of the three kinds of evidence, direction keywords weighing most (the user's own words).

    A signal's weight shrinks when it is weak in total (one half-matched word), so that a share built on
    almost nothing cannot outvote the other signals.
    """
    parts = [(kw, 0.45 * min(1.0, sum(kw.values()))), (entries, 0.25 * min(1.0, sum(entries.values()))),
             (votes, 0.30)]
    used = [(p, w) for p, w in parts if sum(p.values()) > 0 and w > 0]
    total_w = sum(w for _, w in used) or 1.0
    return {d: sum(w * p[d] / sum(p.values()) for p, w in used) / total_w for d in kw}


def _softmax(values: list[float], temperature: float) -> list[float]:
    top = max(values)
    exps = [math.exp((v - top) / temperature) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def resolve_direction(ctx: Context, name: str) -> Direction:
    """--direction by name, id or unique prefix; a prefix of several lists them, anything else lists the six."""
    d = ctx.corpus.plan.direction(name)
    if d is not None:
        return d
    key = (name or "").strip()
    matches = [x for x in ctx.corpus.plan.directions
               if key and (x.name.startswith(key) or x.id.startswith(key.lower()))]
    if len(matches) > 1:
        names = "、".join(f"{x.name}（{x.id}）" for x in matches)
        raise InputError(f"试点方向“{key}”有歧义，可能是：{names}；请写出完整名称或 id (ambiguous direction)")
    names = "、".join(f"{x.name}（{x.id}）" for x in ctx.corpus.plan.directions)
    raise InputError(f"未知的试点方向“{name}”，可选：{names} (unknown direction)")
