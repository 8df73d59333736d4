"""A credential the build would refuse is refused in the round that asks it, at both front doors: Azure
AzureCredentials without a client ID comes back in the details round of `aigw-skills build --questions` and of
aigw_orchestrate's forms (the field named, with what to give), the other answers kept, and the corrected answer
goes on to a built bundle. The rule itself is aigw-auth's (tests/orchestrator/test_intake_build_rules.py covers
every credential kind through the walker)."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitResult

from tests.server import test_orchestrate_tool
from tests.server.test_build_cli import run
from tests.server.test_build_questions import questions
from tests.server.test_orchestrate_tool import SCENARIOS, rounds_of

FIELD = "azure_openai__azure_client_id"
AZURE = SCENARIOS["azure-client-secret"]  # AzureCredentials with both IDs: the golden bundle's answers
NO_CLIENT_ID = {k: v for k, v in AZURE["details"].items() if k != FIELD}
server = test_orchestrate_tool.server  # the in-memory MCP server fixture (module scope)
EXPECTED = "required for type AzureCredentials; expected Entra ID application (client) ID"


def test_build_questions_refuses_a_missing_client_id_in_the_details_round_then_builds(tmp_path, shared_crds):
    given = {"environment": AZURE["environment"], "providers": AZURE["providers"], "details": NO_CLIENT_ID}
    data = questions(tmp_path, given)
    assert data["complete"] is False and data["next"]["rounds"] == ["details"]
    problems = data["next"]["problems"]
    assert [p["path"].split(" ")[0] for p in problems] == [f"answers.details.{FIELD}"]
    assert f"{problems[0]['message']}; expected {problems[0]['expected']}" == EXPECTED
    assert data["answers"] == given, "every answer is kept, the details round's valid fields included"

    corrected = given | {"details": AZURE["details"], "features": {"features": []}}
    data = questions(tmp_path, corrected)
    assert data["complete"] is True and data["answers"]["details"][FIELD] == AZURE["details"][FIELD]
    out = tmp_path / "bundle"
    done = run(
        "build", "--answers", str(tmp_path / "answers.json"), "-o", str(out), "--crds", str(shared_crds)
    )
    assert done.returncode == 0, done.stderr
    assert "azureCredentials" in (out / "manifests.yaml").read_text()


@pytest.mark.anyio
async def test_the_orchestrate_form_asks_the_details_again_naming_the_client_id_then_builds(server, mode):
    typed = iter([NO_CLIENT_ID, AZURE["details"]])
    messages: list[str] = []

    async def on_elicit(ctx: Any, params: Any) -> ElicitResult:
        rounds = rounds_of(params.message)
        if rounds == ["details"]:
            messages.append(params.message)
            return ElicitResult(action="accept", content=next(typed))
        if rounds == ["environment", "providers"]:
            return ElicitResult(action="accept", content=AZURE["environment"] | AZURE["providers"])
        return ElicitResult(action="accept", content={})

    async with Client(server, mode=mode, elicitation_callback=on_elicit) as client:
        result = await client.call_tool("aigw_orchestrate", {})
    data = result.structured_content
    assert not result.is_error and data["status"] == "built", data.get("message")
    assert len(messages) == 2 and "Please correct" not in messages[0]
    assert f"Please correct: {FIELD}" in messages[1] and EXPECTED in messages[1]
    auth = data["intake"]["providers"][0]["auth"]
    assert auth["azure_client_id"] == AZURE["details"][FIELD]
    assert data["intake"]["environment"]["namespace"] == AZURE["environment"]["namespace"]


@pytest.mark.anyio
async def test_orchestrate_answers_sent_as_data_come_back_with_the_client_id_named(server):
    answers = {"environment": {}, "providers": AZURE["providers"], "details": NO_CLIENT_ID}
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    data = result.structured_content
    assert data["status"] == "needs_input" and data["next"]["rounds"] == ["details"]
    assert data["answers"]["providers"] == AZURE["providers"]
    assert data["next"]["problems"][0]["path"].startswith(f"answers.details.{FIELD} ")
    assert f"Please correct: {FIELD}" in result.content[0].text
