"""The back half of a trace: backends with priority and weight, endpoint × schema translation, the model sent
upstream, and the host, port and path the request leaves with.

Sources (envoyproxy/ai-gateway at the target tag): internal/endpointspec/endpointspec.go (translators per
endpoint and schema), internal/translator/*.go (upstream paths), internal/backendauth/gcp.go (the Vertex AI path
prefix).
"""

from __future__ import annotations

from orchestrator.analysis.trace.gateway import ROUTE_SOURCE, Match
from orchestrator.analysis.trace.model import Leg, Step, TraceRequest
from orchestrator.analysis.trace.refs import (
    Ref,
    endpoint_host,
    first_attempt,
    resolve_refs,
    security_policies,
    shares,
    uses_tls,
)
from orchestrator.engine.lint.index import Resource, ResourceIndex, as_dict, as_list
from skills.endpoints import Endpoint, citation


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
                f"{ROUTE_SOURCE.format(v=version)} (validateAndGetBackend)",
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
                    f"{r.label} has schema {r.schema or '(none)'}, which cannot serve {endpoint.path}: {role} answers "
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
