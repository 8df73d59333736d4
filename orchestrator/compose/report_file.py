"""What a written bundle's report.json says about it, read without composing anything (validate and migrate use
it when given a bundle directory)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol, Self, TypeVar


def declared_secrets(directory: str | os.PathLike[str]) -> list[str]:
    """The Secrets a bundle written by write_bundle creates at apply time (secrets.sh), as namespace/name, read
    from its report.json; empty when `directory` holds no bundle report."""
    try:
        report = json.loads((Path(directory) / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    secrets = report.get("secrets") if isinstance(report, dict) else None
    return sorted(
        f"{s['namespace']}/{s['name']}"
        for s in secrets or []
        if isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("namespace"), str)
    )


class TakesExternalSecrets(Protocol):
    """An input model with the `external_secrets` field (ValidateInput, MigrateInput)."""

    @property
    def external_secrets(self) -> list[str]: ...

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self: ...


Inp = TypeVar("Inp", bound=TakesExternalSecrets)


def bundle_folders(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The folders among `paths`, and the folders of the files among them, that hold a bundle report (each once,
    in order): `validate bundle/manifests.yaml` reads the same bundle as `validate bundle`."""
    folders: dict[Path, None] = {}
    for path in paths:
        p = Path(path)
        folder = p if p.is_dir() else p.parent if p.is_file() else None
        if folder is not None and (folder / "report.json").is_file():
            folders[folder] = None
    return list(folders)


def with_bundle_secrets(inp: Inp, paths: Iterable[str | os.PathLike[str]]) -> Inp:
    """`inp` with the Secrets of every bundle among `paths` (a bundle directory, or a file inside one; see
    bundle_folders and declared_secrets) added to its `external_secrets`: the bundle's own secrets.sh creates
    them, so the lint rule that wants each referenced Secret to exist (AIGW-L007) reads a bundle the same way in
    every command given one (validate, migrate), whether given its folder or its manifests.yaml. `inp` itself
    when no path is in a bundle."""
    bundled = [s for folder in bundle_folders(paths) for s in declared_secrets(folder)]
    if not bundled:
        return inp
    return inp.model_copy(update={"external_secrets": [*inp.external_secrets, *bundled]})
