"""The CRDs of a ``--crds DIR`` (or file) kept in the cache as an index, keyed by the files' checksums.

Parsing 5 MB of CRD YAML costs about half a second per process. The first load parses the files and writes an
index: one small ``versions.json`` (every CRD version's group, version, kind and flags, and where its schema is)
plus one JSON file per version holding its schema without description texts. Later loads read the small file and
a schema only when a check asks for it, so validating one document reads one schema, not forty.

The key is a digest of every file's relative path and sha256, so editing, adding or removing a CRD file builds a
new index. The index also records each file's size, inode and change time: when they are unchanged the recorded
digests are reused instead of reading the files again (as git's index does; the change time, unlike the
modification time, cannot be set back). An index that cannot be read or
written is simply rebuilt (the cache is an optimisation, never a source of truth).

    <cache>/crd-index/<digest>/versions.json, <n>.json   (<cache> as for `crds pull`)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

INDEX_DIR = "crd-index"
VERSIONS_FILE = "versions.json"
STAT_FILE = "stat.json"
FORMAT = 3  # bump when the layout changes (3: each version records its file)


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix() if path != root else path.name


def _stat(path: Path) -> list[int]:
    """Size, inode and change time: a write (or a restored modification time) changes the change time."""
    st = path.stat()
    return [st.st_size, st.st_ino, st.st_ctime_ns]


def index_key(
    root: Path,
    files: Sequence[Path],
    known: Mapping[str, Any] | None = None,
    digests: dict[str, str] | None = None,
) -> str:
    """A digest of the files' paths (relative to ``root``) and contents.

    ``known`` maps a relative path to ``[size, inode, ctime_ns, sha256]`` from an earlier run; a file whose size,
    inode and change time still match is not read again. ``digests``, when given, receives each file's sha256
    (hex) by relative path: what identifies the release a folder holds (crd_cache.releases_holding).
    """
    digest = hashlib.sha256(f"format {FORMAT}\0".encode())
    for path in files:
        relative = _relative(root, path)
        entry = (known or {}).get(relative)
        if isinstance(entry, list) and len(entry) == 4 and entry[:3] == _stat(path):
            file_digest = bytes.fromhex(entry[3])
        else:
            file_digest = hashlib.sha256(path.read_bytes()).digest()
        if digests is not None:
            digests[relative] = file_digest.hex()
        digest.update(relative.encode("utf-8") + b"\0" + file_digest)
    return digest.hexdigest()[:40]


def _file_digests(root: Path, files: Sequence[Path]) -> dict[str, list[Any]]:
    return {_relative(root, p): [*_stat(p), hashlib.sha256(p.read_bytes()).hexdigest()] for p in files}


def is_crd(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition"


class LazySchema(Mapping[str, Any]):
    """A CRD version's schema, read from the index when a check first looks into it."""

    def __init__(self, path: Path, parse: Callable[[], dict[str, Any]]) -> None:
        self._path = path
        self._parse = parse
        self._loaded: dict[str, Any] | None = None

    def _data(self) -> dict[str, Any]:
        if self._loaded is None:
            try:
                loaded = json.loads(self._path.read_bytes())
            except (OSError, ValueError):
                loaded = None
            self._loaded = loaded if isinstance(loaded, dict) else self._parse()
        return self._loaded

    def __getitem__(self, key: str) -> Any:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __repr__(self) -> str:
        return f"LazySchema({self._path.name})"


def cached_crd_versions(
    root: Path,
    files: Sequence[Path],
    parse: Callable[[Path], list[Any]],
    cache_dir: Path,
    digests: dict[str, str] | None = None,
    groups: dict[str, set[str]] | None = None,
) -> list[Any]:
    """The CRD versions of ``files`` (:class:`~orchestrator.engine.crds.CRDVersion`), from the index or parsed;
    ``digests`` (optional) receives each file's sha256 as :func:`index_key` computed or recalled it, and
    ``groups`` (optional) the API groups of the CRDs in each file holding any (by relative path), from the same
    index: what tells a user's own CRD file from an edited upstream one (crd_cache.releases_of_files)."""
    from orchestrator.engine.crdset import versions_of_crd

    base = cache_dir / INDEX_DIR
    known = _read_json(base / STAT_FILE)
    source = str(root.resolve())
    key = index_key(root, files, known.get(source) if isinstance(known, dict) else None, digests)
    folder = base / key
    listed = _read_json(folder / VERSIONS_FILE)
    if isinstance(listed, list) and listed:
        try:
            versions = [_version_from_entry(entry, folder, root, files, parse) for entry in listed]
            _groups_of_files(
                [(str(entry["file"]), v) for entry, v in zip(listed, versions, strict=True)], groups
            )
            return versions
        except (KeyError, TypeError, ValueError):
            shutil.rmtree(folder, ignore_errors=True)  # a damaged index: parse again and write it anew
    located = [
        (_relative(root, f), v) for f in files for d in parse(f) if is_crd(d) for v in versions_of_crd(d)
    ]
    _groups_of_files(located, groups)
    _write_index(folder, located)
    versions = [v for _, v in located]
    _remember_digests(base, source, _file_digests(root, files))
    return versions


def _groups_of_files(located: Sequence[tuple[str, Any]], groups: dict[str, set[str]] | None) -> None:
    if groups is not None:
        for relative, version in located:
            groups.setdefault(relative, set()).add(version.group)


def _version_from_entry(
    entry: dict[str, Any], folder: Path, root: Path, files: Sequence[Path], parse: Callable[[Path], list[Any]]
) -> Any:
    from orchestrator.engine.crdset import CRDVersion, versions_of_crd

    gvk = (entry["group"], entry["version"], entry["kind"])

    def reparse() -> dict[str, Any]:
        for f in files:
            for doc in parse(f):
                for v in versions_of_crd(doc):
                    if v.gvk == gvk:
                        return dict(v.schema)
        raise ValueError(f"{gvk} is no longer in {root}")

    fields = {k: entry[k] for k in CRD_FIELDS}
    if not all(isinstance(fields[k], bool) for k in ("namespaced", "served", "storage", "deprecated")):
        raise ValueError("damaged index entry")
    return CRDVersion(**fields, schema=LazySchema(folder / str(entry["schema"]), reparse))


CRD_FIELDS = (
    "group",
    "version",
    "kind",
    "plural",
    "namespaced",
    "served",
    "storage",
    "deprecated",
    "deprecation_warning",
    "crd_name",
    "status_subresource",
)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _write_index(folder: Path, versions: Sequence[tuple[str, Any]]) -> None:
    """Write the index into a staging folder and rename it into place; a cache that cannot be written is skipped."""
    entries = []
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    except OSError:
        return
    try:
        for n, (relative, v) in enumerate(versions):
            name = f"{n}.json"
            (staging / name).write_text(json.dumps(dict(v.schema), separators=(",", ":")), encoding="utf-8")
            entries.append({**{k: getattr(v, k) for k in CRD_FIELDS}, "schema": name, "file": relative})
        (staging / VERSIONS_FILE).write_text(json.dumps(entries), encoding="utf-8")
        os.replace(staging, folder)
    except OSError:
        pass
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remember_digests(base: Path, source: str, digests: dict[str, list[Any]]) -> None:
    """Record the files' size, inode, change time and sha256 so the next run need not read them for its key."""
    stat_file = base / STAT_FILE
    known = _read_json(stat_file)
    known = known if isinstance(known, dict) else {}
    known[source] = digests
    try:
        fd, tmp = tempfile.mkstemp(dir=base, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(known, out)
        os.replace(tmp, stat_file)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
