"""Where the MCP tools find CRD schemas: the path the server was created with (`serve --crds PATH`, else
$AIGW_SKILLS_CRDS, read once by the front door), else the pulled cache for the version asked for."""

from __future__ import annotations

import functools
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError


@functools.lru_cache(maxsize=8)
def crd_source(crds_path: str | None, version: str) -> tuple[Any, str | None]:
    """(CRDSet or None, sentence for checks_skipped), loaded once per path and version, then reused."""
    from orchestrator.engine.contract import CRDS_ENV
    from orchestrator.engine.crds import CRDSourceError, resolve_crd_source

    try:
        return resolve_crd_source(crds_path=crds_path, version=version)
    except CRDSourceError as exc:
        raise ToolError(
            f"the CRD schemas configured for this server cannot be read ({exc}); fix `aigw-skills serve "
            f"--crds PATH` or {CRDS_ENV}, or unset it to use the cached CRDs"
        ) from None
