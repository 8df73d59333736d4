"""Lint rules about what the target release can serve (AIGW-L072, L074, L075).

- L072: the backends of one AIGatewayRoute rule serve the same endpoints. Each endpoint translates only to some
  schemas (envoyproxy/ai-gateway internal/endpointspec/endpointspec.go at the target tag, see skills.endpoints): a
  fallback or split share whose schema lacks the translator answers "unsupported API schema" for that endpoint.
- L074: AWSCredentials on a Bedrock Mantle ``*.api.aws`` host: v1.1.0 signs SigV4 for service ``bedrock``
  (internal/backendauth/aws.go), which those hosts reject (envoyproxy/ai-gateway#2182, open).
- L075: kinds and fields the target release does not serve, named with the release.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    EG_GROUP,
    Issue,
    LintContext,
    Resource,
    ResourceIndex,
    as_dict,
    as_list,
    lint_rule,
)
from skills.endpoints import (
    CHAT_SCHEMAS_HINT,
    ENDPOINTS,
    Endpoint,
    citation,
    served_endpoints,
    shared_endpoint,
)
from skills.versions import DEFAULT_VERSION, PROFILES, first_release, profile

AZURE_RESPONSES_ISSUE = "envoyproxy/ai-gateway#2110"
RELEASES = tuple(PROFILES)


def _version(ctx: LintContext) -> str:
    version = ctx.target_version or DEFAULT_VERSION
    return version if version in PROFILES else DEFAULT_VERSION


def _schema(index: ResourceIndex, route: Resource, ref: dict[str, Any]) -> str | None:
    if ref.get("kind") not in (None, "AIServiceBackend"):
        return "OpenAI" if ref.get("kind") == "InferencePool" else None  # gateway.go: pools are OpenAI schema
    ns = ref.get("namespace") if isinstance(ref.get("namespace"), str) else route.namespace
    asb = index.get("AIServiceBackend", ns, str(ref.get("name")), AIGW_GROUP)
    name = as_dict(asb.spec.get("schema")).get("name") if asb else None
    return name if isinstance(name, str) else None


@lint_rule("AIGW-L072", "a rule's backends serve the same endpoints", "warning")
def rule_endpoints(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    version = _version(ctx)
    for route in index.of_kind("AIGatewayRoute", AIGW_GROUP):
        for i, rule in enumerate(as_list(route.spec.get("rules"))):
            refs = [r for r in as_list(as_dict(rule).get("backendRefs")) if isinstance(r, dict)]
            resolved = [(r, _schema(index, route, r)) for r in refs]
            known = [(r, s) for r, s in resolved if s]
            if len(known) < 2 or len({s for _, s in known}) < 2:
                continue
            served = {id(r): set(served_endpoints(s, version)) for r, s in known}
            shared = set.intersection(*served.values())
            path = f"spec.rules[{i}].backendRefs"
            if not shared:
                each = "; ".join(
                    f"{r.get('name')} ({s}): {', '.join(ENDPOINTS[e].path for e in sorted(served[id(r)])) or 'none'}"
                    for r, s in known
                )
                yield Issue(
                    route,
                    path,
                    f"the backends of rule {i} share no endpoint in {version}, so every request fails on one of "
                    f"them: {each} ({citation(version)})",
                    f"Split the models into separate rules per backend, or use schemas that serve the same "
                    f"endpoint (for chat: {CHAT_SCHEMAS_HINT}).",
                    severity="error",
                )
                continue
            gaps = _gaps(known, served)
            if not gaps:
                continue
            azure = any(s == "AzureOpenAI" and "responses" in missing for (_, s, _), missing in gaps)
            main = _main_endpoint(known, version)
            degraded = main is not None and any(main.id in missing for _, missing in gaps)
            yield Issue(
                route,
                path,
                f"the backends of rule {i} do not serve the same endpoints in {version}: "
                + "; ".join(
                    f"{role} {r.get('name')} ({s}) cannot serve "
                    + ", ".join(ENDPOINTS[e].path for e in ENDPOINTS if e in missing)
                    for (r, s, role), missing in gaps
                )
                + ' (no translator, so those requests answer "unsupported API schema" there instead of reaching '
                + f"the provider; {citation(version)}"
                + (f"; {AZURE_RESPONSES_ISSUE}" if azure else "")
                + "). Shared: "
                + ", ".join(ENDPOINTS[e].path for e in ENDPOINTS if e in shared),
                f"Send this rule's models only to the shared endpoints, or give the other backends a schema that "
                f"serves them (for chat: {CHAT_SCHEMAS_HINT}).",
                # A warning when the first attempt's own main endpoint (chat for OpenAI, messages for Anthropic)
                # cannot fail over or split; gaps on other endpoints are a note.
                severity="warning" if degraded else "info",
            )


def _priority(ref: dict[str, Any]) -> int:
    value = ref.get("priority", 0)
    return value if isinstance(value, int) else 0


def _main_endpoint(known: list[tuple[dict[str, Any], str]], version: str) -> Endpoint | None:
    top = min(_priority(r) for r, _ in known)
    return shared_endpoint([s for r, s in known if _priority(r) == top], version)


def _gaps(
    known: list[tuple[dict[str, Any], str]], served: dict[int, set[str]]
) -> list[tuple[tuple[dict[str, Any], str, str], set[str]]]:
    """Per backend: the endpoints that work on the first attempt but not on it.

    A split share (same priority as the first attempt) lacks what another share serves; a fallback (higher
    priority) lacks what every first-attempt backend serves, so the failover fails for exactly those endpoints.
    """

    top = min(_priority(r) for r, _ in known)
    primaries = [(r, s) for r, s in known if _priority(r) == top]
    primary_any = set.union(*(served[id(r)] for r, _ in primaries))
    primary_all = set.intersection(*(served[id(r)] for r, _ in primaries))
    out = []
    for r, s in known:
        if _priority(r) == top:
            missing, role = primary_any - served[id(r)], "the split share"
        else:
            missing, role = primary_all - served[id(r)], f"the priority {_priority(r)} fallback"
        if missing:
            out.append(((r, s, role), missing))
    return out


MANTLE_SUFFIX = ".api.aws"


def _backend_hosts(index: ResourceIndex, asb: Resource) -> list[str]:
    ref = as_dict(asb.spec.get("backendRef"))
    ns = ref.get("namespace") if isinstance(ref.get("namespace"), str) else asb.namespace
    backend = index.get("Backend", ns, str(ref.get("name")), EG_GROUP)
    if backend is None:
        return []
    hosts = []
    for ep in as_list(backend.spec.get("endpoints")):
        host = as_dict(as_dict(ep).get("fqdn")).get("hostname")
        if isinstance(host, str):
            hosts.append(host)
    return hosts


@lint_rule("AIGW-L074", "AWSCredentials are not used for *.api.aws hosts", "error")
def aws_credentials_on_mantle(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for policy in index.of_kind("BackendSecurityPolicy", AIGW_GROUP):
        if policy.spec.get("type") != "AWSCredentials":
            continue
        for i, ref in enumerate(as_list(policy.spec.get("targetRefs"))):
            if not isinstance(ref, dict) or ref.get("kind") != "AIServiceBackend":
                continue
            asb = index.get("AIServiceBackend", policy.namespace, str(ref.get("name")), AIGW_GROUP)
            hosts = [h for h in (_backend_hosts(index, asb) if asb else []) if h.endswith(MANTLE_SUFFIX)]
            if hosts:
                yield Issue(
                    policy,
                    f"spec.targetRefs[{i}]",
                    f"AWSCredentials sign every request with SigV4 for service bedrock "
                    f"(envoyproxy/ai-gateway internal/backendauth/aws.go@{_version(ctx)}), but {hosts[0]} is a "
                    f"Bedrock Mantle *.api.aws host that rejects that signature (envoyproxy/ai-gateway#2182, open)",
                    "Authenticate this backend with a Bedrock API key instead (type APIKey: Authorization: Bearer), "
                    "as the issue's workaround does.",
                )


# (kind, field path, first release that serves it); the path's last step is looked up on each object. The
# releases come from the version table's columns.
FIELDS_SINCE: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("AIGatewayRoute", ("spec", "hostnames"), first_release("route_hostnames")),
    ("AIGatewayRoute", ("spec", "rules", "[]", "name"), first_release("rule_names")),
    ("AIGatewayRoute", ("spec", "rules", "[]", "streamIdleTimeout"), first_release("rule_names")),
    ("BackendSecurityPolicy", ("spec", "credentialOverride"), first_release("credential_override")),
    ("MCPRoute", ("spec", "hostnames"), first_release("mcp_hostnames")),
    ("MCPRoute", ("spec", "backendSelector"), first_release("mcp_hostnames")),
    ("MCPRoute", ("spec", "backendRefs", "[]", "forwardHeaders"), first_release("mcp_backend_extras")),
    ("GatewayConfig", ("spec", "globalLLMRequestCosts"), first_release("global_llm_request_costs")),
    ("GatewayConfig", ("spec", "forwardProxy"), first_release("forward_proxy")),
)
FIELDS_UNTIL: tuple[tuple[str, tuple[str, ...], str], ...] = (
    # moved to GatewayConfig: the first release without it
    ("AIGatewayRoute", ("spec", "filterConfig"), first_release("route_filter_config", False)),
)
# Inference Extension kinds: InferenceModel (x-k8s.io) was replaced by InferenceObjective in GIE v1.0, and
# AI Gateway (v0.4+) routes only to the v1 InferencePool of inference.networking.k8s.io.
GIE_GONE = {
    (
        "inference.networking.x-k8s.io",
        "InferenceModel",
    ): "replaced by InferenceObjective in Inference Extension v1.0",
    (
        "inference.networking.x-k8s.io",
        "InferencePool",
    ): "served as inference.networking.k8s.io/v1 InferencePool",
}


def _paths(node: Any, steps: tuple[str, ...], where: str) -> Iterator[str]:
    if not steps:
        yield where
        return
    head, rest = steps[0], steps[1:]
    if head == "[]":
        for i, item in enumerate(as_list(node)):
            yield from _paths(item, rest, f"{where}[{i}]")
    elif isinstance(node, dict) and head in node:
        yield from _paths(node[head], rest, f"{where}.{head}" if where else head)


def _older(version: str, than: str) -> bool:
    return RELEASES.index(version) < RELEASES.index(than)


@lint_rule("AIGW-L075", "kinds and fields are served by the target release", "error")
def served_by_release(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    version = _version(ctx)
    prof = profile(version)
    for r in index.resources:
        if r.group == AIGW_GROUP:
            refusal = prof.refusal(r.kind)
            if refusal:
                yield Issue(r, "kind", refusal + ".", f"Target a release that serves {r.kind}, or remove it.")
                continue
            if r.kind != "QuotaPolicy" and r.api_version != prof.aigw_api_version and r.version == "v1beta1":
                yield Issue(
                    r,
                    "apiVersion",
                    f"AI Gateway {version} does not serve {r.api_version} (its CRDs serve {prof.aigw_api_version})",
                    f"Write apiVersion {prof.aigw_api_version} for AI Gateway {version}.",
                )
        gone = GIE_GONE.get((r.group, r.kind))
        if gone:
            yield Issue(
                r,
                "apiVersion",
                f"{r.kind} {r.api_version} is not served by Inference Extension {prof.inference_extension}, the "
                f"release AI Gateway {version} works with: {gone}",
                "Migrate it (aigw-skills migrate) or remove it.",
            )
        for kind, steps, since in FIELDS_SINCE:
            if r.kind == kind and r.group == AIGW_GROUP and _older(version, since):
                for path in _paths(r.doc, steps, ""):
                    yield Issue(
                        r,
                        path,
                        f"{path} is served from AI Gateway {since}; the target release {version} does not have it "
                        "and the API server rejects the object",
                        f"Remove {path.rsplit('.', 1)[-1]}, or target AI Gateway {since} or later.",
                    )
        for kind, steps, until in FIELDS_UNTIL:
            if r.kind == kind and r.group == AIGW_GROUP and not _older(version, until):
                for path in _paths(r.doc, steps, ""):
                    yield Issue(
                        r,
                        path,
                        f"{path} was removed in AI Gateway {until}; the target release {version} rejects it",
                        "Move the extproc settings to a GatewayConfig (aigw-skills migrate does it).",
                    )
