"""A matched rule's backendRefs, resolved through the manifests: AIServiceBackend schema and prefix, the Envoy
Gateway Backend (or InferencePool, Service) behind it, its TLS, the BackendSecurityPolicies that target it, and
how first attempts split by priority and weight.

An InferencePool is treated as the OpenAI schema (envoyproxy/ai-gateway internal/controller/gateway.go@v1.1.0),
and an empty schema.prefix means v1 (``cmp.Or(prefix, "v1")`` in the same file).
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestrator.analysis.trace.gateway import Match
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
