"""Files crossing the browser boundary: uploads copied under safe names, results written for download."""
from __future__ import annotations

import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any, Callable

from assistant.errors import InputError
from assistant.loaders import SUPPORTED

_SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")
_UNSAFE = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff_-]+")


def display_name(upload: Any) -> str:
    """The name the user knows the file by (only ever shown, never used as a path)."""
    name = getattr(upload, "orig_name", None) or getattr(upload, "name", None) or str(upload)
    name = re.split(r"[\\/]", str(name))[-1]
    suffix = Path(name).suffix if len(Path(name).suffix) <= 11 else ""
    return name if len(name) <= 120 else name[: 120 - len(suffix)] + suffix  # a long name keeps its file type


def store_upload(upload: Any, uploads_dir: Path, allowed: set[str] = SUPPORTED) -> Path:
    """Copy an uploaded file into `uploads_dir` as <uuid>_<sanitised stem><suffix>.

    The user-supplied name never becomes a path: only letters, digits, CJK, _ and - of its stem survive,
    kept so that search results and index listings still show which document a passage came from.
    """
    if upload is None:
        raise InputError("请先上传文件")
    source = Path(getattr(upload, "path", None) or getattr(upload, "name", None) or str(upload))
    suffix = Path(display_name(upload)).suffix.lower()
    if not _SUFFIX.match(suffix) or suffix not in allowed:
        kinds = "、".join(sorted(allowed))
        raise InputError(f"{display_name(upload)}: 不支持的文件类型，请上传 {kinds}")
    if not source.is_file():
        raise InputError(f"{display_name(upload)}: 上传的文件已不存在，请重新上传")
    uploads_dir.mkdir(parents=True, exist_ok=True)
    stem = _UNSAFE.sub("_", Path(display_name(upload)).stem).strip("_")[:40]
    target = uploads_dir / f"{uuid.uuid4().hex[:12]}{'_' + stem if stem else ''}{suffix}"
    shutil.copyfile(source, target)
    return target


def friendly_error(message: str, stored: Path, original: str) -> str:
    """An error about a stored upload, naming the file as the user uploaded it."""
    return message.replace(str(stored), original).replace(stored.name, original)


def export_pair(write: Callable[[Any, Path], Any], result: Any, stem: str) -> tuple[str, str]:
    """Write `result` as DOCX and Markdown into a fresh temp folder (served for download); returns both paths.
    Through the one safe writer: a fresh folder holds no input and no earlier file, so nothing is replaced."""
    from assistant.outputs import write_output

    folder = Path(tempfile.mkdtemp(prefix="pilot-assistant-"))
    paths = []
    for suffix in (".docx", ".md"):
        written = write_output(folder / f"{stem}{suffix}", lambda tmp: write(result, tmp))
        paths.append(str(written.path))
    return paths[0], paths[1]
