"""What every check needs besides the snapshot: the release profile, the Gateways that carry AI routes, commands."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from orchestrator.analysis.doctor.snapshot import Obj, Snapshot
from skills.versions import VersionProfile

AI_ROUTE_KINDS = ("AIGatewayRoute", "MCPRoute")
EXTPROC_CONTAINER = "ai-gateway-extproc"  # gateway_mutator.go@v1.1.0: mutationNamePrefix + "extproc"
OWNING_GATEWAY_NAME = (
    "gateway.envoyproxy.io/owning-gateway-name"  # EG internal/gatewayapi/translator.go@v1.8.1
)
OWNING_GATEWAY_NAMESPACE = "gateway.envoyproxy.io/owning-gateway-namespace"
PROXY_LABELS = {"app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway"}
DEFAULT_EG_NAMESPACE = "envoy-gateway-system"
DEFAULT_AIGW_NAMESPACE = "envoy-ai-gateway-system"


@dataclass
class DoctorContext:
    profile: VersionProfile
    models: list[str] = field(default_factory=list)
    checks_skipped: list[str] = field(default_factory=list)

    def skip(self, text: str) -> None:
        if text not in self.checks_skipped:
            self.checks_skipped.append(text)


def ns_flag(namespace: str | None) -> str:
    return f" -n {shlex.quote(namespace)}" if namespace else ""


def get_cmd(obj: tuple[str, str | None, str], output: str = "yaml") -> str:
    kind, namespace, name = obj
    return f"kubectl get {kind.lower()} {shlex.quote(name)}{ns_flag(namespace)} -o {output}"


def describe_cmd(obj: tuple[str, str | None, str]) -> str:
    kind, namespace, name = obj
    return f"kubectl describe {kind.lower()} {shlex.quote(name)}{ns_flag(namespace)}"


def edit_cmd(obj: tuple[str, str | None, str]) -> str:
    kind, namespace, name = obj
    return f"kubectl edit {kind.lower()} {shlex.quote(name)}{ns_flag(namespace)}"


def parent_gateways(route: Obj) -> list[tuple[str, str]]:
    """(namespace, name) of the Gateways a route attaches to."""
    out = []
    for ref in route.spec.get("parentRefs") or []:
        if not isinstance(ref, dict) or ref.get("kind", "Gateway") != "Gateway" or not ref.get("name"):
            continue
        out.append((str(ref.get("namespace") or route.namespace or "default"), str(ref["name"])))
    return out


def ai_gateways(snapshot: Snapshot) -> dict[tuple[str, str], list[Obj]]:
    """Gateways that AIGatewayRoutes or MCPRoutes attach to, with those routes."""
    out: dict[tuple[str, str], list[Obj]] = {}
    for route in snapshot.of_kind(*AI_ROUTE_KINDS):
        for key in parent_gateways(route):
            out.setdefault(key, []).append(route)
    return dict(sorted(out.items()))


def generated_by_ai_route(obj: Obj) -> bool:
    """An object the AI Gateway controller owns: the HTTPRoute and HTTPRouteFilters it generates per route."""
    owners = obj.meta.get("ownerReferences") or []
    return any(isinstance(o, dict) and o.get("kind") in AI_ROUTE_KINDS for o in owners)


def is_proxy_pod(pod: Obj) -> bool:
    labels = pod.labels
    return all(labels.get(k) == v for k, v in PROXY_LABELS.items())


def pod_gateway(pod: Obj) -> tuple[str, str] | None:
    labels = pod.labels
    name, namespace = labels.get(OWNING_GATEWAY_NAME), labels.get(OWNING_GATEWAY_NAMESPACE)
    return (namespace, name) if name and namespace else None


def eg_namespace(snapshot: Snapshot) -> str:
    """Where Envoy Gateway runs: the namespace of its config map or deployment, else the chart default."""
    for cm in snapshot.of_kind("ConfigMap"):
        if cm.name == "envoy-gateway-config" and cm.namespace:
            return cm.namespace
    return DEFAULT_EG_NAMESPACE


def proxy_selector(gateway: tuple[str, str]) -> str:
    namespace, name = gateway
    return f"{OWNING_GATEWAY_NAME}={name},{OWNING_GATEWAY_NAMESPACE}={namespace}"
