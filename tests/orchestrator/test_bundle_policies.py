"""One Envoy Gateway policy per target in every bundle (issue 13 item 1).

Envoy Gateway v1.8.1 attaches one BackendTrafficPolicy per HTTPRoute and marks the others Conflicted
(envoyproxy/gateway internal/gatewayapi/backendtrafficpolicy.go, order from resource/resource.go): a bundle with
failover and token limits used to emit ai-gateway-retry and ai-gateway-token-limits, and the token limits were
silently not enforced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.compose.bundle import build_bundle
from orchestrator.compose.policies import merge_policies
from orchestrator.engine.lint.linter import LintContext, lint_documents
from skills.render import render_object

OLD = Path(__file__).resolve().parents[1] / "fixtures" / "trace-old"
FAILOVER_WITH_LIMITS: dict[str, Any] = {
    "providers": [
        {"provider": "openai", "models": ["chat=gpt-4o-mini"]},
        {"provider": "aws-bedrock", "region": "us-east-1", "models": ["chat=us.amazon.nova-micro-v1:0"]},
    ],
    "routing": {"strategy": "failover", "health_check": {"consecutive_5xx": 3}},
    "limits": {
        "token_limits": [{"type": "TotalToken", "limit": 100000, "unit": "Hour", "per_header": "x-user-id"}]
    },
}


def _docs(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d]


def test_failover_with_token_limits_emits_one_backend_traffic_policy_per_route() -> None:
    bundle = build_bundle(FAILOVER_WITH_LIMITS)
    policies = [d for d in _docs(bundle.files["manifests.yaml"]) if d["kind"] == "BackendTrafficPolicy"]
    assert len(policies) == 1
    (policy,) = policies
    assert policy["metadata"]["name"] == "ai-gateway-traffic"
    assert policy["spec"]["targetRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "ai-gateway"}
    ]
    assert {"retry", "healthCheck", "rateLimit"} <= set(policy["spec"])
    assert "AIGW-L070" not in {f.rule for f in bundle.report.findings}
    assert any("merges ai-gateway-retry, ai-gateway-token-limits" in n for n in bundle.composition.notes)


def test_merged_policy_keeps_both_parts_comments_and_cites_upstream() -> None:
    text = build_bundle(FAILOVER_WITH_LIMITS).files["manifests.yaml"]
    assert "backendtrafficpolicy.go@v1.8.1" in text
    assert "# Priority fallback only happens on retry" in text and "# Token budgets:" in text


def test_the_old_two_policy_bundle_leaves_token_limits_conflicted() -> None:
    docs = _docs((OLD / "failover-token-limits" / "manifests.yaml").read_text(encoding="utf-8"))
    (finding,) = [f for f in lint_documents(docs, LintContext()) if f.rule == "AIGW-L070"]
    assert finding.name == "ai-gateway-token-limits" and "ai-gateway-retry wins" in finding.message


def _btp(name: str, route: str, **spec: Any) -> tuple[dict[str, Any], str]:
    text = yaml.safe_dump(
        {
            "apiVersion": "gateway.envoyproxy.io/v1alpha1",
            "kind": "BackendTrafficPolicy",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {
                "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": route}],
                **spec,
            },
        },
        sort_keys=False,
    )
    return yaml.safe_load(text), text


def test_policies_on_different_targets_stay_apart() -> None:
    pairs = [_btp("a", "one", retry={"numRetries": 1}), _btp("b", "two", rateLimit={"type": "Global"})]
    merged, notes = merge_policies(pairs)
    assert [p[0]["metadata"]["name"] for p in merged] == ["a", "b"] and notes == []


def test_two_parts_setting_the_same_field_differently_are_not_merged_silently() -> None:
    pairs = [_btp("a", "one", retry={"numRetries": 1}), _btp("b", "one", retry={"numRetries": 2})]
    with pytest.raises(ValueError, match=r"spec\.retry differs"):
        merge_policies(pairs)


def test_route_skill_retry_and_ratelimit_skill_limits_merge_to_one_reparsable_document() -> None:
    retry = render_object(
        "aigw-route",
        "backendtrafficpolicy.yaml.j2",
        name="r-retry",
        namespace="default",
        route="r",
        attempts=2,
        per_try_timeout="10s",
        status_codes=[503],
        passive=None,
    )
    merged, _ = merge_policies([retry, _btp("r-limits", "r", rateLimit={"type": "Local"})])
    (only,) = merged
    assert yaml.safe_load(only[1]) == only[0] and only[0]["metadata"]["name"] == "r-traffic"
