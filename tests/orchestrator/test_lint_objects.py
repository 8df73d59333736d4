"""Lint rules about what the controllers make of the objects (AIGW-L060..L062) trip on a broken set and stay quiet
on a near miss: an object defined twice, a GCP backend without GCP credentials, a per-client budget keyed on a
header the client can set itself."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from orchestrator.engine.lint.linter import RULES, LintContext, lint_documents
from tests.orchestrator.test_lint import AIGW, EG, Docs, base, find, obj
from tests.orchestrator.test_lint_traffic import rate_limit

Case = Callable[[Docs], Docs]


def twice(kind: str, name: str, change: Callable[[dict[str, Any]], None] | None = None) -> Case:
    def mutate(docs: Docs) -> Docs:
        again = copy.deepcopy(find(docs, kind, name))
        if change:
            change(again)
        return [*docs, again]

    return mutate


def gcp(policy_type: str | None, schema: str = "GCPVertexAI") -> Case:
    def mutate(docs: Docs) -> Docs:
        find(docs, "AIServiceBackend", "openai")["spec"]["schema"] = {"name": schema}
        docs = [
            d for d in docs if d["kind"] != "BackendSecurityPolicy" or d["metadata"]["name"] != "openai-key"
        ]
        if policy_type is None:
            return [d for d in docs if not (d["kind"] == "BackendSecurityPolicy" and _targets(d, "openai"))]
        spec: dict[str, Any] = {
            "targetRefs": [
                {"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend", "name": "openai"}
            ],
            "type": policy_type,
        }
        if policy_type == "GCPCredentials":
            spec["gcpCredentials"] = {"projectName": "p", "region": "us-central1"}
        else:
            spec["apiKey"] = {"secretRef": {"name": "openai-key"}}
        others = [d for d in docs if not (d["kind"] == "BackendSecurityPolicy" and _targets(d, "openai"))]
        return [*others, obj(AIGW, "BackendSecurityPolicy", "openai-gcp", spec)]

    return mutate


def _targets(policy: dict[str, Any], name: str) -> bool:
    return any(t.get("name") == name for t in policy.get("spec", {}).get("targetRefs", []))


def client_auth(header: str, *, kind: str = "jwt", target: str = "Gateway", name: str = "gw") -> Case:
    def mutate(docs: Docs) -> Docs:
        ref = {"group": "gateway.networking.k8s.io", "kind": target, "name": name}
        if kind == "jwt":
            provider = {
                "name": "idp",
                "remoteJWKS": {"uri": "https://idp.example.com/jwks"},
                "claimToHeaders": [{"claim": "sub", "header": header}],
            }
            spec: dict[str, Any] = {"targetRefs": [ref], "jwt": {"providers": [provider]}}
        else:
            spec = {
                "targetRefs": [ref],
                "apiKeyAuth": {
                    "credentialRefs": [{"name": "keys"}],
                    "extractFrom": [{"headers": ["x-api-key"]}],
                    "forwardClientIDHeader": header,
                },
            }
        return [*docs, obj(EG, "SecurityPolicy", "clients", spec)]

    return mutate


def per_user_quota(docs: Docs) -> Docs:
    selector = {"headers": [{"name": "x-user-id", "type": "Distinct"}]}
    spec = {
        "targetRefs": [{"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend", "name": "openai"}],
        "perModelQuotas": [
            {
                "modelName": "gpt-4o-mini",
                "quota": {
                    "mode": "Shared",
                    "bucketRules": [
                        {"clientSelectors": [selector], "quota": {"limit": 10, "duration": "1h"}}
                    ],
                },
            }
        ],
    }
    return [*docs, obj("aigateway.envoyproxy.io/v1alpha1", "QuotaPolicy", "openai-quota", spec)]


def _rename_header(docs: Docs) -> Docs:
    return client_auth("x-tenant-id")(rate_limit(docs))


TRIPS: dict[str, dict[str, Case]] = {
    "AIGW-L060": {
        "policy-defined-twice-differently": twice(
            "ClientTrafficPolicy", "buffer", lambda d: d["spec"]["connection"].update(bufferLimit="1Mi")
        ),
        "route-defined-twice-identically": twice("AIGatewayRoute", "route"),
        "same-object-in-another-version": twice(
            "AIServiceBackend", "openai", lambda d: d.update(apiVersion="aigateway.envoyproxy.io/v1alpha1")
        ),
    },
    "AIGW-L061": {
        "vertex-without-policy": gcp(None),
        "vertex-with-an-api-key-policy": gcp("APIKey"),
        "gcp-anthropic-without-policy": gcp(None, "GCPAnthropic"),
    },
    "AIGW-L062": {
        "rate-limit-without-client-auth": rate_limit,
        "client-auth-sets-another-header": _rename_header,
        "client-auth-on-another-gateway": lambda d: client_auth("x-user-id", name="other")(rate_limit(d)),
        "quota-without-client-auth": per_user_quota,
    },
}
QUIET: dict[str, dict[str, Case]] = {
    "AIGW-L060": {
        "same-name-other-namespace": twice(
            "AIGatewayRoute", "route", lambda d: d["metadata"].update(namespace="b")
        ),
        "same-name-other-kind": lambda d: [*d, obj(EG, "BackendTrafficPolicy", "buffer", {})],
    },
    "AIGW-L061": {
        "vertex-with-gcp-credentials": gcp("GCPCredentials"),
        "openai-needs-none": lambda d: d,
    },
    "AIGW-L062": {
        "jwt-claim-sets-the-header": lambda d: client_auth("X-User-Id")(rate_limit(d)),
        "api-key-client-id-on-the-route": lambda d: client_auth(
            "x-user-id", kind="apikey", target="HTTPRoute", name="route"
        )(rate_limit(d)),
        "quota-with-jwt-on-the-gateway": lambda d: client_auth("x-user-id")(per_user_quota(d)),
        "shared-budget-has-no-header": lambda d: [
            *d,
            obj(
                EG,
                "BackendTrafficPolicy",
                "shared",
                {
                    "rateLimit": {
                        "type": "Global",
                        "global": {"rules": [{"limit": {"requests": 1, "unit": "Hour"}}]},
                    }
                },
            ),
        ],
    },
}


def cases(table: dict[str, dict[str, Case]]) -> list[Any]:
    return [
        pytest.param(rule, case, id=f"{rule}-{case}") for rule, by_case in table.items() for case in by_case
    ]


@pytest.mark.parametrize(("rule", "case"), cases(TRIPS))
def test_rule_fires_when_its_condition_holds(rule: str, case: str) -> None:
    hits = [f for f in lint_documents(TRIPS[rule][case](base())) if f.rule == rule]
    assert hits, f"{rule} did not fire"
    assert all(f.hint and f.kind and f.name for f in hits)


@pytest.mark.parametrize(("rule", "case"), cases(QUIET))
def test_rule_stays_quiet_when_the_condition_does_not_hold(rule: str, case: str) -> None:
    findings = lint_documents(QUIET[rule][case](base()))
    assert rule not in {f.rule for f in findings}, [f.message for f in findings if f.rule == rule]


def test_an_object_defined_twice_is_one_duplicate_finding_not_a_conflict_with_itself() -> None:
    docs = twice("AIGatewayRoute", "route")(base())
    docs = [*docs, copy.deepcopy(find(docs, "BackendSecurityPolicy", "openai-key"))]
    docs = [*docs, copy.deepcopy(find(docs, "ClientTrafficPolicy", "buffer"))]
    findings = lint_documents(docs, sources=[f"in.yaml#{i + 1}" for i in range(len(docs))])
    # Before: AIGW-L011 said the route's rules shadow the same route's rules, AIGW-L006 that the policy is
    # "already targeted by" itself, AIGW-L070 that the ClientTrafficPolicy conflicts with itself.
    assert {f.rule for f in findings if f.severity != "info"} == {"AIGW-L060"}
    route_dup = next(f for f in findings if f.kind == "AIGatewayRoute")
    assert route_dup.severity == "warning" and "identically" in route_dup.message
    assert f"in.yaml#{[d['kind'] for d in docs].index('AIGatewayRoute') + 1}" in route_dup.message


def test_a_differing_duplicate_is_an_error_saying_which_definition_is_lost() -> None:
    docs = TRIPS["AIGW-L060"]["policy-defined-twice-differently"](base())
    (finding,) = [f for f in lint_documents(docs) if f.rule == "AIGW-L060"]
    assert finding.severity == "error" and "earlier one is silently lost" in finding.message


def test_gcp_finding_names_the_policy_type_it_found_and_partial_input_keeps_a_wrong_type_an_error() -> None:
    (wrong,) = [f for f in lint_documents(gcp("APIKey")(base())) if f.rule == "AIGW-L061"]
    assert "only a APIKey policy is attached" in wrong.message and wrong.severity == "error"
    partial = LintContext(partial=True)
    (still,) = [f for f in lint_documents(gcp("APIKey")(base()), partial) if f.rule == "AIGW-L061"]
    assert still.severity == "error"  # the policy is in the files and of the wrong type
    (note,) = [f for f in lint_documents(gcp(None)(base()), partial) if f.rule == "AIGW-L061"]
    assert note.severity == "info"  # the GCPCredentials policy may be applied from elsewhere


def test_spoofable_header_finding_points_at_the_selector_and_the_fix() -> None:
    (finding,) = [f for f in lint_documents(rate_limit(base())) if f.rule == "AIGW-L062"]
    assert finding.path == "spec.rateLimit.global.rules[0].clientSelectors"
    assert finding.severity == "warning" and "x-user-id" in finding.message
    assert "claimToHeaders" in (finding.hint or "")


def test_every_rule_here_has_a_tripping_and_a_quiet_case() -> None:
    modules = {"duplicates", "schemas", "identity"}
    ours = sorted(r for r, rule in RULES.items() if rule.check.__module__.rsplit(".", 1)[-1] in modules)
    assert ours == sorted(TRIPS) == sorted(QUIET) == ["AIGW-L060", "AIGW-L061", "AIGW-L062"]
