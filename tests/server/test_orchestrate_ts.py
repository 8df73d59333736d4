"""aigw_orchestrate over stdio with the official TypeScript SDK client (what Claude Code and Cursor run) answering
the forms: the OpenAI+Anthropic sentence prefilled takes at most two forms and writes a valid bundle to
output_dir; form-answered scenarios give their golden bundles; a bad namespace is asked again in its round with
the other answers kept; declining a required form comes back as needs-input with the answers kept."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import SERVE, subprocess_env
from tests.server.test_orchestrate_production import PRODUCTION_SCENARIOS, expected_files
from tests.server.test_orchestrate_tool import JWT, SCENARIOS, SENTENCE, rounds_of
from tests.server.test_stdio_ts import TS_DIR, install_client

pytestmark = pytest.mark.slow


def drive(plan: dict[str, Any], tmp_path: Path, crds: Path) -> dict[str, Any]:
    install_client()
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    done = subprocess.run(
        ["node", "orchestrate.mjs", str(path), "--", *SERVE, "--crds", str(crds)],
        cwd=TS_DIR,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen: dict[str, Any] = json.loads(done.stdout)
    return seen


def _fields(answers: dict[str, Any]) -> dict[str, Any]:
    return {k: v for part in answers.values() for k, v in part.items()}


def test_ts_client_sentence_prefilled_takes_two_forms_and_writes_a_valid_bundle(tmp_path, shared_crds):
    out = tmp_path / "bundle"
    plan = {"arguments": SENTENCE | {"output_dir": str(out)}, "fields": {"namespace": "ai"} | JWT}
    seen = drive(plan, tmp_path, shared_crds)
    assert [rounds_of(f["message"]) for f in seen["forms"]] == [["environment", "details"], ["production"]]
    assert seen["isError"] is False and seen["result"]["valid"] is True, seen["text"]
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(p).name for p in seen["result"]["written"])
    assert "kubectl apply -k ." in seen["text"]


@pytest.mark.parametrize("scenario", ["openai-anthropic", "jwt-client-auth"])
def test_ts_client_answers_the_forms_and_gets_the_golden_bundle(scenario, tmp_path, shared_crds, crd_set):
    answers = SCENARIOS.get(scenario) or PRODUCTION_SCENARIOS[scenario]
    seen = drive({"fields": _fields(answers)}, tmp_path, shared_crds)
    assert seen["isError"] is False
    assert seen["result"]["status"] == "built" and seen["result"]["valid"] is True
    expected = expected_files(scenario, crd_set)
    assert sorted(seen["result"]["files"]) == sorted(expected)
    for name, text in expected.items():
        assert seen["result"]["files"][name] == text, name


def test_ts_client_declining_a_required_form_gets_needs_input_with_answers_kept(tmp_path, shared_crds):
    plan = {
        "arguments": {"providers": ["openai"]},
        "fields": {"namespace": "ai"},
        "decline": "Models and credentials",
    }
    seen = drive(plan, tmp_path, shared_crds)
    assert seen["isError"] is False and seen["result"]["status"] == "needs_input"
    assert seen["result"]["answers"]["providers"] == {"providers": ["openai"]}
    assert "continue in chat" in seen["text"] and "details.openai__models" in seen["text"]


def test_ts_client_a_bad_namespace_is_asked_again_in_its_round_with_the_rest_kept(tmp_path, shared_crds):
    plan = {
        "arguments": {"providers": ["openai"]},
        "fields": {"features": []},
        "sequence": {"namespace": ["Bad_NS", "ai"]},
    }
    seen = drive(plan, tmp_path, shared_crds)
    forms = seen["forms"]
    assert [rounds_of(f["message"]) for f in forms[:2]] == [["environment", "details"], ["environment"]]
    assert "RFC 1123" in forms[1]["message"] and "openai__models" not in forms[1]["properties"]
    assert (
        seen["result"]["status"] == "built" and seen["result"]["intake"]["environment"]["namespace"] == "ai"
    )


def test_ts_client_speaking_2025_06_18_gets_only_primitive_form_fields(tmp_path, shared_crds):
    answers = SCENARIOS["openai-anthropic"] | {"features": {"features": ["observability"]}}
    plan = {"fields": _fields(answers), "protocolVersion": "2025-06-18"}
    seen = drive(plan, tmp_path, shared_crds)
    assert seen["protocolVersion"] == "2025-06-18"
    assert seen["result"]["status"] == "built", seen["text"]
    assert "providers__openai" not in seen["forms"][0]["properties"]  # 22 choices: comma-separated text
    properties = {name for form in seen["forms"] for name in form["properties"]}
    assert (
        "features__observability" in properties and "features" not in properties
    )  # 5 choices: one boolean each
    assert seen["result"]["intake"]["observability"]["access_logs"] is True
