"""check-group input: a group read from suggest --json output, a JSON list, or text/docx/pdf lines."""
from __future__ import annotations

import json
from pathlib import Path

from assistant.errors import InputError
from assistant.standards import LEVEL_ZH, GroupMember, parse_group_text


# ---- check-group input and rendering -------------------------------------------------------------------


def load_group_file(path: Path) -> list[GroupMember]:
    """A group to check: suggest --json output, a JSON list (numbers or objects), or text/docx/pdf lines."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: 文件不存在 (file not found)")
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
        return parse_group_text(text)
    except InputError as exc:
        raise InputError(f"{path.name}: {exc}") from exc


def _group_from_json(path: Path, text: str | None = None) -> list[GroupMember]:
    from assistant.loaders import decode_text

    try:
        data = json.loads(text if text is not None else decode_text(path.read_bytes(), path))
    except ValueError as exc:
        raise InputError(f"{path.name}: 不是有效的 JSON (invalid JSON: {exc.msg} at line {exc.lineno})") from exc
    items = data.get("standards") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise InputError(f"{path.name}: 未找到标准列表（需要 suggest --json 的输出或编号列表） (no standards list)")
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
