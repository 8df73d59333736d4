"""The one writer for every path the project writes: `-o FILE`, bundles and the CRD cache.

A file goes to a temporary file beside the target, is flushed to disk, then renamed over the target with
`os.replace` (atomic on POSIX and Windows), so an interrupted run leaves the old file (or nothing). A directory
(:func:`replace_directory`) is staged the same way and swapped in whole; a non-empty directory is replaced only
when everything in it is something this writer produces, so no command can delete a folder of the user's files.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath


class WriteRefused(OSError):
    """The output cannot or may not be written; the message says why and what to do instead."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(
    path: str | os.PathLike[str], text: str, *, force: bool = True, mode: int = 0o666
) -> Path:
    """Write `text` to `path` atomically. Refuses a missing parent directory, a directory as the target and,
    unless `force`, an existing file. `mode` is applied through the umask, as `open()` would."""
    target = Path(path)
    parent = target.parent
    if not parent.is_dir():
        raise WriteRefused(
            f"{path}: the directory {parent} does not exist; create it first or choose another path"
        )
    if target.is_dir():
        raise WriteRefused(f"{path} is a directory; name a file to write")
    if target.exists() and not force:
        raise WriteRefused(f"{path} exists; use --force to overwrite it")
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode & ~_umask())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return target


def emit(text: str, output: str | None, *, force: bool) -> str | None:
    """The CLI's `-o FILE` convention: write `text` atomically to `output`, or to stdout when there is none.
    Returns what went wrong (for the caller to print after its command name), or None."""
    if not output:
        sys.stdout.write(text)
        return None
    try:
        write_text_atomic(output, text, force=force)
    except WriteRefused as exc:
        return str(exc)  # it names the path and what to do: "out.txt exists; use --force to overwrite it"
    except OSError as exc:
        return f"cannot write {output}: {exc.strerror or exc}"
    return None


# --- directories: a bundle, a pulled CRD set -----------------------------------------------------------------

STAGING, OLD = "tmp", "old"


def _check_names(target: Path, names: Iterable[str], *, flat: bool) -> None:
    """File names come from code, never from input; one that could leave ``target`` is a bug (ValueError)."""
    for name in names:
        parts = PurePosixPath(name).parts
        bad = not parts or name.startswith("/") or "\\" in name or any(p in ("", ".", "..") for p in parts)
        if bad or (flat and len(parts) != 1) or name.split("/") != list(parts):
            raise ValueError(f"refusing file name {name!r}: it would escape {target}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_leftovers(target: Path) -> None:
    """Remove hidden staging and old copies of ``target`` left by a run that was killed mid-write (their
    names carry the writer's pid; a live writer's folders are left alone)."""
    for kind in (STAGING, OLD):
        for path in target.parent.glob(f".{target.name}.{kind}-*"):
            pid_text = path.name.rsplit(f".{kind}-", 1)[-1].split("-", 1)[0]
            if pid_text.isdigit() and not _pid_alive(int(pid_text)) and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)


def replace_directory(
    out_dir: str | os.PathLike[str],
    files: Mapping[str, str | bytes],
    *,
    owned: Callable[[str], bool],
    force: bool = False,
    what: str = "directory",
    flat: bool = False,
    executable: Callable[[str], bool] = lambda _name: False,
) -> Path:
    """Write ``files`` (relative names, subfolders allowed) as the whole content of ``out_dir``, atomically.

    The files are staged in a hidden sibling folder and swapped in with one rename, so an interrupted run leaves
    the previous content (or nothing). An existing non-empty ``out_dir`` is replaced only with ``force`` and only
    when every entry in it is one this writer produces (``owned(name)`` for each top-level name): a folder
    holding anything else is never deleted. Names that would leave ``out_dir`` (or, with ``flat``, name a
    subfolder) are refused with ValueError. Staging folders of
    killed runs are removed first.
    """
    target = Path(out_dir).expanduser().resolve()
    _check_names(target, files, flat=flat)
    if target.exists() and not target.is_dir():
        raise WriteRefused(f"{target} exists and is not a directory; choose a new or empty directory")
    if target.is_dir():
        entries = sorted(p.name for p in target.iterdir())
        if entries and not force:
            raise WriteRefused(f"{target} is not empty; use --force to replace it")
        foreign = [name for name in entries if not owned(name)]
        if foreign:  # --force replaces what this writer wrote, never a folder holding anything else
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise WriteRefused(
                f"{target} holds files that are not part of a {what} ({shown}); --force only replaces a "
                f"previous {what}, so nothing was changed: choose a new or empty directory"
            )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _sweep_leftovers(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.{STAGING}-{os.getpid()}-", dir=target.parent))
    except OSError as exc:
        raise WriteRefused(
            f"cannot write {target}: {exc.strerror or exc} (in {target.parent}); choose a directory you can "
            "write to"
        ) from exc
    try:
        for name, content in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            with open(path, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(path, (0o777 if executable(name) else 0o666) & ~_umask())
        os.chmod(staging, 0o777 & ~_umask())
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.{OLD}-{os.getpid()}-", dir=target.parent))
            old.rmdir()
            os.replace(target, old)
            try:
                os.replace(staging, target)
            except OSError:
                os.replace(old, target)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target
