"""The standard group a draft is written for: read from a file, checked, and turned into table rows."""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from assistant.context import Context
from assistant.draft.result import GroupRow
from assistant.errors import InputError
from assistant.standards import LEVEL_ZH, Catalog, GroupChecks, GroupMember, check_group, level_of, parse_number
from assistant.suggest import SuggestedStandard, Suggestion


def load_group_json(path: Path) -> Suggestion:
    """A `suggest --json` output (or any group file check-group reads) as the group for a draft."""
    from assistant.suggest import load_group_file

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: 文件不存在")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        data = None
    if isinstance(data, dict) and "standards" in data:
        try:
            return Suggestion.model_validate(data)
        except ValidationError:
            pass  # a hand-written group: read its members the way check-group does
    members = load_group_file(path)
    standards = []
    for m in members:
        parsed = parse_number(m.number)
        level = m.level or (parsed.level if parsed else "enterprise")
        standards.append(SuggestedStandard(number=m.number, title=m.title or "", level=level,
                                           status=m.status or "published", core=m.core, reason="", sources=[]))
    direction = data.get("direction", "") if isinstance(data, dict) else ""
    checks = GroupChecks(count=len(standards), has_national_core=False, violations=[])  # re-checked when drafting
    return Suggestion(direction=str(direction or ""), direction_confidence=0.0, standards=standards, checks=checks,
                      notes=[f"标准群读自 {path.name}"])


NO_TITLE = "【待补充：标准名称】"


def group_rows(group: Suggestion, catalog: Catalog,
               given: bool = False) -> tuple[list[GroupRow], list[str], list[str]]:
    """Table rows for the group (catalog form and title of each known number), the numbers left out, and the
    numbers kept although the catalog lacks them (待核实).

    A member the catalog lacks stays in the table when the user gave the group (`given`) or when it is not a
    national number (enterprise, group, local and industry standards are mostly outside the catalog): level from
    its prefix, title as given or 【待补充：标准名称】, role as given. Only a national number that nobody gave
    (an invented one) is left out.
    """
    rows, missing, unverified = [], [], []
    for s in group.standards:
        entry = catalog.get(s.number)
        role = "核心" if s.core else "配套"
        if entry is not None:
            rows.append(GroupRow(number=entry.number, title=entry.title, level=LEVEL_ZH[entry.level], role=role))
            continue
        parsed = parse_number(s.number)
        if parsed is not None and parsed.level == "national" and not given:
            missing.append(s.number)
            continue
        level = level_of(parsed.prefix) if parsed is not None else s.level
        rows.append(GroupRow(number=parsed.normalized if parsed is not None else s.number.strip(),
                             title=(s.title or "").strip() or NO_TITLE, level=LEVEL_ZH[level], role=role))
        unverified.append(rows[-1].number)
    return rows, missing, unverified


def with_direction(ctx: Context, scenario: str, group: Suggestion) -> Suggestion:
    """A group without a known direction (a hand-written list) gets the one inferred from the scenario."""
    if group.direction and ctx.corpus.plan.direction(group.direction) is not None:
        return group
    from assistant.suggest import infer_direction

    return group.model_copy(update={"direction": infer_direction(ctx, scenario)[0].name})


def group_violations(ctx: Context, group: Suggestion) -> list[str]:
    """The plan's group rules the group breaks, as notices."""
    rules = ctx.corpus.plan.group_rules
    members = [GroupMember(number=s.number, title=s.title, level=s.level, core=s.core) for s in group.standards]
    checks = check_group(members, ctx.corpus.catalog, rules.min_count, rules.max_count)
    return [f"标准群检查：{v}" for v in checks.violations]
