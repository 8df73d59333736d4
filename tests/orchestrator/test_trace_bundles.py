"""The tracer on bundles: it flags the failure modes of bundles built the old way (fixtures kept from before
issue 13), and every bundle built now traces its own README "try it" requests to their backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.analysis.trace import Trace, trace_documents
from orchestrator.compose.bundle import build_bundle
from server.cli.build import example_text, examples

OLD = Path(__file__).resolve().parents[1] / "fixtures" / "trace-old"


def old(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((OLD / name / "manifests.yaml").read_text(encoding="utf-8")) if d]


def old_readme(name: str) -> str:
    return (OLD / name / "README.md").read_text(encoding="utf-8")


def stages(t: Trace, status: str) -> list[str]:
    return [s.stage for s in t.steps if s.status == status]


def test_old_failover_with_token_limits_leaves_the_limits_conflicted() -> None:
    t = trace_documents(old("failover-token-limits"), {"model": "chat", "headers": {"x-user-id": "alice"}})
    conflicted = [s for s in t.steps if s.stage == "traffic" and s.status == "warn"]
    assert conflicted and "ai-gateway-token-limits is Conflicted" in conflicted[0].summary
    assert "rateLimit" in conflicted[0].summary


def test_old_failover_three_anthropic_fallback_cannot_serve_chat() -> None:
    t = trace_documents(old("failover-three"), {"model": "chat"})
    warn = [s for s in t.steps if s.stage == "translation" and s.status == "warn"]
    assert warn and "AIServiceBackend/default/anthropic has schema Anthropic" in warn[0].summary


def test_old_apikey_readme_request_hits_chat_on_native_anthropic_without_credentials() -> None:
    readme = old_readme("apikey-client-auth")
    # The old README's only request: chat completions, no Authorization header.
    try_it = readme.split("## Try it", 1)[1].split("##", 1)[0]
    assert "curl -s http://localhost:8080/v1/chat/completions" in try_it and "Authorization" not in try_it
    t = trace_documents(old("apikey-client-auth"), {"model": "claude-3-5-sonnet", "credentials": "none"})
    assert stages(t, "fail") == ["translation", "client-auth"] and not t.reaches_backend


def test_old_jwt_readme_request_sends_no_token() -> None:
    readme = old_readme("jwt-client-auth")
    assert "Authorization" not in readme.split("## Try it", 1)[1].split("##", 1)[0]
    t = trace_documents(old("jwt-client-auth"), {"model": "gpt-4o-mini", "credentials": "none"})
    assert stages(t, "fail") == ["client-auth"]


@pytest.mark.parametrize("name", examples())
def test_every_example_bundle_traces_its_readme_requests_to_their_backends(name: str) -> None:
    bundle = build_bundle(yaml.safe_load(example_text(name)))
    assert bundle.tried, "no README request was traced"
    assert all(t.ok for t in bundle.tried), [t.trace.verdict() for t in bundle.tried if not t.ok]
    item = next(c for c in bundle.checklist if c.title.startswith('README "try it"'))
    assert item.passed is True
    report = yaml.safe_load(bundle.files["report.json"])
    assert [t["reaches_backend"] for t in report["try_it"]] == [True] * len(bundle.tried)


def test_readme_sends_the_client_api_key_when_client_auth_is_on() -> None:
    readme = build_bundle(yaml.safe_load(example_text("apikey-client-auth"))).files["README.md"]
    assert '-H "Authorization: Bearer $TEAM_A_GATEWAY_KEY"' in readme
    assert "curl -s http://localhost:8080/anthropic/v1/messages" in readme  # native Anthropic serves messages


def test_readme_sends_a_bearer_token_when_jwt_is_on() -> None:
    readme = build_bundle(yaml.safe_load(example_text("jwt-client-auth"))).files["README.md"]
    assert '-H "Authorization: Bearer $GATEWAY_TOKEN"' in readme and "export GATEWAY_TOKEN=" in readme


def test_readme_sends_the_per_user_header_token_limits_key_on() -> None:
    data = yaml.safe_load(example_text("token-limits-per-user"))
    # The example keys its budgets on x-user-id set from the JWT's sub claim: the request sends the token.
    readme = build_bundle(data).files["README.md"]
    assert "Authorization: Bearer $GATEWAY_TOKEN" in readme and "x-user-id: alice" not in readme
    data.pop("client_auth")  # without client auth the client sends the header the budgets key on
    assert '-H "x-user-id: alice"' in build_bundle(data).files["README.md"]


def test_build_fails_when_a_readme_request_would_not_reach_its_backend() -> None:
    # GCPVertexAI without its GCPCredentials policy: project and region are unknown, nothing can be sent.
    bundle = build_bundle(
        {"providers": [{"provider": "gcp-vertex-ai", "auth_type": "none", "models": ["gemini-2.5-flash"]}]}
    )
    item = next(c for c in bundle.checklist if c.title.startswith('README "try it"'))
    assert item.passed is False and "fails at credentials" in item.detail
    assert not bundle.valid


def test_backends_sharing_no_endpoint_are_refused_at_compose() -> None:
    from skills.errors import InputError

    data = {
        "providers": [
            {"provider": "cohere-rerank", "models": ["m"]},
            {"provider": "anthropic", "models": ["m"]},
        ],
        "routing": {"strategy": "failover"},
    }
    with pytest.raises(InputError, match="share no endpoint"):
        build_bundle(data)
