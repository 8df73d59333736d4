"""Atomic file output for the CLI's `-o FILE` options: the file appears whole or not at all.

The text goes to a temporary file beside the target, is flushed to disk, then renamed over the target with
`os.replace` (atomic on POSIX and Windows), so an interrupted run leaves the old file (or nothing) and no debris.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path


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
        return f"cannot write {exc}"
    except OSError as exc:
        return f"cannot write {output}: {exc.strerror or exc}"
    return None
