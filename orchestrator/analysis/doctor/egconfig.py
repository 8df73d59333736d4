"""Envoy Gateway's own configuration: the `envoy-gateway-config` ConfigMap its chart renders.

The chart (charts/gateway-helm/templates/envoy-gateway-config.yaml@v1.8.1) writes an EnvoyGateway object under the
key `envoy-gateway.yaml`. AI Gateway needs what its values file sets (manifests/envoy-gateway-values.yaml@v1.1.0):
the extension manager with the xdsTranslator hooks (translation includeAll for listener, route, cluster and secret;
post hooks Translation, Cluster and Route) pointing at the controller's gRPC port 1063, and the Backend API.
Without the hooks every object still says Accepted, but Envoy never gets the ext_proc filter (ai-gateway #2560).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from orchestrator.analysis.doctor.context import DoctorContext, ai_gateways
from orchestrator.analysis.doctor.reduce import as_dict, dig
from orchestrator.analysis.doctor.report import DoctorFinding, finding
from orchestrator.analysis.doctor.snapshot import Obj, Snapshot
from skills.versions import ENVOY_GATEWAY_CONTROLLER

CONFIG_MAP = "envoy-gateway-config"
CONFIG_KEY = "envoy-gateway.yaml"
POST_HOOKS = ("Translation", "Cluster", "Route")
TRANSLATION = ("listener", "route", "cluster", "secret")
EXTENSION_PORT = 1063
DEFAULT_EXTENSION_HOST = "ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local"


def _helm(namespace: str, values: str) -> str:
    where = "manifests/" if values == "envoy-gateway-values.yaml" else ""
    return (
        f"helm upgrade eg oci://docker.io/envoyproxy/gateway-helm -n {namespace} --reuse-values -f {values}  "
        f"# {where}{values} of your AI Gateway release"
    )


def _confirm(cm: Obj) -> str:
    return (
        f"kubectl get configmap {CONFIG_MAP} -n {cm.namespace} -o jsonpath='{{.data.envoy-gateway\\.yaml}}'"
    )


def find_config(snapshot: Snapshot) -> Obj | None:
    maps = [cm for cm in snapshot.of_kind("ConfigMap") if cm.name == CONFIG_MAP]
    return maps[0] if maps else None


def eg_settings(cm: Obj) -> dict[str, Any] | None:
    data = as_dict(cm.doc.get("data"))
    try:
        parsed = yaml.safe_load(str(data.get(CONFIG_KEY, "")))
    except yaml.YAMLError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _extension_manager(cm: Obj, eg: dict[str, Any], snapshot: Snapshot) -> Iterator[DoctorFinding]:
    ns = cm.namespace or "envoy-gateway-system"
    manager = eg.get("extensionManager")
    why = (
        "without the extension manager hooks Envoy Gateway never calls the AI Gateway controller, so Envoy gets no "
        "ext_proc filter: no model extraction from the body and no provider credentials, while every object "
        "still reports Accepted"
    )
    if not isinstance(manager, dict):
        yield finding(
            "AIGW-D011",
            cm.ref,
            severity="error",
            what="no extensionManager in envoy-gateway.yaml",
            why=why,
            fix=_helm(ns, "envoy-gateway-values.yaml"),
            confirm=_confirm(cm),
            source=cm.source,
        )
        return
    missing = []
    post = dig(manager, "hooks", "xdsTranslator", "post") or []
    missing += [f"hooks.xdsTranslator.post {hook}" for hook in POST_HOOKS if hook not in post]
    for part in TRANSLATION:
        if dig(manager, "hooks", "xdsTranslator", "translation", part, "includeAll") is not True:
            missing.append(f"hooks.xdsTranslator.translation.{part}.includeAll: true")
    if missing:
        yield finding(
            "AIGW-D011",
            cm.ref,
            severity="error",
            what="extensionManager lacks " + ", ".join(missing),
            why=why,
            fix=_helm(ns, "envoy-gateway-values.yaml"),
            confirm=_confirm(cm),
            source=cm.source,
        )
    service = as_dict(manager.get("service"))
    target = service.get("fqdn") if isinstance(service.get("fqdn"), dict) else service.get("host")
    host = str(target.get("hostname", "")) if isinstance(target, dict) else str(target or "")
    port = target.get("port") if isinstance(target, dict) else service.get("port")
    problems = []
    if not host:
        problems.append("no service.fqdn.hostname")
    if port != EXTENSION_PORT:
        problems.append(f"port {port} instead of the controller's gRPC port {EXTENSION_PORT}")
    svc_name, _, rest = host.partition(".")
    svc_ns = rest.split(".", 1)[0] if rest else None
    if (
        host
        and svc_ns
        and snapshot.covers("Service", svc_ns)
        and snapshot.get("Service", svc_ns, svc_name) is None
    ):
        problems.append(f"no Service {svc_ns}/{svc_name} exists")
    if problems:
        yield finding(
            "AIGW-D012",
            cm.ref,
            severity="error",
            what=f"extensionManager.service points at {host or '?'}:{port}: " + "; ".join(problems),
            why="Envoy Gateway cannot reach the AI Gateway extension server, so translation fails or skips the AI "
            "Gateway changes",
            fix=f"set config.envoyGateway.extensionManager.service.fqdn to {DEFAULT_EXTENSION_HOST}:{EXTENSION_PORT} "
            "(or your controller Service): " + _helm(ns, "envoy-gateway-values.yaml"),
            confirm="kubectl get svc -A -l app.kubernetes.io/name=ai-gateway-helm",
            source=cm.source,
        )


def _extension_apis(cm: Obj, eg: dict[str, Any], snapshot: Snapshot) -> Iterator[DoctorFinding]:
    ns = cm.namespace or "envoy-gateway-system"
    apis = as_dict(eg.get("extensionApis"))
    if apis.get("enableBackend") is not True:
        yield finding(
            "AIGW-D013",
            cm.ref,
            severity="error",
            what="extensionApis.enableBackend is not true",
            why="every AIServiceBackend points at an Envoy Gateway Backend; with the Backend API off EG rejects "
            "them ('Backend is disabled in Envoy Gateway configuration') and requests fail",
            fix=_helm(ns, "envoy-gateway-values.yaml"),
            confirm=_confirm(cm),
            source=cm.source,
        )
    if apis.get("enableEnvoyPatchPolicy") is not True:
        patches = snapshot.of_kind("EnvoyPatchPolicy")
        yield finding(
            "AIGW-D014",
            cm.ref,
            severity="error" if patches else "info",
            what="extensionApis.enableEnvoyPatchPolicy is not true"
            + (f" while {len(patches)} EnvoyPatchPolicy object(s) exist" if patches else ""),
            why="EnvoyPatchPolicies are ignored while the API is off (semantic routing and some add-ons use them); "
            "the AI Gateway values enable it",
            fix=_helm(ns, "envoy-gateway-values.yaml"),
            confirm=_confirm(cm),
            source=cm.source,
        )
    if snapshot.of_kind("InferencePool"):
        resources = dig(eg, "extensionManager", "backendResources") or []
        if not any(isinstance(r, dict) and r.get("kind") == "InferencePool" for r in resources):
            yield finding(
                "AIGW-D015",
                cm.ref,
                severity="error",
                what="InferencePools exist but extensionManager.backendResources has no InferencePool",
                why="Envoy Gateway treats a route backendRef to an InferencePool as an unknown kind, so those "
                "models are unreachable",
                fix=_helm(ns, "examples/inference-pool/envoy-gateway-values-addon.yaml"),
                confirm=_confirm(cm),
                source=cm.source,
            )


def _global_rate_limits(snapshot: Snapshot) -> list[Obj]:
    return [
        p for p in snapshot.of_kind("BackendTrafficPolicy") if dig(p.spec, "rateLimit", "type") == "Global"
    ]


def check_eg_config(snapshot: Snapshot, ctx: DoctorContext) -> Iterator[DoctorFinding]:
    cm = find_config(snapshot)
    if cm is None:
        if snapshot.coverage is not None and snapshot.covers("ConfigMap") and ai_gateways(snapshot):
            gw_ns, gw = next(iter(ai_gateways(snapshot)))
            yield finding(
                "AIGW-D010",
                ("Gateway", gw_ns, gw),
                severity="error",
                what=f"no ConfigMap {CONFIG_MAP} in any namespace",
                why="Envoy Gateway is not installed, or was installed without the chart's configuration",
                fix="helm upgrade -i eg oci://docker.io/envoyproxy/gateway-helm -n envoy-gateway-system "
                "--create-namespace -f envoy-gateway-values.yaml",
                confirm=f"kubectl get configmap -A --field-selector metadata.name={CONFIG_MAP}",
            )
        else:
            ctx.skip(
                f"Envoy Gateway configuration: no ConfigMap {CONFIG_MAP} in the input (add `kubectl get configmap "
                f"{CONFIG_MAP} -n envoy-gateway-system -o yaml`)"
            )
        return
    eg = eg_settings(cm)
    if eg is None:
        ctx.skip(f"Envoy Gateway configuration: {cm.namespace}/{CONFIG_MAP} has no readable {CONFIG_KEY}")
        return
    yield from _extension_manager(cm, eg, snapshot)
    yield from _extension_apis(cm, eg, snapshot)
    if _global_rate_limits(snapshot) and not dig(eg, "rateLimit", "backend"):
        policy = _global_rate_limits(snapshot)[0]
        yield finding(
            "AIGW-D016",
            policy.ref,
            severity="error",
            what="rateLimit.type is Global but Envoy Gateway has no rateLimit.backend (Redis) configured",
            why="EG rejects global rate limits without a backend ('enable Ratelimit in the EnvoyGateway config'), "
            "so token limits are never enforced",
            fix=_helm(
                cm.namespace or "envoy-gateway-system",
                "examples/token_ratelimit/envoy-gateway-values-addon.yaml",
            ),
            confirm=_confirm(cm),
            source=policy.source,
        )
    controller = str(dig(eg, "gateway", "controllerName") or ENVOY_GATEWAY_CONTROLLER)
    for gc in snapshot.of_kind("GatewayClass"):
        name = gc.spec.get("controllerName")
        if name and name != controller:
            yield finding(
                "AIGW-D017",
                gc.ref,
                severity="warning",
                what=f"controllerName {name} is not this Envoy Gateway's ({controller})",
                why="Gateways of this class are handled by another controller (or none), so AI routes on them "
                "never get the AI Gateway filter",
                fix=f"use a GatewayClass with controllerName {controller} in the Gateway's gatewayClassName",
                confirm="kubectl get gatewayclass",
                source=gc.source,
            )
