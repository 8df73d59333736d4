"""aigw_orchestrate keeps every answer it is given, over the in-memory MCP SDK client: every problem of the answers
is reported at once (an unknown round with the bad values of other rounds); an answer to a round after an invalid
one (features while details is invalid) is sent back in the needs-input `answers` and is not asked again once
details is fixed, in chat and in forms alike (the forms re-ask details with its valid fields prefilled). The CLI
twins are in tests/server/test_build_questions.py; the walker's rules in tests/orchestrator/test_intake_walker.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitResult

from tests.server import test_orchestrate_tool
from tests.server.test_orchestrate_tool import SCENARIOS, rounds_of

server = test_orchestrate_tool.server  # the in-memory MCP server fixture (module scope)
DETAILS = SCENARIOS["openai-anthropic"]["details"]
FEATURES = {"features": ["token-limits"]}
BAD_DETAILS = {
    "environment": {},
    "providers": {"providers": ["openai", "anthropic"]},
    "details": DETAILS | {"anthropic__secret_env": "not a variable!"},
    "features": FEATURES,
}


@pytest.mark.anyio
async def test_an_unknown_round_a_bad_namespace_and_a_bad_provider_are_reported_together(server):
    answers = {
        "enviroment": {"namespace": "ai"},
        "environment": {"namespace": "Bad_NS"},
        "providers": {"providers": ["opneai"]},
    }
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    data = result.structured_content
    assert result.is_error and data["status"] == "error" and data["answers"] == answers
    text = result.content[0].text
    problems = [line.split(":")[0] for line in text.splitlines() if line.startswith("  - ")]
    assert problems == [
        "  - answers.enviroment",
        "  - answers.environment.namespace",
        "  - answers.providers.providers[0]",
    ]
    assert "'Bad_NS'" in text and "'opneai'" in text


@pytest.mark.anyio
async def test_in_chat_features_is_sent_back_while_details_is_invalid_and_not_asked_again(server):
    async with Client(server, mode="auto") as client:
        first = await client.call_tool("aigw_orchestrate", {"answers": BAD_DETAILS})
        data = first.structured_content
        assert data["status"] == "needs_input" and data["next"]["rounds"] == ["details"]
        assert [p["path"] for p in data["next"]["problems"]] == ["answers.details.anthropic__secret_env"]
        assert data["answers"]["features"] == FEATURES
        sent = json.loads(first.content[0].text.split("e.g.:\n", 1)[1].split("\n", 1)[0])
        assert sent["features"] == FEATURES and sent["details"]["openai__models"] == "gpt-5.4-mini"

        fixed = data["answers"] | {"details": DETAILS}  # the model corrects details only
        second = await client.call_tool("aigw_orchestrate", {"answers": fixed})
        data = second.structured_content
        assert data["status"] == "needs_input" and data["next"]["rounds"] == ["production"]
        assert data["answers"]["features"] == FEATURES

        fixed["production"] = data["next"]["example_answers"]["production"]
        built = await client.call_tool("aigw_orchestrate", {"answers": fixed})
    data = built.structured_content
    assert not built.is_error and data["status"] == "built" and data["valid"] is True, data["message"]
    assert data["intake"]["limits"]["token_limits"][0]["limit"] == 10000


@pytest.mark.anyio
async def test_in_forms_details_is_asked_again_prefilled_and_the_kept_features_answer_is_not(server, mode):
    asked: list[list[str]] = []
    schemas: list[dict[str, Any]] = []
    renamed = BAD_DETAILS | {"details": BAD_DETAILS["details"] | {"openai__models": "chat=gpt-5.4-mini"}}

    async def on_elicit(ctx: Any, params: Any) -> ElicitResult:
        """A person who accepts what the form shows and types only the field it asks to correct."""
        asked.append(rounds_of(params.message))
        schemas.append(params.requested_schema)
        shown = {k: p["default"] for k, p in params.requested_schema["properties"].items() if "default" in p}
        typed = {"anthropic__secret_env": "ANTHROPIC_API_KEY"} if "details" in asked[-1] else {}
        return ElicitResult(action="accept", content=shown | typed)

    async with Client(server, mode=mode, elicitation_callback=on_elicit) as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": renamed})
    data = result.structured_content
    assert not result.is_error and data["status"] == "built", data["message"]
    assert asked == [["details"], ["production"]]
    assert schemas[0]["properties"]["openai__models"]["default"] == "chat=gpt-5.4-mini"  # the person's, kept
    assert "chat" in json.dumps(data["intake"]["providers"][0])
    assert data["intake"]["limits"]["token_limits"][0]["limit"] == 10000


@pytest.mark.anyio
async def test_a_built_result_reports_an_answer_to_a_round_that_no_longer_applies_as_ignored(server):
    answers = dict(SCENARIOS["openai-anthropic"]) | {"features": None, "routing": {"strategy": "split"}}
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    data = result.structured_content
    assert data["status"] == "built" and [p["path"] for p in data["ignored"]] == ["answers.routing"]
    assert "Ignored: answers.routing: ignored, not asked with the other answers" in result.content[0].text


@pytest.mark.anyio
async def test_a_key_pasted_as_a_round_id_is_refused_and_never_echoed_in_the_answers_sent_back(server):
    key = "sk-proj-" + "A1b2C3d4" * 5
    answers = {key: {}, "environment": {"namespace": "ai"}}
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    assert result.is_error and "answers.<key>" in result.content[0].text
    assert key not in json.dumps(result.structured_content) and key not in result.content[0].text
    assert result.structured_content["answers"]["environment"] == {"namespace": "ai"}


@pytest.mark.anyio
async def test_a_hex_digest_model_id_in_the_answers_is_kept_while_another_field_is_fixed(server):
    """A 32-hex model id is a model name: it is neither refused nor scrubbed from the answers sent back when
    another field of the same round needs fixing (scrubbing it would lose the person's answer)."""
    hex_id = "d41d8cd98f00b204e9800998ecf8427e"
    answers = {
        "environment": {"namespace": "Not A Label"},
        "providers": {"providers": ["openai"]},
        "details": {"openai__models": hex_id},
    }
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    text = result.content[0].text + json.dumps(result.structured_content)
    assert "looks like" not in text and "removed" not in text
    assert hex_id in json.dumps(result.structured_content)


QA_ANSWERS = {  # qa2 D3: a bad gateway name and key variable among valid answers
    "environment": {"namespace": "team-a", "gateway_name": "BAD GW"},
    "providers": {"providers": ["openai", "anthropic"]},
    "details": {
        "openai__models": "gpt-4o",
        "openai__secret_env": "not a var!",
        "anthropic__models": "claude-sonnet-4-5",
    },
}


@pytest.mark.anyio
async def test_answers_with_problems_send_back_every_valid_field_in_chat(server):
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": QA_ANSWERS})
    data = result.structured_content
    assert data["status"] == "needs_input" and data["next"]["rounds"] == ["environment", "details"]
    assert data["answers"] == {
        "environment": {"namespace": "team-a"},
        "providers": {"providers": ["openai", "anthropic"]},
        "details": {"openai__models": "gpt-4o", "anthropic__models": "claude-sonnet-4-5"},
    }
    assert [p["path"] for p in data["problems"]] == [
        "answers.environment.gateway_name",
        "answers.details.openai__secret_env",
    ]
    sent = json.loads(result.content[0].text.split("e.g.:\n", 1)[1].split("\n", 1)[0])
    assert sent["environment"]["namespace"] == "team-a"
    assert sent["details"]["anthropic__models"] == "claude-sonnet-4-5"


@pytest.mark.anyio
async def test_a_leftover_field_of_a_dropped_provider_is_ignored_and_the_bundle_is_built(server):
    answers = {
        "environment": {"namespace": "team-a"},
        "providers": {"providers": ["openai"]},
        "details": {"openai__models": "gpt-4o", "anthropic__models": "claude-sonnet-4-5"},
        "features": None,
    }
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    data = result.structured_content
    assert not result.is_error and data["status"] == "built", data["message"]
    assert [p["path"] for p in data["ignored"]] == ["answers.details.anthropic__models"]
    assert "anthropic is not among the providers (openai)" in result.content[0].text
    assert data["intake"]["providers"][0]["models"] == ["gpt-4o"]


@pytest.mark.anyio
async def test_a_later_rounds_type_errors_are_reported_when_given_with_every_answer_sent_back(server):
    answers = {
        "environment": {"namespace": "team-a"},
        "providers": {"providers": ["openai"]},
        "features": {"features": ["token-limits"]},
        "production": {"token_limit": "lots", "token_limit_unit": "Fortnight"},
    }
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    data = result.structured_content
    assert result.is_error and data["status"] == "error" and data["answers"] == answers
    text = result.content[0].text
    assert "answers.production.token_limit:" in text and "'Fortnight'" in text
