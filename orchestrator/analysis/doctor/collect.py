"""Read the live cluster through kubectl into a snapshot: what `doctor` diagnoses and `doctor --collect` writes.

Secret values never reach this process: Secrets are listed with a go-template that prints only namespace, name,
type and key names (the Kubernetes API has no key-only read, so the values pass through kubectl, never further).
Everything else is reduced as soon as it is read (reduce.py). The live diagnosis and a collected dump read the same
snapshot, so both give the same findings.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from orchestrator.analysis.doctor.context import DEFAULT_AIGW_NAMESPACE, PROXY_LABELS
from orchestrator.analysis.doctor.egconfig import CONFIG_MAP, eg_settings
from orchestrator.analysis.doctor.references import secret_uses
from orchestrator.analysis.doctor.snapshot import ALL, Obj, Snapshot, _add
from orchestrator.analysis.kubectl import Kubectl, KubectlError

# Listed in full (every namespace, or --namespace): resource -> Kind.
NAMESPACED: dict[str, str] = {
    "gateways.gateway.networking.k8s.io": "Gateway",
    "httproutes.gateway.networking.k8s.io": "HTTPRoute",
    "grpcroutes.gateway.networking.k8s.io": "GRPCRoute",
    "referencegrants.gateway.networking.k8s.io": "ReferenceGrant",
    "backendtlspolicies.gateway.networking.k8s.io": "BackendTLSPolicy",
    "backends.gateway.envoyproxy.io": "Backend",
    "backendtrafficpolicies.gateway.envoyproxy.io": "BackendTrafficPolicy",
    "clienttrafficpolicies.gateway.envoyproxy.io": "ClientTrafficPolicy",
    "securitypolicies.gateway.envoyproxy.io": "SecurityPolicy",
    "envoyextensionpolicies.gateway.envoyproxy.io": "EnvoyExtensionPolicy",
    "envoypatchpolicies.gateway.envoyproxy.io": "EnvoyPatchPolicy",
    "envoyproxies.gateway.envoyproxy.io": "EnvoyProxy",
    "httproutefilters.gateway.envoyproxy.io": "HTTPRouteFilter",
    "aigatewayroutes.aigateway.envoyproxy.io": "AIGatewayRoute",
    "aiservicebackends.aigateway.envoyproxy.io": "AIServiceBackend",
    "backendsecuritypolicies.aigateway.envoyproxy.io": "BackendSecurityPolicy",
    "gatewayconfigs.aigateway.envoyproxy.io": "GatewayConfig",
    "mcproutes.aigateway.envoyproxy.io": "MCPRoute",
    "quotapolicies.aigateway.envoyproxy.io": "QuotaPolicy",
    "inferencepools.inference.networking.k8s.io": "InferencePool",
}
CLUSTER_SCOPED = {"gatewayclasses.gateway.networking.k8s.io": "GatewayClass"}
# Read in full, then cut down to the objects of the AI Gateway install (see _keep).
INFRA = {
    "customresourcedefinitions.apiextensions.k8s.io": "CustomResourceDefinition",
    "deployments.apps": "Deployment",
    "mutatingwebhookconfigurations.admissionregistration.k8s.io": "MutatingWebhookConfiguration",
}
CRD_GROUPS = (
    "aigateway.envoyproxy.io",
    "gateway.envoyproxy.io",
    "gateway.networking.k8s.io",
    "inference.networking.k8s.io",
)
SECRET_TEMPLATE = (
    '{{range .items}}{{.metadata.namespace}}{{"\\t"}}{{.metadata.name}}{{"\\t"}}{{.type}}{{"\\t"}}'
    '{{range $k, $v := .data}}{{$k}}{{" "}}{{end}}{{"\\n"}}{{end}}'
)


def _add_list(snapshot: Snapshot, listing: Any, source: str, keep: Any = None) -> None:
    for item in listing.get("items") or [] if isinstance(listing, dict) else []:
        if isinstance(item, dict) and (keep is None or keep(item)):
            _add(snapshot, item, source)


def _list(kubectl: Kubectl, snapshot: Snapshot, resources: list[str], scope: list[str]) -> list[str]:
    """List several resources in one call; on failure (RBAC, a broken API service) fall back to one call each.
    Returns the resources read in full; the others are named in the snapshot's notes."""
    if not resources:
        return []
    try:
        _add_list(snapshot, kubectl.json(["get", ",".join(resources), *scope]), "cluster")
        return list(resources)
    except KubectlError:
        pass
    read = []
    for resource in resources:
        if _read(snapshot, resource, lambda r=resource: kubectl.json(["get", r, *scope])):
            read.append(resource)
    return read


def _read(snapshot: Snapshot, what: str, call: Any) -> bool:
    """Add what `call` lists; a failure becomes a note (and the kind stays uncovered) instead of stopping."""
    try:
        _add_list(snapshot, call(), "cluster")
    except KubectlError as exc:
        snapshot.notes.append(f"{what}: not read ({exc})")
        return False
    return True


def _secret_lines(kubectl: Kubectl, namespace: str) -> str:
    """namespace, name, type and key names of the Secrets in `namespace`, one tab-separated line each."""
    return kubectl.run(["get", "secrets", "-n", namespace, "-o", f"go-template={SECRET_TEMPLATE}"]).stdout


def _add_secrets(snapshot: Snapshot, out: str) -> None:
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        ns, name, kind = parts[0], parts[1], parts[2]
        keys = parts[3].split() if len(parts) > 3 else []
        doc = {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": name, "namespace": ns},
            "type": kind,
        }
        doc["data"] = dict.fromkeys(keys, "")
        _add(snapshot, doc, "cluster")


def _secret_namespaces(snapshot: Snapshot) -> list[str]:
    """Namespaces whose Secrets the checks read: those of referencing policies and of the Envoy pods."""
    namespaces = {use.namespace for use in secret_uses(snapshot)}
    namespaces |= {p.namespace for p in snapshot.of_kind("Pod") if p.namespace}
    namespaces |= {
        cm.namespace for cm in snapshot.of_kind("ConfigMap") if cm.name == CONFIG_MAP and cm.namespace
    }
    return sorted(namespaces)


def _extension_service(snapshot: Snapshot) -> tuple[str, str]:
    for cm in snapshot.of_kind("ConfigMap"):
        eg = eg_settings(cm) if cm.name == CONFIG_MAP else None
        fqdn = (((eg or {}).get("extensionManager") or {}).get("service") or {}).get("fqdn") or {}
        host = str(fqdn.get("hostname", "")) if isinstance(fqdn, dict) else ""
        name, _, rest = host.partition(".")
        if name and rest:
            return name, rest.split(".", 1)[0]
    return "ai-gateway-controller", DEFAULT_AIGW_NAMESPACE


def collect(kubectl: Kubectl, namespace: str | None = None) -> Snapshot:
    """The snapshot of the cluster in kubectl's current (or given) context."""
    served, partial = kubectl.served_resources()
    snapshot = Snapshot(source=f"cluster (kubectl context {kubectl.context or 'current'})", coverage={})
    if partial:
        snapshot.notes.append(f"API discovery was partial, some kinds may be missing: {partial}")
    coverage: dict[str, list[str]] = {}
    namespaced = [r for r in NAMESPACED if r in served]
    infra = [r for r in (*CLUSTER_SCOPED, *INFRA) if r in served]
    selector = ",".join(f"{k}={v}" for k, v in PROXY_LABELS.items())
    field = f"metadata.name={CONFIG_MAP}"
    # kubectl calls that do not depend on each other run side by side (each costs a process start); results are
    # added in a fixed order, so the snapshot does not depend on which finishes first.
    with ThreadPoolExecutor(max_workers=4) as pool:
        pods = pool.submit(kubectl.json, ["get", "pods", "-A", "-l", selector])
        config = pool.submit(kubectl.json, ["get", "configmaps", "-A", "--field-selector", field])
        # One call for every listed kind.
        if namespace:
            read = _list(kubectl, snapshot, namespaced, ["-n", namespace]) + _list(
                kubectl, snapshot, infra, ["-A"]
            )
        else:
            read = _list(kubectl, snapshot, namespaced + infra, ["-A"])
        snapshot.objects = [o for o in snapshot.objects if _keep(o)]
        kinds = {**NAMESPACED, **CLUSTER_SCOPED, **INFRA}
        for resource in read:
            coverage[kinds[resource]] = [namespace] if namespace and resource in NAMESPACED else [ALL]
        missing = sorted(set(NAMESPACED) - served)
        if missing:
            snapshot.notes.append("not served by this cluster (CRDs not installed): " + ", ".join(missing))
        if _read(snapshot, "Envoy proxy pods", pods.result):
            coverage["Pod"] = [ALL]
        if _read(snapshot, CONFIG_MAP, config.result):
            coverage["ConfigMap"] = [ALL]
        service, service_ns = _extension_service(snapshot)
        by_name = ["--field-selector", f"metadata.name={service}"]
        services = pool.submit(kubectl.json, ["get", "services", "-n", service_ns, *by_name])
        namespaces = _secret_namespaces(snapshot)
        secrets = [(ns, pool.submit(_secret_lines, kubectl, ns)) for ns in namespaces]
        if _read(snapshot, f"Service {service_ns}/{service}", services.result):
            coverage["Service"] = [service_ns]
        coverage["Secret"] = []
        for ns, lines in secrets:
            try:
                _add_secrets(snapshot, lines.result())
                coverage["Secret"].append(ns)
            except KubectlError as exc:
                snapshot.notes.append(f"Secrets in {ns}: not read ({exc})")
    snapshot.coverage = dict(sorted(coverage.items()))
    snapshot.objects.sort(key=lambda o: (o.kind, o.namespace or "", o.name))
    return snapshot


def _keep(obj: Obj) -> bool:
    """Of the infrastructure kinds, only what belongs to Envoy Gateway and AI Gateway."""
    if obj.kind == "CustomResourceDefinition":
        return obj.spec.get("group") in CRD_GROUPS
    if obj.kind == "MutatingWebhookConfiguration":
        return obj.name.startswith("envoy-ai-gateway")
    if obj.kind == "Deployment":
        template = (obj.spec.get("template") or {}).get("spec") or {}
        for container in template.get("containers") or []:
            image = str(container.get("image", "")) if isinstance(container, dict) else ""
            if "ai-gateway-controller" in image or container.get("name") == "envoy-gateway":
                return True
        return all(obj.labels.get(k) == v for k, v in PROXY_LABELS.items())
    return True


def add_config_dumps(snapshot: Snapshot, dumps: Snapshot) -> Snapshot:
    """The live snapshot plus config dumps read from files."""
    snapshot.config_dumps.extend(dumps.config_dumps)
    return snapshot


__all__ = ["Obj", "add_config_dumps", "collect"]
