"""Scenarios over stdio with the official TypeScript SDK client answering the forms: OpenAI + Anthropic (the
optional production round answered with its default, no feature), and JWT client auth with observability
chosen in the production round. Each must give the bundle of its intake file."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.server.conftest import SERVE, subprocess_env
from tests.server.test_orchestrate_production import GOLDEN, PRODUCTION_SCENARIOS
from tests.server.test_orchestrate_tool import ROUND_BY_MESSAGE, SCENARIOS
from tests.server.test_stdio_ts import TS_DIR, install_client

pytestmark = pytest.mark.slow

CASES = {
    "openai-anthropic": (SCENARIOS["openai-anthropic"], ["environment", "providers", "details", "features"]),
    "jwt-client-auth": (
        PRODUCTION_SCENARIOS["jwt-client-auth"],
        ["environment", "providers", "details", "features", "production"],
    ),
}


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_ts_client_answers_the_forms_and_gets_the_golden_bundle(scenario, tmp_path, shared_crds):
    install_client()
    answers, rounds = CASES[scenario]
    plan = tmp_path / "answers.json"
    plan.write_text(json.dumps({"messages": ROUND_BY_MESSAGE, "answers": answers}))
    done = subprocess.run(
        ["node", "orchestrate.mjs", str(plan), "--", *SERVE, "--crds", str(shared_crds)],
        cwd=TS_DIR,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout)
    assert seen["rounds"] == rounds
    assert seen["isError"] is False
    assert seen["result"]["status"] == "built" and seen["result"]["valid"] is True
    golden = {p.name: p.read_text(encoding="utf-8") for p in (GOLDEN / scenario).iterdir()}
    assert sorted(seen["result"]["files"]) == sorted(golden)
    for name, text in golden.items():
        assert seen["result"]["files"][name] == text, name
