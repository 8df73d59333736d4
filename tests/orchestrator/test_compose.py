"""Composition: how an intake becomes route rules, ordered manifests and secret shapes."""

from __future__ import annotations

import pytest

from orchestrator.compose.composer import KIND_ORDER, compose, plan_rules
from orchestrator.intake.model import Intake
from skills.errors import InputError


def _intake(providers: list[dict], **routing: str) -> Intake:
    return Intake.parse({"providers": providers, "routing": routing or {"strategy": "by-model"}})


def test_each_provider_gets_one_rule_with_all_its_models():
    rules = plan_rules(
        _intake(
            [
                {"provider": "openai", "models": ["gpt-4o-mini", "gpt-4.1"]},
                {"provider": "anthropic", "models": ["claude-3-5-sonnet"]},
            ]
        )
    )
    assert rules == [
        {"models": ["gpt-4o-mini", "gpt-4.1"], "backends": [{"name": "openai"}]},
        {"models": ["claude-3-5-sonnet"], "backends": [{"name": "anthropic"}]},
    ]


def test_failover_orders_backends_by_provider_order_with_priorities_and_overrides():
    rules = plan_rules(
        _intake(
            [
                {"provider": "openai", "models": ["chat=gpt-4o-mini"]},
                {"provider": "anthropic", "models": ["chat=claude-3-5-sonnet"]},
            ],
            strategy="failover",
        )
    )
    assert rules == [
        {
            "models": ["chat"],
            "backends": [
                {"name": "openai", "model_name_override": "gpt-4o-mini", "priority": 0},
                {"name": "anthropic", "model_name_override": "claude-3-5-sonnet", "priority": 1},
            ],
        }
    ]


def test_split_uses_weights_and_defaults_missing_weights_to_one():
    rules = plan_rules(
        _intake(
            [
                {"provider": "openai", "models": ["gpt-4o-mini"], "weight": 80},
                {"provider": "azure-openai", "resource": "r", "models": ["gpt-4o-mini"]},
            ],
            strategy="split",
        )
    )
    assert [ref["weight"] for ref in rules[0]["backends"]] == [80, 1]


def test_a_model_served_twice_without_a_strategy_is_refused_with_the_choices():
    with pytest.raises(InputError) as err:
        plan_rules(
            _intake(
                [{"provider": "openai", "models": ["m"]}, {"provider": "groq", "models": ["m"]}],
                strategy="by-model",
            )
        )
    problem = err.value.problems[0]
    assert problem.path == "routing.strategy"
    assert "failover" in (problem.expected or "")


def test_manifests_come_in_apply_order_and_secrets_are_shapes_only():
    comp = compose(
        {
            "providers": [
                {"provider": "openai", "models": ["gpt-4o-mini"]},
                {"provider": "anthropic", "models": ["claude-3-5-sonnet"]},
            ]
        }
    )
    kinds = [doc["kind"] for doc, _ in comp.documents]
    assert kinds == sorted(kinds, key=KIND_ORDER.index)
    assert kinds[0] == "GatewayClass" and kinds[-1] == "AIGatewayRoute"
    assert [(s.name, s.key, s.source) for s in comp.secrets] == [
        ("openai-apikey", "apiKey", "env:OPENAI_API_KEY"),
        ("anthropic-apikey", "apiKey", "env:ANTHROPIC_API_KEY"),
    ]


def test_errors_from_the_atomic_skills_point_at_the_intake_field():
    with pytest.raises(InputError) as err:
        compose({"providers": [{"provider": "azure-openai", "models": ["gpt-4o-mini"]}]})
    assert [p.path for p in err.value.problems] == ["providers[0].resource"]
    with pytest.raises(InputError) as err:
        compose(
            {
                "providers": [
                    {
                        "provider": "gcp-vertex-ai",
                        "models": ["gemini-2.5-flash"],
                        "auth": {"secret_file": "k.json"},
                    }
                ]
            }
        )
    assert "providers[0].auth.gcp_project" in [p.path for p in err.value.problems]


def test_a_key_pasted_into_the_intake_is_refused_without_echoing_it():
    key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"
    with pytest.raises(InputError) as err:
        compose(
            {"providers": [{"provider": "openai", "models": ["gpt-4o-mini"], "auth": {"secret_env": key}}]}
        )
    assert key not in str(err.value)
    assert "providers[0].auth.secret_env" in str(err.value)


def test_two_entries_with_the_same_backend_name_are_refused():
    with pytest.raises(InputError, match="used twice"):
        compose(
            {"providers": [{"provider": "openai", "models": ["a"]}, {"provider": "openai", "models": ["b"]}]}
        )


def _kinds(comp, kind):  # type: ignore[no-untyped-def]
    return [obj for obj, _ in comp.documents if obj["kind"] == kind]


def test_aws_default_chain_runs_the_gateways_envoy_pods_as_its_service_account():
    bedrock = {"provider": "aws-bedrock", "models": ["us.amazon.nova-micro-v1:0"]}
    comp = compose({"providers": [bedrock], "installation": {"envoy_gateway_namespace": "eg"}})
    (account,) = _kinds(comp, "ServiceAccount")
    (proxy,) = _kinds(comp, "EnvoyProxy")
    (gateway,) = _kinds(comp, "Gateway")
    assert account["metadata"]["namespace"] == "eg"
    assert proxy["spec"]["provider"]["kubernetes"]["envoyServiceAccount"] == {
        "name": account["metadata"]["name"]
    }
    assert gateway["spec"]["infrastructure"]["parametersRef"]["name"] == proxy["metadata"]["name"]
    # A Gateway names one EnvoyProxy: with observability, its telemetry EnvoyProxy carries the account too.
    second = {**bedrock, "name": "bedrock-2", "models": ["us.amazon.nova-pro-v1:0"]}
    observed = compose({"providers": [bedrock, second], "observability": {}})
    (proxy,) = _kinds(observed, "EnvoyProxy")
    kubernetes = proxy["spec"]["provider"]["kubernetes"]
    assert (
        kubernetes["envoyServiceAccount"] == {"name": "ai-gateway-envoy-aws"}
        and "envoyDeployment" in kubernetes
    )
    assert proxy["spec"]["telemetry"]["accessLog"]
    assert len(_kinds(observed, "ServiceAccount")) == 1  # both AWS providers ask for the same account
    gateway = _kinds(observed, "Gateway")[0]
    assert gateway["spec"]["infrastructure"]["parametersRef"]["name"] == proxy["metadata"]["name"]


def test_two_aws_providers_asking_for_different_envoy_service_accounts_are_refused():
    a = {"provider": "aws-bedrock", "models": ["m1"], "auth": {"aws_service_account": "envoy-a"}}
    b = {"provider": "aws-bedrock", "name": "b", "models": ["m2"], "auth": {"aws_service_account": "envoy-b"}}
    with pytest.raises(InputError, match="run as one ServiceAccount"):
        compose({"providers": [a, b]})


def _limit_headers(comp):  # type: ignore[no-untyped-def]
    (policy,) = [o for o in _kinds(comp, "BackendTrafficPolicy") if "rateLimit" in o["spec"]]
    rules = policy["spec"]["rateLimit"]["global"]["rules"]
    return [h["name"] for r in rules for s in r["clientSelectors"] for h in s["headers"]]


def test_per_user_limits_key_on_the_header_client_auth_sets_from_a_verified_identity():
    openai = {"provider": "openai", "models": ["gpt-5.4-mini"]}
    limits = {"token_limits": [{"limit": 1000}]}
    jwt = {
        "type": "jwt",
        "issuer": "https://idp.example.com",
        "jwks_uri": "https://idp.example.com/jwks",
        "claim_to_headers": ["email=x-user-email"],
    }
    assert _limit_headers(compose({"providers": [openai], "limits": limits, "client_auth": jwt})) == [
        "x-user-email"
    ]
    apikey = {"type": "apikey", "clients": [{"id": "team-a"}], "forward_client_id_header": "x-team"}
    assert _limit_headers(compose({"providers": [openai], "limits": limits, "client_auth": apikey})) == [
        "x-team"
    ]
    # An explicit header is kept (lint AIGW-L062 warns if client auth does not set it); without client auth the
    # result warns that clients can pick their own budget.
    explicit = {"token_limits": [{"limit": 1000, "per_header": "x-tenant"}]}
    assert _limit_headers(compose({"providers": [openai], "limits": explicit, "client_auth": jwt})) == [
        "x-tenant"
    ]
    open_comp = compose({"providers": [openai], "limits": limits})
    assert _limit_headers(open_comp) == ["x-user-id"]
    assert any(n.startswith("Warning: budgets are keyed on x-user-id") for n in open_comp.notes)
