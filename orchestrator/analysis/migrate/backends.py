"""AIServiceBackend rewrites: timeouts to the route rules, backendSecurityPolicyRef to the policy's targetRefs,
OpenAI schema.version to schema.prefix, and a Service backendRef to a generated Envoy Gateway Backend."""

from __future__ import annotations

import copy
from typing import Any

from orchestrator.analysis.migrate.state import AIGW_GROUP, EG_GROUP, MigrationState, name, ns, resource_id


def rewrite_backend(state: MigrationState, index: int, doc: dict[str, Any]) -> None:
    spec = doc.setdefault("spec", {})
    timeouts = spec.pop("timeouts", None)
    if timeouts is not None:
        state.backend_timeouts[(ns(doc), name(doc))] = timeouts
        state.change(
            doc,
            "spec.timeouts",
            timeouts,
            None,
            "AIServiceBackend.timeouts was removed in v0.3; the timeouts move to the rules[].timeouts of "
            "the AIGatewayRoutes that send traffic here",
        )
    ref = spec.pop("backendSecurityPolicyRef", None)
    if ref is not None:
        state.change(
            doc,
            "spec.backendSecurityPolicyRef",
            ref,
            None,
            "removed in v0.4 (upstream #549, PR #762): the BackendSecurityPolicy names its targets instead",
        )
        _attach_policy(state, doc, ref)
    schema = spec.get("schema") or {}
    if schema.get("name") == "OpenAI" and "version" in schema and state.prof.prefix_field:
        version = schema.pop("version")
        why = (
            "for OpenAI, schema.version as the path prefix was deprecated in v0.5 and removed in v0.6 "
            "(upstream #1629, PR #1682); the prefix goes in schema.prefix"
        )
        if "prefix" in schema:
            state.change(doc, "spec.schema.version", version, None, why + " (prefix already set)")
        elif version in ("", None):
            state.change(doc, "spec.schema.version", version, None, why + "; an empty value meant v1")
        else:
            schema["prefix"] = version
            state.change(doc, "spec.schema.version", version, None, why)
            state.change(doc, "spec.schema.prefix", None, version, why)
    backend_ref = spec.get("backendRef")
    if isinstance(backend_ref, dict):
        _backend_ref(state, index, doc, backend_ref)


def _attach_policy(state: MigrationState, backend: dict[str, Any], ref: dict[str, Any]) -> None:
    policy_ns = str(ref.get("namespace") or ns(backend))
    policy = state.index.get(("BackendSecurityPolicy", policy_ns, str(ref.get("name"))))
    target = {"group": AIGW_GROUP, "kind": "AIServiceBackend", "name": name(backend)}
    if policy is None:
        state.warnings.append(
            f"{resource_id(backend)}: BackendSecurityPolicy {policy_ns}/{ref.get('name')} is not in the input; "
            f"add {target} to its spec.targetRefs"
        )
        return
    spec = policy.setdefault("spec", {})
    before = copy.deepcopy(spec.get("targetRefs"))
    refs = spec.setdefault("targetRefs", [])
    if target not in refs:
        refs.append(target)
        state.change(
            policy,
            "spec.targetRefs",
            before,
            copy.deepcopy(refs),
            f"replaces backendSecurityPolicyRef on {resource_id(backend)} (v0.4 removed the backend-side ref)",
        )


def _backend_ref(state: MigrationState, index: int, doc: dict[str, Any], ref: dict[str, Any]) -> None:
    kind, group = ref.get("kind", "Service"), ref.get("group", "")
    if kind == "Backend" and group == EG_GROUP:
        return
    before = copy.deepcopy(ref)
    why = "since v0.4 an AIServiceBackend must reference an Envoy Gateway Backend (CEL rule, upstream #902)"
    if kind == "Backend" and not group:
        ref["group"] = EG_GROUP
        state.change(doc, "spec.backendRef", before, copy.deepcopy(ref), why)
        return
    if kind != "Service" or group not in ("", "core"):
        state.warnings.append(
            f"{resource_id(doc)}: spec.backendRef {kind} ({group}) has no automatic rewrite"
        )
        return
    if "port" not in ref:
        state.warnings.append(
            f"{resource_id(doc)}: spec.backendRef Service {ref.get('name')} has no port, so no Backend can "
            "be generated; add the port and migrate again"
        )
        return
    svc_ns = str(ref.get("namespace") or ns(doc))
    host = f"{ref['name']}.{svc_ns}.svc.cluster.local"
    backend = _backend_for(state, index, doc, host, int(ref["port"]), str(ref["name"]))
    doc["spec"]["backendRef"] = {"name": backend, "kind": "Backend", "group": EG_GROUP}
    state.change(doc, "spec.backendRef", before, doc["spec"]["backendRef"], why)


def _backend_for(
    state: MigrationState, index: int, doc: dict[str, Any], host: str, port: int, svc: str
) -> str:
    namespace = ns(doc)
    endpoint = [{"fqdn": {"hostname": host, "port": port}}]
    for candidate in (svc, f"{svc}-{port}", f"{name(doc)}-backend"):
        existing = state.index.get(("Backend", namespace, candidate))
        if existing is None:
            break
        if (existing.get("spec") or {}).get("endpoints") == endpoint:
            return candidate
    backend = {
        "apiVersion": f"{EG_GROUP}/v1alpha1",
        "kind": "Backend",
        "metadata": {"name": candidate, "namespace": namespace},
        "spec": {"endpoints": endpoint},
    }
    state.add(
        index,
        backend,
        f"the Envoy Gateway Backend for Service {host}:{port}, which {resource_id(doc)} now references "
        "(plain HTTP to the Service's cluster DNS name)",
    )
    return candidate
