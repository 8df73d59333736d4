"""The architecture holds: imports point down the layers (skills <- engine <- intake/compose/analysis <- server),
no import cycles, and every registration point's reference resolves. The checker is shown to catch each kind
of violation on a synthetic tree, so a green run means the rules were really checked."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest
from pydantic import BaseModel

from server.cli.main import COMMAND_MODULE, COMMAND_MODULES
from server.doors import DOORS
from server.mcp.app import ORCHESTRATE_MODULE
from skills.catalog import SKILLS
from tests.layers import violations

REPO = Path(__file__).resolve().parents[1]


def load(ref: str) -> object:
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def test_the_checkout_follows_the_layer_rules_and_has_no_import_cycle() -> None:
    assert violations(REPO) == []


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for package in ("skills", "orchestrator", "server"):
        (root / package).mkdir(exist_ok=True)
    return root


CLEAN = {
    "skills/__init__.py": "",
    "skills/catalog.py": 'REF = "skills.backend:build_backend"  # a model server. Fine\n',
    "skills/backend.py": "def build_backend(): ...\n",
    "orchestrator/__init__.py": "",
    "orchestrator/engine/__init__.py": "",
    "orchestrator/engine/lint.py": "from skills import backend\n",
    "orchestrator/compose/__init__.py": "",
    "orchestrator/compose/bundle.py": "from orchestrator.engine import lint\nfrom . import readme\n",
    "orchestrator/compose/readme.py": (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from orchestrator.compose.bundle import B\n"
    ),
    "server/__init__.py": "",
    "server/cli.py": "def main():\n    from orchestrator.compose import bundle\n",
}


def test_a_clean_tree_passes_the_checker(tmp_path: Path) -> None:
    assert violations(write(tmp_path, CLEAN)) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"skills/route.py": "from orchestrator.engine import lint\n"},
            "skills.route:1: imports orchestrator.engine.lint (skills/ is the bottom layer)",
        ),
        (
            {"skills/route.py": "def f():\n    import server.cli\n"},
            "skills.route:2: imports server.cli (skills/ is the bottom layer)",
        ),
        (
            {"skills/catalog.py": 'REF = "orchestrator.compose:compose_bundle"\n'},
            "skills.catalog:1: names orchestrator.compose in a string",
        ),
        (
            {"orchestrator/engine/lint.py": "from orchestrator.compose.readme import x\n"},
            "orchestrator.engine.lint:1: imports orchestrator.compose.readme (the validation engine stands alone)",
        ),
        (
            {"orchestrator/engine/lint.py": "from ..compose import readme\n"},
            "orchestrator.engine.lint:1: imports orchestrator.compose.readme (the validation engine stands alone)",
        ),
        (
            {"orchestrator/analysis/explain.py": "from server import cli\n"},
            "orchestrator.analysis.explain:1: imports server.cli (nothing below the front doors imports server/)",
        ),
        (
            {"orchestrator/compose/readme.py": "def f():\n    from orchestrator.compose import bundle\n"},
            "import cycle: orchestrator.compose.bundle -> orchestrator.compose.readme",
        ),
    ],
)
def test_the_checker_reports_each_kind_of_violation(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    assert violations(write(tmp_path, {**CLEAN, **files})) == [expected]


def test_every_catalog_reference_resolves_to_a_model_and_a_builder_in_skills() -> None:
    for entry in SKILLS:
        if entry.input_model is None and entry.builder is None:
            continue
        assert entry.input_model and entry.builder, f"{entry.name}: a model needs a builder and v.v."
        assert entry.input_model.startswith("skills.") and entry.builder.startswith("skills."), entry.name
        model = load(entry.input_model)
        assert isinstance(model, type) and issubclass(model, BaseModel), entry.input_model
        assert inspect.isfunction(load(entry.builder)), entry.builder


def test_every_registered_command_resolves_and_serves_its_catalog_skill() -> None:
    skills = {e.name: e for e in SKILLS}
    for door in DOORS:
        model = load(door.input_model)
        assert isinstance(model, type) and issubclass(model, BaseModel), door.input_model
        if door.run:
            assert door.output_model and issubclass(load(door.output_model), BaseModel)  # type: ignore[arg-type]
            params = list(inspect.signature(load(door.run)).parameters.values())
            assert len(params) >= 2, f"{door.run}: (input, crds_path)"
            # Beyond those, only what the tool layer passes by name (the hosts a fetching tool may reach).
            extra = {p.name for p in params[2:]}
            assert extra <= {"allowed_hosts"} and all(p.default is not p.empty for p in params[2:]), door.run
        if door.skill:
            entry = skills[door.skill]
            assert (entry.tool, entry.command) == (door.tool, door.command), door.skill
            assert not entry.atomic, f"{door.skill} is served twice"
    served = {d.tool for d in DOORS} | {e.tool for e in SKILLS if e.atomic}
    assert {e.tool for e in SKILLS if e.tool} <= served, "a catalog tool nobody serves"


def test_every_registered_module_exists_and_registers() -> None:
    for name in {*COMMAND_MODULES, *COMMAND_MODULE.values()}:
        assert callable(importlib.import_module(name).register), name
    assert callable(importlib.import_module(ORCHESTRATE_MODULE).orchestrate_tool)
