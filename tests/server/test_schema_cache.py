"""The on-disk tool-schema cache: same schemas as the models, keyed by their sources, optional."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from server.mcp import schema_cache, tools
from server.mcp.analysis_tools import analysis_specs
from server.mcp.app import create_server
from server.mcp.schema_cache import CACHE_ENV
from tests.server.conftest import subprocess_env


def live_schemas() -> dict[str, dict[str, object]]:
    specs = [tools._skill_spec(e) for e in tools.atomic_entries()]
    specs += [tools.validate_spec(None), tools.providers_spec(), tools.metrics_spec()]
    specs += analysis_specs(None)
    return {s.name: {"input": s.input_schema(), "output": s.output_schema()} for s in specs}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    return tmp_path


def test_a_cold_start_writes_the_schemas_computed_from_the_models(cache: Path) -> None:
    served = {t.name: {"input": t.parameters, "output": t.output_schema} for t in tools.skill_tools()}
    [written] = cache.glob("tool-schemas-*.json")
    assert json.loads(written.read_text()) == served == live_schemas()


def test_a_warm_start_serves_the_cached_schemas(cache: Path) -> None:
    tools.skill_tools()
    [written] = cache.glob("tool-schemas-*.json")
    data = json.loads(written.read_text())
    data["aigw_backend"]["input"]["description"] = "from the cache"
    written.write_text(json.dumps(data))
    [backend] = [t for t in tools.skill_tools() if t.name == "aigw_backend"]
    assert backend.parameters["description"] == "from the cache"


def test_any_change_to_the_sources_changes_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = schema_cache.source_key()
    server_copy = tmp_path / "server"
    shutil.copytree(Path(tools.__file__).parent, server_copy)
    with (server_copy / "tool_models.py").open("a") as handle:
        handle.write("\n# a model changed\n")
    monkeypatch.setattr(schema_cache, "_SERVER_DIR", server_copy)
    assert schema_cache.source_key() != before


def test_an_unwritable_cache_location_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(not_a_dir))
    assert {t.name: t.parameters for t in tools.skill_tools()} == {
        name: schemas["input"] for name, schemas in live_schemas().items()
    }


def test_starting_the_server_imports_neither_models_nor_templates_nor_the_validator(cache: Path) -> None:
    create_server()  # warm the cache, as any earlier start would
    probe = (
        "import sys; from server.mcp.app import create_server; create_server(); "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('jinja2', 'yaml', 'jsonschema', 'cel_expr_python') or m in ('skills.backend', 'skills.auth', 'skills.route', "
        "'skills.install', 'skills.result', 'orchestrator.engine.validate', 'server.mcp.tool_models'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=subprocess_env(**{CACHE_ENV: str(cache)}),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
