"""Lint rule about what a backend's API schema needs from its policies (AIGW-L061).

A GCPVertexAI or GCPAnthropic AIServiceBackend only gets its request path right through a GCPCredentials
BackendSecurityPolicy: the gateway's GCP auth handler prepends ``/v1/projects/<project>/locations/<region>`` to the
path the translator wrote, and adds the access token (ai-gateway internal/backendauth/gcp.go ``Do``, v1.1.0). With no
such policy the request leaves with a bare publisher path and no token, and Vertex AI answers 404 or 401.
"""

from __future__ import annotations

from collections.abc import Iterator

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    Issue,
    LintContext,
    Resource,
    ResourceIndex,
    as_dict,
    lint_rule,
    ref_namespace,
    targets,
)

GCP_SCHEMAS = ("GCPVertexAI", "GCPAnthropic")


def _policy_types(index: ResourceIndex, backend: Resource) -> list[str]:
    """Types of the BackendSecurityPolicies attached to a backend: by targetRefs, or the legacy
    AIServiceBackend.spec.backendSecurityPolicyRef (before v0.3)."""
    found = [
        str(policy.spec.get("type"))
        for policy in index.of_kind("BackendSecurityPolicy", AIGW_GROUP)
        if policy.namespace == backend.namespace
        and any(
            t.get("kind") == "AIServiceBackend"
            and t.get("group", AIGW_GROUP) == AIGW_GROUP
            and t.get("name") == backend.name
            for t in targets(policy)
        )
    ]
    legacy = as_dict(backend.spec.get("backendSecurityPolicyRef"))
    if isinstance(legacy.get("name"), str):
        policy = index.get(
            "BackendSecurityPolicy", ref_namespace(legacy, backend), legacy["name"], AIGW_GROUP
        )
        if policy is not None:
            found.append(str(policy.spec.get("type")))
    return found


@lint_rule("AIGW-L061", "GCPVertexAI and GCPAnthropic backends have a GCPCredentials policy", "error")
def gcp_backends_have_gcp_credentials(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for backend in index.of_kind("AIServiceBackend", AIGW_GROUP):
        schema = as_dict(backend.spec.get("schema")).get("name")
        if schema not in GCP_SCHEMAS:
            continue
        types = _policy_types(index, backend)
        if "GCPCredentials" in types:
            continue
        attached = (
            f"only a {', '.join(sorted(set(types)))} policy is attached" if types else "none is attached"
        )
        yield Issue(
            backend,
            "spec.schema.name",
            f"{schema} needs a GCPCredentials BackendSecurityPolicy and {attached}: its project and region "
            "prefix the request path and its token authorizes it (ai-gateway internal/backendauth/gcp.go), so "
            "without it every request fails with 404 or 401",
            f"Add a BackendSecurityPolicy of type GCPCredentials (projectName, region, and a credentials file, "
            f"workload identity or ADC) targeting AIServiceBackend {backend.name}; aigw-auth --type GCPCredentials "
            "writes one.",
            outside=not types,
        )
