"""aigw_orchestrate's optional production round (token limits, canary, health check, client auth,
observability): answered through the client in both protocol eras, as data by a client that cannot elicit, and
in the terminal, each giving the same bundle as the equivalent intake file. Declining or choosing nothing keeps
today's bundle; bad answers name the answered field; keys are never echoed."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp import Client

from orchestrator.compose.bundle import build_bundle
from orchestrator.intake.build_check import to_intake
from server.cli.build import example_text
from server.cli.terminal_intake import ask_intake
from tests.server.test_orchestrate_tool import ENV_DEFAULT, SCENARIOS, answering, golden_files, rounds_of

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "bundles"

JWT_PRODUCTION = {
    "client_auth": "jwt",
    "jwt_issuer": "https://auth.example.com/realms/ai",
    "jwt_jwks_uri": "https://auth.example.com/realms/ai/protocol/openid-connect/certs",
    "jwt_audiences": "ai-gateway",
    "access_logs": True,
    "metrics": "annotations",
    "tracing_endpoint": "http://otel-collector.monitoring:4317",
    "trace_sample_ratio": 0.1,
}
TOKEN_LIMIT = {
    "token_limit": 100000,
    "token_limit_unit": "Hour",
    "token_limit_header": "x-user-id",
    "token_limit_type": "TotalToken",
}

# What a user types into each form; each scenario names the intake file whose bundle it must reproduce.
PRODUCTION_SCENARIOS: dict[str, dict[str, Any]] = {
    "failover-health-check": {
        "environment": ENV_DEFAULT,
        "providers": {"providers": ["openai", "aws-bedrock"]},
        "details": {
            "openai__models": "chat=gpt-5.4-mini",
            "aws_bedrock__models": "chat=us.amazon.nova-micro-v1:0",
            "aws_bedrock__region": "us-east-1",
        },
        "routing": {"strategy": "failover"},
        "features": {"features": ["health-check"]},
        "production": {"health_check_consecutive_5xx": 3, "health_check_interval": "5s"},
    },
    "canary-split": {
        "environment": ENV_DEFAULT,
        "providers": {"providers": ["openai", "azure-openai"]},
        "details": {
            "openai__models": "gpt-5.4-mini",
            "azure_openai__models": "gpt-5.4-mini",
            "azure_openai__resource": "my-openai-resource",
        },
        "routing": {"strategy": "split"},
        "features": {"features": ["canary"]},
        "production": {"canary_backend": "azure-openai", "canary_stages": "5, 25, 50, 100"},
    },
    "jwt-client-auth": {
        "environment": ENV_DEFAULT,
        "providers": {"providers": ["openai"]},
        "details": {"openai__models": "gpt-5.4-mini, gpt-5.5"},
        "features": {"features": ["client-auth", "observability"]},
        "production": JWT_PRODUCTION,
    },
    "apikey-client-auth": {
        "environment": ENV_DEFAULT,
        "providers": {"providers": ["anthropic"]},
        "details": {"anthropic__models": "claude-sonnet-4-6"},
        "features": {"features": ["client-auth"]},
        "production": {"client_auth": "apikey", "apikey_clients": "team-a, team-b=TEAM_B_GATEWAY_KEY"},
    },
    "token-limit-per-user": {
        **SCENARIOS["openai-anthropic"],
        "features": {"features": ["token-limits"]},
        "production": TOKEN_LIMIT,
    },
}


def forms_of(answers: dict[str, Any]) -> list[list[str]]:
    """The forms a person answering `answers` sees: environment and providers together, then one per round."""
    later = [[r] for r in ("details", "routing", "features", "production") if r in answers]
    return [["environment", "providers"], *later]


def expected_files(scenario: str, crds) -> dict[str, str]:
    """The bundle of the equivalent intake file: the golden copy of a built-in example, or (for the one-limit
    form) token-limits-per-user with only its first limit, which the form's answers describe."""
    if (GOLDEN / scenario).is_dir():
        return {p.name: p.read_text(encoding="utf-8") for p in (GOLDEN / scenario).iterdir()}
    data = yaml.safe_load(example_text("token-limits-per-user"))
    first = data["limits"]["token_limits"][0]
    assert {k: first[k] for k in ("limit", "unit", "per_header", "type")} == {
        "limit": TOKEN_LIMIT["token_limit"],
        "unit": TOKEN_LIMIT["token_limit_unit"],
        "per_header": TOKEN_LIMIT["token_limit_header"],
        "type": TOKEN_LIMIT["token_limit_type"],
    }
    data["limits"] = {"token_limits": [first]}
    data.pop("client_auth")  # the example puts JWT auth in front of the budgets; this form's answers do not
    return build_bundle(data, crds=crds).files


@pytest.fixture(scope="module")
def crds(shared_crds):
    from orchestrator.engine.crds import load_crds

    return load_crds(shared_crds)


@pytest.fixture(scope="module")
def server(shared_crds):
    from server.mcp.app import create_server

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIGW_SKILLS_CRDS", str(shared_crds))
        yield create_server(str(shared_crds))


@pytest.mark.anyio
@pytest.mark.parametrize("scenario", sorted(PRODUCTION_SCENARIOS))
async def test_answered_production_round_builds_the_same_bundle_as_the_intake_file(
    server, mode, scenario, crds
):
    asked: list[list[str]] = []
    answers = PRODUCTION_SCENARIOS[scenario]
    async with Client(server, mode=mode, elicitation_callback=answering(answers, asked)) as client:
        result = await client.call_tool("aigw_orchestrate", {})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["status"] == "built" and data["valid"] is True, data["message"]
    assert asked == forms_of(answers)
    expected = expected_files(scenario, crds)
    assert sorted(data["files"]) == sorted(expected)
    for name, text in expected.items():
        assert data["files"][name] == text, f"{scenario}: {name} differs from the intake file's bundle"


@pytest.mark.anyio
async def test_the_feature_choice_offers_what_fits_the_routing_and_the_canary_lists_the_chosen_backends(
    server, mode
):
    seen: dict[str, dict[str, Any]] = {}
    answers = PRODUCTION_SCENARIOS["canary-split"]
    answer = answering(answers, [])

    async def on_elicit(ctx, params):
        seen[rounds_of(params.message)[0]] = params.requested_schema
        return await answer(ctx, params)

    async with Client(server, mode=mode, elicitation_callback=on_elicit) as client:
        await client.call_tool("aigw_orchestrate", {})
    features = [o["const"] for o in seen["features"]["properties"]["features"]["items"]["anyOf"]]
    assert features == ["token-limits", "canary", "client-auth", "observability"]  # split: no health check
    production = seen["production"]["properties"]
    assert sorted(production) == ["canary_backend", "canary_stages"]
    assert [o["const"] for o in production["canary_backend"]["oneOf"]] == ["openai", "azure-openai"]


@pytest.mark.anyio
@pytest.mark.parametrize("action", ["decline", "cancel"])
@pytest.mark.parametrize("stop_at", ["features", "production"])
async def test_esc_on_an_optional_round_skips_it_and_builds_todays_bundle(server, mode, stop_at, action):
    asked: list[list[str]] = []
    answers = PRODUCTION_SCENARIOS["token-limit-per-user"]
    callback = answering(answers, asked, action=action, stop_at=stop_at)
    async with Client(server, mode=mode, elicitation_callback=callback) as client:
        result = await client.call_tool("aigw_orchestrate", {})
    data = result.structured_content
    assert data["status"] == "built", data["message"]
    assert asked[-1] == [stop_at]
    for name, text in golden_files("openai-anthropic").items():
        assert data["files"][name] == text, name
    assert "redis.yaml" not in data["files"]


@pytest.mark.anyio
async def test_client_without_elicitation_answers_the_production_round_as_data(server, mode, crds):
    scenario = PRODUCTION_SCENARIOS["token-limit-per-user"]
    async with Client(server, mode=mode) as client:
        first = await client.call_tool("aigw_orchestrate", {})
        assert first.structured_content["next"]["rounds"] == ["environment", "providers"]
        partial = {key: scenario[key] for key in ("environment", "providers", "details")}
        second = await client.call_tool("aigw_orchestrate", {"answers": partial})
        question = second.structured_content["next"]
        assert question["rounds"] == ["features"] and question["example_answers"] == {
            "features": {"features": []}
        }
        offered = [o["const"] for o in question["json_schema"]["properties"]["features"]["items"]["anyOf"]]
        assert offered == [
            "token-limits",
            "client-auth",
            "observability",
        ]  # by-model: no canary, no health check
        answers = {
            key: scenario[key] for key in ("environment", "providers", "details", "features", "production")
        }
        third = await client.call_tool("aigw_orchestrate", {"answers": answers})
    assert not third.is_error, third.content
    data = third.structured_content
    assert data["status"] == "built" and data["valid"] is True
    assert data["files"] == expected_files("token-limit-per-user", crds)
    assert data["intake"]["limits"] == {
        "token_limits": [{"type": "TotalToken", "limit": 100000, "unit": "Hour", "per_header": "x-user-id"}]
    }


@pytest.mark.anyio
async def test_chosen_features_without_their_details_come_back_as_the_exact_form(server):
    scenario = PRODUCTION_SCENARIOS["apikey-client-auth"]
    answers = {key: scenario[key] for key in ("environment", "providers", "details", "features")}
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    data = result.structured_content
    assert data["status"] == "needs_input"
    assert data["next"]["rounds"] == ["production"]
    assert set(data["next"]["json_schema"]["properties"]) == {
        "client_auth",
        "jwt_issuer",
        "jwt_jwks_uri",
        "jwt_audiences",
        "jwt_claim_to_headers",
        "apikey_clients",
    }


def _answers_with(production: dict[str, Any], features: list[str]) -> dict[str, Any]:
    base = {"canary": "canary-split", "health-check": "failover-health-check"}.get(features[0])
    rounds = PRODUCTION_SCENARIOS[base] if base else SCENARIOS["openai-anthropic"]
    return {**rounds, "features": {"features": features}, "production": production}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("features", "production", "field"),
    [
        (
            ["client-auth"],
            {"client_auth": "jwt", "jwt_jwks_uri": "https://idp.example.com/jwks"},
            "jwt_issuer",
        ),
        (["client-auth"], {"client_auth": "apikey"}, "apikey_clients"),
        (
            ["client-auth"],
            {"client_auth": "jwt", "jwt_issuer": "https://idp.example.com", "jwt_jwks_uri": "ftp://idp/keys"},
            "jwt_jwks_uri",
        ),
        (["token-limits"], {"token_limit_header": "x user"}, "token_limit_header"),
        (["token-limits"], {"token_limit": 0}, "token_limit"),
        (["canary"], {"canary_backend": "openai", "canary_stages": "5, half, 100"}, "canary_stages"),
        (["canary"], {"canary_backend": "openai", "canary_stages": "50, 25, 100"}, "canary_stages"),
        (["observability"], {"tracing_endpoint": "otel:4317"}, "tracing_endpoint"),
        (["health-check"], {"health_check_interval": "soon"}, "health_check_interval"),
    ],
)
async def test_a_bad_production_answer_asks_that_round_again_naming_the_field(
    server, features, production, field
):
    async with Client(server, mode="auto") as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": _answers_with(production, features)})
    data = result.structured_content
    assert data["status"] == "needs_input" and data["next"]["rounds"] == ["production"]
    assert field in {p["path"].split(" ")[0].rsplit(".", 1)[-1] for p in data["next"]["problems"]}
    assert f"Please correct: {field}" in result.content[0].text or f"; {field}" in result.content[0].text
    assert "details" in data["answers"], "earlier answers are kept"


@pytest.mark.anyio
async def test_a_key_pasted_as_an_api_client_is_refused_and_not_echoed(server, mode):
    key = "sk-proj-" + "Z9" * 24
    answers = _answers_with({"client_auth": "apikey", "apikey_clients": f"team-a, {key}"}, ["client-auth"])
    async with Client(server, mode=mode) as client:
        result = await client.call_tool("aigw_orchestrate", {"answers": answers})
    text = result.content[0].text
    assert result.is_error and result.structured_content["status"] == "error"
    assert key not in text and key not in str(result.structured_content)
    assert "answers.production.apikey_clients" in text
    assert result.structured_content["answers"]["details"] == answers["details"], (
        "the other answers come back"
    )


def test_terminal_asks_the_production_round_and_builds_the_intake_files_bundle(crds):
    # environment (5), providers, details (openai: models, key variable), features, then the JWT fields.
    lines = ["", "", "", "", "", "openai", "gpt-5.4-mini, gpt-5.5", "", "client-auth, observability"]
    lines += ["jwt", JWT_PRODUCTION["jwt_issuer"], JWT_PRODUCTION["jwt_jwks_uri"], "ai-gateway", ""]
    # apikey clients, access logs, metrics (a bad answer, asked again: Enter keeps annotations), tracing.
    lines += ["", "", "x", "", JWT_PRODUCTION["tracing_endpoint"], "0.1"]
    shown = io.StringIO()
    answers = ask_intake(io.StringIO("\n".join(lines) + "\n"), shown)
    bundle = build_bundle(to_intake(answers), crds=crds)
    assert "Production features" in shown.getvalue() and "JWT issuer" in shown.getvalue()
    assert (
        "Input should be 'none', 'annotations', 'podmonitor' or 'prometheus'; try again" in shown.getvalue()
    )
    assert bundle.files == expected_files("jwt-client-auth", crds)


def test_terminal_enter_at_the_feature_choice_keeps_todays_bundle():
    # environment (5), providers, details (4), then Enter at the feature choice.
    answers = ask_intake(io.StringIO("\n" * 11), io.StringIO())
    assert "production" not in answers and answers["features"] == {"features": []}
    manifests = build_bundle(to_intake(answers)).files["manifests.yaml"]
    assert manifests == golden_files("openai-anthropic")["manifests.yaml"]


def _string_fields() -> list[tuple[str, str]]:
    from orchestrator.intake.production import FEATURES, production_form

    form = production_form(list(FEATURES))
    strategy = {"canary": "canary", "health": "health-check", "jwt": "client-auth", "apikey": "client-auth"}
    cases = []
    for name, info in form.model_fields.items():
        if info.annotation is str and name != "canary_backend":
            prefix = name.split("_", 1)[0]
            feature = {"token": "token-limits", "tracing": "observability"}.get(prefix, strategy.get(prefix))
            cases.append((feature or "", name))
    return cases


@pytest.mark.anyio
@pytest.mark.parametrize(("feature", "name"), _string_fields())
async def test_a_key_in_any_production_answer_is_refused_and_not_echoed(server, feature, name):
    from tests.hardening.inputs import FAKE_KEYS
    from tests.hardening.test_secret_refusal import leaked

    production = (
        {"client_auth": "apikey" if name.startswith("apikey") else "jwt"} if feature == "client-auth" else {}
    )
    if name.startswith("jwt"):
        production |= {
            "jwt_issuer": "https://idp.example.com",
            "jwt_jwks_uri": "https://idp.example.com/jwks",
        }
    for key in (FAKE_KEYS[0], FAKE_KEYS[2], FAKE_KEYS[5]):
        answers = _answers_with(production | {name: key}, [feature])
        async with Client(server, mode="auto") as client:
            result = await client.call_tool("aigw_orchestrate", {"answers": answers})
        text = "\n".join(getattr(c, "text", "") for c in result.content)
        assert result.is_error, f"production.{name}: a key was accepted"
        assert not leaked(key, text + str(result.structured_content))
        assert f"answers.production.{name}" in text


def test_terminal_questions_refuse_a_pasted_key_with_the_credential_message_and_show_yes_no() -> None:
    """The terminal used to print pydantic's raw pattern error for a pasted key, and [True] for a yes/no
    default; every other front door says the value looks like a key and never echoes it."""
    from pydantic import BaseModel, Field

    from server.cli.terminal_intake import ask_form
    from skills.types import EnvVarName

    class Form(BaseModel):
        """Details"""

        secret_env: EnvVarName = Field("OPENAI_API_KEY", description="Environment variable with the key")
        access_logs: bool = Field(True, description="Access logs")

    key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2
    shown = io.StringIO()
    answers = ask_form(Form, io.StringIO(f"{key}\nnot a name\n\nno\n"), shown)
    out = shown.getvalue()
    assert answers == {"secret_env": "OPENAI_API_KEY", "access_logs": False}
    assert key not in out and "looks like" in out and "name the environment variable" in out
    assert "invalid format (expected" in out and "String should match pattern" not in out
    assert "- Access logs (yes/no) [yes]: " in out
