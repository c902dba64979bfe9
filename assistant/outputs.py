"""Writing the user's output files so that nothing is ever lost.

Every command that writes a file (review, polish and draft `--out`, batch report folders, UI downloads) goes
through `write_output`:
- the output is never one of the inputs (compared as files, so a symlink, a hard link or another spelling of
  the same path is caught): refused with one line before any work, the input untouched;
- the file is rendered into a temporary file in the target's folder and renamed into place, so a failure or a
  kill leaves either the old file or the new one, never half of one;
- an existing file is replaced only when the caller says so (`--force`, or a batch's own output folder), and
  the returned `Written` says that it was replaced. Without that, the final step is a hard link, which fails
  when the name appeared meanwhile instead of silently overwriting it.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from assistant.errors import InputError, os_reason
from assistant.export import _UMASK

PathLike = Path | str


@dataclass(frozen=True)
class Written:
    path: Path
    replaced: bool

    @property
    def message(self) -> str:
        if self.replaced:
            return f"已替换现有文件：{Path(self.path).resolve()}"
        return f"已写入：{Path(self.path).resolve()}"


def same_file(a: PathLike, b: PathLike) -> bool:
    """True when both names lead to one file on disk (symlinks, hard links, '..', case on case-blind disks)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: then they cannot be the same existing file
        return False


def check_output(path: PathLike, inputs: Iterable[PathLike] = (), force: bool = False) -> Path:
    """Refuse an output path before any work is done: it is an input, a folder, or exists without `force`."""
    path = Path(path)
    for source in inputs:
        if same_file(path, source):
            raise InputError(f"{path}: 输出文件与输入文件 {Path(source).name} 是同一个文件，已拒绝写入以免覆盖原文件，请换一个输出文件名")
    if path.is_dir():
        raise InputError(f"{path}: 是文件夹，不能作为输出文件")
    if not force and os.path.lexists(path):
        raise InputError(f"{path}: 输出文件已存在；如要替换请加 --force")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"{path}: 输出目录不存在：{folder}")
    return path


def write_output(path: PathLike, write: Callable[[Path], object], inputs: Iterable[PathLike] = (),
                 force: bool = False) -> Written:
    """Produce `path` by calling `write(tmp)` (tmp has the same suffix, so format-by-suffix writers work).

    `force`: an existing file at `path` may be replaced (never an input). Errors are one-line InputErrors that
    name `path`; on any failure the temporary file is removed and whatever was at `path` stays as it was.
    """
    inputs = list(inputs)
    path = check_output(path, inputs, force)
    tmp = _temp_beside(path)
    try:
        try:
            write(tmp)
        except InputError as exc:  # a writer's message names the temporary file; the user knows `path`
            raise InputError(str(exc).replace(str(tmp), str(path)).replace(tmp.name, path.name)) from None
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600 files; outputs are ordinary user files
        check_output(path, inputs, force)  # the name may have been taken while we worked
        replaced = os.path.lexists(path)
        _move_into_place(tmp, path, force)
    except OSError as exc:
        raise InputError(f"{path}: 无法写入文件（{os_reason(exc)}）") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return Written(path, replaced)


def _temp_beside(path: Path) -> Path:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".partial{path.suffix}", dir=folder)
    except OSError as exc:
        raise InputError(f"{path}: 无法写入输出目录（{os_reason(exc)}）") from exc
    os.close(fd)
    return Path(name)


def _move_into_place(tmp: Path, path: Path, replace: bool) -> None:
    if replace:
        os.replace(tmp, path)  # a symlink at `path` is replaced itself; the file it pointed to is untouched
        return
    try:
        os.link(tmp, path)  # atomic "create only if absent"
    except FileExistsError:
        raise InputError(f"{path}: 输出文件已存在；如要替换请加 --force")
    except OSError:  # a filesystem without hard links: check, then rename
        if os.path.lexists(path):
            raise InputError(f"{path}: 输出文件已存在；如要替换请加 --force")
        os.replace(tmp, path)
