"""aigw_orchestrate over MCP, driven by the real MCP SDK client in both protocol eras (2025-11-25 handshake with
push elicitation, 2026-07-28 input-required rounds) and as a 2025-06-18 client: prefilled answers never asked,
each form validated when answered (a bad answer re-asked with the problem, earlier answers kept), decline and
cancel continuing in chat, the needs-input loop completing from the text alone, files written to output_dir."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import ElicitResult

from orchestrator.intake.rounds import ROUNDS
from server.mcp.app import create_server
from tests.orchestrator.test_intake_walker import SENTENCE_ARGUMENTS

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "bundles"
GOLDEN_FILES = (
    "manifests.yaml",
    "install.sh",
    "envoy-gateway-values.yaml",
    "secrets.sh",
    "README.md",
    "report.json",
)
MESSAGES = {r.id: r.message for r in ROUNDS}

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
            "openai__models": "gpt-5.4-mini",
            "openai__secret_env": "OPENAI_API_KEY",
            "anthropic__models": "claude-sonnet-4-6",
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
            "azure_openai__models": "gpt-5.4-mini",
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
            "openai__models": "chat=gpt-5.4-mini",
            "anthropic_openai__models": "chat=claude-sonnet-4-6",
            "aws_bedrock__models": "chat=us.amazon.nova-pro-v1:0",
            "aws_bedrock__region": "us-east-1",
        },
        "routing": {"strategy": "failover", "request_timeout": "120s"},
    },
    "weighted-split": {
        "environment": ENV_DEFAULT,
        "providers": {"providers": ["openai", "azure-openai"]},
        "details": {
            "openai__models": "gpt-5.4-mini",
            "azure_openai__models": "gpt-5.4-mini",
            "azure_openai__resource": "my-openai-resource",
        },
        "routing": {"strategy": "split", "openai__weight": 80, "azure_openai__weight": 20},
    },
}

SENTENCE = SENTENCE_ARGUMENTS  # "OpenAI and Anthropic, JWT auth, 10k tokens per user per hour"
JWT = {"jwt_issuer": "https://auth.example.com/realms/ai", "jwt_jwks_uri": "https://auth.example.com/jwks"}


def rounds_of(message: str) -> list[str]:
    """The rounds a form asks, from its message (rounds asked together join their messages)."""
    found = [(message.find(text), rid) for rid, text in MESSAGES.items() if text in message]
    return [rid for _, rid in sorted(found)]


def content_for(schema: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """What a person types into `schema` given their answers by field, in the shape the schema asks for:
    a multi-select as a list, one boolean per choice, or comma-separated text (2025-06-18 forms)."""
    flat = {k: v for part in answers.values() if isinstance(part, dict) for k, v in part.items()}
    content: dict[str, Any] = {}
    for name, prop in schema["properties"].items():
        if name in flat:
            value = flat[name]
            content[name] = (
                ", ".join(value) if isinstance(value, list) and prop["type"] == "string" else value
            )
            continue
        field, _, option = name.rpartition("__")
        if field in flat and isinstance(flat[field], list):
            content[name] = option in [o.replace("-", "_") for o in flat[field]]
    return content


def answering(
    answers: dict[str, Any],
    asked: list[list[str]],
    *,
    action: str = "accept",
    stop_at: str | None = None,
    schemas: list[dict[str, Any]] | None = None,
) -> Callable[..., Any]:
    async def on_elicit(ctx: Any, params: Any) -> ElicitResult:
        rounds = rounds_of(params.message)
        asked.append(rounds)
        if schemas is not None:
            schemas.append(params.requested_schema)
        if stop_at in rounds:
            return ElicitResult(action=action)
        return ElicitResult(action="accept", content=content_for(params.requested_schema, answers))

    return on_elicit


def golden_files(scenario: str) -> dict[str, str]:
    return {name: (GOLDEN / scenario / name).read_text(encoding="utf-8") for name in GOLDEN_FILES}


@pytest.fixture(scope="module")
def server(shared_crds):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIGW_SKILLS_CRDS", str(shared_crds))
        yield create_server(str(shared_crds))


@pytest.mark.anyio
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_answered_forms_build_the_same_bundle_as_the_intake_file(server, mode, scenario):
    asked: list[list[str]] = []
    async with Client(
        server, mode=mode, elicitation_callback=answering(SCENARIOS[scenario], asked)
    ) as client:
        result = await client.call_tool("aigw_orchestrate", {})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["status"] == "built" and data["valid"] is True
    expected = [["environment", "providers"], ["details"]]
    expected += [["routing"]] if "routing" in SCENARIOS[scenario] else []
    expected.append(["features"])  # optional; answered with its default (no feature), so nothing changes
    assert asked == expected
    for name, text in golden_files(scenario).items():
        assert data["files"][name] == text, f"{scenario}: {name} differs from the YAML-intake golden bundle"
    assert [c.type for c in result.content] == ["text"], "each file is returned once (structured content)"


@pytest.mark.anyio
async def test_the_openai_anthropic_sentence_prefilled_takes_two_forms_and_writes_the_bundle(
    server, mode, tmp_path
):
    asked: list[list[str]] = []
    answers = {"environment": {"namespace": "ai"}, "production": JWT}
    arguments = SENTENCE | {"output_dir": str(tmp_path / "bundle")}
    async with Client(server, mode=mode, elicitation_callback=answering(answers, asked)) as client:
        result = await client.call_tool("aigw_orchestrate", arguments)
    data = result.structured_content
    assert not result.is_error and data["status"] == "built" and data["valid"] is True, data["message"]
    assert asked == [["environment", "details"], ["production"]]
    written = sorted(p.name for p in (tmp_path / "bundle").iterdir())
    assert written == sorted(Path(p).name for p in data["written"])
    assert "files" not in data and "kubectl apply -k ." in data["next"]
    manifests = (tmp_path / "bundle" / "manifests.yaml").read_text()
    assert "namespace: ai" in manifests and "SecurityPolicy" in manifests
    assert data["intake"]["limits"]["token_limits"][0]["limit"] == 10000


@pytest.mark.anyio
async def test_a_bad_namespace_is_asked_again_in_the_same_round_with_earlier_answers_kept(server, mode):
    asked: list[list[str]] = []
    schemas: list[dict[str, Any]] = []
    typed = iter(["Bad_NS", "ai"])

    async def on_elicit(ctx: Any, params: Any) -> ElicitResult:
        asked.append(rounds_of(params.message))
        schemas.append(params.requested_schema)
        if "namespace" in params.requested_schema["properties"]:
            asked[-1].append(params.message)
            return ElicitResult(action="accept", content={"namespace": next(typed), "providers": ["openai"]})
        return ElicitResult(action="accept", content={})

    async with Client(server, mode=mode, elicitation_callback=on_elicit) as client:
        result = await client.call_tool("aigw_orchestrate", {})
    assert result.structured_content["status"] == "built"
    first, again = asked[0], asked[1]
    assert first[:2] == ["environment", "providers"]
    assert again[0] == "environment" and "providers" not in again[:-1], "providers was kept, not asked again"
    assert "namespace" in again[-1] and "RFC 1123" in again[-1] and "Bad_NS" in again[-1]
    assert "providers" not in schemas[1]["properties"]
    assert result.structured_content["intake"]["environment"]["namespace"] == "ai"


@pytest.mark.anyio
@pytest.mark.parametrize("action", ["decline", "cancel"])
async def test_declining_a_required_form_continues_in_chat_with_the_answers_kept(server, mode, action):
    asked: list[list[str]] = []
    callback = answering(SCENARIOS["openai-anthropic"], asked, action=action, stop_at="details")
    async with Client(server, mode=mode, elicitation_callback=callback) as client:
        result = await client.call_tool("aigw_orchestrate", {})
        data = result.structured_content
        assert not result.is_error and data["status"] == "needs_input"
        assert data["answers"]["providers"] == {"providers": ["openai", "anthropic"]}
        assert data["next"]["rounds"] == ["details"]
        text = result.content[0].text
        assert "continue in chat" in text and "details.openai__models" in text
        # The model asks in chat and resends the answers: the bundle comes back without another form.
        answers = data["answers"] | {"details": SCENARIOS["openai-anthropic"]["details"], "features": None}
        second = await client.call_tool("aigw_orchestrate", {"answers": answers})
    assert second.structured_content["status"] == "built"
    assert (
        second.structured_content["files"]["manifests.yaml"]
        == golden_files("openai-anthropic")["manifests.yaml"]
    )


@pytest.mark.anyio
async def test_esc_on_the_optional_round_skips_only_that_round(server, mode):
    asked: list[list[str]] = []
    callback = answering(SCENARIOS["openai-anthropic"], asked, action="cancel", stop_at="features")
    async with Client(server, mode=mode, elicitation_callback=callback) as client:
        result = await client.call_tool("aigw_orchestrate", {})
    assert result.structured_content["status"] == "built"
    assert asked[-1] == ["features"]


@pytest.mark.anyio
async def test_a_2025_06_18_client_gets_only_primitive_form_fields(server, monkeypatch):
    import mcp.client.session

    monkeypatch.setattr(mcp.client.session, "LATEST_HANDSHAKE_VERSION", "2025-06-18")
    asked: list[list[str]] = []
    schemas: list[dict[str, Any]] = []
    answers = SCENARIOS["openai-anthropic"] | {"features": {"features": ["observability"]}}
    callback = answering(answers, asked, schemas=schemas)
    async with Client(server, mode="legacy", elicitation_callback=callback) as client:
        assert client.protocol_version == "2025-06-18"
        result = await client.call_tool("aigw_orchestrate", {})
    assert result.structured_content["status"] == "built", result.content[0].text
    kinds = {prop["type"] for schema in schemas for prop in schema["properties"].values()}
    assert kinds <= {"string", "boolean", "integer", "number"}
    assert all("oneOf" not in p and "anyOf" not in p for s in schemas for p in s["properties"].values())
    assert schemas[0]["properties"]["providers"]["default"] == "openai, anthropic"
    assert result.structured_content["intake"]["observability"]["access_logs"] is True


@pytest.mark.anyio
async def test_a_2025_11_25_client_gets_titled_multi_selects_with_their_defaults(server):
    schemas: list[dict[str, Any]] = []
    callback = answering(SCENARIOS["openai-anthropic"], [], schemas=schemas)
    async with Client(server, mode="legacy", elicitation_callback=callback) as client:
        await client.call_tool("aigw_orchestrate", {})
    providers = schemas[0]["properties"]["providers"]
    assert providers["type"] == "array" and providers["default"] == ["openai", "anthropic"]
    assert {"const": "anthropic", "title": "Anthropic"} in providers["items"]["anyOf"]


@pytest.mark.anyio
async def test_the_needs_input_loop_completes_from_the_text_content_alone(server, mode):
    """A model that reads only text: each reply names the fields and gives an example `answers` object."""
    calls = 0
    arguments: dict[str, Any] = {"providers": ["openai"]}
    async with Client(server, mode=mode) as client:
        while True:
            calls += 1
            result = await client.call_tool("aigw_orchestrate", arguments)
            text = result.content[0].text
            if not text.startswith("This client cannot show forms"):
                break
            assert "(rounds: " in text and calls < 6
            example = json.loads(text.split("e.g.:\n", 1)[1].split("\n", 1)[0])
            arguments = {"providers": ["openai"], "answers": example}
    assert result.structured_content["status"] == "built" and calls == 3  # environment+details, features


@pytest.mark.anyio
async def test_needs_input_shows_only_the_next_round_with_every_field_described(server):
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {})
    data = result.structured_content
    assert data["next"]["rounds"] == ["environment", "providers"]
    assert data["later"] == ["details", "routing", "features", "production"]
    text = result.content[0].text
    for needle in (
        "environment.namespace (string, RFC 1123",
        'default "default"',
        "providers.providers (list",
    ):
        assert needle in text
    assert "anthropic (Anthropic)" in text and "token_limit" not in text


@pytest.mark.anyio
async def test_a_bad_answer_sent_as_data_is_asked_again_with_the_problem(server):
    answers = {"environment": {"namespace": "Bad_NS"}, "providers": {"providers": ["openai"]}}
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    data = result.structured_content
    assert data["status"] == "needs_input" and data["next"]["rounds"][0] == "environment"
    assert data["answers"]["providers"] == {"providers": ["openai"]}
    assert data["next"]["problems"][0]["path"] == "answers.environment.namespace"
    assert "Please correct: namespace" in result.content[0].text


@pytest.mark.anyio
async def test_answers_under_a_misspelt_round_id_are_refused_and_sent_back(server):
    answers = {"enviroment": {"namespace": "ai"}, "providers": {"providers": ["openai"]}}
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    data = result.structured_content
    assert result.is_error and data["status"] == "error" and data["answers"] == answers
    assert "answers.enviroment: no such round" in result.content[0].text


@pytest.mark.anyio
async def test_a_prefilled_value_no_round_uses_stops_the_build_and_says_why(server):
    arguments = {
        "providers": ["openai"],
        "models": {"anthropic": ["claude-sonnet-4-6"]},
        "answers": {"environment": {}, "details": {}, "features": {"features": []}},
    }
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", arguments)
    data = result.structured_content
    assert result.is_error and data["status"] == "error" and "files" not in data
    assert "models.anthropic: anthropic is not among the providers (openai)" in result.content[0].text
    assert data["answers"]["providers"] == {"providers": ["openai"]}


@pytest.mark.anyio
async def test_prefill_or_answers_beside_a_complete_intake_are_refused_not_ignored(server):
    import yaml

    from server.cli.build import example_text

    intake = yaml.safe_load(example_text("openai-anthropic"))
    arguments = {"intake": intake, "namespace": "team-x", "answers": {"environment": {"namespace": "x"}}}
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", arguments)
    data = result.structured_content
    assert result.is_error and data["status"] == "error" and data["intake"] == intake
    text = result.content[0].text
    assert "- namespace: given with `intake`" in text and "- answers: given with `intake`" in text


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
        == golden_files("weighted-split")["manifests.yaml"]
    )


@pytest.mark.anyio
async def test_a_pasted_key_in_an_intake_is_refused_not_echoed_and_the_intake_comes_back(server):
    key = "sk-ant-" + "Q" * 40
    intake = {
        "providers": [{"provider": "anthropic", "models": ["claude-sonnet-4-6"], "auth": {"secret_env": key}}]
    }
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"intake": intake})
    assert result.is_error
    text = result.content[0].text
    assert key not in text and key not in json.dumps(result.structured_content)
    assert "providers[0].auth.secret_env" in text and "passing `intake`" in text


@pytest.mark.anyio
async def test_output_dir_refuses_a_directory_holding_other_files_and_keeps_the_intake(server, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    intake = {"providers": [{"provider": "openai", "models": ["gpt-4o-mini"]}]}
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"intake": intake, "output_dir": str(tmp_path)})
    assert (
        result.is_error and "not empty" in result.content[0].text and "force: true" in result.content[0].text
    )
    assert result.structured_content["intake"] == intake
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.anyio
async def test_a_relative_output_dir_lands_under_the_clients_first_root(server, tmp_path):
    from mcp.types import ListRootsResult, Root

    async def list_roots(ctx: Any) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=tmp_path.as_uri(), name="project")])

    intake = {"providers": [{"provider": "openai", "models": ["gpt-4o-mini"]}]}
    async with Client(server, mode="legacy", list_roots_callback=list_roots) as client:
        result = await client.call_tool("aigw_orchestrate", {"intake": intake, "output_dir": "deploy/ai"})
    assert result.structured_content["output_dir"] == str(tmp_path / "deploy" / "ai")
    assert (tmp_path / "deploy" / "ai" / "manifests.yaml").is_file()


@pytest.mark.anyio
async def test_every_built_example_stays_under_50000_characters(server):
    from server.cli.build import example_text, examples

    async with Client(server, mode="auto") as client:
        for name in examples():
            import yaml

            result = await client.call_tool(
                "aigw_orchestrate", {"intake": yaml.safe_load(example_text(name))}
            )
            size = len(result.content[0].text) + len(json.dumps(result.structured_content))
            assert size < 50_000, f"{name}: {size} characters"


@pytest.mark.anyio
async def test_progress_is_reported_while_building(server):
    seen: list[str | None] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(message)

    async with Client(server, mode="legacy") as client:
        await client.call_tool(
            "aigw_orchestrate",
            {"intake": {"providers": [{"provider": "openai", "models": ["gpt-5.4-mini"]}]}},
            progress_callback=on_progress,
        )
    assert seen == ["composing manifests", "validated"]


def test_round_messages_are_distinct_so_a_form_names_its_rounds() -> None:
    for rid, message in MESSAGES.items():
        assert rounds_of(message) == [rid]
    assert not re.search(r"\bAlso:", "".join(MESSAGES.values()))


@pytest.mark.anyio
async def test_aigw_validate_passes_the_built_bundle_given_the_secrets_it_names(server):
    intake = {"providers": [{"provider": "openai", "models": ["gpt-4o-mini"]}]}
    async with Client(server, mode="auto") as client:
        built = (await client.call_tool("aigw_orchestrate", {"intake": intake})).structured_content
        manifests = built["files"]["manifests.yaml"]
        alone = (await client.call_tool("aigw_validate", {"manifests": manifests})).structured_content
        given = await client.call_tool(
            "aigw_validate", {"manifests": manifests, "external_secrets": built["external_secrets"]}
        )
    assert built["external_secrets"] == ["default/openai-apikey"]
    hints = [f["hint"] for f in alone["findings"] if f["rule"] == "AIGW-L007"]
    assert hints and all("in `external_secrets`" in h and "--external-secret" not in h for h in hints)
    assert given.structured_content["ok"] is True, given.structured_content["findings"]
