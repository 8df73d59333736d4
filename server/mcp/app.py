"""The MCP server: one MCPServer with the catalog's tools, prompts, resources and completions."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from mcp.server.mcpserver import MCPServer

from server.mcp import completions, prompts, resources, tools
from server.mcp.guarded import GuardedServer
from skills import __version__

ORCHESTRATE_MODULE = "server.mcp.orchestrate"

INSTRUCTIONS = (
    "Builds validated Envoy AI Gateway manifests without touching a cluster or handling secret values. "
    "For a complete setup call aigw_orchestrate. Step by step: aigw_install (install plan), aigw_backend "
    "(one provider; aigw_providers lists presets), aigw_auth (its credentials, by env var or file name), "
    "aigw_route (model names to backends), then aigw_validate on all the YAML together. The skill:// "
    "resources and the aigw-* prompts carry the guidance behind each step."
)
CORE_TOOLS = tools.CORE_TOOLS  # defined with the tool registry (the prompts read it there too)
TOOL_SETS = ("core", "all")
CORE_INSTRUCTIONS = (
    "Builds validated Envoy AI Gateway manifests without touching a cluster or handling secret values. "
    "For a setup call aigw_orchestrate with what the user already said; aigw_validate checks YAML; "
    "aigw_providers lists provider presets. The atomic step-by-step tools (aigw_backend, aigw_route, ...) "
    "are served with `aigw-skills serve --tools all`; the skill:// resources and aigw-* prompts carry the guidance."
)


class AigwServer(GuardedServer):
    """The SDK server (minus the places it would echo a credential, server/mcp/guarded.py) plus its
    configuration, which tool bodies read through `ctx.mcp_server`."""

    def __init__(self, *args: Any, crds_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crds_path = crds_path  # CRD schemas for validation; None: the pulled cache per version


def create_server(
    crds_path: str | None = None, tool_set: str = "all", metrics_hosts: tuple[str, ...] | None = None
) -> MCPServer:
    """The server. `crds_path` is where the tools read CRD schemas (None: the cache `crds pull` fills; the front
    door, `aigw-skills serve`, resolves --crds and $AIGW_SKILLS_CRDS into it); `tool_set` is "all" (every tool)
    or "core" (CORE_TOOLS); `metrics_hosts` (HTTP serving) the only hosts a tool that goes online may fetch from
    (None: any, for stdio)."""
    if tool_set not in TOOL_SETS:
        raise ValueError(f"tool set {tool_set!r}: choose one of {', '.join(TOOL_SETS)}")
    served = tools.skill_tools(
        crds_path, only=CORE_TOOLS if tool_set == "core" else None, metrics_hosts=metrics_hosts
    )
    if importlib.util.find_spec(ORCHESTRATE_MODULE) is not None:
        served.insert(0, importlib.import_module(ORCHESTRATE_MODULE).orchestrate_tool())
    mcp: MCPServer = AigwServer(
        "aigw-skills",
        title="Envoy AI Gateway skills",
        version=__version__,
        instructions=CORE_INSTRUCTIONS if tool_set == "core" else INSTRUCTIONS,
        tools=served,
        crds_path=crds_path,
    )
    prompts.register(mcp)
    resources.register(mcp)
    completions.register(mcp)
    return mcp
