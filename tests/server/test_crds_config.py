"""Where the CRD schemas come from is configuration handed down as an argument: `serve --crds PATH` (or
$AIGW_SKILLS_CRDS, read once by the front door) becomes create_server(crds_path=...), which every tool reads,
aigw_orchestrate included; no module sets or reads the environment variable for another."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestrator.engine.contract import CACHE_ENV, CRDS_ENV
from orchestrator.engine.crds import configured_crds
from server.mcp.crd_source import loaded_crds
from tests.server.conftest import connect

pytestmark = pytest.mark.anyio
INTAKE = {"providers": [{"provider": "openai", "models": ["gpt-5.4-mini"]}]}


def test_the_front_door_reads_the_flag_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CRDS_ENV, raising=False)
    assert configured_crds(None) is None
    monkeypatch.setenv(CRDS_ENV, "/from/env")
    assert configured_crds(None) == "/from/env"
    assert configured_crds("/from/flag") == "/from/flag"


async def test_the_orchestrator_validates_with_the_crds_the_server_was_given(
    mode: str, shared_crds: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(CRDS_ENV, raising=False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "empty-cache"))  # nothing pulled to fall back on
    loaded_crds.cache_clear()  # loaded CRD sets are cached per (path, version) for the process
    async with connect(mode, crds_path=str(shared_crds)) as given:
        with_crds = await given.call_tool("aigw_orchestrate", {"intake": INTAKE})
    async with connect(mode) as bare:
        without = await bare.call_tool("aigw_orchestrate", {"intake": INTAKE})
    assert with_crds.structured_content and without.structured_content
    assert "CRD schema checks skipped" not in with_crds.structured_content["message"]
    assert "CRD schema checks skipped" in without.structured_content["message"]
