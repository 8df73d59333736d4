"""aigw-route: golden Gateway/route output per variant, and the route rules that the CRDs cannot check."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from skills.api import route
from skills.errors import InputError

GOLDEN_DIR = "skills/route"

VARIANTS: dict[str, dict[str, Any]] = {
    # The OpenAI + Anthropic pair behind one new Gateway.
    "openai-anthropic-pair": {"rules": ["gpt-4o-mini=openai", "claude-3-5-sonnet=anthropic"]},
    "reuse-existing-gateway": {
        "rules": ["gpt-4o-mini=openai"],
        "create_gateway": False,
        "gateway_name": "shared-gateway",
        "client_traffic_policy": False,
    },
    "https-listener": {
        "rules": ["gpt-4o-mini=openai"],
        "listener_protocol": "HTTPS",
        "tls_secret": "ai-gateway-tls",
        "listener_hostname": "ai.example.com",
        "hostnames": ["ai.example.com", "*.ai.example.com"],
        "buffer_limit": "10Mi",
    },
    "cross-namespace-gateway-and-backends": {
        "name": "team-a",
        "namespace": "team-a",
        "gateway_name": "edge",
        "gateway_namespace": "gateway-system",
        "rules": [
            {"models": ["gpt-4o-mini"], "backends": [{"name": "openai", "namespace": "providers"}]},
            {
                "models": ["claude-3-5-sonnet"],
                "backends": [
                    {"name": "anthropic", "namespace": "providers"},
                    {"name": "bedrock-claude", "namespace": "aws-providers", "priority": 1},
                ],
            },
            {"models": ["local-model"], "backends": [{"name": "vllm", "namespace": "team-a"}]},
        ],
    },
    "weights-priorities-timeouts": {
        "name": "llm",
        "rules": [
            {
                "name": "gpt-4o-mini",
                "models": ["gpt-4o-mini", "gpt-4o-mini-2024-07-18"],
                "backends": [
                    {"name": "openai", "weight": 80},
                    {
                        "name": "azure-openai",
                        "weight": 20,
                        "model_name_override": "my-gpt-4o-mini-deployment",
                    },
                    {"name": "bedrock", "priority": 1, "model_name_override": "us.amazon.nova-pro-v1:0"},
                ],
                "request_timeout": "120s",
                "backend_request_timeout": "60s",
                "stream_idle_timeout": "30s",
            },
            {
                "name": "claude.fallback",
                "models": ["claude-3-5-sonnet"],
                "backends": [{"name": "anthropic"}, {"name": "gcp-anthropic", "priority": 2}],
                "request_timeout": "5m",
            },
        ],
        "retry_attempts": 3,
        "retry_per_try_timeout": "45s",
        "retry_status_codes": [429, 503],
    },
    "shorthand-weights-and-priorities": {"rules": ["m1,m2=a:3,b:1@1", "m3=c"], "retry": False},
    "regex-match": {
        "rules": [
            {
                "models": ["gpt-.*", "o[0-9]+(-mini)?"],
                "match_type": "RegularExpression",
                "backends": [{"name": "openai"}],
            },
            {
                "models": [".*"],
                "match_type": "RegularExpression",
                "backends": [{"name": "tars"}],
                "request_timeout": "120s",
            },
        ],
    },
    "explicit-retry-without-fallback": {"rules": ["gpt-4o-mini=openai"], "retry": True},
    "custom-listener": {
        "rules": ["gpt-4o-mini=openai"],
        "gateway_class": "shared-eg",
        "listener_name": "llm",
        "listener_port": 8080,
    },
    "older-version-v0.5.0": {"rules": ["gpt-4o-mini=openai"], "target_version": "v0.5.0"},
}


@pytest.mark.parametrize("case", sorted(VARIANTS))
def test_route_variant_matches_its_golden_file(case: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = route(**VARIANTS[case])
    golden(f"{GOLDEN_DIR}/{case}.yaml", result.yaml)
    assert list(yaml.safe_load_all(result.yaml)) == result.manifests


def _kinds(result: Any) -> list[str]:
    return [m["kind"] for m in result.manifests]


def _by_kind(result: Any, kind: str) -> list[dict[str, Any]]:
    return [m for m in result.manifests if m["kind"] == kind]


def test_new_gateway_gets_class_gateway_buffer_policy_and_route_in_apply_order() -> None:
    result = route(**VARIANTS["openai-anthropic-pair"])
    assert _kinds(result) == ["GatewayClass", "Gateway", "ClientTrafficPolicy", "AIGatewayRoute"]
    (gw,) = _by_kind(result, "Gateway")
    (rt,) = _by_kind(result, "AIGatewayRoute")
    assert rt["spec"]["parentRefs"] == [
        {"name": gw["metadata"]["name"], "kind": "Gateway", "group": "gateway.networking.k8s.io"}
    ]
    (ctp,) = _by_kind(result, "ClientTrafficPolicy")
    assert ctp["spec"]["targetRefs"][0]["name"] == gw["metadata"]["name"]
    assert ctp["spec"]["connection"]["bufferLimit"] == "50Mi"
    matches = [r["matches"][0]["headers"][0] for r in rt["spec"]["rules"]]
    assert matches == [
        {"type": "Exact", "name": "x-ai-eg-model", "value": "gpt-4o-mini"},
        {"type": "Exact", "name": "x-ai-eg-model", "value": "claude-3-5-sonnet"},
    ]


def test_reused_gateway_emits_only_the_route() -> None:
    result = route(**VARIANTS["reuse-existing-gateway"])
    assert _kinds(result) == ["AIGatewayRoute"]
    assert any("ClientTrafficPolicy" in n for n in result.notes)


def test_cross_namespace_backends_get_two_grants_per_backend_namespace() -> None:
    result = route(**VARIANTS["cross-namespace-gateway-and-backends"])
    grants = _by_kind(result, "ReferenceGrant")
    pairs = sorted(
        (g["metadata"]["namespace"], g["spec"]["from"][0]["kind"], g["spec"]["to"][0]["kind"]) for g in grants
    )
    assert pairs == [
        ("aws-providers", "AIGatewayRoute", "AIServiceBackend"),
        ("aws-providers", "HTTPRoute", "Backend"),
        ("providers", "AIGatewayRoute", "AIServiceBackend"),
        ("providers", "HTTPRoute", "Backend"),
    ]
    assert all(g["spec"]["from"][0]["namespace"] == "team-a" for g in grants)
    (gw,) = _by_kind(result, "Gateway")
    assert gw["metadata"]["namespace"] == "gateway-system"
    assert gw["spec"]["listeners"][0]["allowedRoutes"] == {"namespaces": {"from": "All"}}
    (rt,) = _by_kind(result, "AIGatewayRoute")
    assert rt["spec"]["parentRefs"][0]["namespace"] == "gateway-system"
    refs = [r for rule in rt["spec"]["rules"] for r in rule["backendRefs"]]
    assert "namespace" not in refs[-1], "a same-namespace ref stays local"


def test_fallback_priority_adds_a_retry_policy_on_the_generated_httproute() -> None:
    result = route(**VARIANTS["weights-priorities-timeouts"])
    (btp,) = _by_kind(result, "BackendTrafficPolicy")
    assert btp["spec"]["targetRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "llm"}
    ]
    assert btp["spec"]["retry"]["numRetries"] == 3
    assert btp["spec"]["retry"]["retryOn"]["httpStatusCodes"] == [429, 503]
    rule = _by_kind(result, "AIGatewayRoute")[0]["spec"]["rules"][0]
    assert rule["timeouts"] == {"request": "120s", "backendRequest": "60s"}
    assert rule["streamIdleTimeout"] == "30s"
    assert [r.get("priority", 0) for r in rule["backendRefs"]] == [0, 0, 1]


def test_retry_false_with_fallback_warns_that_priorities_will_not_fail_over() -> None:
    result = route(**VARIANTS["shorthand-weights-and-priorities"])
    assert "BackendTrafficPolicy" not in _kinds(result)
    assert any("retry=false" in n for n in result.notes)


def test_shorthand_sets_weight_and_priority() -> None:
    rule = _by_kind(route(**VARIANTS["shorthand-weights-and-priorities"]), "AIGatewayRoute")[0]["spec"][
        "rules"
    ][0]
    assert [h["headers"][0]["value"] for h in rule["matches"]] == ["m1", "m2"]
    assert rule["backendRefs"] == [{"name": "a", "weight": 3}, {"name": "b", "weight": 1, "priority": 1}]


def test_regex_rules_carry_the_pattern_verbatim() -> None:
    rules = _by_kind(route(**VARIANTS["regex-match"]), "AIGatewayRoute")[0]["spec"]["rules"]
    headers = [m["headers"][0] for rule in rules for m in rule["matches"]]
    assert [(h["type"], h["value"]) for h in headers] == [
        ("RegularExpression", "gpt-.*"),
        ("RegularExpression", "o[0-9]+(-mini)?"),
        ("RegularExpression", ".*"),
    ]


def test_https_listener_terminates_tls_with_the_named_secret() -> None:
    (gw,) = _by_kind(route(**VARIANTS["https-listener"]), "Gateway")
    listener = gw["spec"]["listeners"][0]
    assert (listener["protocol"], listener["port"], listener["hostname"]) == ("HTTPS", 443, "ai.example.com")
    assert listener["tls"] == {
        "mode": "Terminate",
        "certificateRefs": [{"kind": "Secret", "name": "ai-gateway-tls"}],
    }


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"rules": [f"m{i}=b" for i in range(16)]}, "rules"),
        ({"rules": ["m=a", "m=b"]}, "rules[1].models"),
        (
            {"rules": [{"models": ["m"], "backends": [{"name": "a"}], "name": "route-not-found"}]},
            "rules[0].name",
        ),
        (
            {
                "rules": [
                    {"models": ["m"], "backends": [{"name": "a"}], "name": "x"},
                    {"models": ["n"], "backends": [{"name": "a"}], "name": "x"},
                ]
            },
            "rules[1].name",
        ),
        (
            {
                "rules": [{"models": ["m"], "backends": [{"name": "a"}], "name": "x"}],
                "target_version": "v1.0.0",
            },
            "rules[0].name",
        ),
        (
            {
                "rules": [{"models": ["m"], "backends": [{"name": "a"}], "stream_idle_timeout": "5s"}],
                "target_version": "v1.0.0",
            },
            "rules[0].stream_idle_timeout",
        ),
        (
            {
                "rules": [
                    {
                        "models": ["m"],
                        "backends": [{"name": "a"}],
                        "request_timeout": "10s",
                        "backend_request_timeout": "1m",
                    }
                ]
            },
            "rules[0].backend_request_timeout",
        ),
        ({"rules": ["m=a,a"]}, "rules[0].backends"),
        ({"rules": ["m=a"], "hostnames": ["ai.example.com"], "target_version": "v0.6.0"}, "hostnames"),
        (
            {"rules": [{"models": ["m"], "backends": [{"name": "a"}], "request_timeout": "10 s"}]},
            "rules[0].request_timeout",
        ),
        ({"rules": [{"models": ["gpt 4"], "backends": [{"name": "a"}]}]}, "rules[0].models"),
        (
            {
                "rules": [
                    {"models": ["gpt-("], "backends": [{"name": "a"}], "match_type": "RegularExpression"}
                ]
            },
            "rules[0].models",
        ),
        (
            {
                "rules": [
                    {"models": ["(?!x).*"], "backends": [{"name": "a"}], "match_type": "RegularExpression"}
                ]
            },
            "rules[0].models",
        ),
        ({"rules": ["m=a"], "listener_protocol": "HTTPS"}, "tls_secret"),
        ({"rules": ["no-equals-sign"]}, "rules[0]"),
        ({"rules": ["m=Bad_Name"]}, "rules[0]"),
        ({"rules": []}, "rules"),
    ],
)
def test_invalid_route_input_names_the_field(data: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as exc:
        route(**data)
    assert path in [p.path for p in exc.value.problems], str(exc.value)


def test_sixteen_rules_are_refused_for_v0_6_too_whose_crd_admits_128() -> None:
    # The v0.6.0 CRD admits them, but the controller's HTTPRoute would hold 17 rules (Gateway API v1.4.1: 16).
    with pytest.raises(InputError) as exc:
        route(rules=[f"m{i}=b" for i in range(16)], target_version="v0.6.0")
    (problem,) = exc.value.problems
    assert problem.path == "rules" and "Gateway API v1.4.1 allows 16 HTTPRoute rules" in problem.message


def test_zero_request_timeout_allows_any_backend_timeout() -> None:
    route(
        rules=[
            {
                "models": ["m"],
                "backends": [{"name": "a"}],
                "request_timeout": "0s",
                "backend_request_timeout": "10m",
            }
        ]
    )


def test_same_regex_in_two_rules_is_allowed() -> None:
    rule = {"models": ["gpt-.*"], "backends": [{"name": "a"}], "match_type": "RegularExpression"}
    route(rules=[rule, {**rule, "backends": [{"name": "b"}]}])


def test_openai_and_anthropic_pair_behind_one_gateway_matches_its_golden_bundle(golden) -> None:  # type: ignore[no-untyped-def]
    import json

    from skills.api import auth, backend
    from skills.credentials import describe_credential
    from skills.render import join_documents

    parts = [
        backend(name="openai", provider="openai"),
        backend(name="anthropic", provider="anthropic"),
        auth(type="APIKey", targets=["openai"], secret_env="OPENAI_API_KEY"),
        auth(type="AnthropicAPIKey", targets=["anthropic"], secret_env="ANTHROPIC_API_KEY"),
        route(**VARIANTS["openai-anthropic-pair"]),
    ]
    text = join_documents([p.yaml for p in parts])
    secrets = [s.model_dump() for p in parts for s in p.secrets]
    golden("skills/pair/openai-anthropic.yaml", text)
    golden("skills/pair/openai-anthropic.secrets.json", json.dumps(secrets, indent=2) + "\n")
    docs = list(yaml.safe_load_all(text))
    assert docs == [m for p in parts for m in p.manifests]
    assert [d["kind"] for d in docs].count("BackendSecurityPolicy") == 2
    assert all(d["kind"] != "Secret" for d in docs) and describe_credential(text) is None
    backends = {d["metadata"]["name"] for d in docs if d["kind"] == "AIServiceBackend"}
    targets = {
        t["name"] for d in docs if d["kind"] == "BackendSecurityPolicy" for t in d["spec"]["targetRefs"]
    }
    routed = {
        r["name"]
        for d in docs
        if d["kind"] == "AIGatewayRoute"
        for rule in d["spec"]["rules"]
        for r in rule["backendRefs"]
    }
    assert backends == targets == routed == {"openai", "anthropic"}
    assert [(s["key"], s["source"]) for s in secrets] == [
        ("apiKey", "env:OPENAI_API_KEY"),
        ("apiKey", "env:ANTHROPIC_API_KEY"),
    ]


def test_route_cost_expressions_are_type_checked_for_the_target_version() -> None:
    costs = [{"type": "CEL", "metadata_key": "weighted", "cel": "input_tokens + 2 * output_tokens"}]
    with pytest.raises(InputError) as refused:
        route(rules=["gpt-4o-mini=openai"], llm_request_costs=costs)
    (problem,) = refused.value.problems
    assert problem.path == "llm_request_costs[0].cel"
    assert "applied to '(int, uint)'" in problem.message
    costs[0]["cel"] = "route_name != '' ? input_tokens + 2u * output_tokens : total_tokens"
    assert "2u * output_tokens" in route(rules=["gpt-4o-mini=openai"], llm_request_costs=costs).yaml
    with pytest.raises(InputError, match=r"llm_request_costs\[0\]\.cel: .*route_name is declared from"):
        route(rules=["gpt-4o-mini=openai"], llm_request_costs=costs, target_version="v0.5.0")
