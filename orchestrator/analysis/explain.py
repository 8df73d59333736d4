"""Explain a set of AI Gateway manifests: a text summary and a Mermaid flowchart of how they connect.

Gateway → AIGatewayRoute → rules → AIServiceBackend → Backend → provider endpoint (or InferencePool → pods), and
Gateway → MCPRoute → MCP servers, with the policies that attach to them (BackendSecurityPolicy, BackendTLSPolicy,
ClientTrafficPolicy, BackendTrafficPolicy, GatewayConfig, EnvoyPatchPolicy).
Node ids are generated (n1, n2, ...) and every label is entity-encoded, so no object name, model name or
hostname can change the diagram's syntax. Pure: parsed objects in, text out.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

from orchestrator.analysis import explain_platform
from skills.credentials import REDACTED, redact_manifests
from skills.versions import MODEL_HEADER

SAFE = frozenset(string.ascii_letters + string.digits + " .,_:/@=+-()")
GATEWAY_CONFIG_ANNOTATION = "aigateway.envoyproxy.io/gateway-config"
CLASSES = {
    "gateway": "fill:#e8f0fe,stroke:#1a73e8",
    "route": "fill:#fef7e0,stroke:#f9ab00",
    "rule": "fill:#fff,stroke:#f9ab00,stroke-dasharray:3 3",
    "backend": "fill:#e6f4ea,stroke:#188038",
    "provider": "fill:#f1f3f4,stroke:#5f6368",
    "policy": "fill:#fce8e6,stroke:#d93025",
}
POLICY_KINDS = (
    "BackendSecurityPolicy",
    "BackendTLSPolicy",
    "ClientTrafficPolicy",
    "BackendTrafficPolicy",
    "GatewayConfig",
    "EnvoyPatchPolicy",
)


def escape(text: str) -> str:
    """Label text with every character outside a small safe set written as a Mermaid entity (#NN;)."""
    return "".join(c if c in SAFE else f"#{ord(c)};" for c in str(text))


@dataclass
class Explanation:
    """The summary (one line per fact) and the Mermaid source (without the ``` fence)."""

    summary: list[str]
    mermaid: str

    def text(self) -> str:
        """Markdown: the summary lines (a backtick in a name is escaped, so no name can open or close a code
        fence and swallow the diagram), then the Mermaid block."""
        lines = [line.replace("\\", "\\\\").replace("`", "\\`") for line in self.summary]
        return "\n".join(lines) + "\n\n```mermaid\n" + self.mermaid + "```\n"

    def to_dict(self) -> dict[str, Any]:
        return {"summary": list(self.summary), "mermaid": self.mermaid}


def _meta(doc: dict[str, Any]) -> tuple[str, str]:
    meta = doc.get("metadata") or {}
    return str(meta.get("namespace") or "default"), str(meta.get("name") or "")


@dataclass
class _Graph:
    nodes: dict[tuple[str, str, str], str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=dict)

    def node(self, kind: str, ns: str, name: str, label: str, css: str) -> str:
        key = (kind, ns, name)
        if key not in self.nodes:
            node_id = f"n{len(self.nodes) + 1}"
            self.nodes[key] = node_id
            self.lines.append(f'    {node_id}["{escape(kind)}<br/>{escape(label)}"]')
            self.classes.setdefault(css, []).append(node_id)
        return self.nodes[key]

    def edge(self, a: str, b: str, label: str = "", dotted: bool = False) -> None:
        arrow = "-.->" if dotted else "-->"
        text = f'|"{escape(label)}"|' if label else ""
        self.lines.append(f"    {a} {arrow}{text} {b}")

    def render(self) -> str:
        out = ["flowchart LR", *self.lines]
        for css, style in CLASSES.items():
            if css in self.classes:
                out.append(f"    classDef {css} {style}")
                out.append(f"    class {','.join(self.classes[css])} {css}")
        return "\n".join(out) + "\n"


def _models(rule: dict[str, Any]) -> list[str]:
    return [
        str(h.get("value"))
        for m in rule.get("matches") or []
        for h in m.get("headers") or []
        if h.get("name") == MODEL_HEADER
    ]


def _ref_label(ref: dict[str, Any]) -> str:
    parts = [f"{k} {ref[k]}" for k in ("weight", "priority") if k in ref]
    if "modelNameOverride" in ref:
        parts.append(f"as {ref['modelNameOverride']}")
    return ", ".join(parts)


class _Explainer:
    def __init__(self, docs: list[dict[str, Any]]) -> None:
        self.docs = [d for d in docs if isinstance(d, dict) and d.get("kind")]
        self.by_kind: dict[tuple[str, str, str], dict[str, Any]] = {
            (str(d["kind"]), *_meta(d)): d for d in self.docs
        }
        self.g = _Graph()
        self.summary: list[str] = []
        self.drawn: set[tuple[str, str]] = set()  # (Backend node, endpoint) edges already drawn

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.docs if d.get("kind") == kind]

    def gateway(self, ns: str, name: str) -> str:
        return self.g.node("Gateway", ns, name, f"{ns}/{name}", "gateway")

    def service_backend(self, ns: str, name: str) -> str:
        doc = self.by_kind.get(("AIServiceBackend", ns, name))
        schema = ((doc or {}).get("spec") or {}).get("schema") or {}
        label = f"{ns}/{name}" + (f" ({schema['name']})" if schema.get("name") else "")
        return self.g.node("AIServiceBackend", ns, name, label, "backend")

    def run(self) -> Explanation:
        for gw in self.of("Gateway"):
            ns, name = _meta(gw)
            listeners = ", ".join(
                f"{lis.get('name')} {lis.get('protocol')}:{lis.get('port')}"
                for lis in (gw.get("spec") or {}).get("listeners") or []
            )
            self.gateway(ns, name)
            self.summary.append(f"Gateway {ns}/{name}: listeners {listeners or 'none'}")
        for route in self.of("AIGatewayRoute"):
            self.route(route)
        for asb in self.of("AIServiceBackend"):
            self.backend(asb)
        for pool in self.of("InferencePool"):
            explain_platform.inference_pool(self, pool)
        for mcp in self.of("MCPRoute"):
            explain_platform.mcp_route(self, mcp)
        for kind in POLICY_KINDS:
            for doc in self.of(kind):
                self.policy(doc)
        if not self.summary:
            self.summary.append("No Gateway, AIGatewayRoute, MCPRoute, AIServiceBackend or policy found.")
        return Explanation(self.summary, self.g.render())

    def route(self, route: dict[str, Any]) -> None:
        ns, name = _meta(route)
        spec = route.get("spec") or {}
        node = self.g.node("AIGatewayRoute", ns, name, f"{ns}/{name}", "route")
        parents = spec.get("parentRefs") or spec.get("targetRefs") or []
        for parent in parents:
            self.g.edge(self.gateway(str(parent.get("namespace") or ns), str(parent.get("name"))), node)
        rules = spec.get("rules") or []
        gws = ", ".join(str(p.get("name")) for p in parents) or "no Gateway"
        self.summary.append(f"AIGatewayRoute {ns}/{name} on {gws}: {len(rules)} rule(s)")
        for index, rule in enumerate(rules):
            models = _models(rule)
            title = str(rule.get("name") or f"rule {index + 1}")
            rule_node = self.g.node(
                "Rule", ns, f"{name}/{index}", f"{title}: {', '.join(models) or 'any model'}", "rule"
            )
            self.g.edge(node, rule_node)
            targets = []
            for ref in rule.get("backendRefs") or []:
                ref_ns = str(ref.get("namespace") or ns)
                if ref.get("kind") == "InferencePool":
                    target = self.g.node(
                        "InferencePool",
                        ref_ns,
                        str(ref.get("name")),
                        f"{ref_ns}/{ref.get('name')}",
                        "backend",
                    )
                else:
                    target = self.service_backend(ref_ns, str(ref.get("name")))
                self.g.edge(rule_node, target, _ref_label(ref))
                extra = _ref_label(ref)
                targets.append(f"{ref.get('name')}" + (f" ({extra})" if extra else ""))
            self.summary.append(f"  {title}: {', '.join(models) or 'any model'} -> {', '.join(targets)}")

    def backend(self, asb: dict[str, Any]) -> None:
        ns, name = _meta(asb)
        spec = asb.get("spec") or {}
        node = self.service_backend(ns, name)
        ref = spec.get("backendRef") or {}
        ref_name = str(ref.get("name"))
        ref_ns = str(ref.get("namespace") or ns)
        target = "unknown"
        if ref.get("kind", "Service") == "Backend":
            backend = self.g.node("Backend", ref_ns, ref_name, f"{ref_ns}/{ref_name}", "backend")
            self.g.edge(node, backend)
            for where in self.endpoints(backend, ref_ns, ref_name):
                target = where
        else:
            svc = self.g.node("Service", ref_ns, ref_name, f"{ref_ns}/{ref_name}", "provider")
            self.g.edge(node, svc)
            target = f"Service {ref_ns}/{ref_name}"
        schema = (spec.get("schema") or {}).get("name", "?")
        self.summary.append(f"AIServiceBackend {ns}/{name}: schema {schema} -> {target}")

    def endpoints(self, backend: str, ns: str, name: str) -> list[str]:
        """Draw Backend → each endpoint (once per Backend node) and return them as host:port."""
        eg = self.by_kind.get(("Backend", ns, name)) or {}
        out = []
        for ep in (eg.get("spec") or {}).get("endpoints") or []:
            addr = ep.get("fqdn") or ep.get("ip") or {}
            where = f"{addr.get('hostname') or addr.get('address')}:{addr.get('port')}"
            if (backend, where) not in self.drawn:
                self.drawn.add((backend, where))
                self.g.edge(backend, self.g.node("Provider", "", where, where, "provider"))
            out.append(where)
        return out

    def policy(self, doc: dict[str, Any]) -> None:
        kind = str(doc["kind"])
        ns, name = _meta(doc)
        spec = doc.get("spec") or {}
        node = self.g.node(kind, ns, name, f"{ns}/{name}", "policy")
        detail = {
            "BackendSecurityPolicy": str(spec.get("type", "")),
            "BackendTLSPolicy": "TLS " + str((spec.get("validation") or {}).get("hostname", "")),
            "ClientTrafficPolicy": "bufferLimit "
            + str((spec.get("connection") or {}).get("bufferLimit", "default")),
            "BackendTrafficPolicy": "retry"
            if "retry" in spec
            else ("rateLimit" if "rateLimit" in spec else "traffic"),
            "GatewayConfig": "extproc settings",
            "EnvoyPatchPolicy": explain_platform.patch_policy(self, doc)
            if kind == "EnvoyPatchPolicy"
            else "",
        }[kind]
        attached = []
        for target in self._targets(doc):
            self.g.edge(node, target[0], detail, dotted=True)
            attached.append(target[1])
        self.summary.append(
            f"{kind} {ns}/{name} ({detail.strip()}) -> {', '.join(attached) or 'nothing found'}"
        )

    def _targets(self, doc: dict[str, Any]) -> list[tuple[str, str]]:
        ns, name = _meta(doc)
        if doc["kind"] == "GatewayConfig":
            return [
                (self.gateway(*_meta(gw)), f"Gateway {_meta(gw)[1]}")
                for gw in self.of("Gateway")
                if _meta(gw)[0] == ns
                and ((gw.get("metadata") or {}).get("annotations") or {}).get(GATEWAY_CONFIG_ANNOTATION)
                == name
            ]
        out = []
        spec = doc.get("spec") or {}
        for ref in spec.get("targetRefs") or ([spec["targetRef"]] if spec.get("targetRef") else []):
            kind, ref_name = str(ref.get("kind")), str(ref.get("name"))
            if kind == "AIServiceBackend":
                out.append((self.service_backend(ns, ref_name), f"AIServiceBackend {ref_name}"))
            elif kind == "Gateway":
                out.append((self.gateway(ns, ref_name), f"Gateway {ref_name}"))
            elif kind == "HTTPRoute" and ("AIGatewayRoute", ns, ref_name) in self.by_kind:
                route = self.g.node("AIGatewayRoute", ns, ref_name, f"{ns}/{ref_name}", "route")
                out.append((route, f"HTTPRoute {ref_name} (generated from the AIGatewayRoute)"))
            else:
                label = f"{ns}/{ref_name}"
                out.append((self.g.node(kind, ns, ref_name, label, "backend"), f"{kind} {ref_name}"))
        return out


def explain_documents(docs: list[Any]) -> Explanation:
    """Summary lines and a Mermaid flowchart of the AI Gateway objects in `docs` (other kinds are ignored).
    Strings that look like credentials (keys included) are masked first, as validate does: nothing read from
    the input can carry a key into the output."""
    masked, count = redact_manifests([d for d in docs if isinstance(d, dict)])
    explanation = _Explainer(masked).run()
    if count:
        explanation.summary.append(
            f"note: {count} value(s) that look like credentials were masked ({REDACTED}); create Secrets at "
            "apply time instead of writing keys into manifests"
        )
    return explanation
