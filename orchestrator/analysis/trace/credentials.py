"""The credential step of a trace: which BackendSecurityPolicy injects what, from which Secret key (never its
value), and the cases that cannot work.

Sources: envoyproxy/ai-gateway internal/backendauth/*.go at the target tag (the header each type sets; aws.go
signs SigV4 for service bedrock, which *.api.aws hosts reject: #2182), internal/backendauth/gcp.go (project and
region come from the GCPCredentials policy).
"""

from __future__ import annotations

from typing import Any

from orchestrator.analysis.trace.model import Step
from orchestrator.analysis.trace.refs import Ref, endpoint_host, security_policies
from orchestrator.engine.lint.index import Resource, ResourceIndex, as_dict
from orchestrator.engine.lint.policies import SECRET_REFS

AUTH_SOURCE = "envoyproxy/ai-gateway internal/backendauth/{file}@{v}"
# BackendSecurityPolicy type -> (how the credential travels, backendauth source file)
CREDENTIAL_HEADERS = {
    "APIKey": ("header Authorization: Bearer <apiKey>", "api_key.go"),
    "AnthropicAPIKey": ("header x-api-key: <apiKey>", "anthropicapikey.go"),
    "AzureAPIKey": ("header api-key: <apiKey>", "azureapikey.go"),
    "AWSCredentials": ("an AWS SigV4 signature (service bedrock)", "aws.go"),
    "AzureCredentials": ("header Authorization: Bearer <Microsoft Entra token>", "azure.go"),
    "GCPCredentials": ("header Authorization: Bearer <Google access token>", "gcp.go"),
}
NEEDS_POLICY = {"GCPVertexAI", "GCPAnthropic"}  # project and region come from the GCPCredentials policy
AWS_MANTLE_SUFFIX = ".api.aws"


def credential_step(index: ResourceIndex, first: Ref, version: str) -> Step:
    policies = security_policies(index, first)
    host, port = endpoint_host(first.target)
    if len(policies) > 1:
        names = ", ".join(p.name for p in policies)
        return Step(
            "credentials",
            "fail",
            f"{len(policies)} BackendSecurityPolicies target {first.label} ({names}): a reconcile error, and "
            "neither credential is injected",
            f"BackendSecurityPolicy/{first.namespace}/{policies[1].name}",
            "at most one BackendSecurityPolicy per target (envoyproxy/ai-gateway internal/controller)",
            "Keep one BackendSecurityPolicy per backend.",
            actor="ai-gateway",
        )
    if not policies:
        if first.schema in NEEDS_POLICY:
            return Step(
                "credentials",
                "fail",
                f"{first.label} ({first.schema}) has no GCPCredentials BackendSecurityPolicy: project and region "
                "come from it, so the request cannot be addressed",
                first.label,
                "envoyproxy/ai-gateway internal/backendauth/gcp.go",
                "Attach a GCPCredentials BackendSecurityPolicy (aigw-auth type GCPCredentials).",
                actor="ai-gateway",
            )
        public = bool(host) and (
            port == 443 or (host.count(".") >= 2 and not host.endswith(".svc.cluster.local"))
        )
        return Step(
            "credentials",
            "warn" if public and first.kind == "AIServiceBackend" else "info",
            f"no BackendSecurityPolicy targets {first.label}: the request goes upstream without a provider credential"
            + (" and a public provider answers 401" if public else ""),
            first.label,
            fix="Attach a BackendSecurityPolicy (aigw-auth) if the backend needs a key." if public else "",
            actor="ai-gateway",
        )
    policy = policies[0]
    kind = str(policy.spec.get("type"))
    how, file = CREDENTIAL_HEADERS.get(kind, (f"type {kind}", "auth.go"))
    source = secret_source(index, policy)
    reason = AUTH_SOURCE.format(file=file, v=version)
    where = f"BackendSecurityPolicy/{policy.namespace}/{policy.name}"
    if kind == "AWSCredentials" and host.endswith(AWS_MANTLE_SUFFIX):
        return Step(
            "credentials",
            "fail",
            f"AWSCredentials sign for service bedrock, but {host} is a Bedrock Mantle (*.api.aws) host that "
            "rejects that signature",
            where,
            f"{reason} signs every request with service bedrock; envoyproxy/ai-gateway#2182 (open)",
            "Use a Bedrock API key for this backend (type APIKey, Authorization: Bearer) until upstream can sign "
            "for *.api.aws hosts.",
            actor="ai-gateway",
        )
    missing = source.startswith("!")
    return Step(
        "credentials",
        "fail" if missing else "ok",
        f"{how} from {source.lstrip('!')}",
        where,
        reason,
        "Store the credential under the key the policy type reads." if missing else "",
        actor="ai-gateway",
    )


def secret_source(index: ResourceIndex, policy: Resource) -> str:
    """Where the credential comes from, never its value; a leading '!' marks a Secret without the key."""
    kind = str(policy.spec.get("type"))
    entry = SECRET_REFS.get(kind)
    node: Any = policy.spec
    if entry is not None:
        for step in entry[0]:
            node = as_dict(node).get(step)
    if entry is None or not isinstance(node, dict) or not isinstance(node.get("name"), str):
        if kind == "AWSCredentials":
            return "the AWS default credential chain (IRSA, EKS Pod Identity, environment) or an OIDC token exchange"
        if kind == "GCPCredentials":
            return "Workload Identity Federation or Application Default Credentials"
        if kind == "AzureCredentials":
            return "an OIDC token exchange"
        return "a source the policy does not name"
    ns = node.get("namespace") if isinstance(node.get("namespace"), str) else policy.namespace
    key = entry[1]
    secret = index.get("Secret", ns, node["name"], "")
    if secret is None:
        return f"Secret {ns}/{node['name']} key {key} (created at apply time, not in these manifests)"
    keys = set(as_dict(secret.doc.get("data"))) | set(as_dict(secret.doc.get("stringData")))
    if key not in keys:
        return (
            f"!Secret {ns}/{node['name']}, which lacks key {key} (has: {', '.join(sorted(keys)) or 'none'})"
        )
    return f"Secret {ns}/{node['name']} key {key}"
