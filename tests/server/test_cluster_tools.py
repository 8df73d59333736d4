"""aigw_doctor and aigw_plan over MCP: the same cores as the CLI commands, bad input as one clear tool error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.analysis.doctor_cases import FIXTURES, compose
from tests.server.conftest import MODES, connect


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_doctor_tool_diagnoses_a_dump_with_ids_objects_and_fixes(mode: str, tmp_path: Path) -> None:
    dump = compose("secrets-missing", tmp_path / "dump")
    async with connect(mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["aigw_doctor"].annotations.read_only_hint is True
        result = await client.call_tool(
            "aigw_doctor",
            {"dump": [str(dump)], "config_dump": [str(FIXTURES / "config-dumps" / "healthy.yaml")]},
        )
    assert not result.is_error
    report = result.structured_content
    assert report["ok"] is False
    ids = {(f["id"], f["kind"], f["name"]) for f in report["findings"]}
    assert ("AIGW-D040", "BackendSecurityPolicy", "anthropic-apikey") in ids
    assert ("AIGW-D041", "BackendSecurityPolicy", "openai-apikey") in ids
    assert report["summary"][0].startswith("1. [referenced Secrets]")


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_doctor_tool_names_an_unreadable_dump_and_what_to_do(mode: str, tmp_path: Path) -> None:
    async with connect(mode) as client:
        result = await client.call_tool("aigw_doctor", {"dump": [str(tmp_path / "missing")]})
    assert result.is_error
    text = result.content[0].text
    assert "dump: " in text and "no such file or directory" in text and "Traceback" not in text


@pytest.mark.anyio
async def test_a_built_bundle_offers_plan_as_the_next_step(tmp_path: Path) -> None:
    import yaml

    from server.cli.build import example_text

    intake = yaml.safe_load(example_text("openai-anthropic"))
    async with connect("auto") as client:
        result = await client.call_tool(
            "aigw_orchestrate", {"intake": intake, "output_dir": str(tmp_path / "b")}
        )
    assert result.structured_content["status"] == "built"
    assert result.structured_content["next"].endswith("&& aigw-skills plan . && kubectl apply -k .")


@pytest.mark.anyio
async def test_plan_tool_names_a_missing_bundle_and_what_to_give(tmp_path: Path) -> None:
    async with connect("auto") as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["aigw_plan"].annotations.read_only_hint is True
        result = await client.call_tool("aigw_plan", {"bundle": str(tmp_path / "nope")})
    assert result.is_error
    assert "bundle: " in result.content[0].text and "no such file or directory" in result.content[0].text
