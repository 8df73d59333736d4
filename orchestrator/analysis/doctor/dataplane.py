"""Envoy proxy pods of the Gateways that carry AI routes: the extproc sidecar, its webhook and its config Secret.

The AI Gateway controller's mutating webhook (manifests/charts/ai-gateway-helm/templates/admission_webhook.yaml@
v1.1.0, pods on CREATE, objectSelector app.kubernetes.io/managed-by=envoy-gateway) adds the `ai-gateway-extproc`
container when an Envoy pod is created (internal/controller/gateway_mutator.go@v1.1.0; an init container with
restartPolicy Always when it runs as a native sidecar). It skips the pod when the Gateway has no AI routes yet or
when no filter-config Secret exists for the Gateway (`<gateway>-<namespace>`, or the bundle index
`<gateway>-<namespace>-<hash>`: secret_name.go@v1.1.0). A pod created before that stays without the extproc
until it is recreated (ai-gateway #1495, #1493).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from orchestrator.analysis.doctor.context import (
    EXTPROC_CONTAINER,
    DoctorContext,
    ai_gateways,
    eg_namespace,
    is_proxy_pod,
    pod_gateway,
    proxy_selector,
)
from orchestrator.analysis.doctor.reduce import as_dict
from orchestrator.analysis.doctor.report import DoctorFinding, finding
from orchestrator.analysis.doctor.snapshot import Obj, Snapshot

WEBHOOK_PREFIX = "envoy-ai-gateway-gateway-pod-mutator"


def filter_config_secret_names(gateway: tuple[str, str]) -> tuple[str, str]:
    """(legacy, bundle index) Secret names the controller writes for a Gateway (secret_name.go@v1.1.0)."""
    namespace, name = gateway
    legacy = f"{name}-{namespace}"
    digest = hashlib.sha256(f"{namespace}/{name}".encode()).hexdigest()[:12]
    return legacy, f"{legacy.strip('-')}-{digest}"


def _extproc(pod: Obj) -> dict[str, Any] | None:
    for key in ("initContainers", "containers"):
        for container in pod.spec.get(key) or []:
            if isinstance(container, dict) and container.get("name") == EXTPROC_CONTAINER:
                return container
    return None


def _extproc_status(pod: Obj) -> dict[str, Any] | None:
    for key in ("initContainerStatuses", "containerStatuses"):
        for status in pod.status.get(key) or []:
            if isinstance(status, dict) and status.get("name") == EXTPROC_CONTAINER:
                return status
    return None


def _restart(gateway: tuple[str, str], ns: str) -> str:
    return f"kubectl rollout restart deployment -n {ns} -l {proxy_selector(gateway)}"


def _list_containers(gateway: tuple[str, str], ns: str) -> str:
    return (
        f"kubectl get pods -n {ns} -l {proxy_selector(gateway)} -o jsonpath='{{range .items[*]}}{{.metadata.name}}: "
        '{.spec.initContainers[*].name} {.spec.containers[*].name}{"\\n"}{end}\''
    )


def _pods(snapshot: Snapshot, gateway: tuple[str, str]) -> Iterator[DoctorFinding]:
    gw_ref = ("Gateway", gateway[0], gateway[1])
    pods = [p for p in snapshot.of_kind("Pod") if is_proxy_pod(p) and pod_gateway(p) == gateway]
    ns = (pods[0].namespace if pods else None) or eg_namespace(snapshot)
    if not pods:
        if snapshot.coverage is not None and snapshot.covers("Pod"):
            yield finding(
                "AIGW-D022",
                gw_ref,
                severity="error",
                what="no Envoy proxy pod runs for this Gateway",
                why="nothing serves the Gateway's listeners, so requests to it fail to connect",
                fix=f"kubectl get deployment -n {ns} -l {proxy_selector(gateway)}",
                confirm=f"kubectl describe gateway {gateway[1]} -n {gateway[0]}",
            )
        return
    for pod in pods:
        container = _extproc(pod)
        if container is None:
            yield finding(
                "AIGW-D020",
                pod.ref,
                severity="error",
                what=f"no {EXTPROC_CONTAINER} container in this Envoy pod of Gateway {gateway[0]}/{gateway[1]}",
                why="the webhook did not inject the extproc when the pod was created (controller not ready, webhook "
                "skipped, or no filter config yet), so Envoy's ext_proc calls fail and AI requests get errors "
                "or reach the provider without credentials; the pod only gets it when recreated",
                fix=_restart(gateway, ns),
                confirm=_list_containers(gateway, ns),
                source=pod.source,
            )
            continue
        status = _extproc_status(pod)
        if status is not None and status.get("ready") is False:
            state = as_dict(status.get("state"))
            detail = next(
                (
                    f"{k}: {v.get('reason', '')} {v.get('message', '')}".strip()
                    for k, v in state.items()
                    if isinstance(v, dict)
                ),
                "not ready",
            )
            yield finding(
                "AIGW-D023",
                pod.ref,
                severity="error",
                what=f"{EXTPROC_CONTAINER} is not ready ({detail}; {status.get('restartCount', 0)} restarts)",
                why="Envoy's ext_proc calls to the sidecar fail while it is down, so AI requests fail",
                fix=f"kubectl logs -n {ns} {pod.name} -c {EXTPROC_CONTAINER} --previous",
                confirm=f"kubectl get pod {pod.name} -n {ns} -o wide",
                source=pod.source,
            )


def _filter_config(
    snapshot: Snapshot, gateway: tuple[str, str], ctx: DoctorContext
) -> Iterator[DoctorFinding]:
    pods = [p for p in snapshot.of_kind("Pod") if is_proxy_pod(p) and pod_gateway(p) == gateway]
    ns = pods[0].namespace if pods and pods[0].namespace else eg_namespace(snapshot)
    if not snapshot.covers("Secret", ns):
        ctx.skip(f"extproc config Secrets: no Secrets of namespace {ns} in the input")
        return
    names = filter_config_secret_names(gateway)
    if any(snapshot.get("Secret", ns, n) for n in names):
        return
    yield finding(
        "AIGW-D024",
        ("Gateway", gateway[0], gateway[1]),
        severity="error",
        what=f"no extproc config Secret {names[0]} (or {names[1]}) in namespace {ns}",
        why="the AI Gateway controller writes it when it reconciles the Gateway; without it the webhook skips "
        "the extproc and Envoy has no AI Gateway configuration",
        fix="kubectl rollout restart -n envoy-ai-gateway-system deployment/ai-gateway-controller",
        confirm=f"kubectl get secret -n {ns} {names[0]} {names[1]}",
    )


def _webhook(snapshot: Snapshot) -> Iterator[DoctorFinding]:
    hooks = [w for w in snapshot.of_kind("MutatingWebhookConfiguration") if w.name.startswith(WEBHOOK_PREFIX)]
    if not hooks:
        if snapshot.coverage is not None and snapshot.covers("MutatingWebhookConfiguration"):
            gateway = next(iter(ai_gateways(snapshot)))
            yield finding(
                "AIGW-D021",
                ("Gateway", gateway[0], gateway[1]),
                severity="error",
                what=f"no MutatingWebhookConfiguration {WEBHOOK_PREFIX}.* exists",
                why="nothing injects the extproc into Envoy pods",
                fix="helm upgrade -i aieg oci://docker.io/envoyproxy/ai-gateway-helm -n envoy-ai-gateway-system",
                confirm="kubectl get mutatingwebhookconfiguration",
            )
        return
    for hook in hooks:
        for entry in hook.doc.get("webhooks") or []:
            if not isinstance(entry, dict):
                continue
            if entry.get("failurePolicy") == "Ignore":
                yield finding(
                    "AIGW-D021",
                    hook.ref,
                    severity="warning",
                    what=f"webhook {entry.get('name')} has failurePolicy Ignore",
                    why="Envoy pods created while the controller is unreachable start without the extproc and "
                    "stay that way (the chart sets Fail since the fix for ai-gateway #1495)",
                    fix=f"kubectl patch mutatingwebhookconfiguration {hook.name} --type=json "
                    '-p \'[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Fail"}]\'',
                    confirm=f"kubectl get mutatingwebhookconfiguration {hook.name} -o yaml",
                    source=hook.source,
                )
            selector = as_dict(entry.get("objectSelector"))
            labels = as_dict(selector.get("matchLabels"))
            if labels.get("app.kubernetes.io/managed-by", "envoy-gateway") != "envoy-gateway":
                yield finding(
                    "AIGW-D021",
                    hook.ref,
                    severity="error",
                    what=f"webhook {entry.get('name')} selects pods labelled {labels}, not Envoy Gateway's proxies",
                    why="the webhook never sees the Envoy pods, so none gets the extproc",
                    fix="set controller.mutatingWebhook.objectSelector back to the chart default "
                    "(app.kubernetes.io/managed-by: envoy-gateway) and helm upgrade the AI Gateway chart",
                    confirm=f"kubectl get mutatingwebhookconfiguration {hook.name} -o yaml",
                    source=hook.source,
                )


def check_data_plane(snapshot: Snapshot, ctx: DoctorContext) -> Iterator[DoctorFinding]:
    gateways = ai_gateways(snapshot)
    if not gateways:
        return
    if not snapshot.of_kind("Pod") and not (snapshot.coverage and snapshot.covers("Pod")):
        ctx.skip(
            "extproc sidecar: no Envoy proxy pods in the input (add `kubectl get pods -A -l "
            "app.kubernetes.io/component=proxy,app.kubernetes.io/managed-by=envoy-gateway -o yaml`)"
        )
    for gateway in gateways:
        if gateway[0] == eg_namespace(snapshot):
            yield finding(
                "AIGW-D025",
                ("Gateway", gateway[0], gateway[1]),
                severity="warning",
                what=f"the Gateway is in {gateway[0]}, where Envoy Gateway itself runs",
                why="the AI Gateway controller adds no ext_proc filter for Gateways there (ai-gateway #1708); requests "
                "then fail with 'missing internal request ID header from router filter'",
                fix="move the Gateway (and the routes' parentRefs) to an application namespace, e.g. default",
                confirm=f"kubectl get gateway {gateway[1]} -n {gateway[0]}",
            )
        yield from _pods(snapshot, gateway)
        yield from _filter_config(snapshot, gateway, ctx)
    yield from _webhook(snapshot)
