"""Distribution manifests, generated from server.pack.distribution and the catalog (`aigw-skills index`).

Each file follows its client's published format (cited per function); tests/skills/test_distribution.py
validates them against those formats. Every one starts the MCP server without a pre-installed CLI: `uvx`
builds it from the plugin or extension directory it was installed into.

    .claude-plugin/plugin.json, .claude-plugin/marketplace.json, .mcp.json   Claude Code plugin
    .codex-plugin/plugin.json, mcp.json                                     Codex plugin (Agent Plugins MCP file)
    gemini-extension.json                                                   Gemini CLI extension
    server.json                                                             MCP Registry entry
    manifest.json (inside the .mcpb only)                                   Claude Desktop bundle
"""

from __future__ import annotations

import json
from typing import Any

from server.pack import distribution as dist

SERVER = "aigw-skills"
PLUGIN_DESCRIPTION = (
    "Envoy AI Gateway skills (install, providers, credentials, routes, limits, client auth, observability, "
    "MCP routes, validation, troubleshooting, end-to-end setup) and the aigw-skills MCP server that generates "
    "validated manifests."
)
# MCP Registry descriptions are at most 100 characters (server.schema.json 2025-12-11, ServerDetail).
REGISTRY_DESCRIPTION = (
    "Builds, validates and explains Envoy AI Gateway deployments: skills, tools and prompts."
)
REGISTRY_SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
MCPB_MANIFEST_VERSION = "0.4"  # the first with server type "uv" (modelcontextprotocol/mcpb MANIFEST.md)
MCPB_ENTRY = "mcpb_main.py"


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _author() -> dict[str, str]:
    return {"name": dist.AUTHOR}


def _plugin_identity() -> dict[str, Any]:
    """The fields the Claude Code and Codex plugin manifests share."""
    return {
        "name": SERVER,
        "version": dist.VERSION,
        "description": PLUGIN_DESCRIPTION,
        "author": _author(),
        "homepage": dist.REPOSITORY,
        "repository": dist.REPOSITORY,
        "license": dist.LICENSE,
        "keywords": list(dist.KEYWORDS),
        "skills": "./skills/",
    }


def claude_plugin() -> dict[str, Any]:
    """code.claude.com/docs plugins-reference: only `name` is required; component paths start with ./."""
    return _plugin_identity() | {"mcpServers": "./.mcp.json"}


def claude_marketplace() -> dict[str, Any]:
    """code.claude.com/docs plugin-marketplaces: name, owner, plugins[] with name and source."""
    return {
        "name": SERVER,
        "owner": _author(),
        "metadata": {"description": dist.SUMMARY, "version": dist.VERSION},
        "plugins": [
            {
                "name": SERVER,
                "source": "./",
                "description": PLUGIN_DESCRIPTION,
                "version": dist.VERSION,
                "license": dist.LICENSE,
                "category": "infrastructure",
                "keywords": list(dist.KEYWORDS),
            }
        ],
    }


def claude_mcp() -> dict[str, Any]:
    """The plugin's MCP server: uvx builds the CLI from the plugin directory (${CLAUDE_PLUGIN_ROOT})."""
    return {"mcpServers": {SERVER: {"command": "uvx", "args": dist.serve_args("${CLAUDE_PLUGIN_ROOT}")}}}


def portable_mcp() -> dict[str, Any]:
    """Agent Plugins MCP file as Codex reads it: ${PLUGIN_ROOT} is the installed plugin directory."""
    return {"mcpServers": {SERVER: {"command": "uvx", "args": dist.serve_args("${PLUGIN_ROOT}")}}}


def codex_plugin() -> dict[str, Any]:
    """developers.openai.com/codex/plugins/build: `.codex-plugin/plugin.json`, paths relative to the plugin
    root starting with ./, presentation under `interface`."""
    return _plugin_identity() | {
        "mcpServers": "./mcp.json",
        "interface": {
            "displayName": "Envoy AI Gateway (aigw-skills)",
            "shortDescription": "Build, validate and troubleshoot Envoy AI Gateway deployments",
            "developerName": dist.AUTHOR,
            "category": "Developer Tools",
        },
    }


def gemini_extension() -> dict[str, Any]:
    """google-gemini/gemini-cli docs/extensions/reference.md (ExtensionConfig in
    packages/cli/src/config/extension.ts): name, version, mcpServers with ${extensionPath}; the extension's
    skills/ folder is discovered as Agent Skills."""
    return {
        "name": SERVER,
        "version": dist.VERSION,
        "description": PLUGIN_DESCRIPTION,
        "mcpServers": {SERVER: {"command": "uvx", "args": dist.serve_args("${extensionPath}")}},
    }


def registry_server() -> dict[str, Any]:
    """MCP Registry server.json (schema 2025-12-11): the PyPI package, run with uvx, stdio."""
    return {
        "$schema": REGISTRY_SCHEMA,
        "name": dist.REGISTRY_NAME,
        "title": "Envoy AI Gateway skills",
        "description": REGISTRY_DESCRIPTION,
        "version": dist.VERSION,
        "repository": {"url": dist.REPOSITORY, "source": "github"},
        "websiteUrl": dist.REPOSITORY,
        "packages": [
            {
                "registryType": "pypi",
                "registryBaseUrl": "https://pypi.org",
                "identifier": dist.PACKAGE,
                "version": dist.VERSION,
                "runtimeHint": "uvx",
                "transport": {"type": "stdio"},
                "packageArguments": [{"type": "positional", "value": "serve"}],
            }
        ],
    }


def mcpb_manifest(tools: list[tuple[str, str]]) -> dict[str, Any]:
    """modelcontextprotocol/mcpb MANIFEST.md v0.4: server type `uv` (the host installs the dependencies of
    pyproject.toml with uv), so the bundle carries sources, not a virtualenv."""
    return {
        "manifest_version": MCPB_MANIFEST_VERSION,
        "name": SERVER,
        "display_name": "Envoy AI Gateway skills",
        "version": dist.VERSION,
        "description": REGISTRY_DESCRIPTION,
        "long_description": PLUGIN_DESCRIPTION,
        "author": _author(),
        "repository": {"type": "git", "url": dist.REPOSITORY},
        "homepage": dist.REPOSITORY,
        "license": dist.LICENSE,
        "keywords": list(dist.KEYWORDS),
        "server": {
            "type": "uv",
            "entry_point": MCPB_ENTRY,
            "mcp_config": {"command": "uv", "args": ["run", "--directory", "${__dirname}", MCPB_ENTRY]},
        },
        "tools": [{"name": n, "description": d} for n, d in tools],
        "compatibility": {"platforms": ["darwin", "linux", "win32"], "runtimes": {"python": dist.PYTHON}},
    }


MCPB_LAUNCHER = (
    '"""Entry point of the Claude Desktop bundle: the aigw-skills MCP server over stdio."""\n\n'
    "from server.cli.main import main\n\n"
    'raise SystemExit(main(["serve"]))\n'
)


def repository_files() -> dict[str, str]:
    """The distribution files kept in the repository, by path relative to its root."""
    return {
        ".claude-plugin/plugin.json": dumps(claude_plugin()),
        ".claude-plugin/marketplace.json": dumps(claude_marketplace()),
        ".mcp.json": dumps(claude_mcp()),
        ".codex-plugin/plugin.json": dumps(codex_plugin()),
        "mcp.json": dumps(portable_mcp()),
        "gemini-extension.json": dumps(gemini_extension()),
        "server.json": dumps(registry_server()),
    }
