"""aigw-ratelimit and the route's traffic extras: token limits, quotas, CEL costs, canary stages, health checks,
and the rate-limit install addon; parity with upstream examples/token_ratelimit and provider_fallback."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml

from orchestrator.engine.lint.linter import LintContext
from orchestrator.engine.validate import validate_documents
from skills.errors import InputError
from skills.install import build_install
from skills.ratelimit import COSTS_PATCH_FILE, build_ratelimit
from skills.route import build_route
from tests.conftest import shared_path

UPSTREAM_COSTS = [
    {"type": "InputToken"},
    {"type": "CachedInputToken"},
    {"type": "CacheCreationInputToken"},
    {"type": "OutputToken"},
    {"type": "TotalToken"},
    {"type": "CEL", "cel": "input_tokens == uint(3) ? 100000000 : 0"},
]
TENANT = {"per_header": "x-tenant-id", "unit": "Hour"}


def upstream(*parts: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(shared_path("upstream-examples", *parts).read_text()) if d]


def of(docs: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind)


def token_ratelimit_equivalent() -> tuple[Any, Any]:
    route = build_route(
        {
            "rules": ["rate-limit-funky-model=testupstream"],
            "create_gateway": False,
            "client_traffic_policy": False,
            "llm_request_costs": UPSTREAM_COSTS,
        }
    )
    limits = build_ratelimit(
        {
            "token_limits": [
                {"type": "InputToken", "limit": 10, **TENANT},
                {"type": "OutputToken", "limit": 100, **TENANT},
                {"type": "TotalToken", "limit": 1000, **TENANT},
                {"type": "CachedInputToken", "limit": 100, **TENANT},
                {"type": "CEL", "cel": "input_tokens == uint(3) ? 100000000 : 0", "limit": 1000, **TENANT},
            ]
        }
    )
    return route, limits


def test_token_ratelimit_equivalent_has_upstream_costs_and_rate_limit_rules():
    route, limits = token_ratelimit_equivalent()
    theirs = upstream("token_ratelimit", "token_ratelimit.yaml")
    our_route, their_route = of(route.manifests, "AIGatewayRoute"), of(theirs, "AIGatewayRoute")
    assert our_route["apiVersion"] == their_route["apiVersion"]
    assert our_route["spec"]["llmRequestCosts"] == their_route["spec"]["llmRequestCosts"]
    ours, their_policy = of(limits.manifests, "BackendTrafficPolicy"), of(theirs, "BackendTrafficPolicy")
    assert ours["apiVersion"] == their_policy["apiVersion"]
    assert ours["spec"]["rateLimit"] == their_policy["spec"]["rateLimit"]
    # Documented difference: upstream attaches to the Gateway; we attach to the route's generated HTTPRoute.
    assert ours["spec"]["targetRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": our_route["metadata"]["name"]}
    ]


def test_token_ratelimit_equivalent_matches_golden_and_is_clean_under_the_engine_with_a_redis_backend(
    crd_set, golden
):
    route, limits = token_ratelimit_equivalent()
    golden("skills/ratelimit/upstream-token-ratelimit.yaml", route.yaml + "---\n" + limits.yaml)
    docs = route.manifests + limits.manifests
    context = LintContext(
        existing_gateways=frozenset({"default/ai-gateway"}),
        existing_resources=frozenset({"AIServiceBackend/default/testupstream"}),
        rate_limit_backend=True,
    )
    report = validate_documents(docs, crds=crd_set, context=context)
    # Upstream's example keys the budgets on x-user-id with no client auth in front: AIGW-L062 says a client can
    # pick its own budget. Nothing else is reported.
    assert {(f.rule, f.severity) for f in report.findings} == {("AIGW-L062", "warning")}, [
        f.message for f in report.findings
    ]
    assert any("aigw-clientauth" in n for n in limits.notes)


def test_provider_fallback_equivalent_matches_upstream_route_and_retry_and_its_golden(crd_set, golden):
    theirs = upstream("provider_fallback", "base.yaml") + upstream("provider_fallback", "fallback.yaml")
    result = build_route(
        {
            "rules": ["us.amazon.nova-micro-v1:0=failing@0,aws@1"],
            "create_gateway": False,
            "client_traffic_policy": False,
            "retry_status_codes": [500],
        }
    )
    golden("skills/route/upstream-provider-fallback.yaml", result.yaml)
    ours = result.manifests
    # The output says why the retry policy is there: priorities alone never fail over (upstream #1497).
    assert any("it is what makes priority fallback happen (upstream #1497)" in n for n in result.notes)
    refs = of(ours, "AIGatewayRoute")["spec"]["rules"][0]["backendRefs"]
    their_refs = of(theirs, "AIGatewayRoute")["spec"]["rules"][0]["backendRefs"]
    assert [r["priority"] for r in refs] == [r["priority"] for r in their_refs]
    retry, their_retry = of(ours, "BackendTrafficPolicy"), of(theirs, "BackendTrafficPolicy")
    assert retry["apiVersion"] == their_retry["apiVersion"]
    assert (
        retry["spec"]["targetRefs"][0]["kind"] == their_retry["spec"]["targetRefs"][0]["kind"] == "HTTPRoute"
    )
    theirs_retry, ours_retry = their_retry["spec"]["retry"], retry["spec"]["retry"]
    assert {k: v for k, v in ours_retry.items() if k != "retryOn"} == {
        k: v for k, v in theirs_retry.items() if k != "retryOn"
    }
    assert ours_retry["retryOn"]["httpStatusCodes"] == theirs_retry["retryOn"]["httpStatusCodes"]
    # Documented difference: we also retry on connection resets.
    assert set(theirs_retry["retryOn"]["triggers"]) <= set(ours_retry["retryOn"]["triggers"])
    context = LintContext(
        existing_gateways=frozenset({"default/ai-gateway"}),
        existing_resources=frozenset({"AIServiceBackend/default/failing", "AIServiceBackend/default/aws"}),
    )
    assert validate_documents(ours, crds=crd_set, context=context).findings == []


@pytest.mark.parametrize(
    ("field", "entry"),
    [
        ("token_limits[0].cel", {"token_limits": [{"type": "CEL", "cel": "{expr}", "limit": 1}]}),
        ("costs[0].cel", {"costs": [{"type": "CEL", "cel": "{expr}"}]}),
        (
            "quotas[0].cost_expression",
            {"quotas": [{"backend": "b", "model_name": "m", "limit": 1, "cost_expression": "{expr}"}]},
        ),
    ],
)
def test_a_cost_expression_that_does_not_type_check_is_refused_naming_its_field(field, entry):
    data = json.loads(json.dumps(entry).replace("{expr}", "input_tokens + 2 * output_tokens"))
    with pytest.raises(InputError) as refused:
        build_ratelimit(data)
    (problem,) = refused.value.problems
    assert problem.path == field
    assert "found no matching overload for '_*_' applied to '(int, uint)'" in problem.message
    assert "2u * output_tokens" in problem.message  # the fix
    fixed = json.loads(json.dumps(entry).replace("{expr}", "input_tokens + 2u * output_tokens"))
    result = build_ratelimit(fixed)
    assert "input_tokens + 2u * output_tokens" in result.yaml + "".join(result.files.values())


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("input_token * 2u", "unknown variable input_token (did you mean input_tokens?)"),
        ("input_tokens + outputs", "unknown variable outputs"),
        ("(input_tokens + 1u", "Syntax error"),
    ],
)
def test_cel_cost_with_a_wrong_variable_or_syntax_is_refused_at_input_time(expression, problem):
    with pytest.raises(InputError, match=re.escape(problem)):
        build_ratelimit({"token_limits": [{"type": "CEL", "cel": expression, "limit": 1}]})


def test_cel_cost_may_use_every_gateway_variable_functions_and_string_literals():
    expression = (
        "model == 'gpt-4o' && backend.startsWith('openai') && route_name != '' ? uint(2) * output_tokens "
        "+ input_tokens : total_tokens + reasoning_tokens + cached_input_tokens + cache_creation_input_tokens"
    )
    result = build_ratelimit({"costs": [{"type": "CEL", "cel": expression}]})
    assert expression in result.files[COSTS_PATCH_FILE]


def test_route_name_is_refused_for_a_release_that_does_not_declare_it():
    costs = [{"type": "CEL", "cel": "route_name == 'a' ? 2u : 1u"}]
    assert build_ratelimit({"costs": costs, "target_version": "v0.6.0"}).files
    with pytest.raises(InputError) as refused:
        build_ratelimit({"costs": costs, "target_version": "v0.5.0"})
    (problem,) = refused.value.problems
    assert problem.path == "costs[0].cel"
    assert (
        "route_name is declared from AI Gateway v0.6.0 on; target v0.5.0 does not have it" in problem.message
    )


def test_quotas_need_a_version_that_serves_quota_policy():
    quota = {"backend": "openai", "model_name": "gpt-4o-mini", "limit": 10}
    with pytest.raises(InputError, match=r"QuotaPolicy needs AI Gateway v0\.6\.0 or later"):
        build_ratelimit({"quotas": [quota], "target_version": "v0.5.0"})
    policy = of(build_ratelimit({"quotas": [quota]}).manifests, "QuotaPolicy")
    assert policy["apiVersion"] == "aigateway.envoyproxy.io/v1alpha1"
    assert policy["spec"]["perModelQuotas"][0]["modelName"] == "gpt-4o-mini"


def test_per_header_quota_becomes_a_distinct_bucket_rule(crd_set):
    result = build_ratelimit(
        {
            "quotas": [
                {
                    "backend": "openai",
                    "model_name": "m",
                    "limit": 5,
                    "duration": "1m",
                    "per_header": "x-user-id",
                }
            ]
        }
    )
    quota = of(result.manifests, "QuotaPolicy")["spec"]["perModelQuotas"][0]["quota"]
    assert quota["bucketRules"] == [
        {
            "clientSelectors": [{"headers": [{"name": "x-user-id", "type": "Distinct"}]}],
            "quota": {"limit": 5, "duration": "1m"},
        }
    ]
    assert validate_documents(result.manifests, crds=crd_set, lint=False).findings == []


def test_one_metadata_key_cannot_mean_two_costs():
    with pytest.raises(InputError, match="already used for a different cost"):
        build_ratelimit(
            {
                "token_limits": [{"limit": 1, "metadata_key": "k"}],
                "costs": [{"type": "InputToken", "metadata_key": "k"}],
            }
        )


def test_per_client_limits_warn_that_a_client_set_header_can_be_spoofed_unless_client_auth_sets_it():
    limit = {"type": "TotalToken", "limit": 1000, "per_header": "x-user-id"}
    spoofable = build_ratelimit({"token_limits": [limit]})
    assert any(n.startswith("Warning: budgets are keyed on x-user-id") for n in spoofable.notes)
    behind_auth = build_ratelimit({"token_limits": [limit], "client_auth": True})
    assert not any("keyed on" in n for n in behind_auth.notes)
    shared = build_ratelimit({"token_limits": [{**limit, "per_header": None}]})
    assert not any("keyed on" in n for n in shared.notes)


def test_limits_come_with_the_costs_patch_and_the_1754_note():
    result = build_ratelimit({"token_limits": [{"limit": 500}]})
    patch = yaml.safe_load(result.files[COSTS_PATCH_FILE])
    assert patch == {"spec": {"llmRequestCosts": [{"metadataKey": "llm_total_token", "type": "TotalToken"}]}}
    assert any("#1754" in note for note in result.notes)
    assert any("--addon rate-limit" in note for note in result.notes)


def test_shared_budget_has_no_client_selector():
    result = build_ratelimit({"token_limits": [{"limit": 500, "per_header": None, "request_cost": 1}]})
    rule = of(result.manifests, "BackendTrafficPolicy")["spec"]["rateLimit"]["global"]["rules"][0]
    assert "clientSelectors" not in rule and rule["cost"]["request"] == {"from": "Number", "number": 1}


def test_canary_emits_every_stage_with_exact_weights():
    result = build_route(
        {"rules": ["chat=stable:3,fresh"], "canary": {"backend": "fresh", "stages": [10, 50, 100]}}
    )
    refs = of(result.manifests, "AIGatewayRoute")["spec"]["rules"][0]["backendRefs"]
    assert [(r["name"], r["weight"]) for r in refs] == [("stable", 270), ("fresh", 30)]
    assert sorted(result.files) == [
        "canary-stage-1-10pct.yaml",
        "canary-stage-2-50pct.yaml",
        "canary-stage-3-100pct.yaml",
    ]
    last = yaml.safe_load(result.files["canary-stage-3-100pct.yaml"])
    assert [r["weight"] for r in last["spec"]["rules"][0]["backendRefs"]] == [0, 300]
    assert any("stage 2 (50%): chat: stable=150, fresh=150" in n for n in result.notes)


@pytest.mark.parametrize(
    ("canary", "message"),
    [
        ({"backend": "other"}, "nothing to split"),
        ({"backend": "fresh", "stages": [50, 25, 100]}, "stages must increase"),
        ({"backend": "fresh", "stages": [5, 50]}, "last stage must be 100"),
        ({"backend": "fresh", "percent": 30}, "not one of the stages"),
    ],
)
def test_canary_mistakes_are_refused(canary, message):
    with pytest.raises(InputError, match=message):
        build_route({"rules": ["chat=stable,fresh"], "canary": canary})


def test_passive_health_check_rides_on_the_retry_policy(crd_set):
    result = build_route(
        {"rules": ["chat=a@0,b@1"], "health_check": {"consecutive_5xx": 3, "max_ejection_percent": 50}}
    )
    policy = of(result.manifests, "BackendTrafficPolicy")
    assert policy["spec"]["healthCheck"]["passive"] == {
        "consecutive5XxErrors": 3,
        "interval": "3s",
        "baseEjectionTime": "30s",
        "maxEjectionPercent": 50,
    }
    assert validate_documents([policy], crds=crd_set, lint=False).findings == []
    with pytest.raises(InputError, match="rides on the retry policy"):
        build_route({"rules": ["chat=a@0,b@1"], "health_check": {}, "retry": False})


def test_rate_limit_addon_deploys_redis_or_uses_the_given_url():
    plan = build_install({"addons": ["rate-limit"]})
    values = yaml.safe_load(plan.files["envoy-gateway-values.yaml"])
    their_addon = yaml.safe_load(
        shared_path("upstream-examples", "token_ratelimit", "envoy-gateway-values-addon.yaml").read_text()
    )
    # Same rate limit backend as upstream's addon values (we keep Envoy Gateway's own ratelimit image).
    assert values["config"]["envoyGateway"]["rateLimit"] == their_addon["config"]["envoyGateway"]["rateLimit"]
    assert values["config"]["envoyGateway"]["rateLimit"] == {
        "backend": {"type": "Redis", "redis": {"url": "redis.redis-system.svc.cluster.local:6379"}}
    }
    their_redis = upstream("token_ratelimit", "redis.yaml")
    assert [(d["kind"], d["metadata"]["name"]) for d in their_redis] == [
        (d["kind"], d["metadata"]["name"]) for d in yaml.safe_load_all(plan.files["redis.yaml"]) if d
    ]
    redis = [d for d in yaml.safe_load_all(plan.files["redis.yaml"]) if d]
    assert [(d["kind"], d["metadata"].get("namespace")) for d in redis] == [
        ("Namespace", None),
        ("Service", "redis-system"),
        ("Deployment", "redis-system"),
    ]
    image = redis[2]["spec"]["template"]["spec"]["containers"][0]["image"]
    assert ":" in image and not image.endswith(":latest")
    assert plan.steps[0].command == "kubectl apply -f redis.yaml"
    own = build_install({"addons": ["rate-limit"], "redis_url": "redis.cache.svc.cluster.local:6380"})
    assert "redis.yaml" not in own.files and "kubectl apply -f redis.yaml" not in [
        s.command for s in own.steps
    ]
    assert "redis.cache.svc.cluster.local:6380" in own.files["envoy-gateway-values.yaml"]
    assert "rateLimit" not in build_install({}).files["envoy-gateway-values.yaml"]
