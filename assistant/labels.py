"""Sources as a person names them: 标准目录《title》（number，现行）, 公开案例《title》, 试点方案 二、（一）1.

Internally a passage comes from a corpus file and a location in it (`standards/catalog.yaml` · `GB/T 25485—2010`,
`plan/plan.txt` · `第21行起`) or from an uploaded file under a generated name. Users never see those: every
source shown in the UI or in a CLI text report goes through `source_label`. JSON output keeps the machine
fields (`source`, `location`) and adds the label beside them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

PLAN_TITLE = "试点方案"
STATUS_WORDS = {"published": "现行", "plan": "在研计划号", "replaced": "已被代替", "abolished": "已废止"}
# Uploads are stored as <12 hex>_<name>.<suffix> (assistant/ui/files.py); the prefix is ours, not the user's.
_UPLOAD_PREFIX = re.compile(r"^[0-9a-f]{12}_?")
_LINE = re.compile(r"第(\d+)行")
_TOP = re.compile(r"^([一二三四五六七八九十]+)、")
_MID = re.compile(r"^（([一二三四五六七八九十]+)）")
_LOW = re.compile(r"^(\d+)[.．、]")


def source_label(source: str, location: str = "", corpus: Any = None) -> str:
    """One human label for a passage's origin; never a path, a YAML line, an id, a score or a setting."""
    source, location = str(source or ""), str(location or "")
    if source == "standards/catalog.yaml":
        return standard_label(location, corpus)
    if source.startswith("user/") and location:  # the user's imported catalog (assistant/catalog)
        return standard_label(location, corpus, "用户导入目录")
    if source.startswith("cases/"):
        return case_label(source[len("cases/"):].rsplit(".", 1)[0], location, corpus)
    if source == "plan/plan.txt":
        return _join(PLAN_TITLE, plan_clause(location, corpus))
    if source == "plan/plan.yaml":
        return _join(PLAN_TITLE, location.replace("方向", "试点方向", 1) if location.startswith("方向") else "试点方向")
    if source == "requirements/rubric.yaml":
        return _join(f"{PLAN_TITLE} 三、试点考核", _requirement(location, corpus))
    return _join(f"上传文档《{upload_name(source)}》", location if _readable(location) else "")


def standard_label(number: str, corpus: Any = None, head: str = "标准目录") -> str:
    """标准目录《title》（number，status）; the number alone when the catalog does not hold it."""
    entry = _catalog_get(corpus, number)
    if entry is None:
        return f"{head} {number}"
    return f"{head}《{entry.title}》（{entry.number}，{status_words(entry)}）"


def status_words(entry: Any) -> str:
    status = getattr(entry, "status", "") or ""
    successor = getattr(entry, "replaced_by", None)
    if status == "replaced" and successor:
        return f"已被 {successor} 代替"
    return STATUS_WORDS.get(status, status)


def case_label(case_id: str, location: str = "", corpus: Any = None) -> str:
    """公开案例《title》 or 示例案例（虚构，仅作示意）《title》, with the section when it is a heading."""
    case = next((c for c in getattr(corpus, "cases", []) or [] if c.id == case_id), None)
    if case is None:
        return "案例"
    if case.kind == "example":
        head = f"示例案例（虚构，仅作示意）《{case.title}》"
    else:
        head = f"公开案例《{case.title}》"
        if case.source and not case.source.startswith(("illustrative", "http")):
            head += f"（来源：{case.source.split(';')[0].strip()}）"
    # A line number counts lines of our YAML body, which nobody else has: only a heading helps a reader.
    keep = location and location != "概要" and _readable(location) and not _LINE.search(location)
    return _join(head, location if keep else "")


def plan_clause(location: str, corpus: Any = None) -> str:
    """The clause of the plan a line belongs to, as the plan numbers it: 二、（一）1."""
    match = _LINE.search(location or "")
    root = getattr(corpus, "root", None)
    if not match or root is None:
        return ""
    return _plan_paths(str(Path(root) / "plan" / "plan.txt")).get(int(match.group(1)), "")


@lru_cache(maxsize=4)
def _plan_paths(path: str) -> dict[int, str]:
    """Line number → heading path (一、 / （一） / 1.) of plan.txt, read once."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    top = mid = low = ""
    out = {}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if m := _TOP.match(line):
            top, mid, low = line[: 12].split("。")[0], "", ""
        elif m := _MID.match(line):
            mid, low = f"（{m.group(1)}）", ""
        elif m := _LOW.match(line):
            low = m.group(1)
        out[number] = f"{top}{mid}{low}"
    return out


def upload_name(source: str) -> str:
    """The name a user gave an uploaded or indexed file (our storage prefix removed, no folders)."""
    name = re.split(r"[\\/]", source)[-1]
    return _UPLOAD_PREFIX.sub("", name) or name


def _requirement(location: str, corpus: Any) -> str:
    match = re.search(r"\d+", location or "")
    reqs = getattr(getattr(corpus, "rubric", None), "requirements", []) or []
    req = next((r for r in reqs if match and r.id == int(match.group())), None)
    return f"要求{req.id}：{req.name}" if req else location


def _catalog_get(corpus: Any, number: str) -> Any:
    catalog = getattr(corpus, "catalog", None)
    try:
        return catalog.get(number) if catalog is not None else None
    except Exception:  # an unparsable number is simply not in the catalog
        return None


def _readable(location: str) -> bool:
    """A location a person can use (第3页, 第2段, a heading); not an internal key or a YAML line."""
    return bool(location) and ".yaml" not in location and not re.fullmatch(r"[\w./-]+:\d+", location)


def _join(head: str, tail: str) -> str:
    return f"{head} {tail}".strip() if tail else head
