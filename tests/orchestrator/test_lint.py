"""Cross-resource lint: every rule fires on a bundle that breaks it and stays quiet on one that does not."""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from typing import Any

import pytest

from orchestrator.engine.lint.linter import RULES, LintContext, lint_documents

EG = "gateway.envoyproxy.io/v1alpha1"
AIGW = "aigateway.envoyproxy.io/v1beta1"
GWAPI = "gateway.networking.k8s.io/v1"
Docs = list[dict[str, Any]]


def obj(
    api: str, kind: str, name: str, spec: Any = None, ns: str | None = "default", **top: Any
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if ns:
        meta["namespace"] = ns
    doc: dict[str, Any] = {"apiVersion": api, "kind": kind, "metadata": meta}
    if spec is not None:
        doc["spec"] = spec
    doc.update(top)
    return doc


def model_rule(model: str, backend: str) -> dict[str, Any]:
    return {
        "matches": [{"headers": [{"type": "Exact", "name": "x-ai-eg-model", "value": model}]}],
        "backendRefs": [{"name": backend}],
    }


def provider(name: str, schema: str, host: str) -> Docs:
    return [
        obj(
            AIGW,
            "AIServiceBackend",
            name,
            {
                "schema": {"name": schema},
                "backendRef": {"name": name, "kind": "Backend", "group": "gateway.envoyproxy.io"},
            },
        ),
        obj(EG, "Backend", name, {"endpoints": [{"fqdn": {"hostname": host, "port": 443}}]}),
        obj(
            GWAPI,
            "BackendTLSPolicy",
            f"{name}-tls",
            {
                "targetRefs": [{"group": "gateway.envoyproxy.io", "kind": "Backend", "name": name}],
                "validation": {"wellKnownCACertificates": "System", "hostname": host},
            },
        ),
        obj(
            AIGW,
            "BackendSecurityPolicy",
            f"{name}-key",
            {
                "targetRefs": [
                    {"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend", "name": name}
                ],
                "type": "APIKey",
                "apiKey": {"secretRef": {"name": f"{name}-key"}},
            },
        ),
        obj("v1", "Secret", f"{name}-key", None, type="Opaque", stringData={"apiKey": "OPENAI_API_KEY"}),
    ]


def base() -> Docs:
    """A complete, clean OpenAI + Anthropic setup."""
    return [
        obj(
            GWAPI,
            "GatewayClass",
            "eg",
            {"controllerName": "gateway.envoyproxy.io/gatewayclass-controller"},
            ns=None,
        ),
        obj(
            GWAPI,
            "Gateway",
            "gw",
            {"gatewayClassName": "eg", "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]},
        ),
        obj(
            EG,
            "ClientTrafficPolicy",
            "buffer",
            {
                "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gw"}],
                "connection": {"bufferLimit": "50Mi"},
            },
        ),
        obj(
            AIGW,
            "AIGatewayRoute",
            "route",
            {
                "parentRefs": [{"name": "gw", "kind": "Gateway", "group": "gateway.networking.k8s.io"}],
                "rules": [model_rule("gpt-4o-mini", "openai"), model_rule("claude-sonnet-4", "anthropic")],
            },
        ),
        *provider("openai", "OpenAI", "api.openai.com"),
        *provider("anthropic", "Anthropic", "api.anthropic.com"),
    ]


def find(docs: Docs, kind: str, name: str) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name)


def drop(docs: Docs, kind: str, name: str) -> Docs:
    return [d for d in docs if not (d["kind"] == kind and d["metadata"]["name"] == name)]


def route(docs: Docs) -> dict[str, Any]:
    return find(docs, "AIGatewayRoute", "route")


def set_route_ns(docs: Docs, ns: str) -> Docs:
    route(docs)["metadata"]["namespace"] = ns
    route(docs)["spec"]["parentRefs"][0]["namespace"] = "default"
    for ref in (r for rule in route(docs)["spec"]["rules"] for r in rule["backendRefs"]):
        ref["namespace"] = "default"
    return docs


def grants(docs: Docs) -> Docs:
    return [
        *docs,
        obj(
            "gateway.networking.k8s.io/v1beta1",
            "ReferenceGrant",
            "from-ai",
            {
                "from": [{"group": "aigateway.envoyproxy.io", "kind": "AIGatewayRoute", "namespace": "ai"}],
                "to": [{"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend"}],
            },
        ),
        obj(
            "gateway.networking.k8s.io/v1beta1",
            "ReferenceGrant",
            "backends-from-ai",
            {
                "from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "ai"}],
                "to": [{"group": "gateway.envoyproxy.io", "kind": "Backend"}],
            },
        ),
    ]


def secret_value(value: str, field: str = "stringData") -> Callable[[Docs], Docs]:
    def mutate(docs: Docs) -> Docs:
        secret = find(docs, "Secret", "openai-key")
        secret.pop("stringData")
        secret[field] = {
            "apiKey": value if field == "stringData" else base64.b64encode(value.encode()).decode()
        }
        return docs

    return mutate


def with_(mutate: Callable[[Docs], Any]) -> Callable[[Docs], Docs]:
    """Apply an in-place mutation and return the documents."""

    def run(docs: Docs) -> Docs:
        mutate(docs)
        return docs

    return run


def plain_http_backend(docs: Docs) -> Docs:
    find(docs, "Backend", "openai")["spec"]["endpoints"][0]["fqdn"]["port"] = 80
    return drop(docs, "BackendTLSPolicy", "openai-tls")


def backend_with_own_tls(docs: Docs) -> Docs:
    find(docs, "Backend", "openai")["spec"]["tls"] = {"wellKnownCACertificates": "System"}
    return drop(docs, "BackendTLSPolicy", "openai-tls")


FAKE_OPENAI_KEY = "sk-proj-" + "Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ3lN5"
FAKE_AWS_KEY = "AKIA" + "ABCDEFGHIJKLMNOP"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----"

# rule id -> {case: (mutation, LintContext)} that must produce at least one finding of that rule
TRIPS: dict[str, dict[str, tuple[Callable[[Docs], Docs], LintContext]]] = {
    "AIGW-L001": {"backend-missing": (lambda d: drop(d, "Backend", "openai"), LintContext())},
    "AIGW-L002": {
        "service-backend-typo": (
            with_(lambda d: route(d)["spec"]["rules"][0]["backendRefs"][0].update(name="opneai")),
            LintContext(),
        ),
        "inference-pool-missing": (
            with_(
                lambda d: route(d)["spec"]["rules"][0].update(
                    backendRefs=[
                        {"group": "inference.networking.k8s.io", "kind": "InferencePool", "name": "pool"}
                    ]
                )
            ),
            LintContext(),
        ),
    },
    "AIGW-L003": {
        "gateway-missing": (lambda d: drop(d, "Gateway", "gw"), LintContext()),
        "no-parent-refs": (with_(lambda d: route(d)["spec"].pop("parentRefs")), LintContext()),
    },
    "AIGW-L004": {
        "other-controller": (
            with_(
                lambda d: find(d, "GatewayClass", "eg")["spec"].update(
                    controllerName="istio.io/gateway-controller"
                )
            ),
            LintContext(),
        ),
        "class-missing": (lambda d: drop(d, "GatewayClass", "eg"), LintContext()),
    },
    "AIGW-L005": {
        "no-client-traffic-policy": (lambda d: drop(d, "ClientTrafficPolicy", "buffer"), LintContext()),
        "policy-without-buffer-limit": (
            with_(lambda d: find(d, "ClientTrafficPolicy", "buffer")["spec"].pop("connection")),
            LintContext(),
        ),
    },
    "AIGW-L006": {
        "two-policies-one-backend": (
            lambda d: [
                *d,
                {
                    **copy.deepcopy(find(d, "BackendSecurityPolicy", "openai-key")),
                    "metadata": {"name": "dup", "namespace": "default"},
                },
            ],
            LintContext(),
        ),
        "same-target-twice-in-one-policy": (
            with_(
                lambda d: find(d, "BackendSecurityPolicy", "openai-key")["spec"]["targetRefs"].append(
                    {"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend", "name": "openai"}
                )
            ),
            LintContext(),
        ),
    },
    "AIGW-L007": {"secret-missing": (lambda d: drop(d, "Secret", "openai-key"), LintContext())},
    "AIGW-L008": {
        "wrong-key": (
            with_(lambda d: find(d, "Secret", "openai-key").update(stringData={"api-key": "x"})),
            LintContext(),
        ),
        "aws-credentials-key": (
            with_(
                lambda d: find(d, "BackendSecurityPolicy", "openai-key").update(
                    spec={
                        "targetRefs": [
                            {"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend", "name": "openai"}
                        ],
                        "type": "AWSCredentials",
                        "awsCredentials": {
                            "region": "us-east-1",
                            "credentialsFile": {"secretRef": {"name": "openai-key"}},
                        },
                    }
                )
            ),
            LintContext(),
        ),
    },
    "AIGW-L009": {
        "tls-policy-missing": (lambda d: drop(d, "BackendTLSPolicy", "openai-tls"), LintContext()),
        "hostname-mismatch": (
            with_(
                lambda d: find(d, "BackendTLSPolicy", "openai-tls")["spec"]["validation"].update(
                    hostname="openai.com"
                )
            ),
            LintContext(),
        ),
    },
    "AIGW-L010": {"route-in-other-namespace": (lambda d: set_route_ns(d, "ai"), LintContext())},
    "AIGW-L011": {
        "same-model-twice": (
            with_(lambda d: route(d)["spec"]["rules"].append(model_rule("gpt-4o-mini", "anthropic"))),
            LintContext(),
        ),
        "same-model-in-two-routes": (
            lambda d: [
                *d,
                {**copy.deepcopy(route(d)), "metadata": {"name": "route2", "namespace": "default"}},
            ],
            LintContext(),
        ),
    },
    "AIGW-L012": {
        "sixteen-rules": (
            with_(
                lambda d: route(d)["spec"].update(rules=[model_rule(f"m{i}", "openai") for i in range(16)])
            ),
            LintContext(),
        ),
    },
    "AIGW-L013": {
        "openai-version-as-prefix": (
            with_(
                lambda d: find(d, "AIServiceBackend", "openai")["spec"]["schema"].update(
                    version="v1beta/openai"
                )
            ),
            LintContext(),
        ),
    },
    "AIGW-L014": {
        "aigw-v1alpha1": (
            with_(lambda d: route(d).update(apiVersion="aigateway.envoyproxy.io/v1alpha1")),
            LintContext(),
        ),
        "backend-tls-v1alpha3": (
            with_(
                lambda d: find(d, "BackendTLSPolicy", "openai-tls").update(
                    apiVersion="gateway.networking.k8s.io/v1alpha3"
                )
            ),
            LintContext(),
        ),
    },
    "AIGW-L015": {
        "openai-key": (secret_value(FAKE_OPENAI_KEY), LintContext()),
        "aws-key-in-data": (secret_value(FAKE_AWS_KEY, "data"), LintContext()),
        "pem": (secret_value(PEM), LintContext()),
        "random-token": (secret_value("Zx81Qm2Lp9Rt4Vb6Nc3Hd7Fg5Jk0Ws2Ey"), LintContext()),
    },
    "AIGW-L076": {
        "key-in-a-configmap": (
            lambda d: [
                *d,
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": "env"},
                    "data": {"OPENAI_API_KEY": FAKE_OPENAI_KEY},
                },
            ],
            LintContext(),
        ),
        "key-in-an-annotation": (
            with_(lambda d: route(d)["metadata"].setdefault("annotations", {}).update(note=FAKE_AWS_KEY)),
            LintContext(),
        ),
    },
}

# rule id -> {case: (mutation, LintContext)} close to a trip that must produce no finding of that rule
QUIET: dict[str, dict[str, tuple[Callable[[Docs], Docs], LintContext]]] = {
    "AIGW-L001": {
        "backend-declared-existing": (
            lambda d: drop(d, "Backend", "openai"),
            LintContext(existing_resources=frozenset({"Backend/default/openai"})),
        )
    },
    "AIGW-L002": {
        "inference-pool-present": (
            lambda d: [
                *with_(
                    lambda x: route(x)["spec"]["rules"][0].update(
                        backendRefs=[
                            {"group": "inference.networking.k8s.io", "kind": "InferencePool", "name": "pool"}
                        ]
                    )
                )(d),
                obj("inference.networking.k8s.io/v1", "InferencePool", "pool", {}),
            ],
            LintContext(),
        )
    },
    "AIGW-L003": {
        "gateway-declared-existing": (
            lambda d: drop(d, "Gateway", "gw"),
            LintContext(existing_gateways=frozenset({"default/gw"})),
        )
    },
    "AIGW-L004": {
        "class-declared-existing": (
            lambda d: drop(d, "GatewayClass", "eg"),
            LintContext(existing_gateway_classes=frozenset({"eg"})),
        )
    },
    "AIGW-L005": {
        "existing-gateway-is-not-ours-to-check": (
            lambda d: drop(drop(d, "Gateway", "gw"), "ClientTrafficPolicy", "buffer"),
            LintContext(existing_gateways=frozenset({"gw"})),
        )
    },
    "AIGW-L006": {"one-policy-per-backend": (lambda d: d, LintContext())},
    "AIGW-L007": {
        "secret-declared-external": (
            lambda d: drop(d, "Secret", "openai-key"),
            LintContext(external_secrets=frozenset({"default/openai-key"})),
        )
    },
    "AIGW-L008": {"key-in-data": (secret_value("OPENAI_API_KEY", "data"), LintContext())},
    "AIGW-L009": {
        "plain-http-backend": (plain_http_backend, LintContext()),
        "backend-own-tls": (backend_with_own_tls, LintContext()),
    },
    "AIGW-L010": {"grants-present": (lambda d: grants(set_route_ns(d, "ai")), LintContext())},
    "AIGW-L011": {"distinct-models": (lambda d: d, LintContext())},
    "AIGW-L012": {
        "fifteen-rules": (
            with_(
                lambda d: route(d)["spec"].update(rules=[model_rule(f"m{i}", "openai") for i in range(15)])
            ),
            LintContext(),
        )
    },
    "AIGW-L013": {
        "azure-api-version": (
            with_(
                lambda d: find(d, "AIServiceBackend", "openai")["spec"]["schema"].update(
                    name="AzureOpenAI", version="2025-01-01-preview"
                )
            ),
            LintContext(),
        ),
        "aws-anthropic-version": (
            with_(
                lambda d: find(d, "AIServiceBackend", "anthropic")["spec"]["schema"].update(
                    name="AWSAnthropic", version="bedrock-2023-05-31"
                )
            ),
            LintContext(),
        ),
    },
    "AIGW-L014": {
        "quota-policy-v1alpha1-is-current": (
            lambda d: [*d, obj("aigateway.envoyproxy.io/v1alpha1", "QuotaPolicy", "q", {})],
            LintContext(),
        ),
        # v0.5.0 serves only v1alpha1 (v1beta1 arrived in v0.6.0): moving to v1beta1 would break the apply
        "aigw-v1alpha1-on-a-release-without-v1beta1": (
            with_(lambda d: route(d).update(apiVersion="aigateway.envoyproxy.io/v1alpha1")),
            LintContext(target_version="v0.5.0"),
        ),
    },
    "AIGW-L015": {
        "placeholder": (secret_value("OPENAI_API_KEY"), LintContext()),
        "angle-placeholder": (secret_value("<your-openai-api-key-goes-here-0123456789>"), LintContext()),
        "short": (secret_value("changeme"), LintContext()),
    },
    "AIGW-L076": {
        "checksum-annotation": (
            with_(
                lambda d: (
                    route(d)["metadata"]
                    .setdefault("annotations", {})
                    .update(
                        {
                            "checksum/config": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
                        }
                    )
                )
            ),
            LintContext(),
        ),
        "env-var-name-in-a-configmap": (
            lambda d: [
                *d,
                {
                    "apiVersion": "v1",
                    "kind": "ConfigMap",
                    "metadata": {"name": "env"},
                    "data": {"KEY_VAR": "OPENAI_API_KEY"},
                },
            ],
            LintContext(),
        ),
    },
}


# The rules these tests cover; other modules plug more rules into the same registry and test them themselves.
MODULES = (
    "orchestrator.engine.lint.refs",
    "orchestrator.engine.lint.policies",
    "orchestrator.engine.lint.routes",
    "orchestrator.engine.lint.secrets",
)
OURS = sorted(r for r, rule in RULES.items() if rule.check.__module__ in MODULES)


def rule_ids(findings: list[Any]) -> set[str]:
    return {f.rule for f in findings}


def cases(table: dict[str, dict[str, Any]]) -> list[Any]:
    return [
        pytest.param(rule, case, id=f"{rule}-{case}") for rule, by_case in table.items() for case in by_case
    ]


def test_clean_bundle_has_no_lint_findings() -> None:
    assert lint_documents(base(), rules=OURS) == []


def test_clean_bundle_passes_schema_and_cel_too(crd_set: Any) -> None:
    from orchestrator.engine.validate import validate_documents

    report = validate_documents(base(), crds=crd_set, lint=False)
    assert report.findings == [], [f"{f.resource} {f.path}: {f.message}" for f in report.findings]


@pytest.mark.parametrize(("rule", "case"), cases(TRIPS))
def test_rule_fires_when_its_condition_holds(rule: str, case: str) -> None:
    mutate, context = TRIPS[rule][case]
    findings = lint_documents(mutate(base()), context)
    hits = [f for f in findings if f.rule == rule]
    assert hits, f"{rule} did not fire; got {rule_ids(findings)}"
    for f in hits:
        assert f.hint, f"{rule} finding without a fix hint"
        assert f.kind and f.name and f.source


@pytest.mark.parametrize(("rule", "case"), cases(QUIET))
def test_rule_stays_quiet_when_the_condition_does_not_hold(rule: str, case: str) -> None:
    mutate, context = QUIET[rule][case]
    findings = lint_documents(mutate(base()), context)
    assert rule not in rule_ids(findings), [f.message for f in findings if f.rule == rule]


def test_every_rule_of_these_modules_has_a_tripping_and_a_quiet_case() -> None:
    assert set(OURS) == set(TRIPS) == set(QUIET)
    assert len(OURS) == 16


def test_severities_follow_the_rule_unless_a_case_overrides_it() -> None:
    assert {r: RULES[r].severity for r in ("AIGW-L001", "AIGW-L005", "AIGW-L015")} == {
        "AIGW-L001": "error",
        "AIGW-L005": "warning",
        "AIGW-L015": "warning",
    }
    (no_parents,) = [
        f for f in lint_documents(TRIPS["AIGW-L003"]["no-parent-refs"][0](base())) if f.rule == "AIGW-L003"
    ]
    assert no_parents.severity == "warning"


@pytest.mark.parametrize("secret", [FAKE_OPENAI_KEY, FAKE_AWS_KEY, PEM])
def test_credential_findings_never_echo_the_value(secret: str) -> None:
    findings = lint_documents(secret_value(secret)(base()))
    text = " ".join(f"{f.message} {f.hint}" for f in findings)
    assert "AIGW-L015" in rule_ids(findings)
    assert secret not in text and secret[:12] not in text


def test_a_secret_key_name_that_looks_like_a_key_is_never_echoed() -> None:
    """QA sweep 2 (D12): a stringData key named with a key came back in the path and the hint."""

    def mutate(docs: Docs) -> Docs:
        find(docs, "Secret", "openai-key")["stringData"] = {FAKE_OPENAI_KEY: FAKE_OPENAI_KEY}
        return docs

    findings = lint_documents(mutate(base()))
    text = " ".join(f"{f.path} {f.message} {f.hint}" for f in findings)
    assert "AIGW-L015" in rule_ids(findings) and "stringData[<key>]" in text
    assert FAKE_OPENAI_KEY not in text and FAKE_OPENAI_KEY[:12] not in text


def test_cross_namespace_route_needs_both_reference_grants() -> None:
    findings = [f for f in lint_documents(set_route_ns(base(), "ai")) if f.rule == "AIGW-L010"]
    kinds = {("AIServiceBackend" in f.message, "Backend" in f.message) for f in findings}
    assert len(findings) == 4  # two backends x (route -> AIServiceBackend, HTTPRoute -> Backend)
    assert (True, True) in kinds


def test_too_many_rules_hint_says_how_many_routes_to_split_into() -> None:
    (finding,) = [
        f for f in lint_documents(TRIPS["AIGW-L012"]["sixteen-rules"][0](base())) if f.rule == "AIGW-L012"
    ]
    assert "Split it into 2 AIGatewayRoutes" in (finding.hint or "")


def test_a_target_repeated_in_one_policy_is_reported_once_at_the_repeat() -> None:
    # upstream's gateway controller (gateway.go backendWithMaybeBSP, v1.1.0) counts the policy per targetRef
    docs = TRIPS["AIGW-L006"]["same-target-twice-in-one-policy"][0](base())
    (finding,) = [f for f in lint_documents(docs) if f.rule == "AIGW-L006"]
    assert finding.path == "spec.targetRefs[1]" and finding.name == "openai-key"
    assert (
        'AIServiceBackend "openai" is already targeted by spec.targetRefs[0] of this policy'
        in finding.message
    )


def test_context_accepts_bare_names_and_namespaced_names() -> None:
    docs = drop(base(), "Secret", "openai-key")
    for entry in ("openai-key", "default/openai-key"):
        assert "AIGW-L007" not in rule_ids(
            lint_documents(docs, LintContext(external_secrets=frozenset({entry})))
        )
    assert "AIGW-L007" in rule_ids(
        lint_documents(docs, LintContext(external_secrets=frozenset({"other/openai-key"})))
    )


def test_same_named_kinds_of_other_groups_do_not_hide_ours() -> None:
    istio_gateway = obj("networking.istio.io/v1", "Gateway", "gw", {"servers": []})
    assert lint_documents([istio_gateway, *base()], rules=OURS) == []


def test_selected_rules_only() -> None:
    findings = lint_documents(drop(base(), "Backend", "openai"), rules=["AIGW-L003"])
    assert findings == []


def test_l076s_length_prefilter_is_below_every_vendor_patterns_shortest_match() -> None:
    """L076 skips values shorter than _SHORTEST_KEY for speed: no vendor pattern can match one."""
    import re._parser as parser  # the width of a compiled pattern's shortest match

    from orchestrator.engine.lint.secrets import _SHORTEST_KEY
    from skills.credentials import _PATTERNS

    assert min(parser.parse(p.pattern).getwidth()[0] for _, p in _PATTERNS) >= _SHORTEST_KEY
