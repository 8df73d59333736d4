"""The OpenAI + Anthropic scenario over stdio, with the official TypeScript SDK client answering the forms."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.server.conftest import SERVE, subprocess_env
from tests.server.test_orchestrate_tool import ROUND_BY_MESSAGE, SCENARIOS, _golden_files
from tests.server.test_stdio_ts import TS_DIR, install_client

pytestmark = pytest.mark.slow


def test_ts_client_answers_the_forms_and_gets_the_golden_bundle(tmp_path, shared_crds):
    install_client()
    plan = tmp_path / "answers.json"
    plan.write_text(json.dumps({"messages": ROUND_BY_MESSAGE, "answers": SCENARIOS["openai-anthropic"]}))
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
    assert seen["rounds"] == ["environment", "providers", "details"]
    assert seen["isError"] is False
    assert seen["result"]["status"] == "built" and seen["result"]["valid"] is True
    for name, text in _golden_files("openai-anthropic").items():
        assert seen["result"]["files"][name] == text, name
