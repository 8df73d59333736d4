"""The tool surface a client loads into every conversation: `serve` defaults to the core tools, whose tools/list
stays within the 25 KB budget; the atomic skill tools share one small output shape; schemas carry no titles or null defaults."""

from __future__ import annotations

import json
from typing import Any

import pytest

from server.cli.main import build_parser
from server.mcp.app import CORE_TOOLS
from skills.catalog import SKILLS
from tests.server.conftest import connect

BUDGET = 25 * 1024


async def _listed(mode: str, tool_set: str) -> list[dict[str, Any]]:
    async with connect(mode, tool_set=tool_set) as client:
        tools = (await client.list_tools()).tools
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


def test_serve_defaults_to_the_core_tools() -> None:
    assert build_parser().parse_args(["serve"]).tools == "core"
    assert build_parser().parse_args(["serve", "--tools", "all"]).tools == "all"


@pytest.mark.anyio
async def test_the_default_tools_list_is_the_core_set_within_25_kb(mode: str) -> None:
    core = await _listed(mode, "core")
    assert sorted(t["name"] for t in core) == sorted(CORE_TOOLS)
    size = len(json.dumps({"tools": core}))
    assert size <= BUDGET, f"tools/list is {size} bytes"


@pytest.mark.anyio
async def test_every_tool_is_served_with_all_and_the_skill_tools_share_one_small_output_shape(
    mode: str,
) -> None:
    tools = {t["name"]: t for t in await _listed(mode, "all")}
    # Every catalog skill's tool, plus aigw_validate and aigw_providers (which no catalog skill owns).
    expected = {s.tool for s in SKILLS if s.tool} | {"aigw_validate", "aigw_providers"}
    assert set(tools) == expected and set(CORE_TOOLS) <= set(tools)
    skill_shapes = {
        json.dumps(t["outputSchema"], sort_keys=True)
        for t in tools.values()
        if "skill" in t.get("outputSchema", {}).get("properties", {})
    }
    assert len(skill_shapes) == 1 and len(next(iter(skill_shapes))) < 500
    assert "outputSchema" not in tools["aigw_orchestrate"]  # its structured content depends on the status


@pytest.mark.anyio
async def test_input_schemas_carry_no_titles_or_null_defaults(mode: str) -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert not isinstance(node.get("title"), str), node
            assert node.get("default", 0) is not None, node
            for key, value in node.items():
                if key == "properties":
                    for sub in value.values():
                        walk(sub)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for tool in await _listed(mode, "all"):
        walk(tool["inputSchema"])
