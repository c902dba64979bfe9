"""A small error hierarchy: every user-facing failure is one of these, with one readable line."""
from __future__ import annotations

import errno as _errno


class AssistantError(Exception):
    """Base for errors we expect and explain; the CLI prints the message and exits with `exit_code`."""

    exit_code = 1


class InputError(AssistantError):
    """The user's input (file, text, flag) is unusable: exit code 2."""

    exit_code = 2


class IndexStoreError(AssistantError):
    """The index is missing, corrupt or unreachable."""


class StoreUnavailable(IndexStoreError):
    """The Chroma server cannot be reached: rebuilding would not help."""


class StoreLost(StoreUnavailable):
    """The Chroma server went away in the middle of the work (the previous index is untouched): exit code 5."""

    exit_code = 5


class ModelError(AssistantError):
    """The embedding model could not be loaded."""


class LLMError(AssistantError):
    """The configured LLM failed (unreachable, timed out, malformed reply)."""


class LLMCutOff(LLMError):
    """The model's reply started but ended without the server saying it was finished (no finish reason)."""


# ---- wording shared by many messages -----------------------------------------------------------------

_OS_ZH = {
    _errno.EACCES: "没有权限", _errno.EPERM: "没有权限", _errno.ENOSPC: "磁盘空间不足", _errno.EROFS: "文件系统只读",
    _errno.ENOENT: "路径不存在", _errno.EISDIR: "是文件夹", _errno.ENOTDIR: "路径中有一段不是文件夹",
    _errno.ENAMETOOLONG: "文件名过长", _errno.EEXIST: "文件已存在", _errno.EIO: "磁盘读写错误", _errno.EBUSY: "文件正被占用",
    _errno.EMFILE: "打开的文件过多", _errno.EXDEV: "不能跨磁盘移动文件",
}
if hasattr(_errno, "EDQUOT"):
    _OS_ZH[_errno.EDQUOT] = "超出磁盘配额"


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Chinese (the system's own text is English): “没有权限”, “磁盘空间不足”…"""
    if exc.errno in _OS_ZH:
        return _OS_ZH[exc.errno]
    return f"系统错误 {_errno.errorcode[exc.errno]}" if exc.errno in _errno.errorcode else "系统错误"


def checked_suffix(path, allowed, what: str = "", name: str | None = None) -> str:
    """The lower-case suffix of `path` when it is one of `allowed`, else one line naming the file and the types:
    “报告.txt: 报告只能写成 .docx 或 .md，不支持 .txt” (.markdown is accepted but not listed)."""
    from pathlib import Path

    suffix = Path(path).suffix.lower()
    if suffix in allowed:
        return suffix
    shown = [t for t in allowed if t != ".markdown"]
    listed = "、".join(shown[:-1]) + " 或 " + shown[-1] if len(shown) > 1 else "".join(shown)
    label = Path(path).name if name is None else name
    raise InputError(f"{label}: {what}只能写成 {listed}，{suffix_refused(suffix)}")


def suffix_refused(suffix: str) -> str:
    """The second half of “只能写成 .docx 或 .md，…”: the suffix that was given, or that there was none."""
    return f"不支持 {suffix}" if suffix else "文件名没有扩展名"
