"""Distribution files, each checked against its published format by that format's own validator:

- MCP Registry `server.json`: the registry's JSON Schema 2025-12-11 (as bundled by skillsaw) and skillsaw's
  `mcp-registry-server-json-valid` rule (exact versions, reverse-DNS name).
- Claude Code plugin + marketplace, Codex plugin, the Agent Plugins MCP file and the skills: skillsaw's
  plugin rules on the directory `aigw-skills skills plugin` writes.
- Claude Desktop `.mcpb`: built by one command, unpacked and validated with the official MCPB CLI
  (@anthropic-ai/mcpb, tests/dist lockfile).
- Gemini CLI `gemini-extension.json`: only the fields of ExtensionConfig
  (google-gemini/gemini-cli packages/cli/src/config/extension.ts, docs/extensions/reference.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from server.cli.main import main
from server.pack import manifests, packaging
from server.pack.distribution import COMMAND, serve_args
from tests.conftest import npm_ci

REPO = Path(__file__).resolve().parents[2]
DIST_DIR = REPO / "tests" / "dist"
PLUGIN_RULES = (
    "claude-plugin-json-valid",
    "claude-marketplace-json-valid",
    "codex-plugin-json-valid",
    "codex-plugin-structure",
    "mcp-valid-json",
    "agentskill-valid",
    "agentskill-name",
    "agentskill-structure",
)
# ExtensionConfig (gemini-cli packages/cli/src/config/extension.ts) plus the documented `description`.
GEMINI_FIELDS = {
    "name",
    "version",
    "description",
    "mcpServers",
    "contextFileName",
    "excludeTools",
    "settings",
    "themes",
    "plan",
    "migratedTo",
}


def skillsaw(path: Path, rules: tuple[str, ...], *types: str) -> list[dict[str, Any]]:
    argv = [sys.executable, "-m", "skillsaw", "lint", str(path), "--format", "json", "--no-baseline"]
    argv += [arg for rule in rules for arg in ("--rule", rule)] + [
        arg for t in types for arg in ("--type", t)
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(done.stdout)
    return list(report["violations"])


def messages(violations: list[dict[str, Any]]) -> list[str]:
    return [f"{v.get('rule_id')}: {v.get('file_path')}: {v['message']}" for v in violations]


def test_the_distribution_files_in_the_repository_are_the_generated_ones() -> None:
    for relative, text in manifests.repository_files().items():
        assert (REPO / relative).read_text(encoding="utf-8") == text, f"{relative}: run `aigw-skills index`"


def test_every_client_config_starts_the_server_with_uvx_without_an_installed_cli() -> None:
    assert manifests.claude_mcp()["mcpServers"]["aigw-skills"]["args"] == serve_args("${CLAUDE_PLUGIN_ROOT}")
    assert manifests.portable_mcp()["mcpServers"]["aigw-skills"]["args"] == serve_args("${PLUGIN_ROOT}")
    gemini = manifests.gemini_extension()["mcpServers"]["aigw-skills"]
    assert gemini == {"command": "uvx", "args": serve_args("${extensionPath}")}
    [package] = manifests.registry_server()["packages"]
    assert package["runtimeHint"] == "uvx" and package["identifier"] == COMMAND
    assert all(cfg["command"] == "uvx" for cfg in manifests.claude_mcp()["mcpServers"].values())


def test_server_json_matches_the_mcp_registry_schema_and_rules(tmp_path: Path) -> None:
    schema_file = (
        resources.files("skillsaw") / "schemas" / "mcp_registry" / "v2025_12_11" / "server.schema.json"
    )
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    document = json.loads((REPO / "server.json").read_text(encoding="utf-8"))
    assert document["$schema"] == schema["$id"]
    jsonschema.validate(document, schema)
    (tmp_path / "server.json").write_text(json.dumps(document), encoding="utf-8")
    assert messages(skillsaw(tmp_path, ("mcp-registry-server-json-valid",), "mcp-registry")) == []
    # The same checks refuse what the registry refuses.
    (tmp_path / "server.json").write_text(json.dumps({**document, "version": "latest"}), encoding="utf-8")
    assert skillsaw(tmp_path, ("mcp-registry-server-json-valid",), "mcp-registry")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "description": "x" * 101}, schema)


def test_the_plugin_directory_passes_the_plugin_and_skill_validators(tmp_path: Path) -> None:
    dest = tmp_path / "plugin"
    assert main(["skills", "plugin", "-o", str(dest)]) == 0
    assert messages(skillsaw(dest, PLUGIN_RULES)) == []
    for manifest in (".claude-plugin/plugin.json", ".codex-plugin/plugin.json", "gemini-extension.json"):
        assert (dest / manifest).is_file()
    # A broken manifest is caught by the same run.
    codex = json.loads((dest / ".codex-plugin" / "plugin.json").read_text(encoding="utf-8"))
    codex["skills"] = "../elsewhere/"
    (dest / ".codex-plugin" / "plugin.json").write_text(json.dumps(codex), encoding="utf-8")
    assert skillsaw(dest, PLUGIN_RULES)


def test_the_plugin_copy_leaves_out_virtualenvs_builds_and_caches(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    for relative in packaging.INCLUDE:
        source = REPO / relative
        if source.is_dir():
            shutil.copytree(source, checkout / relative)
        else:
            (checkout / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, checkout / relative)
    junk = [".venv/bin/python", "build/lib/x.py", "dist/x.whl", "skills/__pycache__/x.pyc", "x.egg-info/PKG"]
    junk += ["node_modules/a/index.js", "server/.pytest_cache/v", "tests/test_x.py", ".git/HEAD"]
    for relative in junk:
        (checkout / relative).parent.mkdir(parents=True, exist_ok=True)
        (checkout / relative).write_text("junk", encoding="utf-8")
    files = packaging.plugin_files(checkout)
    assert not [f for f in files if any(part in f for part in (".venv", "build/", "dist/", "__pycache__"))]
    assert not [f for f in files if f.startswith(("tests/", ".git/", "node_modules/")) or ".egg-info" in f]
    assert "skills/aigw-route/SKILL.md" in files and "pyproject.toml" in files and ".mcp.json" in files


def test_plugin_and_mcpb_refuse_to_overwrite_and_name_a_non_checkout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["skills", "plugin", "-o", str(tmp_path / "full")]) == 1
    assert "not empty; use --force" in capsys.readouterr().err
    assert (tmp_path / "full" / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert main(["skills", "mcpb", "-o", str(tmp_path / "x.mcpb"), "--root", str(tmp_path)]) == 2
    assert "is not an aigw-skills checkout" in capsys.readouterr().err


def install_mcpb_cli() -> Path:
    cli = DIST_DIR / "node_modules" / ".bin" / "mcpb"
    npm_ci(DIST_DIR, cli, "@anthropic-ai/mcpb")
    return cli


def test_the_mcpb_bundle_built_by_one_command_validates_with_the_official_cli(tmp_path: Path) -> None:
    cli = install_mcpb_cli()
    bundle = tmp_path / "aigw-skills.mcpb"
    assert main(["skills", "mcpb", "-o", str(bundle)]) == 0
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        archive.extractall(tmp_path / "unpacked")
    assert {"manifest.json", "pyproject.toml", manifests.MCPB_ENTRY, "skills/aigw-route/SKILL.md"} <= set(
        names
    )
    assert not [n for n in names if ".venv" in n or "__pycache__" in n or n.startswith("tests/")]
    assert manifest["server"]["type"] == "uv" and manifest["manifest_version"] == "0.4"
    done = subprocess.run(
        [str(cli), "validate", str(tmp_path / "unpacked" / "manifest.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    from server.mcp.app import CORE_TOOLS

    assert {t["name"] for t in manifest["tools"]} == set(CORE_TOOLS), "the tools `serve` lists by default"
    # Same sources, same bytes.
    again = tmp_path / "again.mcpb"
    assert main(["skills", "mcpb", "-o", str(again)]) == 0
    assert again.read_bytes() == bundle.read_bytes()


def test_the_gemini_extension_uses_only_the_documented_fields() -> None:
    extension = json.loads((REPO / "gemini-extension.json").read_text(encoding="utf-8"))
    assert set(extension) <= GEMINI_FIELDS
    assert {"name", "version"} <= set(extension)
    assert extension["name"] == "aigw-skills"
    for server in extension["mcpServers"].values():
        assert "trust" not in server, "extensions may not set trust (docs/extensions/reference.md)"
        assert isinstance(server["command"], str) and " " not in server["command"]
        assert all(isinstance(a, str) for a in server["args"])
        assert any("${extensionPath}" in a for a in server["args"]), "paths inside the extension are portable"
    assert (REPO / "skills").is_dir(), "the extension's skills/ folder is what Gemini CLI discovers"


@pytest.mark.slow
@pytest.mark.anyio
async def test_the_plugin_starts_its_mcp_server_through_uvx_with_no_cli_installed(tmp_path: Path) -> None:
    """What Claude Code runs from .mcp.json, from a clean plugin copy: uvx builds the CLI from the plugin
    directory (dependencies from PyPI, cached under $UV_CACHE_DIR) and the server answers tools/list."""
    from mcp import Client, StdioServerParameters

    uvx = shutil.which("uvx") or str(Path(sys.executable).parent / "uvx")
    if not Path(uvx).exists():
        pytest.skip("uv is not installed (pip install uv)")
    dest = tmp_path / "plugin"
    assert main(["skills", "plugin", "-o", str(dest)]) == 0
    config = json.loads((dest / ".mcp.json").read_text(encoding="utf-8"))["mcpServers"]["aigw-skills"]
    args = [a.replace("${CLAUDE_PLUGIN_ROOT}", str(dest)) for a in config["args"]]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "AIGW_SKILLS_CRDS")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not (Path(p) / COMMAND).exists()
    )
    env.setdefault("UV_CACHE_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "aigw-skills-uv-cache"))
    # uv fetches the dependencies from PyPI the first time: without a registry the test cannot say anything.
    build = subprocess.run(
        [uvx, *args[:-1], "--version"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    if build.returncode != 0 and re.search(
        r"(?i)failed to fetch|dns|connect|network|timed out", build.stderr
    ):
        pytest.skip(f"uvx could not reach the package registry: {build.stderr.strip()[-300:]}")
    assert build.returncode == 0, build.stderr
    params = StdioServerParameters(command=uvx, args=args, env=env, cwd=str(tmp_path))
    async with Client(params) as client:  # type: ignore[arg-type]
        tools = {t.name for t in (await client.list_tools()).tools}
    assert {"aigw_orchestrate", "aigw_validate"} <= tools
