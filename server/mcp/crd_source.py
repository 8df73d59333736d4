"""Where the MCP tools find CRD schemas: the path the server was created with (`serve --crds PATH`, else
$AIGW_SKILLS_CRDS, read once by the front door), else the pulled cache for the version asked for.

A CRD set once loaded is kept for the process; a miss is not, so `aigw-skills crds pull` run while the server is up
takes effect on the next call. When there are none, the sentence for checks_skipped speaks to an MCP caller: the
tools have no --crds or --cluster option, the server's configuration and the cache are what enable the checks.
"""

from __future__ import annotations

import functools
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError


class _NoCRDs(Exception):
    """Nothing found (not cached by loaded_crds: lru_cache keeps results, not exceptions)."""


@functools.lru_cache(maxsize=8)
def loaded_crds(crds_path: str | None, version: str) -> Any:
    """The CRDSet for the server's path or the cache, loaded once per path and version, then reused."""
    from orchestrator.engine.contract import CRDS_ENV
    from orchestrator.engine.crds import CRDSourceError, resolve_crd_source

    try:
        crds, _ = resolve_crd_source(crds_path=crds_path, version=version)
    except CRDSourceError as exc:
        raise ToolError(
            f"the CRD schemas configured for this server cannot be read ({exc}); fix `aigw-skills serve "
            f"--crds PATH` or {CRDS_ENV}, or unset it to use the cached CRDs"
        ) from None
    if crds is None:
        raise _NoCRDs
    return crds


def missing_note(version: str) -> str:
    """What did not run without CRDs, and how an MCP user enables it (on the server's side)."""
    from orchestrator.engine.contract import CRDS_ENV
    from skills.versions import PULLABLE

    pull = (
        f"run `aigw-skills crds pull --version {version}` once where this server runs (the next call uses "
        "them), or "
        if version in PULLABLE
        else ""
    )
    return (
        f"Schema and CEL checks did not run: this server has no CRDs for AI Gateway {version} (it was started "
        f"without --crds or ${CRDS_ENV}, and none are cached). To enable them, {pull}start it with "
        "`aigw-skills serve --crds PATH`."
    )


def crd_source(crds_path: str | None, version: str) -> tuple[Any, str | None]:
    """(CRDSet or None, sentence for checks_skipped when None)."""
    try:
        return loaded_crds(crds_path, version), None
    except _NoCRDs:
        return None, missing_note(version)
