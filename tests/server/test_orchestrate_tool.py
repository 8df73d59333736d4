"""aigw_orchestrate over MCP: questions asked through the client in both protocol eras, the same bundles as
the YAML intake path, decline/cancel generating nothing, and clients that cannot elicit answering as data."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitResult

from server.mcp.app import create_server
from server.mcp.orchestrate import MESSAGES

GOLDEN_FILES = (
    "manifests.yaml",
    "install.sh",
    "envoy-gateway-values.yaml",
    "secrets.sh",
    "README.md",
    "report.json",
)

ENV_DEFAULT = {
    "namespace": "default",
    "create_gateway": True,
    "gateway_name": "ai-gateway",
    "envoy_gateway_installed": False,
    "version": "v1.1.0",
}

# What a user types into each form, per scenario; the result must equal the scenario's golden bundle.
SCENARIOS: dict[str, dict[str, Any]] = {
    "openai-anthropic": {
        "environment": ENV_DEFAULT,
        "providers": {"providers": ["openai", "anthropic"]},
        "details": {
            "openai__models": "gpt-4o-mini",
            "openai__secret_env": "OPENAI_API_KEY",
            "anthropic__models": "claude-3-5-sonnet",
            "anthropic__secret_env": "ANTHROPIC_API_KEY",
        },
    },
    "bedrock-irsa": {
        "environment": ENV_DEFAULT | {"namespace": "ai-gateway"},
        "providers": {"providers": ["aws-bedrock"]},
        "details": {
            "aws_bedrock__models": "us.amazon.nova-pro-v1:0",
            "aws_bedrock__region": "us-east-1",
            "aws_bedrock__aws_mode": "default-chain",
            "aws_bedrock__secret_file": "",
        },
    },
    "azure-client-secret": {
        "environment": ENV_DEFAULT,
        "providers": {"providers": ["azure-openai"]},
        "details": {
            "azure_openai__models": "gpt-4o-mini",
            "azure_openai__resource": "my-openai-resource",
            "azure_openai__auth": "AzureCredentials",
            "azure_openai__azure_client_id": "00000000-0000-0000-0000-000000000001",
            "azure_openai__azure_tenant_id": "00000000-0000-0000-0000-000000000002",
            "azure_openai__secret_env": "AZURE_CLIENT_SECRET",
        },
    },
    "ollama-in-cluster": {
        "environment": ENV_DEFAULT | {"namespace": "ai"},
        "providers": {"providers": ["ollama"]},
        "details": {"ollama__models": "llama3.2", "ollama__service": "ollama", "ollama__port": 11434},
    },
    "failover-three": {
        "environment": ENV_DEFAULT,
        "providers": {"providers": ["openai", "anthropic-openai", "aws-bedrock"]},
        "details": {
            "openai__models": "chat=gpt-4o-mini",
            "anthropic_openai__models": "chat=claude-sonnet-4-5",
            "aws_bedrock__models": "chat=us.amazon.nova-pro-v1:0",
            "aws_bedrock__region": "us-east-1",
        },
        "routing": {"strategy": "failover", "request_timeout": "120s"},
    },
    "weighted-split": {
        "environment": ENV_DEFAULT,
        "providers": {"providers": ["openai", "azure-openai"]},
        "details": {
            "openai__models": "gpt-4o-mini",
            "azure_openai__models": "gpt-4o-mini",
            "azure_openai__resource": "my-openai-resource",
        },
        "routing": {"strategy": "split", "openai__weight": 80, "azure_openai__weight": 20},
    },
}

ROUND_BY_MESSAGE = {message: round_ for round_, message in MESSAGES.items()}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def server(shared_crds):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIGW_SKILLS_CRDS", str(shared_crds))
        yield create_server(str(shared_crds))


def _answering(answers: dict[str, Any], asked: list[str], action: str = "accept", stop_at: str | None = None):
    async def on_elicit(ctx, params) -> ElicitResult:
        round_ = ROUND_BY_MESSAGE[params.message]
        asked.append(round_)
        if round_ == stop_at:
            return ElicitResult(action=action)
        schema = params.requested_schema
        content = {k: v for k, v in answers.get(round_, {}).items() if k in schema["properties"]}
        return ElicitResult(action="accept", content=content)

    return on_elicit


def _golden_files(scenario: str) -> dict[str, str]:
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "golden" / "bundles" / scenario
    return {name: (folder / name).read_text(encoding="utf-8") for name in GOLDEN_FILES}


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_answered_scenario_builds_the_same_bundle_as_its_intake_file(server, mode, scenario):
    asked: list[str] = []
    async with Client(
        server, mode=mode, elicitation_callback=_answering(SCENARIOS[scenario], asked)
    ) as client:
        result = await client.call_tool("aigw_orchestrate", {})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["status"] == "built" and data["valid"] is True
    expected_rounds = ["environment", "providers", "details"] + (
        ["routing"] if "routing" in SCENARIOS[scenario] else []
    )
    expected_rounds.append("features")  # optional; answered with its default (no feature), so nothing changes
    assert asked == expected_rounds
    for name, text in _golden_files(scenario).items():
        assert data["files"][name] == text, f"{scenario}: {name} differs from the YAML-intake golden bundle"
    uris = [c.resource.uri for c in result.content if c.type == "resource"]
    assert "bundle://manifests.yaml" in uris and "bundle://secrets.sh" in uris


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
@pytest.mark.parametrize("action", ["decline", "cancel"])
async def test_declining_a_round_generates_nothing(server, mode, action):
    asked: list[str] = []
    callback = _answering(SCENARIOS["openai-anthropic"], asked, action=action, stop_at="providers")
    async with Client(server, mode=mode, elicitation_callback=callback) as client:
        result = await client.call_tool("aigw_orchestrate", {})
    data = result.structured_content
    assert data["status"] == "cancelled"
    assert data["files"] == {}
    assert "Nothing generated" in data["message"]
    assert asked == ["environment", "providers"]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_client_without_elicitation_gets_questions_then_completes_on_the_second_call(server, mode):
    async with Client(server, mode=mode) as client:
        first = await client.call_tool("aigw_orchestrate", {})
        assert not first.is_error, first.content
        data = first.structured_content
        assert data["status"] == "needs_input"
        questions = {q["id"]: q for q in data["questions"]}
        assert list(questions) == ["environment", "providers", "details", "routing", "features", "production"]
        assert questions["environment"]["defaults"]["namespace"] == "default"
        assert "providers" in questions["providers"]["json_schema"]["properties"]
        assert "openai__models" in questions["details"]["json_schema"]["properties"]
        scenario = SCENARIOS["openai-anthropic"]
        # The optional production round is left unanswered: skipped, so today's bundle comes back.
        answers = {key: scenario[key] for key in ("environment", "providers", "details")}
        second = await client.call_tool("aigw_orchestrate", {"answers": answers})
    assert second.structured_content["status"] == "built"
    assert (
        second.structured_content["files"]["manifests.yaml"]
        == _golden_files("openai-anthropic")["manifests.yaml"]
    )


@pytest.mark.anyio
async def test_a_complete_intake_skips_every_question(server):
    import yaml

    from server.cli.build import example_text

    intake = yaml.safe_load(example_text("weighted-split"))
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"intake": intake})
    assert result.structured_content["status"] == "built"
    assert (
        result.structured_content["files"]["manifests.yaml"]
        == _golden_files("weighted-split")["manifests.yaml"]
    )


@pytest.mark.anyio
async def test_bad_answers_name_the_field_and_the_fix(server):
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": {"environment": {"namespace": 7}}})
    assert result.is_error
    text = result.content[0].text
    assert "answers.environment.namespace" in text and "call again" in text


@pytest.mark.anyio
async def test_a_pasted_key_in_an_intake_is_refused_and_not_echoed(server):
    key = "sk-ant-" + "Q" * 40
    intake = {
        "providers": [{"provider": "anthropic", "models": ["claude-3-5-sonnet"], "auth": {"secret_env": key}}]
    }
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"intake": intake})
    assert result.is_error
    assert key not in result.content[0].text
    assert "providers[0].auth.secret_env" in result.content[0].text


@pytest.mark.anyio
async def test_progress_is_reported_while_building(server):
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total, message))

    async with Client(server, mode="legacy") as client:
        await client.call_tool(
            "aigw_orchestrate",
            {"intake": {"providers": [{"provider": "openai", "models": ["gpt-4o-mini"]}]}},
            progress_callback=on_progress,
        )
    assert [s[2] for s in seen] == ["composing manifests", "validated"]
