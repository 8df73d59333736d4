"""`aigw-skills serve` over stdio, driven by the official TypeScript SDK client (tests/ts, @modelcontextprotocol/sdk
1.32.2 from the committed lockfile) and checked by the MCP Inspector CLI's strict schema checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from skills.catalog import SKILLS
from tests.conftest import npm_ci
from tests.server.conftest import REPO, SERVE, subprocess_env
from tests.server.test_tools import VALID_INPUTS

pytestmark = pytest.mark.slow
TS_DIR = REPO / "tests" / "ts"
NPM_CACHE = Path(os.environ.get("AIGW_SKILLS_NPM_CACHE", "/tmp/aigw-skills-npm-cache"))
INSPECTOR = "@modelcontextprotocol/inspector@2.12.0"


def npm_env() -> dict[str, str]:
    return subprocess_env(npm_config_cache=str(NPM_CACHE), npm_config_update_notifier="false")


def install_client() -> None:
    """`npm ci` from the committed lockfile when node_modules is missing; skip if npm cannot install."""
    npm_ci(TS_DIR, TS_DIR / "node_modules" / "@modelcontextprotocol" / "sdk", "the TypeScript SDK", npm_env())


def plan() -> dict[str, Any]:
    intake = yaml.safe_load(
        (REPO / "orchestrator" / "intake" / "examples" / "openai-anthropic.yaml").read_text()
    )
    calls = [{"name": name, "arguments": arguments} for name, arguments in VALID_INPUTS.items()]
    calls += [
        {"name": "aigw_providers", "arguments": {"provider": "openai"}},
        {
            "name": "aigw_validate",
            "arguments": {"manifests": "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n"},
        },
        {"name": "aigw_orchestrate", "arguments": {"intake": intake}},
        {"name": "aigw_backend", "arguments": {"name": "Bad_Name", "provider": "openai"}},
    ]
    return {
        "calls": calls,
        "prompt": {"name": "aigw-backend", "arguments": {"provider": "openai"}},
        "resource": "aigw://providers",
    }


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    install_client()
    plan_file = tmp_path_factory.mktemp("ts") / "plan.json"
    plan_file.write_text(json.dumps(plan()), encoding="utf-8")
    done = subprocess.run(
        ["node", "client.mjs", str(plan_file), "--", *SERVE],
        cwd=TS_DIR,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_ts_client_lists_every_tool_prompt_and_resource(seen: dict[str, Any]) -> None:
    tools = {t["name"]: t for t in seen["tools"]}
    assert {e.tool for e in SKILLS if e.tool} | {"aigw_validate", "aigw_providers"} <= set(tools)
    assert all(
        t["readOnlyHint"] is True and t["hasOutputSchema"]
        for n, t in tools.items()
        if n != "aigw_orchestrate"
    )
    assert tools["aigw_backend"]["properties"][:3] == ["name", "namespace", "provider"]
    assert set(seen["prompts"]) == {e.prompt for e in SKILLS}
    assert "aigw://providers" in seen["resources"] and "skill://{name}" in seen["templates"]
    assert {"tools", "prompts", "resources", "completions"} <= set(seen["capabilities"])


def test_the_ts_client_calls_each_tool_and_gets_structured_results(seen: dict[str, Any]) -> None:
    *good, bad = seen["calls"]
    for call in good:
        assert call["isError"] is False, f"{call['name']}: {call['text'][:500]}"
    by_name = {c["name"]: c for c in good}
    for name in VALID_INPUTS:
        assert by_name[name]["structured"]["skill"] == name.replace("_", "-")
    assert [p["id"] for p in by_name["aigw_providers"]["structured"]["providers"]] == ["openai"]
    assert "ok" in by_name["aigw_validate"]["structured"]
    assert bad["isError"] is True
    assert bad["text"].startswith(
        "Error executing tool aigw_backend: invalid aigw-backend input:\n  - name: "
    )


def test_the_ts_client_gets_a_prompt_and_reads_a_resource(seen: dict[str, Any]) -> None:
    assert "Given so far:\n" in seen["prompt"] and "- provider: openai\n" in seen["prompt"]
    assert json.loads(seen["resource"])[0]["id"] == "openai"


def test_the_mcp_inspector_strict_check_finds_no_schema_problems() -> None:
    if shutil.which("npx") is None:
        pytest.skip("npx is not installed")
    command = ["npx", "-y", INSPECTOR, "--cli", *SERVE, "--method", "tools/list", "--strict"]
    try:
        done = subprocess.run(command, env=npm_env(), capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.skip(f"{INSPECTOR} did not start within 240 s (no registry access?)")
    if done.returncode != 0 and ("npm ERR" in done.stderr or "npm error" in done.stderr):
        pytest.skip(f"{INSPECTOR} could not be installed: {done.stderr.strip()[-400:]}")
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "aigw_backend" in done.stdout
    problems = [
        line for line in done.stderr.splitlines() if line.startswith(("Warning: tool", "Error: tool"))
    ]
    assert problems == [], done.stderr[-3000:]
