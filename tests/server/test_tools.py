"""Tools over MCP (in memory, both protocol eras): schemas from the models, structured results, clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp.types import CallToolResult

from server.doors import in_tool_names
from server.mcp.tools import atomic_entries
from skills.catalog import BY_TOOL, SKILLS
from skills.providers import PRESETS, catalog
from tests.server.conftest import connect

pytestmark = pytest.mark.anyio

VALID_INPUTS: dict[str, dict[str, Any]] = {
    "aigw_install": {},
    "aigw_backend": {"name": "openai", "provider": "openai"},
    "aigw_auth": {"type": "APIKey", "targets": ["openai"], "secret_env": "OPENAI_API_KEY"},
    "aigw_route": {"rules": [{"models": ["gpt-4o-mini"], "backends": [{"name": "openai"}]}]},
}
SERVER_TOOLS = {"aigw_validate", "aigw_providers"}


def text(result: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


async def test_every_catalog_tool_is_listed_read_only_with_an_output_schema(mode: str) -> None:
    async with connect(mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    expected = {e.tool for e in SKILLS if e.tool} | SERVER_TOOLS
    assert expected <= set(tools)
    for name in expected - {"aigw_orchestrate"}:
        tool = tools[name]
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is True
        online = name == "aigw_metrics"  # reads the URL it is given: open world, answers change over time
        assert tool.annotations.idempotent_hint is not online
        assert tool.annotations.destructive_hint is False
        assert tool.annotations.open_world_hint is online
        assert tool.output_schema and tool.output_schema["type"] == "object", name
        entry = BY_TOOL.get(name)
        if entry is not None:  # the catalog's next steps end the description, in tool names
            assert in_tool_names(entry.next_steps) in str(tool.description), f"{name} lacks its next steps"


async def test_atomic_tool_input_schemas_are_exactly_the_input_model_fields_with_descriptions(
    mode: str,
) -> None:
    async with connect(mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for entry in atomic_entries():
        model = entry.load_model()
        schema = tools[entry.tool].input_schema
        assert set(schema["properties"]) == set(model.model_fields), entry.tool
        assert schema["additionalProperties"] is False
        for field, info in model.model_fields.items():
            assert schema["properties"][field]["description"] == info.description, f"{entry.tool}.{field}"
        assert set(schema.get("required", [])) == {
            f for f, i in model.model_fields.items() if i.is_required()
        }


async def test_atomic_skill_output_schema_is_skill_result(mode: str) -> None:
    from skills.result import SkillResult

    async with connect(mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for entry in atomic_entries():
        assert set(tools[entry.tool].output_schema["properties"]) == set(SkillResult.model_fields)


@pytest.mark.parametrize("tool", sorted(VALID_INPUTS))
async def test_each_skill_tool_returns_manifests_whose_yaml_parses_to_the_same_objects(
    mode: str, tool: str
) -> None:
    async with connect(mode) as client:
        result = await client.call_tool(tool, VALID_INPUTS[tool])
    assert not result.is_error, text(result)
    data = result.structured_content
    assert data is not None
    assert data["skill"] == tool.replace("_", "-")
    assert [d for d in yaml.safe_load_all(data["yaml"]) if d is not None] == data["manifests"]
    assert json.loads(text(result)) == data, "the text content is the same result as JSON"
    if tool == "aigw_install":
        assert data["steps"], "an install plan has steps"
    else:
        assert data["manifests"], "a skill that generates objects returns some"


async def test_backend_tool_builds_the_three_objects_of_a_tls_provider(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool("aigw_backend", {"name": "openai", "provider": "openai"})
    kinds = [m["kind"] for m in result.structured_content["manifests"]]  # type: ignore[index]
    assert kinds == ["Backend", "AIServiceBackend", "BackendTLSPolicy"]


async def test_a_bad_field_is_refused_naming_the_field_the_value_and_the_fix(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool("aigw_backend", {"name": "Bad_Name", "provider": "openai"})
    assert result.is_error
    assert text(result) == (
        "Error executing tool aigw_backend: invalid aigw-backend input:\n"
        "  - name: invalid format (got 'Bad_Name'); expected RFC 1123 label: lowercase letters, digits and "
        "'-', 1-63 chars, alphanumeric at both ends\n"
        "Fix the field(s) above and call aigw_backend again; its input schema describes every field and format."
    )


async def test_a_wrongly_typed_argument_gets_the_same_clear_message_not_pydantic_text(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool(
            "aigw_backend", {"name": "openai", "provider": "openai", "port": "https"}
        )
    assert result.is_error
    message = text(result)
    assert "  - port: " in message and "(got 'https')" in message
    assert "call aigw_backend again" in message
    assert "validation error for" not in message and "errors.pydantic.dev" not in message


async def test_unknown_fields_and_missing_required_fields_are_named(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool("aigw_auth", {"targets": ["openai"], "colour": "blue"})
    message = text(result)
    assert result.is_error
    assert "  - type: Field required; expected a value for this required field" in message
    assert "  - colour: Extra inputs are not permitted" in message


async def test_credential_looking_input_is_refused_and_never_echoed(mode: str) -> None:
    key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2
    async with connect(mode) as client:
        result = await client.call_tool(
            "aigw_auth", {"type": "APIKey", "targets": ["openai"], "secret_env": key}
        )
    message = text(result)
    assert result.is_error
    assert message.startswith(
        "Error executing tool aigw_auth: invalid aigw-auth input:\n  - secret_env: looks like "
    )
    assert "name the environment variable or file that holds it" in message
    assert key not in message and key[:12] not in message


async def test_objects_sent_as_json_text_are_accepted(mode: str) -> None:
    rules = json.dumps(VALID_INPUTS["aigw_route"]["rules"])
    async with connect(mode) as client:
        result = await client.call_tool("aigw_route", {"rules": rules})
    assert not result.is_error, text(result)
    assert "AIGatewayRoute" in [m["kind"] for m in result.structured_content["manifests"]]  # type: ignore[index]


async def test_providers_tool_returns_the_preset_catalog_and_filters_by_id(mode: str) -> None:
    async with connect(mode) as client:
        everything = await client.call_tool("aigw_providers", {})
        one = await client.call_tool("aigw_providers", {"provider": "anthropic"})
        bad = await client.call_tool("aigw_providers", {"provider": "nope"})
    assert everything.structured_content == {"providers": catalog()}
    assert [p["id"] for p in one.structured_content["providers"]] == ["anthropic"]  # type: ignore[index]
    assert bad.is_error and "  - provider: " in text(bad) and "(got 'nope')" in text(bad)
    assert len(PRESETS) == len(everything.structured_content["providers"])  # type: ignore[index]


def generated_setup() -> tuple[str, list[str]]:
    """Backend + auth + route YAML for OpenAI as the tools generate it, and the Secret created outside."""
    from skills.api import auth, backend, route

    secret = auth(**VALID_INPUTS["aigw_auth"])
    parts = [backend(**VALID_INPUTS["aigw_backend"]), secret, route(**VALID_INPUTS["aigw_route"])]
    return "---\n".join(p.yaml for p in parts), [s.name for s in secret.secrets]


async def test_validate_tool_passes_generated_manifests_and_says_which_checks_did_not_run(mode: str) -> None:
    manifests, secrets = generated_setup()
    async with connect(mode, crds_path=None) as client:
        result = await client.call_tool(
            "aigw_validate", {"manifests": manifests, "external_secrets": secrets}
        )
    report = result.structured_content
    assert not result.is_error and report is not None
    assert report["ok"] is True and report["findings"] == [], report["findings"]
    assert report["documents"] == len([d for d in yaml.safe_load_all(manifests) if d])
    if report["checks_skipped"]:  # the server's side enables them: the tool has no --crds option
        assert "start it with `aigw-skills serve --crds PATH`" in report["checks_skipped"][0]


async def test_validate_tool_reports_a_route_to_a_missing_backend_with_a_hint(mode: str) -> None:
    from skills.api import route

    async with connect(mode) as client:
        result = await client.call_tool(
            "aigw_validate", {"manifests": route(**VALID_INPUTS["aigw_route"]).yaml}
        )
    report = result.structured_content
    assert report is not None and report["ok"] is False
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert any("openai" in f["message"] and f["hint"] for f in errors), errors


async def test_validate_tool_with_partial_input_makes_the_missing_backend_a_note(mode: str) -> None:
    from skills.api import route

    manifests = route(**VALID_INPUTS["aigw_route"]).yaml
    async with connect(mode) as client:
        result = await client.call_tool("aigw_validate", {"manifests": manifests, "partial": True})
    report = result.structured_content
    assert report is not None and report["ok"] is True
    notes = [f for f in report["findings"] if "openai" in f["message"]]
    assert notes and all(f["severity"] == "info" and "partial input" in f["message"] for f in notes)
    assert all(f["source"].startswith("manifests#") for f in report["findings"])


async def test_validate_tool_reports_invalid_yaml_as_a_finding_with_its_line(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool("aigw_validate", {"manifests": "kind: Backend\n  bad: [indent\n"})
    report = result.structured_content
    assert not result.is_error and report is not None and report["ok"] is False
    [finding] = report["findings"]
    assert finding["rule"] == "yaml" and "(line 2, column 6)" in finding["message"]


async def test_validate_tool_checks_crd_schemas_from_the_configured_path(
    mode: str, shared_crds: Path
) -> None:
    from skills.api import backend

    broken = backend(**VALID_INPUTS["aigw_backend"]).yaml.replace("name: OpenAI", "name: NotASchema")
    async with connect(mode, crds_path=str(shared_crds)) as client:
        result = await client.call_tool("aigw_validate", {"manifests": broken})
    report = result.structured_content
    assert report is not None and report["checks_skipped"] == []
    [error] = [f for f in report["findings"] if f["severity"] == "error"]
    assert (error["rule"], error["resource"], error["path"]) == (
        "schema",
        "AIServiceBackend/default/openai",
        "spec.schema.name",
    )


async def test_validate_tool_names_an_unreadable_crd_path_and_the_fix(mode: str, tmp_path: Path) -> None:
    async with connect(mode, crds_path=str(tmp_path / "missing")) as client:
        result = await client.call_tool("aigw_validate", {"manifests": "kind: X\n"})
    assert result.is_error
    assert text(result).startswith(
        "Error executing tool aigw_validate: the CRD schemas configured for this server"
    )
    assert "fix `aigw-skills serve --crds PATH` or AIGW_SKILLS_CRDS" in text(result)


async def test_validate_tool_refuses_a_manifest_carrying_a_credential(mode: str) -> None:
    secret = (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: k}\nstringData:\n  apiKey: sk-ant-api03-" + "x7Y" * 30
    )
    async with connect(mode) as client:
        result = await client.call_tool("aigw_validate", {"manifests": secret})
    assert result.is_error
    assert "  - manifests: looks like " in text(result)
    assert "x7Yx7Y" not in text(result)
