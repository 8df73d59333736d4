"""Traffic lint rules (AIGW-L030..L032) trip on a broken bundle and stay quiet on a near miss."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orchestrator.engine.lint.linter import LintContext, lint_documents
from tests.orchestrator.test_lint import EG, Docs, base, find, obj

Case = tuple[Callable[[Docs], Docs], LintContext]


def rate_limit(docs: Docs) -> Docs:
    rule = {
        "clientSelectors": [{"headers": [{"name": "x-user-id", "type": "Distinct"}]}],
        "limit": {"requests": 1000, "unit": "Hour"},
        "cost": {
            "request": {"from": "Number", "number": 0},
            "response": {
                "from": "Metadata",
                "metadata": {"namespace": "io.envoy.ai_gateway", "key": "llm_total_token"},
            },
        },
    }
    spec = {
        "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "route"}],
        "rateLimit": {"type": "Global", "global": {"rules": [rule]}},
    }
    return [*docs, obj(EG, "BackendTrafficPolicy", "limits", spec)]


def fallback(docs: Docs) -> Docs:
    find(docs, "AIGatewayRoute", "route")["spec"]["rules"][0]["backendRefs"] = [
        {"name": "openai", "priority": 0},
        {"name": "anthropic", "priority": 1},
    ]
    return docs


def retry(docs: Docs, kind: str = "HTTPRoute", name: str = "route") -> Docs:
    spec = {
        "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": kind, "name": name}],
        "retry": {"numRetries": 3},
    }
    return [*docs, obj(EG, "BackendTrafficPolicy", "retry", spec)]


def quota(model: str, override: str | None = "gpt-4o-mini") -> Callable[[Docs], Docs]:
    def mutate(docs: Docs) -> Docs:
        if override:
            find(docs, "AIGatewayRoute", "route")["spec"]["rules"][0]["backendRefs"][0][
                "modelNameOverride"
            ] = override
        spec = {
            "targetRefs": [
                {"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend", "name": "openai"}
            ],
            "perModelQuotas": [
                {"modelName": model, "quota": {"defaultBucket": {"limit": 10, "duration": "1h"}}}
            ],
        }
        return [*docs, obj("aigateway.envoyproxy.io/v1alpha1", "QuotaPolicy", "openai-quota", spec)]

    return mutate


TRIPS: dict[str, dict[str, Case]] = {
    "AIGW-L030": {"global-limit-without-redis": (rate_limit, LintContext())},
    "AIGW-L031": {
        "priority-without-retry": (fallback, LintContext()),
        "retry-on-another-route": (lambda d: retry(fallback(d), name="other"), LintContext()),
        "retry-on-the-gateway": (lambda d: retry(fallback(d), kind="Gateway", name="gw"), LintContext()),
    },
    "AIGW-L032": {
        "model-name-is-not-the-override": (quota("gpt-4o"), LintContext()),
        "no-override-at-all": (quota("gpt-4o-mini", override=None), LintContext()),
    },
}
QUIET: dict[str, dict[str, Case]] = {
    "AIGW-L030": {
        "redis-declared": (rate_limit, LintContext(rate_limit_backend=True)),
        "local-limits-need-no-redis": (
            lambda d: [*d, obj(EG, "BackendTrafficPolicy", "local", {"rateLimit": {"type": "Local"}})],
            LintContext(),
        ),
    },
    "AIGW-L031": {
        "retry-on-the-route": (lambda d: retry(fallback(d)), LintContext()),
        "all-priority-zero": (lambda d: d, LintContext()),
    },
    "AIGW-L032": {
        "model-name-is-the-override": (quota("gpt-4o-mini"), LintContext()),
        "backend-not-routed-here": (
            lambda d: [
                *d,
                obj(
                    "aigateway.envoyproxy.io/v1alpha1",
                    "QuotaPolicy",
                    "elsewhere",
                    {
                        "targetRefs": [
                            {"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend", "name": "x"}
                        ],
                        "perModelQuotas": [{"modelName": "m", "quota": {}}],
                    },
                ),
            ],
            LintContext(),
        ),
    },
}


def cases(table: dict[str, dict[str, Case]]) -> list[Any]:
    return [
        pytest.param(rule, case, id=f"{rule}-{case}") for rule, by_case in table.items() for case in by_case
    ]


@pytest.mark.parametrize(("rule", "case"), cases(TRIPS))
def test_traffic_rule_fires_when_its_condition_holds(rule: str, case: str) -> None:
    mutate, context = TRIPS[rule][case]
    hits = [f for f in lint_documents(mutate(base()), context) if f.rule == rule]
    assert hits, f"{rule} did not fire"
    assert all(f.hint and f.kind and f.name and f.severity == "warning" for f in hits)


@pytest.mark.parametrize(("rule", "case"), cases(QUIET))
def test_traffic_rule_stays_quiet_when_the_condition_does_not_hold(rule: str, case: str) -> None:
    mutate, context = QUIET[rule][case]
    findings = lint_documents(mutate(base()), context)
    assert rule not in {f.rule for f in findings}, [f.message for f in findings if f.rule == rule]


def test_quota_finding_names_the_overrides_it_found() -> None:
    finding = next(f for f in lint_documents(quota("gpt-4o")(base())) if f.rule == "AIGW-L032")
    assert '"gpt-4o"' in finding.message and "gpt-4o-mini" in finding.message
    assert finding.path == "spec.perModelQuotas[0].modelName"


def test_priority_finding_points_at_the_fallback_backend_ref() -> None:
    finding = next(f for f in lint_documents(fallback(base())) if f.rule == "AIGW-L031")
    assert finding.path == "spec.rules[0].backendRefs[1].priority" and "#1497" in finding.message


def test_every_traffic_rule_has_a_tripping_and_a_quiet_case() -> None:
    from orchestrator.engine.lint.linter import RULES

    ours = sorted(
        r for r, rule in RULES.items() if rule.check.__module__ == "orchestrator.engine.lint.traffic"
    )
    assert ours == sorted(TRIPS) == sorted(QUIET) == ["AIGW-L030", "AIGW-L031", "AIGW-L032"]
