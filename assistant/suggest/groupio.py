"""check-group input: a group read from suggest --json output, a JSON list, or text/docx/pdf lines."""
from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.errors import InputError
from assistant.standards import LEVEL_ZH, GroupMember, parse_group_text

CORE_MARK = "★"  # how `suggest` marks the core in its text output
_MEMBER_LINE = re.compile(r"^\s*\d{1,2}\s*[.、)）]\s*(★)?")
_LEVEL_STATUS = re.compile(r"\[(?P<level>[^\]·]+)·(?P<status>已发布|在研)\]")
_LEVEL_BY_ZH = {zh: level for level, zh in LEVEL_ZH.items()}
# Lines of suggest's text output that are not members: reasons, sources and notes name other numbers
# (a plan number the member stands in for, the plan line it comes from).
_NOT_MEMBER = ("理由", "来源", "说明", "·", "试点方向", "建议标准群")
_END = ("规则检查",)


# ---- check-group input and rendering -------------------------------------------------------------------


def load_group_file(path: Path) -> list[GroupMember]:
    """A group to check: suggest --json output, a JSON list (numbers or objects), or text/docx/pdf lines."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: 文件不存在")
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _group_from_json(path)
    if suffix in {".docx", ".pdf"}:
        from assistant.loaders import load_document

        doc = load_document(path)
        text = "\n".join(b.text for b in doc.blocks)
    else:
        from assistant.loaders import decode_text

        text = decode_text(path.read_bytes(), path)  # raw lines: the text loader would join them into paragraphs
        if text.lstrip().startswith(("{", "[")):
            return _group_from_json(path, text)
    try:
        return group_from_text(text)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from exc


def looks_like_suggest_output(text: str) -> bool:
    """suggest's human output: numbered member lines followed by 理由/来源 lines (or its 规则检查 block)."""
    numbered = any(_MEMBER_LINE.match(line) for line in text.splitlines())
    return numbered and any(line.strip().startswith(("理由：", "来源：", "规则检查")) for line in text.splitlines())


def group_from_text(text: str) -> list[GroupMember]:
    """A group in text: suggest's own output (numbered member lines only), or any list where '核心' or ★ marks
    the core."""
    if not looks_like_suggest_output(text):
        marked = "\n".join(line + " 核心" if CORE_MARK in line else line for line in text.splitlines())
        return parse_group_text(marked)
    members: list[GroupMember] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(_END):
            break
        match = _MEMBER_LINE.match(line)
        if match is None or stripped.startswith(_NOT_MEMBER):
            continue
        try:
            first = parse_group_text(line)[0]
        except InputError:
            continue  # a numbered line without a standard number
        update: dict = {"core": first.core or bool(match.group(1))}
        tag = _LEVEL_STATUS.search(line)
        if tag and tag["level"] in _LEVEL_BY_ZH:
            update.update(level=_LEVEL_BY_ZH[tag["level"]], status="published" if tag["status"] == "已发布" else "plan")
        members.append(first.model_copy(update=update))
    if not members:
        raise InputError("未在输入中找到任何标准编号（如 GB/T 39116—2020）")
    return members


def _group_from_json(path: Path, text: str | None = None) -> list[GroupMember]:
    from assistant.loaders import decode_text

    try:
        data = json.loads(text if text is not None else decode_text(path.read_bytes(), path))
    except ValueError as exc:
        raise InputError(f"{path.name}: 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列有格式错误）") from exc
    items = data.get("standards") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise InputError(f"{path.name}: 未找到标准列表（需要 suggest --json 的输出或编号列表）")
    members = []
    for item in items:
        if isinstance(item, str):
            members.append(GroupMember(number=item))
        elif isinstance(item, dict) and isinstance(item.get("number"), str):
            level = item.get("level") if item.get("level") in LEVEL_ZH else None
            members.append(GroupMember(number=item["number"], title=str(item.get("title") or ""), level=level,
                                       core=bool(item.get("core", False))))
        else:
            raise InputError(f"{path.name}: 无法识别的条目 {str(item)[:60]}（每项应为编号或含 number 的对象）")
    return members
