"""The platform kinds in the topology: InferencePools (their pods and endpoint picker), MCPRoutes (their MCP
servers, tool selectors, API keys, client OAuth and authorization) and EnvoyPatchPolicies (e.g. the Semantic
Router's ExtProc inserted before the AI Gateway filter). Called by :mod:`orchestrator.analysis.explain`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orchestrator.analysis.explain import _Explainer


def _meta(doc: dict[str, Any]) -> tuple[str, str]:
    meta = doc.get("metadata") or {}
    return str(meta.get("namespace") or "default"), str(meta.get("name") or "")


def inference_pool(ex: _Explainer, doc: dict[str, Any]) -> None:
    """InferencePool → its pods (selector, port); the endpoint picker picks the pod per request."""
    ns, name = _meta(doc)
    spec = doc.get("spec") or {}
    node = ex.g.node("InferencePool", ns, name, f"{ns}/{name}", "backend")
    selector = ",".join(
        f"{k}={v}" for k, v in ((spec.get("selector") or {}).get("matchLabels") or {}).items()
    )
    ports = ",".join(str(p.get("number")) for p in spec.get("targetPorts") or [])
    pods = f"{selector or 'no selector'} :{ports or '?'}"
    ex.g.edge(node, ex.g.node("Pods", ns, pods, pods, "provider"))
    epp = spec.get("endpointPickerRef") or {}
    epp_name, epp_port = str(epp.get("name")), (epp.get("port") or {}).get("number", "?")
    picker = ex.g.node("EndpointPicker", ns, epp_name, f"{ns}/{epp_name}:{epp_port}", "policy")
    mode = str(epp.get("failureMode") or "FailClose")
    ex.g.edge(picker, node, f"picks the pod, {mode}", dotted=True)
    ex.summary.append(
        f"InferencePool {ns}/{name}: pods {selector or '(no selector)'} on port {ports or '?'}, endpoint "
        f"picker {epp_name}:{epp_port} ({mode})"
    )


def _selector(ref: dict[str, Any]) -> str:
    tools = ref.get("toolSelector") or {}
    return "; ".join(f"{key} {', '.join(map(str, values))}" for key, values in tools.items() if values)


def mcp_route(ex: _Explainer, doc: dict[str, Any]) -> None:
    """Gateway → MCPRoute (path) → each MCP server (Service or Backend → host), with tools and keys."""
    ns, name = _meta(doc)
    spec = doc.get("spec") or {}
    path = str(spec.get("path") or "/mcp")
    node = ex.g.node("MCPRoute", ns, name, f"{ns}/{name} {path}", "route")
    parents = spec.get("parentRefs") or []
    for parent in parents:
        ex.g.edge(ex.gateway(str(parent.get("namespace") or ns), str(parent.get("name"))), node)
    refs = spec.get("backendRefs") or []
    gws = ", ".join(str(p.get("name")) for p in parents) or "no Gateway"
    ex.summary.append(f"MCPRoute {ns}/{name} on {gws} at {path}: {len(refs)} MCP server(s)")
    for ref in refs:
        ref_name = str(ref.get("name"))
        if ref.get("kind", "Service") == "Service":
            where = f"Service {ns}/{ref_name}:{ref.get('port', '?')}"
            service = ex.g.node(
                "Service", ns, ref_name, f"{ns}/{ref_name}:{ref.get('port', '?')}", "provider"
            )
            ex.g.edge(node, service, _selector(ref))
        else:
            backend = ex.g.node("Backend", ns, ref_name, f"{ns}/{ref_name}", "backend")
            ex.g.edge(node, backend, _selector(ref))
            hosts = ex.endpoints(backend, ns, ref_name)
            where = ", ".join(hosts) or f"Backend {ref_name}"
        key = ((ref.get("securityPolicy") or {}).get("apiKey") or {}).get("secretRef") or {}
        extras = [
            s for s in (_selector(ref), f"API key from Secret {key['name']}" if key.get("name") else "") if s
        ]
        tail = f" ({'; '.join(extras)})" if extras else ""
        ex.summary.append(f"  {ref_name}: {ref.get('path', '/mcp')} -> {where}{tail}")
    security = spec.get("securityPolicy") or {}
    oauth, authz = security.get("oauth") or {}, security.get("authorization") or {}
    if oauth:
        issuer = str(oauth.get("issuer"))
        ex.g.edge(ex.g.node("OAuth", ns, issuer, issuer, "policy"), node, "client tokens", dotted=True)
        ex.summary.append(f"  clients: OAuth tokens from {issuer}")
    if authz:
        rules = authz.get("rules") or []
        ex.summary.append(
            f"  authorization: {len(rules)} rule(s), default {authz.get('defaultAction', 'Deny')}"
        )


def patch_policy(ex: _Explainer, doc: dict[str, Any]) -> str:
    """What an EnvoyPatchPolicy adds, for its policy edge: the HTTP filters and clusters it inserts."""
    added = []
    for patch in (doc.get("spec") or {}).get("jsonPatches") or []:
        value = (patch.get("operation") or {}).get("value") or {}
        if "http_filters" in str((patch.get("operation") or {}).get("path", "")) and value.get("name"):
            where = "first" if str(patch["operation"]["path"]).endswith("/0") else "a"
            added.append(f"{where} filter {value['name']}")
        elif str(patch.get("type", "")).endswith("cluster.v3.Cluster") and patch.get("name"):
            added.append(f"cluster {patch['name']}")
    return "adds " + ", ".join(added) if added else "JSON patch"
