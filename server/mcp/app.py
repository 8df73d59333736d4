"""The MCP server: one MCPServer with the catalog's tools, prompts, resources and completions."""

from __future__ import annotations

import importlib
import importlib.util
import os

from mcp.server.mcpserver import MCPServer

from server.mcp import completions, prompts, resources, tools
from skills import __version__

CRDS_ENV = "AIGW_SKILLS_CRDS"
ORCHESTRATE_MODULE = "server.mcp.orchestrate"

INSTRUCTIONS = (
    "Builds validated Envoy AI Gateway manifests without touching a cluster or handling secret values. "
    "For a complete setup call aigw_orchestrate. Step by step: aigw_install (install plan), aigw_backend "
    "(one provider; aigw_providers lists presets), aigw_auth (its credentials, by env var or file name), "
    "aigw_route (model names to backends), then aigw_validate on all the YAML together. The skill:// "
    "resources and the aigw-* prompts carry the guidance behind each step."
)


def create_server(crds_path: str | None = None) -> MCPServer:
    """The server. `crds_path` (default: $AIGW_SKILLS_CRDS) is where aigw_validate reads CRD schemas."""
    if crds_path is None:
        crds_path = os.environ.get(CRDS_ENV) or None
    served = tools.skill_tools(crds_path)
    if importlib.util.find_spec(ORCHESTRATE_MODULE) is not None:
        served.insert(0, importlib.import_module(ORCHESTRATE_MODULE).orchestrate_tool())
    mcp: MCPServer = MCPServer(
        "aigw-skills",
        title="Envoy AI Gateway skills",
        version=__version__,
        instructions=INSTRUCTIONS,
        tools=served,
    )
    prompts.register(mcp)
    resources.register(mcp)
    completions.register(mcp)
    return mcp
