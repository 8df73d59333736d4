"""The back half of a trace: backends with priority and weight, endpoint × schema translation, the model sent
upstream, the credential injected, and the host, port and path the request leaves with.

Sources (envoyproxy/ai-gateway at the target tag): internal/endpointspec/endpointspec.go (translators per
endpoint and schema), internal/translator/*.go (upstream paths), internal/backendauth/*.go (credential headers),
internal/controller/gateway.go (an InferencePool is treated as the OpenAI schema; ``cmp.Or(prefix, "v1")``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orchestrator.analysis.trace.gateway import Match
from orchestrator.analysis.trace.model import Leg, Step, TraceRequest
from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    EG_GROUP,
    GIE_GROUP,
    GWAPI_GROUP,
    Resource,
    ResourceIndex,
    as_dict,
    as_list,
    targets,
)
from orchestrator.engine.lint.policies import SECRET_REFS
from skills.endpoints import Endpoint, citation

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


@dataclass(frozen=True)
class Ref:
    """One backendRef of the matched rule, resolved as far as the manifests allow."""

    index: int
    kind: str  # AIServiceBackend, InferencePool, Backend or Service
    namespace: str
    name: str
    priority: int
    weight: int
    override: str | None
    asb: Resource | None
    schema: str
    prefix: str
    schema_version: str
    target: Resource | None  # the EG Backend / InferencePool / Service the traffic goes to

    @property
    def label(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}"


def resolve_refs(index: ResourceIndex, match: Match) -> list[Ref]:
    route = match.route
    out = []
    for i, ref in enumerate(as_list(match.rule.get("backendRefs"))):
        if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
            continue
        ns = str(ref["namespace"]) if isinstance(ref.get("namespace"), str) else route.namespace or "default"
        weight = ref.get("weight", 1)
        priority = ref.get("priority", 0) if match.generated else 0
        override = ref.get("modelNameOverride") if match.generated else None
        kind = str(ref.get("kind") or ("AIServiceBackend" if match.generated else "Service"))
        asb = target = None
        schema, prefix, version = "", "v1", ""
        if kind == "AIServiceBackend":
            asb = index.get("AIServiceBackend", ns, ref["name"], AIGW_GROUP)
            if asb is not None:
                spec_schema = as_dict(asb.spec.get("schema"))
                schema = str(spec_schema.get("name", ""))
                prefix = str(spec_schema.get("prefix") or "v1")  # cmp.Or(prefix, "v1"): empty means v1
                version = str(spec_schema.get("version") or "")
                backend_ref = as_dict(asb.spec.get("backendRef"))
                target_ns = (
                    backend_ref.get("namespace") if isinstance(backend_ref.get("namespace"), str) else ns
                )
                target = index.get("Backend", target_ns, str(backend_ref.get("name")), EG_GROUP)
        elif kind == "InferencePool":
            schema = "OpenAI" if match.generated else ""  # gateway.go: InferencePools are all OpenAI schema
            target = index.get("InferencePool", ns, ref["name"], GIE_GROUP)
        elif kind == "Backend":
            target = index.get("Backend", ns, ref["name"], EG_GROUP)
        else:
            target = index.get("Service", ns, ref["name"], "")
        out.append(
            Ref(
                i,
                kind,
                ns,
                ref["name"],
                priority if isinstance(priority, int) else 0,
                weight if isinstance(weight, int) else 1,
                override if isinstance(override, str) else None,
                asb,
                schema,
                prefix.strip("/") or "v1",
                version,
                target,
            )
        )
    return out


def shares(refs: list[Ref]) -> dict[int, int]:
    """Percent of first attempts per ref within its priority (weights split traffic inside a priority)."""
    out: dict[int, int] = {}
    for priority in sorted({r.priority for r in refs}):
        group = [r for r in refs if r.priority == priority]
        total = sum(max(r.weight, 0) for r in group)
        for r in group:
            out[r.index] = round(100 * max(r.weight, 0) / total) if total else 0
    return out


def first_attempt(refs: list[Ref]) -> Ref | None:
    """The ref the first attempt most likely goes to: lowest priority, then the largest weight, then order."""
    if not refs:
        return None
    top = min(r.priority for r in refs)
    return sorted((r for r in refs if r.priority == top), key=lambda r: (-r.weight, r.index))[0]


def endpoint_host(target: Resource | None) -> tuple[str, int | None]:
    """(host, port) of an EG Backend's first endpoint ("" when unknown)."""
    if target is None or target.kind != "Backend":
        return "", None
    for ep in as_list(target.spec.get("endpoints")):
        ep = as_dict(ep)
        for key, host_key in (("fqdn", "hostname"), ("ip", "address")):
            node = as_dict(ep.get(key))
            if isinstance(node.get(host_key), str):
                port = node.get("port")
                return node[host_key], port if isinstance(port, int) else None
    return "", None


def uses_tls(index: ResourceIndex, target: Resource | None) -> bool:
    if target is None:
        return False
    tls = as_dict(target.spec.get("tls"))
    if any(tls.get(k) for k in ("wellKnownCACertificates", "caCertificateRefs", "insecureSkipVerify")):
        return True
    return any(
        p.namespace == target.namespace
        and any(t.get("kind") == target.kind and t.get("name") == target.name for t in targets(p))
        for p in index.of_kind("BackendTLSPolicy", GWAPI_GROUP)
    )


def security_policies(index: ResourceIndex, ref: Ref) -> list[Resource]:
    group = AIGW_GROUP if ref.kind == "AIServiceBackend" else GIE_GROUP
    return [
        p
        for p in index.of_kind("BackendSecurityPolicy", AIGW_GROUP)
        if p.namespace == ref.namespace
        and any(
            t.get("group") == group and t.get("kind") == ref.kind and t.get("name") == ref.name
            for t in targets(p)
        )
    ]


def upstream_path(endpoint: Endpoint, ref: Ref, model: str, gcp: str) -> str:
    template = endpoint.upstream.get(ref.schema, "")
    if not template:
        return ""
    path = (
        template.replace("{prefix}", ref.prefix)
        .replace("{model}", model)
        .replace("{version}", ref.schema_version or "<schema.version>")
        .replace("{gcp}", gcp)
    )
    while "//" in path:
        path = path.replace("//", "/")
    return path


def leg_upstream(index: ResourceIndex, r: Ref, endpoint: Endpoint | None, req: TraceRequest) -> str:
    """scheme://host:port/path the request leaves with for this ref ("" when the manifests do not say)."""
    model = r.override or req.model_header() or "<model>"
    path = (
        upstream_path(endpoint, r, model, _gcp_prefix(security_policies(index, r))) if endpoint else req.path
    )
    if r.kind == "InferencePool":
        if r.target is None:
            return ""
        ports = as_list(r.target.spec.get("targetPorts"))
        number = as_dict(ports[0]).get("number") if ports else None
        return f"http://<pod of InferencePool {r.namespace}/{r.name}>:{number or '<targetPort>'}{path}"
    if r.kind == "Service":
        return f"http://{r.name}.{r.namespace}.svc:<port>{path}" if r.target is not None else ""
    host, port = endpoint_host(r.target)
    if not host:
        return ""
    scheme = "https" if uses_tls(index, r.target) else "http"
    return f"{scheme}://{host}:{port or (443 if scheme == 'https' else 80)}{path}"


def _gcp_prefix(policies: list[Resource]) -> str:
    for p in policies:
        gcp = as_dict(p.spec.get("gcpCredentials"))
        if gcp:
            return f"/v1/projects/{gcp.get('projectName', '<project>')}/locations/{gcp.get('region', '<region>')}"
    return "/v1/projects/<project>/locations/<region>"


def leg_steps(
    index: ResourceIndex, match: Match, endpoint: Endpoint | None, req: TraceRequest, version: str
) -> tuple[list[Leg], Ref | None, list[Step]]:
    """Steps ``backends`` and ``translation``: every ref with its share, and whether it can serve the endpoint."""
    where = f"{match.route.kind}/{match.route.namespace}/{match.route.name}"
    refs = resolve_refs(index, match)
    steps: list[Step] = []
    if not refs:
        steps.append(
            Step(
                "backends",
                "fail",
                f"rule {match.rule_index} has no backendRefs: Envoy answers 500",
                f"{where} spec.rules[{match.rule_index}].backendRefs",
                fix="Add a backendRef to an AIServiceBackend.",
            )
        )
        return [], None, steps
    pct = shares(refs)
    first = first_attempt(refs)
    assert first is not None
    missing = [r for r in refs if (r.asb if r.kind == "AIServiceBackend" else r.target) is None]
    for r in missing:
        steps.append(
            Step(
                "backends",
                "fail" if r is first else "warn",
                f"{r.label} (backendRefs[{r.index}]) is not in the manifests: the controller cannot build the route",
                f"{where} spec.rules[{match.rule_index}].backendRefs[{r.index}]",
                f"{ROUTE_SOURCE_NOTE} (validateAndGetBackend)",
                f"Add {r.label} to the manifests, or trace with every file of the deployment.",
            )
        )
    split = {r.priority for r in refs if sum(1 for o in refs if o.priority == r.priority) > 1}
    described = "; ".join(
        f"{r.label} priority {r.priority}"
        + (f" weight {r.weight} ({pct[r.index]}%)" if r.priority in split else "")
        for r in refs
    )
    summary = f"{len(refs)} backend{'s' if len(refs) > 1 else ''}: {described}"
    if len(refs) > 1:
        summary += f"; the first attempt goes to {first.label}"
    steps.insert(
        0,
        Step(
            "backends",
            "ok",
            summary,
            f"{where} spec.rules[{match.rule_index}].backendRefs",
            "priority 0 is tried first; higher priorities only on retry; weights split traffic within a priority",
            actor="envoy",
        ),
    )
    legs: list[Leg] = []
    for r in refs:
        serves = True if endpoint is None or not match.generated else endpoint.serves(r.schema, version)
        where_to = leg_upstream(index, r, endpoint if match.generated else None, req) if serves else ""
        legs.append(Leg(r.label, r.schema or "-", r.priority, r.weight, pct[r.index], serves, where_to))
    if endpoint is not None and match.generated:
        for r, leg in zip(refs, legs, strict=True):
            if leg.serves or (r.asb is None and r.kind == "AIServiceBackend"):
                continue
            primary = r.priority == first.priority and pct[r.index] > 0
            role = (
                "the first attempt"
                if r is first
                else f"a {pct[r.index]}% split share"
                if primary
                else f"the priority {r.priority} fallback"
            )
            fits = ", ".join(endpoint.schemas_in(version)) or "none"
            steps.append(
                Step(
                    "translation",
                    "fail" if primary else "warn",
                    f"{r.label} has schema {r.schema}, which cannot serve {endpoint.path}: {role} answers "
                    f'"unsupported API schema" instead of reaching the provider',
                    f"{r.label} spec.schema.name",
                    f"{endpoint.title} has translators for {fits} only ({citation(version)})",
                    f"Send this model to an endpoint {r.schema} serves, or use a backend whose schema serves "
                    f"{endpoint.path} ({fits}).",
                    actor="ai-gateway",
                )
            )
        if all(leg.serves for leg in legs):
            schemas = sorted({leg.schema for leg in legs})
            steps.append(
                Step(
                    "translation",
                    "ok",
                    f"{endpoint.path} → {', '.join(schemas)}: every backend of the rule has a translator",
                    f"{first.label} spec.schema",
                    citation(version),
                    actor="ai-gateway",
                )
            )
    return legs, first, steps


ROUTE_SOURCE_NOTE = "envoyproxy/ai-gateway internal/controller/ai_gateway_route.go"


def model_step(first: Ref, req: TraceRequest) -> Step:
    sent = req.model_header() or "<model>"
    if first.override:
        return Step(
            "model",
            "ok",
            f"model {sent} is sent upstream as {first.override}",
            f"backendRefs[{first.index}].modelNameOverride",
            "the translator replaces the model with modelNameOverride (internal/translator)",
            actor="ai-gateway",
        )
    extra = " (it is the Azure deployment name in the path)" if first.schema == "AzureOpenAI" else ""
    return Step(
        "model", "ok", f"model {sent} is sent upstream unchanged{extra}", "request", actor="ai-gateway"
    )


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


def upstream_step(index: ResourceIndex, first: Ref, leg: Leg, generated: bool) -> Step:
    if first.kind == "InferencePool":
        pool = first.target
        ports = as_list(as_dict(pool.spec if pool else {}).get("targetPorts"))
        number = as_dict(ports[0]).get("number") if ports else None
        return Step(
            "upstream",
            "ok" if pool is not None else "fail",
            f"leaves for a pod of InferencePool {first.namespace}/{first.name}"
            + (f" on port {number}" if number else "")
            + " chosen by its endpoint picker",
            first.label,
            "the endpoint picker (Gateway API Inference Extension) selects the pod",
            "" if pool is not None else f"Add InferencePool {first.namespace}/{first.name}.",
            actor="provider",
        )
    if first.kind == "Service":
        return Step(
            "upstream",
            "ok" if first.target is not None else "fail",
            f"leaves for Service {first.namespace}/{first.name}",
            first.label,
            "a plain HTTPRoute backendRef: Envoy Gateway load-balances over the Service's endpoints",
            "" if first.target is not None else f"Add Service {first.namespace}/{first.name}.",
            actor="provider",
        )
    host, port = endpoint_host(first.target)
    if not host:
        return Step(
            "upstream",
            "fail" if first.target is None else "warn",
            f"{first.label} resolves to no Backend endpoint in these manifests",
            first.label,
            fix="Add the Envoy Gateway Backend the AIServiceBackend's backendRef names.",
            actor="envoy",
        )
    tls = uses_tls(index, first.target)
    if port == 443 and not tls:
        return Step(
            "upstream",
            "fail",
            f"{host}:443 is an HTTPS endpoint but no BackendTLSPolicy targets Backend {first.target.name if first.target else ''}: "
            "Envoy speaks plain HTTP to it and the provider rejects the request",
            first.label,
            fix="Add a BackendTLSPolicy with validation.hostname set to the endpoint's hostname.",
            actor="envoy",
        )
    rewrite = " (Host rewritten to the backend hostname)" if generated else ""
    return Step(
        "upstream",
        "ok",
        f"leaves for {leg.upstream}{rewrite}",
        f"{first.target.kind}/{first.target.namespace}/{first.target.name}" if first.target else first.label,
        "host and port from the Backend endpoint; TLS from the BackendTLSPolicy; path from the translator",
        actor="provider",
    )
