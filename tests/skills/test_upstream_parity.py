"""Parity with upstream examples/basic: equivalent inputs give the same kinds, apiVersions and spec fields.

Names differ (ours are chosen by the user) so references are compared after normalising names; links between
our own objects are checked separately. Documented differences, applied before comparing:
- BackendTLSPolicy is gateway.networking.k8s.io/v1 (upstream examples use the deprecated v1alpha3, PR #2630).
- Secrets are never emitted: each upstream Secret's data keys must equal our Secret shapes' keys.
- Values the API treats as defaults are dropped on both sides: schema.prefix "/v1" (cmp.Or(prefix, "v1")),
  awsCredentials.credentialsFile.profile "default", and ref namespaces equal to the object's namespace.
- Objects outside the four skills (RBAC, ServiceAccounts, EnvoyProxy, the demo Deployment/Service) are not
  compared, nor is the Gateway's infrastructure.parametersRef to such an EnvoyProxy.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from skills.api import auth, backend, route
from skills.result import SkillResult
from tests.conftest import shared_path

NOT_OURS = {"ServiceAccount", "Role", "RoleBinding", "EnvoyProxy", "Deployment", "Service"}
AWS_IDENTITY = ("aws-irsa.yaml", "aws-pod-identity.yaml")  # we emit their ServiceAccount and EnvoyProxy too


def _not_ours(case: str) -> set[str]:
    return NOT_OURS - {"ServiceAccount", "EnvoyProxy"} if case in AWS_IDENTITY else NOT_OURS


REF_KEYS = {
    "targetRefs",
    "backendRef",
    "backendRefs",
    "parentRefs",
    "secretRef",
    "clientSecretRef",
    "clientSecret",
    "certificateRefs",
}
NO_GATEWAY = {
    "create_gateway": False,
    "gateway_name": "envoy-ai-gateway-basic",
    "client_traffic_policy": False,
}

# Upstream placeholders that our typed inputs refuse (e.g. GCP_PROJECT_NAME), replaced by the values we pass.
PLACEHOLDERS = {
    "GCP_PROJECT_NAME": "my-project",
    "GCP_REGION": "us-central1",
    "AZURE_CLIENT_ID": "00000000-0000-0000-0000-000000000001",
    "AZURE_TENANT_ID": "00000000-0000-0000-0000-000000000002",
}


def _openai() -> list[SkillResult]:
    return [
        backend(name="openai", provider="openai"),
        auth(type="APIKey", targets=["openai"]),
        route(rules=["gpt-4o-mini=openai"], **NO_GATEWAY),
    ]


def _anthropic() -> list[SkillResult]:
    return [
        backend(name="anthropic", provider="anthropic"),
        auth(type="AnthropicAPIKey", targets=["anthropic"]),
        route(rules=["claude-sonnet-4-5=anthropic"], **NO_GATEWAY),
    ]


def _aws() -> list[SkillResult]:
    return [
        backend(name="bedrock", provider="aws-bedrock"),
        backend(name="bedrock-anthropic", provider="aws-anthropic"),
        auth(
            type="AWSCredentials",
            targets=["bedrock", "bedrock-anthropic"],
            aws_region="us-east-1",
            aws_mode="credentials-file",
            secret_file="~/.aws/credentials",
        ),
        route(name="aws", rules=["us.amazon.nova-micro-v1:0=bedrock"], **NO_GATEWAY),
        route(
            name="aws-anthropic",
            rules=["anthropic.claude-3-5-sonnet-20241022-v2:0=bedrock-anthropic"],
            **NO_GATEWAY,
        ),
    ]


def _aws_default_chain(role_arn: str | None = None) -> list[SkillResult]:
    # The Envoy pods' ServiceAccount and the EnvoyProxy naming it, as upstream's examples (no Role: nothing in
    # the Envoy pods reads the Kubernetes API; the controller mounts the filter config).
    identity = {"aws_service_account": "ai-gateway-dataplane-aws"} | (
        {"aws_role_arn": role_arn} if role_arn else {}
    )
    return [
        backend(name="bedrock", provider="aws-bedrock"),
        auth(type="AWSCredentials", targets=["bedrock"], aws_region="us-east-1", **identity),
        route(rules=["us.amazon.nova-micro-v1:0=bedrock"], **NO_GATEWAY),
    ]


def _aws_bedrock_openai_anthropic() -> list[SkillResult]:
    return [
        backend(name="claude", provider="aws-anthropic"),
        auth(
            type="AWSCredentials",
            targets=["claude"],
            aws_region="us-east-1",
            aws_mode="credentials-file",
            secret_file="./aws-credentials",
        ),
        route(rules=["anthropic.claude-3-5-sonnet-20241022-v2:0=claude"], **NO_GATEWAY),
    ]


def _azure() -> list[SkillResult]:
    return [
        backend(name="azure", provider="azure-openai", resource="dummy-azure-resource"),
        auth(
            type="AzureCredentials",
            targets=["azure"],
            azure_client_id=PLACEHOLDERS["AZURE_CLIENT_ID"],
            azure_tenant_id=PLACEHOLDERS["AZURE_TENANT_ID"],
        ),
        route(rules=["gpt-4.5-preview=azure"], **NO_GATEWAY),
    ]


def _gcp() -> list[SkillResult]:
    return [
        backend(name="gemini", provider="gcp-vertex-ai"),
        backend(name="claude", provider="gcp-anthropic"),
        auth(
            type="GCPCredentials",
            targets=["gemini", "claude"],
            gcp_project="my-project",
            gcp_region="us-central1",
            secret_file="./service-account.json",
        ),
        route(name="gcp", rules=["gemini-2.5-flash=gemini"], **NO_GATEWAY),
        route(name="gcp-anthropic", rules=["claude-3-7-sonnet@20250219=claude"], **NO_GATEWAY),
    ]


def _cohere() -> list[SkillResult]:
    return [
        backend(name="cohere", provider="cohere-rerank"),
        auth(type="APIKey", targets=["cohere"]),
        route(rules=["rerank-english-v3.0=cohere"], **NO_GATEWAY),
    ]


def _tars() -> list[SkillResult]:
    return [
        backend(name="tars", provider="tetrate-ars"),
        auth(type="APIKey", targets=["tars"], secret_env="TARS_API_KEY"),
        route(
            rules=[
                {
                    "models": [".*"],
                    "match_type": "RegularExpression",
                    "backends": [{"name": "tars"}],
                    "request_timeout": "120s",
                }
            ],
            **NO_GATEWAY,
        ),
    ]


def _basic() -> list[SkillResult]:
    return [
        route(
            name="basic",
            gateway_name="envoy-ai-gateway-basic",
            gateway_class="envoy-ai-gateway-basic",
            rules=["some-cool-self-hosted-model=testupstream"],
        ),
        backend(
            name="testupstream",
            schema_name="OpenAI",
            service={"name": "envoy-ai-gateway-basic-testupstream", "port": 80},
        ),
    ]


def _anthropic_openai_local() -> list[SkillResult]:
    # Upstream points an ip endpoint at a placeholder 0.0.0.0; the equivalent here is the in-cluster vLLM Service.
    return [
        backend(name="vllm", provider="vllm"),
        route(
            rules=[{"models": ["Qwen/Qwen2.5-0.5B-Instruct"], "backends": [{"name": "vllm"}]}],
            **NO_GATEWAY,
        ),
    ]


CASES = {
    "openai.yaml": _openai,
    "anthropic.yaml": _anthropic,
    "aws.yaml": _aws,
    "aws-irsa.yaml": lambda: _aws_default_chain("arn:aws:iam::123456789012:role/ai-gateway-bedrock-role"),
    "aws-pod-identity.yaml": _aws_default_chain,
    "aws-bedrock-openai-anthropic.yaml": _aws_bedrock_openai_anthropic,
    "azure_openai.yaml": _azure,
    "gcp_vertex.yaml": _gcp,
    "cohere.yaml": _cohere,
    "tars.yaml": _tars,
    "basic.yaml": _basic,
    "anthropic-openai-local.yaml": _anthropic_openai_local,
}

# Fields compared only by presence, for one case: upstream's endpoint is an `ip` placeholder.
ENDPOINT_SHAPE_ONLY = {"anthropic-openai-local.yaml"}


def _upstream(name: str) -> list[dict[str, Any]]:
    text = shared_path("upstream-examples", "basic", name).read_text(encoding="utf-8")
    docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    return json.loads(_replace_placeholders(json.dumps(docs)))


def _replace_placeholders(text: str) -> str:
    for old, new in PLACEHOLDERS.items():
        text = text.replace(f'"{old}"', f'"{new}"')
    return text


def _strip_refs(value: Any, namespace: str, under_ref: bool = False) -> Any:
    if isinstance(value, list):
        return [_strip_refs(v, namespace, under_ref) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if under_ref and key == "name":
            out[key] = "<ref>"
        elif under_ref and key == "namespace" and item == namespace:
            continue
        elif key == "gatewayClassName":
            out[key] = "<ref>"
        else:
            out[key] = _strip_refs(item, namespace, key in REF_KEYS)
    return out


def _normalise(doc: dict[str, Any], case: str) -> tuple[str, str, str]:
    kind = doc["kind"]
    api_version = doc["apiVersion"]
    if kind == "BackendTLSPolicy" and api_version == "gateway.networking.k8s.io/v1alpha3":
        api_version = "gateway.networking.k8s.io/v1"  # the documented improvement
    spec = copy.deepcopy(doc.get("spec", {}))
    if kind == "AIServiceBackend" and spec["schema"].get("prefix") in ("v1", "/v1"):
        del spec["schema"]["prefix"]
    aws_file = spec.get("awsCredentials", {}).get("credentialsFile", {})
    if aws_file.get("profile") == "default":
        del aws_file["profile"]
    if kind == "Gateway":
        spec.pop("infrastructure", None)
    pod = spec.get("provider", {}).get("kubernetes", {}).get("envoyDeployment", {}).get("pod", {})
    if kind == "EnvoyProxy" and "serviceAccountName" in pod:
        # upstream aws-irsa.yaml patches the pod; Envoy Gateway v1.8.1's own field is envoyServiceAccount, which
        # also names the account Envoy Gateway applies (resource_provider.go serviceAccountName).
        spec["provider"]["kubernetes"] = {"envoyServiceAccount": {"name": pod["serviceAccountName"]}}
    if kind == "Backend" and case in ENDPOINT_SHAPE_ONLY:
        spec["endpoints"] = [{"port": next(iter(e.values()))["port"]} for e in spec["endpoints"]]
    spec = _strip_refs(spec, doc["metadata"].get("namespace", "default"))
    return kind, api_version, json.dumps(spec, sort_keys=True)


def _ours(case: str) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    results = CASES[case]()
    docs = [m for r in results for m in r.manifests]
    secrets = [(s.name, s.key) for r in results for s in r.secrets]
    return docs, secrets


def test_every_upstream_basic_example_has_a_parity_case() -> None:
    folder = shared_path("upstream-examples", "basic")
    assert sorted(p.name for p in folder.glob("*.yaml")) == sorted(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_kinds_and_api_versions_as_upstream(case: str) -> None:
    upstream = {
        (d["kind"], _normalise(d, case)[1])
        for d in _upstream(case)
        if d["kind"] not in _not_ours(case) | {"Secret"}
    }
    ours_docs, _ = _ours(case)
    ours = {(d["kind"], d["apiVersion"]) for d in ours_docs}
    if case in ("aws-irsa.yaml", "aws-pod-identity.yaml"):
        upstream.discard(("Gateway", "gateway.networking.k8s.io/v1"))  # carries the EnvoyProxy; reused here
    assert ours == upstream


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_spec_fields_as_upstream_after_normalising_names(case: str) -> None:
    upstream_docs = [
        d
        for d in _upstream(case)
        if d["kind"] not in _not_ours(case) | {"Secret"}
        and not (case in AWS_IDENTITY and d["kind"] == "Gateway")
    ]
    ours_docs, _ = _ours(case)
    upstream = {_normalise(d, case) for d in upstream_docs}
    ours = {_normalise(d, case) for d in ours_docs}
    missing = sorted(upstream - ours)
    extra = sorted(ours - upstream)
    assert not missing and not extra, (
        "\nupstream only:\n  "
        + "\n  ".join(map(str, missing))
        + ("\nours only:\n  " + "\n  ".join(map(str, extra)))
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_secret_shapes_use_the_upstream_secret_keys(case: str) -> None:
    upstream = sorted(
        key
        for d in _upstream(case)
        if d["kind"] == "Secret"
        for key in {**d.get("stringData", {}), **d.get("data", {})}
    )
    _, secrets = _ours(case)
    assert sorted(key for _, key in secrets) == upstream


@pytest.mark.parametrize("case", sorted(CASES))
def test_our_references_resolve_within_the_case(case: str) -> None:
    docs, secrets = _ours(case)
    names = {(d["kind"], d["metadata"]["name"]) for d in docs}
    secret_names = {name for name, _ in secrets}
    for d in docs:
        spec = d.get("spec", {})
        if d["kind"] == "EnvoyProxy":
            account = spec["provider"]["kubernetes"]["envoyServiceAccount"]["name"]
            assert ("ServiceAccount", account) in names
        if d["kind"] == "AIServiceBackend":
            assert ("Backend", spec["backendRef"]["name"]) in names
        if d["kind"] in ("BackendTLSPolicy", "BackendSecurityPolicy"):
            for ref in spec["targetRefs"]:
                assert (ref["kind"], ref["name"]) in names
        if d["kind"] == "BackendSecurityPolicy":
            text = json.dumps(spec)
            assert all(f'"name": "{s}"' in text for s in secret_names)
        if d["kind"] == "AIGatewayRoute":
            for rule in spec["rules"]:
                for ref in rule["backendRefs"]:
                    assert ("AIServiceBackend", ref["name"]) in names
