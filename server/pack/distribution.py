"""Where aigw-skills comes from and how a client starts it: the facts every setup text and manifest shares.

The skill docs' setup sections, the Claude/Codex plugin and Gemini extension manifests, the MCP Registry
server.json and the .mcpb bundle all read these, so an install command is spelled in one place.
"""

from __future__ import annotations

from skills import __version__

PACKAGE = "aigw-skills"
COMMAND = "aigw-skills"
PYTHON = ">=3.11"
PYTHON_TEXT = "Python 3.11 or newer"
# The public repository; the plugin and extension manifests and `uvx --from git+…` point here.
REPOSITORY = "https://github.com/aigw-skills/aigw-skills"
# MCP Registry name: reverse-DNS namespace of the repository owner, then the server name.
REGISTRY_NAME = "io.github.aigw-skills/aigw-skills"
VERSION = __version__
AUTHOR = "aigw-skills developers"
LICENSE = "Apache-2.0"
KEYWORDS = ("envoy", "ai-gateway", "kubernetes", "gateway-api", "mcp", "agent-skills")
SUMMARY = "Skills and an MCP server that build validated Envoy AI Gateway deployments."

GIT_SOURCE = f"git+{REPOSITORY}"
UVX_FROM_GIT = f"uvx --from {GIT_SOURCE} {COMMAND}"
PIPX_FROM_GIT = f"pipx install {GIT_SOURCE}"
UVX_FROM_CHECKOUT = f"uvx --from . {COMMAND}"
PIPX_FROM_CHECKOUT = "pipx install ."


def serve_args(root: str) -> list[str]:
    """Arguments for `uvx` that start the MCP server from the project directory `root`, no install needed."""
    return ["--from", root, COMMAND, "serve"]


def compatibility() -> str:
    """The Agent Skills `compatibility` field: what the skill needs around it (at most 500 characters)."""
    from skills.versions import DEFAULT_VERSION, PROFILES

    versions = list(PROFILES)
    return (
        f"Envoy AI Gateway {versions[0]}–{versions[-1]} (default {DEFAULT_VERSION}); kubectl and helm to apply. "
        f"Commands use the {COMMAND} CLI ({PYTHON_TEXT}): run it with `{UVX_FROM_GIT}` or install it with "
        f"`{PIPX_FROM_GIT}`. Without it, copy the YAML from the skill's references/ folder."
    )
