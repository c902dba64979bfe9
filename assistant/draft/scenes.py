"""Scenes: the committed clauses of a scenario (assistant/clauses.py), grouped into the scenes of a draft.

A new scene begins at each item the applicant enumerates, each segment and each additive lead, and where a
clause takes up a need of its own with a verb of its own; the rest of a sentence stays with its scene, and an
item keeps its whole segment. An item whose content the scenario puts out of scope is no scene.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.clauses import BUILD, COMMIT, CONTINUES, LIST_MARK, WILL, Clause, Cues, marker_kind, load_cues, read_clauses


@dataclass(frozen=True)
class SceneGroup:
    clauses: tuple[str, ...]  # what the scene will do, without its title
    need_ids: tuple[str, ...]
    title: str | None = None  # the item's own name (- 硫化车间：…, 第一，拉晶环节。…), when it has one


@dataclass(frozen=True)
class SceneSplit:
    goal: str | None  # the heading that introduces the scenes, when it names a need (计划建设智能工厂：)
    background: list[str]  # clauses that are no scene, in order: nothing the applicant wrote is lost, except what
    # it asks not to be written (这块不用写)
    scenes: list[SceneGroup]
    clauses: list[Clause]


def group(clauses: list[Clause], cues: Cues) -> tuple[str | None, list[Clause], list[list[Clause]]]:
    """(goal heading, background clauses, scenes as clause lists)."""
    goal: str | None = None
    background: list[Clause] = []
    scenes: list[list[Clause]] = []
    current: list[Clause] | None = None
    attach = False  # after an item's label (内容：) the next clause is the item's, not a new scene
    last = max((k for k, c in enumerate(clauses) if c.stance in ("committed", "weak")), default=-1)
    for k, c in enumerate(clauses):
        later = k < last  # something committed follows
        if c.heading and c.text.strip(" ，,：:") in cues.labels:
            attach = current is not None
            continue
        opener = bool(cues.plan_openers.search(c.text) or cues.heading_intent.search(c.text))
        if c.heading and c.listed and later and c.stance != "settled" and not opener:
            current = [c]  # · 模具寿命预测：采集…: an item's title; its block follows
            scenes.append(current)
            attach = True
            continue
        if not c.heading and (c.listed or c.line_end) and cues.plan_openers.search(c.text) and not c.needs \
                and len(c.text) <= 30:
            current = None  # ▶ 本期试点（2027）, a title line (…试点建设内容（无人机）): a heading of the plan list
            continue
        if c.heading and later and c.stance != "settled":
            if c.needs and goal is None and not cues.meta.search(c.text.strip(" ，,：:")):  # not 申报…类试点：
                goal = c.text
            elif not (opener or len(c.text.strip(" ，,：:")) <= cues.heading_chars):  # 现状是： is only structure
                background.append(c)
            current = None
            continue
        if c.stance not in ("committed", "weak"):
            background.append(c)
            current = None if c.stance == "settled" else current
            continue
        ids = {nid for nid, _ in c.needs}
        own = {nid for o in current for nid, _ in o.needs} if current else set()
        in_item = current is not None and current[0].listed and (
            c.segment == current[-1].segment or (_titled(current[0], clauses) and not c.heading))
        # (- sub-bullets under a titled item, 1. 飞控板测试 ⏎ - ICT、FCT测试数据自动上传: the item's content)
        sub = (current is not None and c.listed and current[0].listed and _titled(current[0], clauses)
               and marker_kind(c.text) != marker_kind(current[0].text))
        new = current is None or (c.listed and not sub) or (not in_item and not sub and not (attach and current[0].listed) and (
               c.lead
               or (c.segment != current[-1].segment and not attach)
               or (ids and not ids & own and COMMIT.search(c.text) and not CONTINUES.match(c.text))
               or (not ids and BUILD.search(c.text) and not CONTINUES.match(c.text))))
        if new:
            current = [c]
            scenes.append(current)
        else:
            current.append(c)
        attach = False
    # An item whose content turned out to be out of scope (场景三：成品物流 / 内容：…不作为本试点场景) is no scene.
    kept = []
    for s in scenes:
        if len(s) == 1 and s[0].listed and (s[0].heading or _dropped_after(s[0], clauses, cues.labels)):
            background.append(s[0])  # a title with nothing committed under it (1. 企业名称：××阀门)
        else:
            kept.append(s)
    background.sort(key=lambda c: c.start)
    return goal, background, kept


def _titled(item: Clause, clauses: list[Clause]) -> bool:
    """An item that is only a title, a sentence of its own (第一，拉晶环节。对全部单晶炉…): the sentences after it, to the
    next item or heading, are its content and one scene with it."""
    text = LIST_MARK.sub("", item.text).strip(" ，,。")
    after = next((c for c in clauses if c.start > item.start), None)
    return (len(text) <= 12 and not (COMMIT.search(text) or BUILD.search(text) or WILL.search(text))
            and after is not None and after.sentence != item.sentence)


def _dropped_after(item: Clause, clauses: list[Clause], labels: frozenset[str]) -> bool:
    """The item is only a title (no verb), its block is introduced by a label (场景三：成品物流 / 内容：…) and all
    of that block is settled."""
    if COMMIT.search(item.text) or WILL.search(item.text):
        return False
    block = []
    for c in (c for c in clauses if c.start > item.start):
        if c.listed:
            break
        block.append(c)
    return (bool(block) and block[0].heading and block[0].text.strip(" ，,：:") in labels
            and all(c.stance == "settled" or c.heading for c in block))


def _sentences_of(background: list[Clause], clauses: list[Clause]) -> list[str]:
    """Background clauses, those next to each other in one sentence joined again (熔炼炉余热回收去年已经改完了，
    不在这次范围): the draft lists them with "；", which would cut a sentence into facts that mean nothing alone."""
    index = {id(c): k for k, c in enumerate(clauses)}
    out: list[str] = []
    previous: Clause | None = None
    for c in background:
        joined = (previous is not None and c.sentence == previous.sentence and not c.listed and not c.heading
                  and index[id(c)] == index[id(previous)] + 1)
        text = c.text.strip()
        if joined and out:
            out[-1] = out[-1].rstrip("，,；;。") + "，" + text
        else:
            out.append(text)
        previous = c
    return out


def split_scenes(scenario: str, needs_in, corpus_root: Path) -> SceneSplit:
    cues = load_cues(Path(corpus_root))
    clauses = read_clauses(scenario, needs_in, corpus_root)
    goal, background, scenes = group(clauses, cues)
    # (a background sentence the applicant asks not to write, …这块不用写, is left out, as asked)
    kept = [b for b in _sentences_of(background, clauses) if not cues.omit.search(b)]
    return SceneSplit(goal, kept, [_scene(s, clauses) for s in scenes], clauses)


def _scene(s: list[Clause], clauses: list[Clause]) -> SceneGroup:
    needs = tuple(dict.fromkeys(n for c in s for n, _ in c.needs))
    first = s[0]
    if len(s) > 1 and first.listed and (first.heading or _titled(first, clauses)):
        title = LIST_MARK.sub("", first.text).strip(" ，,。：:")
        if title:
            return SceneGroup(tuple(c.text for c in s[1:]), needs, title)
    return SceneGroup(tuple(c.text for c in s), needs)
