"""The command table lets one run build only its own command's parser; it must match what the modules register."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli.main import COMMAND_MODULE, COMMAND_MODULES, module_for

REPO = Path(__file__).resolve().parents[2]


def _registered(module: str) -> set[str]:
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    importlib.import_module(module).register(subparsers)
    return set(subparsers.choices)


def test_every_registered_command_is_found_in_the_module_that_registers_it() -> None:
    for module in COMMAND_MODULES:
        for command in _registered(module):
            assert module_for(command) == module, f"{command} (registered by {module})"


def test_every_table_entry_is_registered_by_its_module() -> None:
    for command, module in COMMAND_MODULE.items():
        assert module in COMMAND_MODULES, module
        assert command in _registered(module), f"{module} does not register {command}"


def test_an_unknown_command_gets_the_full_parser_and_its_usage_error() -> None:
    assert module_for("no-such-command") is None
    proc = subprocess.run(
        [sys.executable, "-m", "server", "no-such-command"], cwd=REPO, capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr and "validate" in proc.stderr


def test_validate_imports_neither_the_skill_builders_nor_the_templates(tmp_path: Path) -> None:
    from skills.catalog import SKILLS

    doc = tmp_path / "one.yaml"
    doc.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    code = (
        "import sys, json; from server.cli.main import main; rc = main(['validate', sys.argv[1]]); "
        "print(json.dumps([rc, sorted(sys.modules)]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(doc)], cwd=REPO, capture_output=True, text=True, check=True
    )
    rc, loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    assert rc == 0
    builders = {s.builder.partition(":")[0] for s in SKILLS if s.atomic and s.builder}
    assert builders and not builders & set(loaded), sorted(builders & set(loaded))
    assert "jinja2" not in loaded
    assert "server.cli.skill" not in loaded and "server.cli.build" not in loaded


def test_an_unknown_option_is_the_commands_own_error_with_the_closest_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`validate --version` used to print the top-level usage and 'aigw-skills: error' (`crds pull --version` and
    `validate --target-version` are easy to mix up)."""
    from server.cli.main import main

    with pytest.raises(SystemExit) as exited:
        main(["validate", "x.yaml", "--version", "v0.6.0"])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("usage: aigw-skills validate ")
    assert "aigw-skills validate: error: unrecognized arguments: --version v0.6.0" in err
    assert "--version: did you mean --target-version?" in err
    with pytest.raises(SystemExit):
        main(["crds", "pull", "--offline"])
    err = capsys.readouterr().err
    assert err.startswith("usage: aigw-skills crds pull ") and "aigw-skills crds pull: error:" in err
