"""Where the MCP server finds CRD schemas: `serve --crds PATH` / AIGW_SKILLS_CRDS, else the pulled cache."""

from __future__ import annotations

import functools
import os
from typing import Any

ENV = "AIGW_SKILLS_CRDS"


@functools.lru_cache(maxsize=8)
def _load(path: str | None, version: str) -> tuple[Any, str | None]:
    from orchestrator.engine.crds import resolve_crd_source

    return resolve_crd_source(path, version)


def crd_source(version: str) -> tuple[Any, str | None]:
    """(CRDSet or None, sentence for checks_skipped). Loaded once per path and version, then reused."""
    return _load(os.environ.get(ENV) or None, version)
