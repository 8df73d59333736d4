"""The README's client snippets parse, run `aigw-skills serve`, and that command answers tools/list over stdio."""

from __future__ import annotations

import json
import re
import shlex
import sys
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from mcp import Client, StdioServerParameters

from server.cli.main import build_parser
from tests.server.conftest import REPO, subprocess_env

SNIPPET = re.compile(r"<!-- client: (?P<name>[\w-]+) -->\n```(?P<lang>\w+)\n(?P<body>.*?)\n```", re.S)
CLIENTS = {"claude-code", "claude-desktop", "cursor", "cline", "vscode", "codex", "claude-code-http"}
# Snippets that need no installed CLI: uvx builds it from the repository (server.pack.distribution).
UVX_CLIENTS = {"claude-code-uvx", "gemini"}


def snippets() -> dict[str, tuple[str, str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = text.index("<!-- clients:start -->"), text.index("<!-- clients:end -->")
    return {m["name"]: (m["lang"], m["body"]) for m in SNIPPET.finditer(text[start:end])}


def stdio_command(name: str, lang: str, body: str) -> list[str]:
    """The command line a client would spawn, read the way that client reads its config."""
    if lang == "shell":
        words = shlex.split(body)
        assert words[:3] == ["claude", "mcp", "add"] and "--" in words
        return words[words.index("--") + 1 :]
    config: dict[str, Any] = tomllib.loads(body) if lang == "toml" else json.loads(body)
    key = {"codex": "mcp_servers", "vscode": "servers"}.get(name, "mcpServers")
    server = config[key]["aigw-skills"]
    if name == "vscode":
        assert server["type"] == "stdio"
    return [server["command"], *server.get("args", [])]


def test_the_readme_has_a_snippet_for_every_client() -> None:
    assert set(snippets()) == CLIENTS | UVX_CLIENTS


@pytest.mark.parametrize("name", sorted(UVX_CLIENTS))
def test_uvx_snippets_start_the_server_from_the_repository_without_an_installed_cli(name: str) -> None:
    from server.pack.distribution import GIT_SOURCE, serve_args

    assert stdio_command(name, *snippets()[name]) == ["uvx", *serve_args(GIT_SOURCE)]


@pytest.mark.parametrize("name", sorted(CLIENTS - {"claude-code-http"}))
def test_each_stdio_snippet_runs_aigw_skills_serve(name: str) -> None:
    lang, body = snippets()[name]
    assert stdio_command(name, lang, body) == ["aigw-skills", "serve"]


def test_aigw_skills_is_the_console_script_of_the_cli() -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["aigw-skills"] == "server.cli.main:main"
    assert build_parser().parse_args(["serve"]).handler.__module__ == "server.cli.serve"


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_the_snippet_command_answers_tools_list_over_stdio(mode: str) -> None:
    [command] = {
        tuple(stdio_command(n, *snippets()[n])) for n in CLIENTS - {"claude-code-http"}
    }  # one command
    script = Path(sys.executable).parent / command[0]
    if not script.exists():
        pytest.skip(f"the {command[0]} console script is not installed next to {sys.executable}")
    params = StdioServerParameters(command=str(script), args=list(command[1:]), env=subprocess_env())
    async with Client(params, mode=mode) as client:  # type: ignore[arg-type]
        tools = {t.name for t in (await client.list_tools()).tools}
    assert tools == {"aigw_orchestrate", "aigw_validate", "aigw_providers"}  # the default: --tools core


def test_the_http_snippet_serves_and_connects_to_the_same_endpoint() -> None:
    lang, body = snippets()["claude-code-http"]
    assert lang == "shell"
    lines = [shlex.split(line) for line in body.splitlines()]
    serve = next(words for words in lines if words[:2] == ["aigw-skills", "serve"])
    args = build_parser().parse_args([w for w in serve[1:] if w != "&"])
    add = next(words for words in lines if words[:3] == ["claude", "mcp", "add"])
    url = urlparse(next(w for w in add if w.startswith("http://")))
    assert args.http and url.port == args.port and url.hostname == args.host and url.path == "/mcp"
    assert add[add.index("--transport") + 1] == "http"
    assert add[add.index("--header") + 1] == "Authorization: Bearer $AI_GATEWAY_API_KEY"
    assert any("AI_GATEWAY_API_KEY=" in line for line in body.splitlines())
