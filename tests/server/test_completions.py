"""Completions for prompt arguments (presets, schemas, policy types, versions) and resource templates."""

from __future__ import annotations

import pytest
from mcp.types import PromptReference, ResourceTemplateReference

from skills.catalog import BY_NAME
from skills.providers import PRESETS
from skills.types import POLICY_TYPES, SCHEMA_NAMES
from skills.versions import PROFILES
from tests.server.conftest import REPO, connect

pytestmark = pytest.mark.anyio


def prompt(name: str) -> PromptReference:
    return PromptReference(type="ref/prompt", name=name)


def template(uri: str) -> ResourceTemplateReference:
    return ResourceTemplateReference(type="ref/resource", uri=uri)


@pytest.mark.parametrize(
    ("prompt_name", "argument", "typed", "expected"),
    [
        ("aigw-backend", "provider", "o", [p for p in PRESETS if p.startswith("o")]),
        ("aigw-backend", "provider", "", list(PRESETS)),
        ("aigw-backend", "schema_name", "aws", [s for s in SCHEMA_NAMES if s.lower().startswith("aws")]),
        ("aigw-auth", "type", "Azure", [t for t in POLICY_TYPES if t.startswith("Azure")]),
        ("aigw-install", "target_version", "v1", [v for v in PROFILES if v.startswith("v1")]),
        ("aigw-clientauth", "type", "", ["jwt", "apikey"]),
        ("aigw-route", "target_version", "v0.", [v for v in PROFILES if v.startswith("v0.")]),
        ("aigw-route", "request", "any", []),
    ],
)
async def test_prompt_arguments_complete_from_the_skill_tables(
    mode: str, prompt_name: str, argument: str, typed: str, expected: list[str]
) -> None:
    async with connect(mode) as client:
        result = await client.complete(prompt(prompt_name), {"name": argument, "value": typed})
    assert expected or argument == "request"
    assert result.completion.values == expected
    assert result.completion.total == len(expected)


async def test_a_provider_list_completes_its_last_item_without_repeating_earlier_ones(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.complete(
            prompt("aigw-orchestrator"), {"name": "providers", "value": "openai,an"}
        )
        fresh = await client.complete(prompt("aigw-orchestrator"), {"name": "providers", "value": "openai,"})
    assert result.completion.values == ["openai,anthropic", "openai,anthropic-openai"]
    assert "openai,openai" not in fresh.completion.values
    assert len(fresh.completion.values) == len(PRESETS) - 1


async def test_resource_templates_complete_skill_names_and_that_skills_files(mode: str) -> None:
    assets = sorted(p.name for p in (REPO / "skills" / "aigw-route" / "assets").glob("*.j2"))
    async with connect(mode) as client:
        names = await client.complete(template("skill://{name}"), {"name": "name", "value": "aigw-b"})
        files = await client.complete(
            template("skill://{name}/assets/{file}"),
            {"name": "file", "value": ""},
            context_arguments={"name": "aigw-route"},
        )
    assert names.completion.values == [n for n in BY_NAME if n.startswith("aigw-b")]
    assert files.completion.values == assets
