"""Controller-semantics lint rules (AIGW-L070..L075): each fires on manifests that break it and stays quiet on a
near miss. Upstream sources: envoyproxy/gateway internal/gatewayapi/{backendtrafficpolicy,clienttrafficpolicy,
securitypolicy,envoyextensionpolicy}.go and resource/resource.go@v1.8.1; envoyproxy/ai-gateway
internal/endpointspec/endpointspec.go, internal/controller/mcp_route.go, internal/backendauth/aws.go@v1.1.0."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orchestrator.engine.lint.linter import RULES, LintContext, lint_documents
from tests.orchestrator.test_lint import AIGW, EG, Docs, base, find, obj

Case = tuple[Callable[[Docs], Docs], LintContext]
V11 = LintContext(target_version="v1.1.0")
HTTPROUTE = {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "route"}
GATEWAY = {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gw"}


def policy(kind: str, name: str, target: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return obj(EG, kind, name, {"targetRefs": [target], **spec})


def add(*objects: dict[str, Any]) -> Callable[[Docs], Docs]:
    return lambda docs: [*docs, *objects]


RETRY = policy("BackendTrafficPolicy", "route-retry", HTTPROUTE, retry={"numRetries": 3})
LIMITS = policy("BackendTrafficPolicy", "route-token-limits", HTTPROUTE, rateLimit={"type": "Global"})


def two_rules_one_backend_each(
    schema_a: str, schema_b: str, *, priority: bool = True
) -> Callable[[Docs], Docs]:
    def mutate(docs: Docs) -> Docs:
        find(docs, "AIServiceBackend", "openai")["spec"]["schema"]["name"] = schema_a
        find(docs, "AIServiceBackend", "anthropic")["spec"]["schema"]["name"] = schema_b
        second = {"name": "anthropic", "priority": 1} if priority else {"name": "anthropic"}
        find(docs, "AIGatewayRoute", "route")["spec"]["rules"][0]["backendRefs"] = [
            {"name": "openai"},
            second,
        ]
        return docs

    return mutate


def mcp_route(
    name: str, path: str | None, *, oauth: bool = True, hostnames: list[str] | None = None
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "parentRefs": [{"name": "gw", "kind": "Gateway", "group": "gateway.networking.k8s.io"}],
        "backendRefs": [{"name": "tools", "kind": "Service", "port": 80}],
    }
    if path is not None:
        spec["path"] = path
    if hostnames:
        spec["hostnames"] = hostnames
    if oauth:
        spec["securityPolicy"] = {
            "oauth": {
                "issuer": "https://idp.example.com",
                "protectedResourceMetadata": {"resource": f"https://gw.example.com{path or '/mcp'}"},
            }
        }
    return obj(AIGW, "MCPRoute", name, spec)


def mantle(docs: Docs) -> Docs:
    find(docs, "Backend", "openai")["spec"]["endpoints"][0]["fqdn"]["hostname"] = (
        "bedrock-mantle.us-east-2.api.aws"
    )
    key = find(docs, "BackendSecurityPolicy", "openai-key")["spec"]
    key.pop("apiKey")
    key.update({"type": "AWSCredentials", "awsCredentials": {"region": "us-east-2"}})
    return docs


def rule_name(docs: Docs) -> Docs:
    find(docs, "AIGatewayRoute", "route")["spec"]["rules"][0]["name"] = "gpt"
    return docs


TRIPS: dict[str, dict[str, Case]] = {
    "AIGW-L070": {
        "retry-and-token-limits-on-one-httproute": (add(RETRY, LIMITS), V11),
        "two-client-traffic-policies-on-the-gateway": (
            add(policy("ClientTrafficPolicy", "timeouts", GATEWAY, timeout={"http": {"idleTimeout": "5s"}})),
            V11,
        ),
        "two-security-policies-on-one-listener": (
            add(
                policy("SecurityPolicy", "jwt", {**GATEWAY, "sectionName": "http"}, jwt={"providers": []}),
                policy("SecurityPolicy", "keys", {**GATEWAY, "sectionName": "http"}, apiKeyAuth={}),
            ),
            V11,
        ),
        "two-extension-policies-on-one-route": (
            add(
                policy("EnvoyExtensionPolicy", "wasm-a", HTTPROUTE, wasm=[]),
                policy("EnvoyExtensionPolicy", "wasm-b", HTTPROUTE, wasm=[]),
            ),
            V11,
        ),
    },
    "AIGW-L071": {
        "route-security-policy-under-a-gateway-one": (
            add(
                policy("SecurityPolicy", "gateway-keys", GATEWAY, apiKeyAuth={}),
                policy("SecurityPolicy", "route-jwt", HTTPROUTE, jwt={"providers": []}),
            ),
            V11,
        )
    },
    "AIGW-L072": {
        "native-anthropic-fallback-for-chat": (two_rules_one_backend_each("OpenAI", "Anthropic"), V11),
        "azure-split-share-behind-responses-in-v0.6": (
            two_rules_one_backend_each("OpenAI", "AzureOpenAI", priority=False),
            LintContext(target_version="v0.6.0"),
        ),
        "cohere-and-anthropic-share-nothing": (two_rules_one_backend_each("Cohere", "Anthropic"), V11),
    },
    "AIGW-L073": {
        "two-oauth-routes-default-path": (add(mcp_route("a", None), mcp_route("b", None)), V11),
        "same-path-headers-do-not-help": (add(mcp_route("a", "/mcp/x"), mcp_route("b", "/mcp/x/")), V11),
    },
    "AIGW-L074": {"aws-credentials-on-bedrock-mantle": (mantle, V11)},
    "AIGW-L075": {
        "rule-name-before-v1.1": (rule_name, LintContext(target_version="v1.0.0")),
        "v1beta1-on-v0.5": (lambda d: d, LintContext(target_version="v0.5.0")),
        "inference-model-gone-in-gie-v1": (
            add(obj("inference.networking.x-k8s.io/v1alpha2", "InferenceModel", "m", {"modelName": "x"})),
            V11,
        ),
        "quota-policy-before-v0.6": (
            add(obj("aigateway.envoyproxy.io/v1alpha1", "QuotaPolicy", "q", {})),
            LintContext(target_version="v0.5.0"),
        ),
    },
}
QUIET: dict[str, dict[str, Case]] = {
    "AIGW-L070": {
        "one-policy-per-target": (add(RETRY), V11),
        "different-rules-of-one-route": (
            add(
                policy("BackendTrafficPolicy", "a", {**HTTPROUTE, "sectionName": "one"}, retry={}),
                policy("BackendTrafficPolicy", "b", {**HTTPROUTE, "sectionName": "two"}, retry={}),
            ),
            V11,
        ),
        "different-kinds-on-one-target": (
            add(RETRY, policy("SecurityPolicy", "keys", HTTPROUTE, apiKeyAuth={})),
            V11,
        ),
    },
    "AIGW-L071": {
        "gateway-policy-only": (add(policy("SecurityPolicy", "gateway-keys", GATEWAY, apiKeyAuth={})), V11),
        "route-on-another-gateway": (
            add(
                policy("SecurityPolicy", "other-gw", {**GATEWAY, "name": "other"}, apiKeyAuth={}),
                policy("SecurityPolicy", "route-jwt", HTTPROUTE, jwt={"providers": []}),
            ),
            V11,
        ),
    },
    "AIGW-L072": {
        "openai-and-bedrock-chat-failover": (two_rules_one_backend_each("OpenAI", "OpenAI"), V11),
        "one-backend-per-rule": (lambda d: d, V11),
        "azure-split-share-behind-responses-in-v0.7": (
            two_rules_one_backend_each("OpenAI", "OpenAI", priority=False),
            LintContext(target_version="v0.7.0"),
        ),
    },
    "AIGW-L073": {
        "distinct-paths": (add(mcp_route("a", "/mcp/a"), mcp_route("b", "/mcp/b")), V11),
        "disjoint-hostnames": (
            add(
                mcp_route("a", None, hostnames=["a.example.com"]),
                mcp_route("b", None, hostnames=["b.example.com"]),
            ),
            V11,
        ),
        "one-without-oauth": (add(mcp_route("a", None), mcp_route("b", None, oauth=False)), V11),
    },
    "AIGW-L074": {"aws-credentials-on-bedrock-runtime": (lambda d: d, V11)},
    "AIGW-L075": {
        "rule-name-in-v1.1": (rule_name, V11),
        "inference-objective-in-gie-v1": (
            add(
                obj(
                    "inference.networking.x-k8s.io/v1alpha2",
                    "InferenceObjective",
                    "o",
                    {"poolRef": {"name": "p"}},
                )
            ),
            V11,
        ),
    },
}


def cases(table: dict[str, dict[str, Case]]) -> list[Any]:
    return [
        pytest.param(rule, case, id=f"{rule}-{case}") for rule, by_case in table.items() for case in by_case
    ]


@pytest.mark.parametrize(("rule", "case"), cases(TRIPS))
def test_controller_rule_fires_when_its_condition_holds(rule: str, case: str) -> None:
    mutate, context = TRIPS[rule][case]
    hits = [f for f in lint_documents(mutate(base()), context) if f.rule == rule]
    assert hits, f"{rule} did not fire"
    assert all(f.hint and f.kind and f.name for f in hits)


@pytest.mark.parametrize(("rule", "case"), cases(QUIET))
def test_controller_rule_stays_quiet_when_the_condition_does_not_hold(rule: str, case: str) -> None:
    mutate, context = QUIET[rule][case]
    findings = lint_documents(mutate(base()), context)
    assert rule not in {f.rule for f in findings}, [f.message for f in findings if f.rule == rule]


def test_every_controller_rule_has_a_tripping_and_a_quiet_case() -> None:
    modules = {
        "orchestrator.engine.lint.attachment",
        "orchestrator.engine.lint.serving",
        "orchestrator.engine.lint.mcp",
    }
    ours = sorted(r for r, rule in RULES.items() if rule.check.__module__ in modules)
    assert ours == sorted(TRIPS) == sorted(QUIET)


def test_conflicted_policy_names_the_winner_and_why() -> None:
    (finding,) = [f for f in lint_documents(add(LIMITS, RETRY)(base()), V11) if f.rule == "AIGW-L070"]
    # Same apply, equal creation times: namespace, then name decides (resource.go Resources.Sort).
    assert finding.name == "route-token-limits" and finding.severity == "error"
    assert "route-retry wins" in finding.message and "rateLimit" in finding.message
    assert "backendtrafficpolicy.go@v1.8.1" in finding.message and "resource.go@v1.8.1" in finding.message


def test_the_older_policy_wins_whatever_its_name() -> None:
    older = {**LIMITS, "metadata": {**LIMITS["metadata"], "creationTimestamp": "2026-01-01T00:00:00Z"}}
    newer = {**RETRY, "metadata": {**RETRY["metadata"], "creationTimestamp": "2026-02-01T00:00:00Z"}}
    (finding,) = [f for f in lint_documents(add(newer, older)(base()), V11) if f.rule == "AIGW-L070"]
    assert finding.name == "route-retry" and "created first" in finding.message


def test_precedence_note_is_info_and_mentions_merge_type() -> None:
    docs = TRIPS["AIGW-L071"]["route-security-policy-under-a-gateway-one"][0](base())
    (note,) = [f for f in lint_documents(docs, V11) if f.rule == "AIGW-L071"]
    assert note.severity == "info" and "Overridden" in note.message and "mergeType" in (note.hint or "")


def test_endpoint_gap_names_the_endpoint_and_the_fallback() -> None:
    docs = TRIPS["AIGW-L072"]["native-anthropic-fallback-for-chat"][0](base())
    (finding,) = [f for f in lint_documents(docs, V11) if f.rule == "AIGW-L072"]
    assert finding.severity == "warning"
    assert "priority 1 fallback anthropic (Anthropic) cannot serve /v1/chat/completions" in finding.message
    assert "endpointspec.go@v1.1.0" in finding.message


def test_backends_sharing_no_endpoint_are_refused() -> None:
    docs = TRIPS["AIGW-L072"]["cohere-and-anthropic-share-nothing"][0](base())
    (finding,) = [f for f in lint_documents(docs, V11) if f.rule == "AIGW-L072"]
    assert finding.severity == "error" and "share no endpoint" in finding.message


def test_azure_responses_gap_cites_the_upstream_issue() -> None:
    docs = TRIPS["AIGW-L072"]["azure-split-share-behind-responses-in-v0.6"][0](base())
    (finding,) = [
        f for f in lint_documents(docs, LintContext(target_version="v0.6.0")) if f.rule == "AIGW-L072"
    ]
    assert "/v1/responses" in finding.message and "#2110" in finding.message


def test_unserved_field_names_the_release() -> None:
    (finding,) = [
        f
        for f in lint_documents(rule_name(base()), LintContext(target_version="v1.0.0"))
        if f.rule == "AIGW-L075"
    ]
    assert (
        finding.path == "spec.rules[0].name" and "v1.1.0" in finding.message and "v1.0.0" in finding.message
    )


def test_a_kind_the_clusters_crds_no_longer_serve_is_an_error_naming_the_release() -> None:
    from orchestrator.engine.crds import CRDSet
    from orchestrator.engine.validate import validate_documents

    # A cluster whose Inference Extension serves another x-k8s.io kind but no longer InferenceObjective.
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "inferencemodelrewrites.inference.networking.x-k8s.io"},
        "spec": {
            "group": "inference.networking.x-k8s.io",
            "names": {"kind": "InferenceModelRewrite", "plural": "inferencemodelrewrites"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1alpha2",
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": {"type": "object"}},
                }
            ],
        },
    }
    crds = CRDSet.from_documents([crd], "the current kubectl context")
    objective = obj(
        "inference.networking.x-k8s.io/v1alpha2", "InferenceObjective", "o", {"poolRef": {"name": "p"}}
    )
    report = validate_documents([objective], crds=crds, lint=False, target_version="v1.0.0")
    (finding,) = report.findings
    assert finding.severity == "error" and "InferenceObjective" in finding.message
    assert "AI Gateway v1.0.0" in finding.message and "the current kubectl context" in finding.message
    assert "InferenceModelRewrite" in (finding.hint or "")
