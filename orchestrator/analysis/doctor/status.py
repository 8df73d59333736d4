"""Status conditions of every Gateway API, Envoy Gateway, AI Gateway and Inference Extension object.

Where each controller writes its conditions (all read at the pinned tags):
- AI Gateway (internal/controller/controller.go@v1.1.0 newConditions): one condition in status.conditions, either
  type Accepted (True, ReconciliationSucceeded) or type NotAccepted (False, ReconciliationFailed, the error text).
  GatewayConfig uses the condition type as its reason (gateway_config.go@v1.1.0).
- Gateway API objects (EG internal/gatewayapi/status/@v1.8.1): Gateway/GatewayClass in status.conditions and the
  Gateway's listeners in status.listeners[].conditions; routes per parent in status.parents[].conditions.
- Policies (EG status/policy.go@v1.8.1): per ancestor in status.ancestors[].conditions; Accepted False with reason
  Conflicted when another policy of the kind already attaches to the target.
- InferencePool (ai-gateway internal/controller/inference_pool.go@v1.1.0): status.parents[].conditions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchestrator.analysis.doctor.context import DoctorContext, describe_cmd, edit_cmd, eg_namespace
from orchestrator.analysis.doctor.reduce import as_dict
from orchestrator.analysis.doctor.report import DoctorFinding, finding
from orchestrator.analysis.doctor.snapshot import Obj, Snapshot

AIGW_GROUP = "aigateway.envoyproxy.io"
AIGW_LOGS = "kubectl logs -n envoy-ai-gateway-system deployment/ai-gateway-controller"
EG_LOGS = "kubectl logs -n {ns} deployment/envoy-gateway"

# Kinds whose controller always reports status once it has seen the object.
TOP_LEVEL = {"GatewayClass", "Gateway", "Backend"}
PARENTS = {"HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute", "InferencePool"}
ANCESTORS = {
    "ClientTrafficPolicy",
    "BackendTrafficPolicy",
    "SecurityPolicy",
    "EnvoyExtensionPolicy",
    "BackendTLSPolicy",
    "EnvoyPatchPolicy",
}
AIGW_KINDS = {
    "AIGatewayRoute",
    "AIServiceBackend",
    "BackendSecurityPolicy",
    "MCPRoute",
    "QuotaPolicy",
    "GatewayConfig",
}


def _conditions(value: Any) -> list[dict[str, Any]]:
    return [c for c in value or [] if isinstance(c, dict)] if isinstance(value, list) else []


def _where(entry: dict[str, Any], key: str) -> str:
    ref = as_dict(entry.get(key))
    name = ref.get("name", "?")
    kind = ref.get("kind", "Gateway")
    ns = f"{ref['namespace']}/" if ref.get("namespace") else ""
    section = f" section {ref['sectionName']}" if ref.get("sectionName") else ""
    return f" on {kind} {ns}{name}{section}"


def _condition_sets(obj: Obj) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(where, conditions) for every place this object's controllers report conditions."""
    status = obj.status
    if obj.kind in PARENTS:
        for entry in status.get("parents") or []:
            if isinstance(entry, dict):
                yield _where(entry, "parentRef"), _conditions(entry.get("conditions"))
    elif obj.kind in ANCESTORS:
        for entry in status.get("ancestors") or []:
            if isinstance(entry, dict):
                yield _where(entry, "ancestorRef"), _conditions(entry.get("conditions"))
    else:
        yield "", _conditions(status.get("conditions"))
        for listener in status.get("listeners") or []:
            if isinstance(listener, dict):
                yield f" on listener {listener.get('name', '?')}", _conditions(listener.get("conditions"))


def _text(cond: dict[str, Any]) -> str:
    reason = cond.get("reason") or "no reason"
    message = str(cond.get("message") or "").strip()
    return f"{cond.get('type')} is {cond.get('status')} ({reason}){': ' + message if message else ''}"


def _logs(obj: Obj, snapshot: Snapshot) -> str:
    if obj.group == AIGW_GROUP:
        return f"{AIGW_LOGS} | grep {obj.name}"
    return f"{EG_LOGS.format(ns=eg_namespace(snapshot))} | grep {obj.name}"


def _policy_target_key(obj: Obj, ref: dict[str, Any]) -> tuple[str, str, str, str]:
    return (
        str(ref.get("kind")),
        obj.namespace or "",
        str(ref.get("name")),
        str(ref.get("sectionName") or ""),
    )


def _competitors(obj: Obj, snapshot: Snapshot) -> list[Obj]:
    """Other policies of the same kind on any of this policy's targets, oldest first (EG keeps the oldest)."""
    mine = {_policy_target_key(obj, r) for r in obj.spec.get("targetRefs") or [] if isinstance(r, dict)}
    if isinstance(obj.spec.get("targetRef"), dict):
        mine.add(_policy_target_key(obj, obj.spec["targetRef"]))
    others = []
    for other in snapshot.of_kind(obj.kind):
        if other.ref == obj.ref:
            continue
        refs = [r for r in other.spec.get("targetRefs") or [] if isinstance(r, dict)]
        if isinstance(other.spec.get("targetRef"), dict):
            refs.append(other.spec["targetRef"])
        if any(_policy_target_key(other, r) in mine for r in refs):
            others.append(other)
    return sorted(others, key=lambda o: (str(o.meta.get("creationTimestamp", "")), o.name))


def _conflicted(obj: Obj, where: str, cond: dict[str, Any], snapshot: Snapshot) -> DoctorFinding:
    winners = _competitors(obj, snapshot)
    named = ", ".join(f"{w.kind}/{w.namespace}/{w.name}" for w in winners) or "another policy of this kind"
    return finding(
        "AIGW-D003",
        obj.ref,
        severity="error",
        what=f"{_text(cond)}{where}",
        why=(
            f"Envoy Gateway attaches one {obj.kind} per target and ignores this one, so none of its settings "
            f"(rate limits, retries, timeouts) apply; attached instead: {named}. Token limits that never "
            "decrease are often this."
        ),
        fix=f"merge this policy's settings into {named} and delete this one: kubectl delete {obj.kind.lower()} "
        f"{obj.name} -n {obj.namespace}",
        confirm=f"kubectl get {obj.kind.lower()} -n {obj.namespace} -o wide",
        source=obj.source,
    )


def _not_accepted(obj: Obj, where: str, cond: dict[str, Any], snapshot: Snapshot) -> DoctorFinding:
    message = str(cond.get("message") or "")
    why = f"the {('AI Gateway' if obj.group == AIGW_GROUP else 'Envoy Gateway')} controller rejected it"
    if obj.kind == "AIGatewayRoute":
        why += (
            ", so its HTTPRoute keeps the last good rules (or none) and requests for its models get 404 "
            "'No matching route found'"
        )
    elif obj.kind in ANCESTORS:
        why += ", so the policy's settings do not apply to that target"
    else:
        why += ", so it does not take part in routing"
    fix = edit_cmd(obj.ref)
    if "not found" in message:
        fix = f"create the object the message names, or correct the reference: {edit_cmd(obj.ref)}"
    return finding(
        "AIGW-D001",
        obj.ref,
        severity="error",
        what=f"{_text(cond)}{where}",
        why=why,
        fix=fix,
        confirm=_logs(obj, snapshot),
        source=obj.source,
    )


def _resolved_refs(obj: Obj, where: str, cond: dict[str, Any]) -> DoctorFinding:
    message = str(cond.get("message") or "")
    fix = f"create the missing object or correct the reference: {edit_cmd(obj.ref)}"
    if "Backend is disabled" in message:
        fix = (
            "helm upgrade eg oci://docker.io/envoyproxy/gateway-helm -n envoy-gateway-system --reuse-values "
            "--set config.envoyGateway.extensionApis.enableBackend=true"
        )
    return finding(
        "AIGW-D002",
        obj.ref,
        severity="error",
        what=f"{_text(cond)}{where}",
        why="a backend or other object it references cannot be used, so requests routed there fail (500/503)",
        fix=fix,
        confirm=describe_cmd(obj.ref),
        source=obj.source,
    )


def _not_programmed(obj: Obj, where: str, cond: dict[str, Any], snapshot: Snapshot) -> DoctorFinding:
    ns = eg_namespace(snapshot)
    return finding(
        "AIGW-D004",
        obj.ref,
        severity="error",
        what=f"{_text(cond)}{where}",
        why="Envoy is not serving it yet: no address was assigned or no Envoy replica is available",
        fix=f"kubectl get pods,svc -n {ns} -l gateway.envoyproxy.io/owning-gateway-name={obj.name}",
        confirm=f"kubectl wait --for=condition=Programmed gateway/{obj.name} -n {obj.namespace} --timeout=2m",
        source=obj.source,
    )


def _stale(obj: Obj, where: str, cond: dict[str, Any], snapshot: Snapshot) -> DoctorFinding | None:
    observed, generation = cond.get("observedGeneration"), obj.meta.get("generation")
    if not isinstance(observed, int) or not isinstance(generation, int) or not 0 < observed < generation:
        return None
    return finding(
        "AIGW-D006",
        obj.ref,
        severity="warning",
        what=f"{cond.get('type')}{where} was reported for generation {observed}, the object is at {generation}",
        why="the controller has not processed the latest change; the status describes an older spec",
        confirm=_logs(obj, snapshot),
        source=obj.source,
    )


def _no_status(obj: Obj, snapshot: Snapshot) -> DoctorFinding:
    if obj.group == AIGW_GROUP:
        why = "the AI Gateway controller has not reconciled it: the controller is down, or the object is new"
    elif obj.kind in PARENTS:
        why = (
            "no Gateway accepted it as a child: its parentRefs name no Gateway this Envoy Gateway manages, or "
            "the controller has not run yet"
        )
    elif obj.kind in ANCESTORS:
        why = "Envoy Gateway has not attached it: its targetRefs name nothing it manages"
    else:
        why = "Envoy Gateway has not processed it (a GatewayClass with another controllerName, or EG is down)"
    return finding(
        "AIGW-D005",
        obj.ref,
        severity="warning",
        what="no status conditions from any controller",
        why=why,
        confirm=_logs(obj, snapshot),
        fix=describe_cmd(obj.ref),
        source=obj.source,
    )


def check_status(snapshot: Snapshot, ctx: DoctorContext) -> Iterator[DoctorFinding]:
    kinds = TOP_LEVEL | PARENTS | ANCESTORS | AIGW_KINDS
    for obj in snapshot.objects:
        if obj.kind not in kinds:
            continue
        reported = False
        for where, conditions in _condition_sets(obj):
            reported = reported or bool(conditions)
            for cond in conditions:
                ctype, status, reason = cond.get("type"), cond.get("status"), cond.get("reason")
                if ctype == "NotAccepted" or (ctype == "Accepted" and status == "False"):
                    if reason == "Conflicted":
                        yield _conflicted(obj, where, cond, snapshot)
                    else:
                        yield _not_accepted(obj, where, cond, snapshot)
                elif ctype == "Conflicted" and status == "True":
                    yield _conflicted(obj, where, cond, snapshot)
                elif ctype == "ResolvedRefs" and status == "False":
                    yield _resolved_refs(obj, where, cond)
                elif ctype == "Programmed" and status == "False":
                    yield _not_programmed(obj, where, cond, snapshot)
                stale = _stale(obj, where, cond, snapshot)
                if stale is not None:
                    yield stale
        if not reported and obj.kind != "Backend":
            yield _no_status(obj, snapshot)
