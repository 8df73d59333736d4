"""Generated calls to every atomic skill through its MCP tool and its CLI subcommand (hypothesis).

Properties: nothing but an input refusal comes out (no other exception, no traceback, no crash exit code);
every refusal names the field path of each problem; every success re-parses with yaml.safe_load_all and
passes the validation engine against ../shared/crds.

The default run makes a few dozen calls per tool and command; AIGW_SKILLS_PROPERTY_EXAMPLES=N runs N per test
(benchmarks/property_run.py runs >= 10,000 calls in total and prints the count).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skills.catalog import SkillEntry
from tests.hardening.doors import McpDoor, call_cli, call_core, call_mcp, check_success
from tests.hardening.inputs import arguments, entries, property_examples

DEFAULT_EXAMPLES = 30
SETTINGS = settings(
    max_examples=property_examples(DEFAULT_EXAMPLES),
    deadline=None,
    database=None,
    # The default run (CI) replays the same examples every time, so a red build always means a code change;
    # the full run (AIGW_SKILLS_PROPERTY_EXAMPLES, benchmarks/property_run.py) explores new ones on every run.
    derandomize=not os.environ.get("AIGW_SKILLS_PROPERTY_EXAMPLES"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
ENTRIES = entries()
IDS = [e.command or e.name for e in ENTRIES]


@pytest.fixture(scope="module")
def crds(shared_crds: Path) -> Any:
    from orchestrator.engine.crds import load_crds

    return load_crds(shared_crds)


@pytest.fixture(scope="module")
def mcp(shared_crds: Path) -> Iterator[McpDoor]:
    door = McpDoor(str(shared_crds))
    yield door
    door.close()


def assert_refusal_names_paths(paths: list[str], text: str) -> None:
    assert paths, f"a refusal must list its problems as '  - field.path: message', got:\n{text[:2000]}"
    assert all(p and p != "(input)" for p in paths), f"a problem without a field path:\n{text[:2000]}"


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_the_mcp_tool_refuses_with_field_paths_or_returns_valid_manifests(
    entry: SkillEntry, mcp: McpDoor, crds: Any
) -> None:
    @SETTINGS
    @given(data=arguments(entry))
    def check(data: dict[str, Any]) -> None:
        core = call_core(entry, data)  # only InputError may escape the builder: anything else fails here
        outcome = call_mcp(mcp, entry, data)
        assert outcome.ok == core.ok, f"MCP and core disagree on {json.dumps(data, default=str)[:500]}"
        if outcome.ok:
            check_success(outcome.result, crds)
        else:
            assert "Traceback" not in outcome.text
            assert f"invalid {entry.name} input:" in outcome.text.splitlines()[0], outcome.text[:500]
            assert_refusal_names_paths(outcome.paths, outcome.text)
            assert outcome.paths == core.paths

    check()


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_the_cli_command_exits_0_with_valid_yaml_or_2_naming_the_field(
    entry: SkillEntry, crds: Any, tmp_path: Path
) -> None:
    @SETTINGS
    @given(data=arguments(entry), fmt=st.sampled_from(["json", "yaml"]))
    def check(data: dict[str, Any], fmt: str) -> None:
        code, out, err = call_cli(entry, data, tmp_path)
        assert "Traceback" not in err
        assert code in (0, 2), f"exit {code}: {err[:1000]}"
        if code == 0:
            check_success(json.loads(out), crds)
            return
        assert out == "", "a refusal prints nothing on stdout"
        from tests.hardening.doors import refusal_paths

        paths = refusal_paths(err)
        if paths:
            assert_refusal_names_paths(paths, err)
        else:  # read/parse errors name the option (--input FILE, --field) instead of a model path
            assert "--" in err, err[:1000]

    check()
