"""aigw-mcproute: inputs equivalent to upstream examples/mcp give equivalent MCPRoutes, Backends and TLS policies,
clean under the validation engine; the MCPRoute CRD's CEL rules are refused at input time in their words."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orchestrator.engine.lint.index import LintContext
from orchestrator.engine.validate import validate_documents
from skills.errors import InputError
from skills.mcproute import build_mcproute
from tests.conftest import shared_path

GATEWAY = {"gateway_name": "aigw-run", "gateway_class": "aigw-run", "listener_port": 1975}
GITHUB = {
    "name": "github",
    "hostname": "api.githubcopilot.com",
    "path": "/mcp/readonly",
    "include_regex": [".*pull_requests?.*", ".*issues?.*"],
    "api_key_env": "GITHUB_ACCESS_TOKEN",
    "api_key_secret": "github-access-token",
}
KIWI = {"name": "kiwi", "hostname": "mcp.kiwi.com", "path": "/"}
CASES: dict[str, dict[str, Any]] = {
    "mcp_example.yaml": {**GATEWAY, "create_gateway": True, "backends": [GITHUB, KIWI]},
    "mcp_oauth_example.yaml": {
        **GATEWAY,
        "create_gateway": True,
        "backends": [KIWI],
        "oauth_issuer": "https://auth-server.example.com",
        "oauth_jwks_configmap": "jwks-configmap",
        "oauth_resource": "https://foo.bar.com/mcp",
        "oauth_scopes": ["echo", "sum", "countdown"],
    },
    "mcp_oauth_keycloak.yaml": {
        **GATEWAY,
        "create_gateway": True,
        "backends": [KIWI],
        "oauth_issuer": "http://localhost:8080/realms/master",
        "oauth_jwks_uri": "http://localhost:8080/realms/master/protocol/openid-connect/certs",
        "oauth_resource": "http://127.0.0.1:1975/mcp",
        "oauth_scopes": [
            "openid",
            "service_account",
            "offline_access",
            "acr",
            "organization",
            "profile",
            "basic",
            "roles",
            "phone",
            "address",
            "microprofile-jwt",
            "web-origins",
            "email",
        ],
    },
    "openai-github.yaml": {
        **GATEWAY,
        "backends": [
            {
                "name": "github",
                "hostname": "api.githubcopilot.com",
                "path": "/mcp/x/issues/readonly",
                "include": ["issue_read", "list_issues"],
                "api_key_env": "GITHUB_MCP_TOKEN",
                "api_key_secret": "github-token",
            }
        ],
    },
}
OURS = {"MCPRoute", "Backend", "BackendTLSPolicy", "GatewayClass", "Gateway"}


def _upstream(case: str) -> list[dict[str, Any]]:
    text = shared_path("upstream-examples", "mcp", case).read_text(encoding="utf-8")
    docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    if case == "openai-github.yaml":  # its LLM half belongs to the other skills; keep the MCP side
        docs = [d for d in docs if d["kind"] == "MCPRoute" or "github" in d["metadata"]["name"]]
    return docs


def _normalise(doc: dict[str, Any]) -> tuple[str, str, str]:
    api_version = doc["apiVersion"]
    if doc["kind"] == "BackendTLSPolicy":
        api_version = "gateway.networking.k8s.io/v1"  # upstream examples still use v1alpha3 (PR #2630)
    spec = dict(doc.get("spec", {}))
    if doc["kind"] == "Gateway":
        spec.pop("infrastructure", None)  # the EnvoyProxy with access logs is aigw-observability's
    if doc["kind"] == "MCPRoute":
        spec.setdefault("path", "/mcp")  # the CRD default
    return doc["kind"], api_version, yaml.safe_dump(spec, sort_keys=True)


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_objects_as_the_upstream_mcp_example(case: str) -> None:
    result = build_mcproute(CASES[case])
    upstream = {_normalise(d) for d in _upstream(case) if d["kind"] in OURS}
    ours = {_normalise(d) for d in result.manifests}
    assert ours == upstream


@pytest.mark.parametrize("case", sorted(CASES))
def test_upstream_equivalent_matches_its_golden_file_and_validates_clean(case: str, golden, crd_set) -> None:
    result = build_mcproute(CASES[case])
    golden(f"skills/mcproute/upstream-{case}", result.yaml)
    context = LintContext(
        external_secrets=frozenset(f"{s.namespace}/{s.name}" for s in result.secrets),
        existing_resources=frozenset({"ConfigMap/default/jwks-configmap", "Gateway/default/aigw-run"}),
    )
    report = validate_documents(result.manifests, crds=crd_set, context=context)
    assert [f"{f.resource}: {f.message}" for f in report.findings] == []


@pytest.mark.parametrize("case", sorted(CASES))
def test_api_keys_come_from_secrets_created_at_apply_time_with_the_upstream_key(case: str) -> None:
    result = build_mcproute(CASES[case])
    upstream = sorted(
        (d["metadata"]["name"], k)
        for d in _upstream(case)
        if d["kind"] == "Secret"
        for k in d.get("stringData", {})
    )
    assert sorted((s.name, s.key) for s in result.secrets) == upstream
    for secret in result.secrets:
        assert secret.source.startswith("env:") and "kubectl create secret generic" in secret.command
        assert "Secret" not in {m["kind"] for m in result.manifests}


def test_the_example_with_authorization_matches_its_golden_file_and_validates_clean(golden, crd_set) -> None:
    data = {
        **CASES["mcp_oauth_example.yaml"],
        "backends": [
            GITHUB,
            KIWI,
            {
                "name": "tools",
                "service": "internal-tools",
                "service_namespace": "tools",
                "port": 8080,
                "exclude": ["delete_everything"],
                "forward_headers": ["x-team"],
            },
        ],
        "authorization_rules": [
            {"scopes": ["echo"], "tools": ["kiwi/search-flight"]},
            {
                "claims": [{"name": "groups", "values": ["admins"], "value_type": "StringArray"}],
                "tools": ["github/list_issues"],
            },
            {"action": "Deny", "cel": "request.headers['x-team'] == 'guest'"},
        ],
    }
    result = build_mcproute(data)
    golden("skills/mcproute/oauth-authorization.yaml", result.yaml)
    context = LintContext(
        external_secrets=frozenset(s.name for s in result.secrets),
        existing_resources=frozenset({"ConfigMap/default/jwks-configmap"}),
    )
    report = validate_documents(result.manifests, crds=crd_set, context=context)
    assert report.findings == []
    backend = next(m for m in result.manifests if m["kind"] == "Backend" and m["metadata"]["name"] == "tools")
    assert backend["spec"]["endpoints"] == [
        {"fqdn": {"hostname": "internal-tools.tools.svc.cluster.local", "port": 8080}}
    ]
    assert not any(
        m["kind"] == "BackendTLSPolicy" and m["metadata"]["name"] == "tools-tls" for m in result.manifests
    )


@pytest.mark.parametrize(
    ("change", "wording"),
    [
        ({"backends": [KIWI, KIWI]}, "all backendRefs names must be unique"),
        (
            {"backends": [{**KIWI, "include": ["a"], "include_regex": ["b.*"]}]},
            "include and includeRegex are mutually exclusive",
        ),
        (
            {"backends": [{**KIWI, "exclude": ["a"], "exclude_regex": ["b.*"]}]},
            "exclude and excludeRegex are mutually exclusive",
        ),
        (
            {"backends": [{**GITHUB, "api_key_header": "x-key", "api_key_query_param": "key"}]},
            "only one of header or queryParam",
        ),
        ({"backends": [{"name": "s", "service": "svc"}]}, "Must have port for Service reference"),
        ({"backends": [{**KIWI, "include_regex": ["(?=x)"]}]}, "RE2"),
        (
            {"authorization_rules": [{"scopes": ["a"]}]},
            "oauth must be configured when any authorization rule uses a jwt source",
        ),
        (
            {"oauth_issuer": "https://idp.example.com", "oauth_resource": "https://gw.example.com/mcp"},
            "either remoteJWKS or localJWKS must be specified",
        ),
        (
            {
                "oauth_issuer": "https://idp.example.com",
                "oauth_resource": "https://gw.example.com/mcp",
                "oauth_jwks_uri": "https://idp.example.com/jwks",
                "authorization_rules": [{"claims": [{"name": "scope", "values": ["a"]}]}],
            },
            "'scope' claim name is reserved for OAuth scopes",
        ),
        ({"authorization_rules": [{"tools": ["nope/x"]}]}, "names no backend"),
    ],
)
def test_mcproute_cel_rules_are_refused_at_input_time(change: dict[str, Any], wording: str) -> None:
    with pytest.raises(InputError) as err:
        build_mcproute({"backends": [KIWI], **change})
    assert wording in str(err.value)


def test_an_api_key_value_is_refused_as_input() -> None:
    with pytest.raises(InputError):
        build_mcproute({"backends": [{**KIWI, "api_key_secret": "ghp_" + "a" * 36}]})


def test_a_service_in_the_route_namespace_is_referenced_directly_with_its_port(crd_set) -> None:
    data = {
        "backends": [
            {"name": "search", "service": "search", "port": 8080, "include": ["web_search"]},
            {"name": "wiki", "service": "wiki-mcp", "port": 3000},  # named apart: reached through a Backend
            {"name": "ledger", "service": "ledger", "service_namespace": "finance", "port": 8080},
        ],
        "create_gateway": True,
    }
    result = build_mcproute(data)
    (route,) = [m for m in result.manifests if m["kind"] == "MCPRoute"]
    refs = {r["name"]: r for r in route["spec"]["backendRefs"]}
    assert {k: refs["search"][k] for k in ("kind", "group", "port")} == {
        "kind": "Service",
        "group": "",
        "port": 8080,
    }
    assert (refs["wiki"]["kind"], refs["ledger"]["kind"]) == ("Backend", "Backend")
    backends = {m["metadata"]["name"]: m for m in result.manifests if m["kind"] == "Backend"}
    assert set(backends) == {"wiki", "ledger"}
    assert backends["ledger"]["spec"]["endpoints"] == [
        {"fqdn": {"hostname": "ledger.finance.svc.cluster.local", "port": 8080}}
    ]
    report = validate_documents(result.manifests, crds=crd_set)
    assert [f"{f.resource}: {f.message}" for f in report.findings] == []


@pytest.mark.parametrize(
    ("backend", "path"),
    [
        ({"name": "s", "service": "s"}, "backends[0].port"),
        ({"name": "s"}, "backends[0].hostname"),
        ({**KIWI, "service_namespace": "x"}, "backends[0].service_namespace"),
        ({**KIWI, "include": ["a"], "include_regex": ["b.*"]}, "backends[0].include_regex"),
        ({**KIWI, "api_key_secret": "s"}, "backends[0].api_key_env"),
    ],
)
def test_backend_refusals_name_the_field_to_fix(backend: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as err:
        build_mcproute({"backends": [backend]})
    assert [p.path for p in err.value.problems] == [path]
