"""The request tracer: each step of the data path decides what the controllers would, with the upstream reason."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from orchestrator.analysis.trace import Trace, to_json, to_mermaid, to_text, trace_documents
from skills.errors import InputError
from tests.orchestrator.test_lint import EG, Docs, base, find, obj

HTTPROUTE = {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "route"}
GATEWAY = {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gw"}


def trace(docs: Docs, **request: Any) -> Trace:
    return trace_documents(docs, {"model": "gpt-4o-mini", **request})


def step(t: Trace, stage: str) -> Any:
    return next(s for s in t.steps if s.stage == stage)


def failing(t: Trace) -> list[str]:
    return [s.stage for s in t.failures]


def test_chat_request_reaches_openai_with_its_credential_and_path() -> None:
    t = trace(base())
    assert t.reaches_backend and t.backend == "AIServiceBackend/default/openai"
    assert t.upstream == "https://api.openai.com:443/v1/chat/completions"
    assert [s.stage for s in t.steps] == [
        "listener",
        "listener",
        "endpoint",
        "route",
        "backends",
        "translation",
        "model",
        "credentials",
        "traffic",
        "client-auth",
        "upstream",
    ]
    cred = step(t, "credentials")
    assert "Authorization: Bearer" in cred.summary and "Secret default/openai-key key apiKey" in cred.summary
    assert "api_key.go@v1.1.0" in cred.reason


def test_unknown_model_hits_the_route_not_found_rule_and_lists_the_routed_models() -> None:
    t = trace(base(), model="gpt-5")
    route = step(t, "route")
    assert route.status == "fail" and "route-not-found" in route.summary
    assert "claude-sonnet-4" in route.fix and "gpt-4o-mini" in route.fix
    assert not t.reaches_backend and t.verdict().startswith("fails at route")


def test_explicit_model_header_wins_over_the_body_model() -> None:
    t = trace(base(), headers={"x-ai-eg-model": "claude-sonnet-4"}, path="/anthropic/v1/messages")
    assert t.backend == "AIServiceBackend/default/anthropic"


def test_unregistered_path_is_a_404_from_the_filter() -> None:
    t = trace(base(), path="/v1/chat")
    assert failing(t) == ["endpoint"] and "unsupported path" in step(t, "endpoint").summary


def test_path_newer_than_the_target_release_is_not_served() -> None:
    t = trace(base(), path="/tokenize", target_version="v1.0.0")
    assert failing(t) == ["endpoint"] and "v1.1.0" in step(t, "endpoint").summary


def test_model_list_is_answered_by_the_gateway_itself() -> None:
    t = trace(base(), path="/v1/models", method="GET", model=None)
    assert not t.failures and not t.reaches_backend and "no backend" in t.verdict()


def test_native_anthropic_cannot_serve_chat_completions() -> None:
    t = trace(base(), model="claude-sonnet-4")
    translation = step(t, "translation")
    assert translation.status == "fail" and "unsupported API schema" in translation.summary
    assert "endpointspec.go@v1.1.0" in translation.reason
    assert not t.reaches_backend


def _failover(docs: Docs, fallback_schema: str = "Anthropic") -> Docs:
    find(docs, "AIServiceBackend", "anthropic")["spec"]["schema"]["name"] = fallback_schema
    find(docs, "AIGatewayRoute", "route")["spec"]["rules"][0]["backendRefs"] = [
        {"name": "openai", "priority": 0},
        {"name": "anthropic", "priority": 1},
    ]
    return docs


def test_fallback_that_cannot_serve_the_endpoint_is_a_warning_and_the_primary_still_serves() -> None:
    t = trace(_failover(base()))
    assert t.reaches_backend
    warn = [s for s in t.warnings if s.stage == "translation"]
    assert warn and "priority 1 fallback" in warn[0].summary
    assert [leg.serves for leg in t.legs] == [True, False]


def test_fallback_without_a_retry_policy_is_flagged() -> None:
    t = trace(_failover(base(), "OpenAI"))
    assert any(s.stage == "traffic" and "#1497" in s.summary for s in t.warnings)


def test_conflicted_backend_traffic_policy_is_named_with_the_winner() -> None:
    docs = [
        *_failover(base(), "OpenAI"),
        obj(
            EG, "BackendTrafficPolicy", "route-retry", {"targetRefs": [HTTPROUTE], "retry": {"numRetries": 2}}
        ),
        obj(EG, "BackendTrafficPolicy", "route-token-limits", {"targetRefs": [HTTPROUTE], "rateLimit": {}}),
    ]
    t = trace(docs)
    traffic = [s for s in t.steps if s.stage == "traffic"]
    assert traffic[0].status == "ok" and "route-retry" in traffic[0].summary
    assert any(s.status == "warn" and "route-token-limits is Conflicted" in s.summary for s in traffic)


def test_per_user_rate_limit_says_when_the_request_lacks_the_key_header() -> None:
    limit = {
        "type": "Global",
        "global": {
            "rules": [{"clientSelectors": [{"headers": [{"name": "x-user-id", "type": "Distinct"}]}]}]
        },
    }
    docs = [
        *base(),
        obj(EG, "BackendTrafficPolicy", "limits", {"targetRefs": [HTTPROUTE], "rateLimit": limit}),
    ]
    assert "sends no x-user-id" in step(trace(docs), "traffic").summary
    assert "sends no" not in step(trace(docs, headers={"x-user-id": "alice"}), "traffic").summary


def test_a_budget_keyed_on_a_header_the_client_auth_sets_counts_the_verified_caller() -> None:
    limit = {
        "type": "Global",
        "global": {
            "rules": [{"clientSelectors": [{"headers": [{"name": "x-user-id", "type": "Distinct"}]}]}]
        },
    }
    jwt = {
        "providers": [
            {
                "name": "idp",
                "issuer": "https://auth.example.com",
                "remoteJWKS": {"uri": "https://auth.example.com/jwks"},
                "claimToHeaders": [{"claim": "sub", "header": "x-user-id"}],
            }
        ]
    }
    docs = [
        *base(),
        obj(EG, "BackendTrafficPolicy", "limits", {"targetRefs": [HTTPROUTE], "rateLimit": limit}),
        obj(EG, "SecurityPolicy", "jwt", {"targetRefs": [GATEWAY], "jwt": jwt}),
    ]
    summary = step(trace(docs, credentials="jwt"), "traffic").summary
    assert "sends no" not in summary
    assert "x-user-id from the JWT's sub claim, set by SecurityPolicy jwt" in summary


def _api_keys(docs: Docs, target: dict[str, Any] = GATEWAY) -> Docs:
    spec = {
        "targetRefs": [target],
        "apiKeyAuth": {"credentialRefs": [{"name": "keys"}], "extractFrom": [{"headers": ["x-api-key"]}]},
    }
    return [*docs, obj(EG, "SecurityPolicy", "keys", spec)]


def test_client_api_key_missing_is_a_401() -> None:
    t = trace(_api_keys(base()), credentials="none")
    auth = step(t, "client-auth")
    assert auth.status == "fail" and "401" in auth.summary and "x-api-key" in auth.summary
    assert not t.reaches_backend


def test_client_api_key_presented_passes_and_unknown_credentials_only_report_the_requirement() -> None:
    assert step(trace(_api_keys(base()), credentials="api-key"), "client-auth").status == "ok"
    assert step(trace(_api_keys(base())), "client-auth").status == "info"
    assert step(trace(_api_keys(base()), headers={"x-api-key": "*"}), "client-auth").status == "ok"


def test_route_level_security_policy_overrides_the_gateway_one() -> None:
    docs = _api_keys(base())
    docs.append(
        obj(
            EG,
            "SecurityPolicy",
            "jwt",
            {"targetRefs": [HTTPROUTE], "jwt": {"providers": [{"issuer": "https://idp"}]}},
        )
    )
    t = trace(docs, credentials="jwt")
    auth = step(t, "client-auth")
    assert auth.status == "ok" and "jwt" in auth.decided_by


def test_https_port_without_tls_policy_fails_upstream() -> None:
    docs = [d for d in base() if d["metadata"]["name"] != "openai-tls"]
    upstream = step(trace(docs), "upstream")
    assert upstream.status == "fail" and "BackendTLSPolicy" in upstream.summary


def test_missing_secret_key_is_a_credential_failure_and_no_value_is_printed() -> None:
    docs = base()
    find(docs, "Secret", "openai-key")["stringData"] = {"key": "OPENAI_API_KEY"}
    t = trace(docs)
    cred = step(t, "credentials")
    assert cred.status == "fail" and "lacks key apiKey" in cred.summary
    assert "OPENAI_API_KEY" not in to_text(t) + to_json([t])


def test_gcp_vertex_without_credentials_policy_cannot_be_addressed() -> None:
    docs = [d for d in base() if d["metadata"]["name"] != "openai-key"]
    find(docs, "AIServiceBackend", "openai")["spec"]["schema"]["name"] = "GCPVertexAI"
    assert step(trace(docs), "credentials").status == "fail"


def test_aws_credentials_on_a_mantle_host_fail_with_the_upstream_issue() -> None:
    docs = base()
    find(docs, "Backend", "openai")["spec"]["endpoints"][0]["fqdn"]["hostname"] = (
        "bedrock-mantle.us-east-2.api.aws"
    )
    key = find(docs, "BackendSecurityPolicy", "openai-key")["spec"]
    key.pop("apiKey")
    key.update({"type": "AWSCredentials", "awsCredentials": {"region": "us-east-2"}})
    cred = step(trace(docs), "credentials")
    assert cred.status == "fail" and "#2182" in cred.reason


def test_azure_responses_is_unsupported_before_v0_7() -> None:
    docs = base()
    find(docs, "AIServiceBackend", "openai")["spec"]["schema"] = {
        "name": "AzureOpenAI",
        "version": "2025-04-01",
    }
    assert step(trace(docs, path="/v1/responses", target_version="v0.6.0"), "translation").status == "fail"
    t = trace(docs, path="/v1/responses", target_version="v0.7.0")
    assert t.reaches_backend and t.upstream.endswith("/openai/responses?api-version=2025-04-01")


def test_model_name_override_is_what_goes_upstream() -> None:
    docs = base()
    find(docs, "AIGatewayRoute", "route")["spec"]["rules"][0]["backendRefs"][0]["modelNameOverride"] = (
        "gpt-4.1"
    )
    t = trace(docs)
    assert "sent upstream as gpt-4.1" in step(t, "model").summary


def test_weighted_split_reports_each_share() -> None:
    docs = _failover(base(), "OpenAI")
    refs = find(docs, "AIGatewayRoute", "route")["spec"]["rules"][0]["backendRefs"]
    refs[0].update(priority=0, weight=3)
    refs[1].update(priority=0, weight=1)
    t = trace(docs)
    assert [leg.share for leg in t.legs] == [75, 25] and t.backend == "AIServiceBackend/default/openai"


def test_gateway_named_on_the_request_must_exist() -> None:
    t = trace(base(), gateway="other")
    assert failing(t) == ["listener"] and "default/gw" in t.steps[0].fix


def test_listener_hostname_must_match_the_host() -> None:
    docs = base()
    find(docs, "Gateway", "gw")["spec"]["listeners"][0]["hostname"] = "ai.example.com"
    assert trace(docs, host="ai.example.com").reaches_backend
    assert failing(trace(docs, host="other.example.com")) == ["listener"]


def test_a_key_in_the_request_is_refused_before_tracing() -> None:
    with pytest.raises(InputError, match="looks like"):
        trace(base(), headers={"Authorization": "sk-proj-" + "Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ3lN5"})


def test_text_json_and_mermaid_outputs() -> None:
    t = trace(_failover(base()), headers={"x-user-id": "alice-secret-id"})
    text = to_text(t)
    assert (
        text.startswith("trace POST /v1/chat/completions (model gpt-4o-mini)") and "verdict: reaches" in text
    )
    data = json.loads(to_json([t]))["traces"][0]
    assert data["reaches_backend"] is True and data["request"]["headers"] == ["x-user-id"]
    assert "alice-secret-id" not in to_json([t]) + text + to_mermaid(t)
    mermaid = to_mermaid(t)
    assert mermaid.startswith("sequenceDiagram\n") and "E->>P: https://api.openai.com:443" in mermaid


def test_mermaid_escapes_names_and_stops_at_the_first_failure() -> None:
    t = trace(base(), model='x"; participant Z')
    mermaid = to_mermaid(t)
    statements = [line.strip() for line in mermaid.splitlines()]
    assert not any(s.startswith("participant Z") for s in statements)
    assert ";" not in re.sub(r"#[0-9]+;", "", mermaid)  # Mermaid reads ';' as a statement break
    assert mermaid.rstrip().endswith("E-->>C: request fails at route")


def test_buffer_limit_comes_from_the_gateways_client_traffic_policy() -> None:
    assert "up to 50Mi (ClientTrafficPolicy buffer)" in trace(base()).steps[1].summary
    docs = [d for d in base() if d["kind"] != "ClientTrafficPolicy"]
    warn = trace(docs).steps[1]
    assert warn.status == "warn" and "413" in warn.summary and "#827" in warn.reason


def test_a_route_defined_twice_is_traced_as_first_defined_and_the_others_are_named() -> None:
    docs = base()
    stage = {**find(docs, "AIGatewayRoute", "route")}
    sources = [f"manifests.yaml#{i + 1}" for i in range(len(docs))] + ["canary-stage-1.yaml#1"]
    t = trace_documents([*docs, stage], {"model": "gpt-4o-mini"}, sources)
    warn = next(s for s in t.steps if s.stage == "route" and s.status == "warn")
    assert "defined 2 times" in warn.summary and "canary-stage-1.yaml#1" in warn.summary
    assert t.reaches_backend


def test_malformed_fields_are_read_as_absent_not_a_crash() -> None:
    weird = [
        obj(
            "gateway.networking.k8s.io/v1",
            "Gateway",
            "gw",
            {"listeners": [None, "x", {"name": "h", "protocol": "HTTP", "port": 80}]},
        ),
        obj("aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute", "r", {"parentRefs": "gw", "rules": "x"}),
        obj(
            "aigateway.envoyproxy.io/v1beta1",
            "AIGatewayRoute",
            "r2",
            {
                "parentRefs": [{"name": "gw"}],
                "rules": [
                    {
                        "matches": [
                            {
                                "headers": [
                                    {"name": "x-ai-eg-model", "value": "(", "type": "RegularExpression"}
                                ]
                            }
                        ]
                    },
                    {"backendRefs": [{"name": "b", "priority": "high", "weight": None}]},
                ],
            },
        ),
        obj(
            "aigateway.envoyproxy.io/v1beta1",
            "AIServiceBackend",
            "b",
            {"schema": "OpenAI", "backendRef": "x"},
        ),
        obj(
            EG,
            "BackendTrafficPolicy",
            "p",
            {
                "targetRefs": [{"kind": "HTTPRoute", "name": "r2"}],
                "rateLimit": {"type": "Global", "global": {"rules": "x"}},
            },
        ),
        obj(EG, "SecurityPolicy", "s", {"targetRefs": [GATEWAY], "apiKeyAuth": {"extractFrom": "x"}}),
    ]
    t = trace(weird, model="m")
    assert t.failures and "(none)" in t.failures[0].summary and to_text(t)


def test_the_http_route_the_controller_generated_is_not_traced_in_place_of_its_ai_gateway_route() -> None:
    """A live cluster (or a `doctor --collect` dump) holds the AIGatewayRoute and the HTTPRoute generated from it,
    whose catch-all rule has no backendRefs: an unknown model is the AIGatewayRoute's 404 (route-not-found), not
    'no backendRefs: Envoy answers 500' read off the generated copy."""
    docs = base()
    route = next(d for d in docs if d["kind"] == "AIGatewayRoute")
    generated = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {
            "name": route["metadata"]["name"],
            "namespace": "default",
            "ownerReferences": [
                {
                    "apiVersion": "aigateway.envoyproxy.io/v1beta1",
                    "kind": "AIGatewayRoute",
                    "name": "x",
                    "uid": "1",
                }
            ],
        },
        "spec": {
            "parentRefs": [{"name": "gw"}],
            "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]}],
        },
    }
    t = trace([*docs, generated], model="no-such-model")
    assert failing(t) == ["route"] and "route-not-found" in step(t, "route").summary, t.verdict()
    assert trace([*docs, generated]).backend == "AIServiceBackend/default/openai"
    # The same route without the owner is a user's own HTTPRoute, and is traced as one.
    plain = {
        **generated,
        "metadata": {k: v for k, v in generated["metadata"].items() if k != "ownerReferences"},
    }
    assert "backends" in failing(trace([*docs, plain], model="no-such-model"))
