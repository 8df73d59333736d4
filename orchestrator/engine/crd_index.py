"""Parsed CRD documents of a ``--crds DIR`` (or file) kept in the cache, keyed by the files' checksums.

Parsing 5 MB of CRD YAML costs about half a second per process; the JSON index of the same documents loads in a
few tens of milliseconds. The key is a digest of every file's relative path and sha256, so editing, adding or
removing a CRD file builds a new index; an index that cannot be read or written is simply rebuilt (the cache is an
optimisation, never a source of truth). Only CustomResourceDefinition documents are kept.

    <cache>/crd-index/<digest>.json      (<cache> as for `crds pull`: $AIGW_SKILLS_CACHE, $XDG_CACHE_HOME/aigw-skills)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

INDEX_DIR = "crd-index"


def index_key(root: Path, files: Sequence[Path]) -> str:
    """A digest of the files' paths (relative to ``root``) and contents."""
    digest = hashlib.sha256()
    for path in files:
        relative = path.relative_to(root).as_posix() if path != root else path.name
        digest.update(relative.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:40]


def is_crd(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"


def cached_crd_documents(
    root: Path, files: Sequence[Path], parse: Callable[[Path], list[Any]], cache_dir: Path
) -> list[Any]:
    """The CRD documents of ``files``: from the index for their checksums, else parsed and indexed."""
    index = cache_dir / INDEX_DIR / f"{index_key(root, files)}.json"
    try:
        loaded = json.loads(index.read_bytes())
        if isinstance(loaded, list) and all(is_crd(d) for d in loaded):
            return loaded
    except (OSError, ValueError):
        pass
    docs = [d for f in files for d in parse(f) if is_crd(d)]
    _write_index(index, docs)
    return docs


def _write_index(index: Path, docs: list[Any]) -> None:
    """Write the index atomically; a cache that cannot be written is skipped (the next run parses again)."""
    data = json.dumps(docs, separators=(",", ":")).encode("utf-8")
    try:
        index.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=index.parent, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, index)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
