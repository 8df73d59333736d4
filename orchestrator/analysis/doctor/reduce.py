"""Cut cluster objects down to what the doctor reads, before anything else sees them.

Secrets keep only name, namespace, type and key names (values are dropped on read, whether they come from kubectl
or from a dump a user made with `kubectl get secret -o yaml`). Pods and Deployments keep container names, images
and readiness (no env, which may hold credentials); CRDs keep their served versions, version annotations and the
few schema fields that tell releases apart; webhook configurations lose their CA bundle. Every object loses
managedFields and the last-applied annotation (which can carry a whole earlier object, Secrets included).
"""

from __future__ import annotations

import copy
from typing import Any

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
REDUCED_ANNOTATION = "aigw-skills/values"
REDUCED_NOTE = "removed: only key names are kept"

# Schema fields whose presence tells AI Gateway releases apart (skills/versions.py flags in brackets):
# AIGatewayRoute rules[].name [rule_names, v1.1], AIGatewayRoute hostnames [route_hostnames, v0.7],
# BackendSecurityPolicy credentialOverride [credential_override, v1.1], MCPRoute hostnames [mcp_hostnames, v1.1],
# AIServiceBackend schema.prefix [prefix_field, v0.5]. Paths run through spec; "[]" steps into list items.
SCHEMA_PROBES: dict[str, dict[str, tuple[str, ...]]] = {
    "aigatewayroutes.aigateway.envoyproxy.io": {
        "rule_names": ("spec", "rules[]", "name"),
        "route_hostnames": ("spec", "hostnames"),
    },
    "backendsecuritypolicies.aigateway.envoyproxy.io": {
        "credential_override": ("spec", "credentialOverride")
    },
    "mcproutes.aigateway.envoyproxy.io": {"mcp_hostnames": ("spec", "hostnames")},
    "aiservicebackends.aigateway.envoyproxy.io": {"prefix_field": ("spec", "schema", "prefix")},
}


def as_dict(value: Any) -> dict[str, Any]:
    """`value` when it is a mapping, else an empty one (objects from dumps can hold anything)."""
    return value if isinstance(value, dict) else {}


def dig(data: Any, *path: str) -> Any:
    """The value at `path` through nested mappings, or None where a step is missing or not a mapping."""
    for step in path:
        if not isinstance(data, dict):
            return None
        data = data.get(step)
    return data


def _drop_last_applied(meta: dict[str, Any]) -> dict[str, Any]:
    annotations = meta.get("annotations")
    if isinstance(annotations, dict):
        annotations.pop(LAST_APPLIED, None)
        if not annotations:
            meta.pop("annotations")
    return meta


def _metadata(meta: Any, keep: tuple[str, ...]) -> dict[str, Any]:
    meta = as_dict(meta)
    return _drop_last_applied({k: copy.deepcopy(meta[k]) for k in keep if k in meta})


def _secret(doc: dict[str, Any]) -> dict[str, Any]:
    keys: set[str] = set()
    for field in ("data", "stringData"):
        value = doc.get(field)
        if isinstance(value, dict):
            keys.update(str(k) for k in value)
    meta = _metadata(doc.get("metadata"), ("name", "namespace"))  # name, type and key names: nothing else
    meta["annotations"] = {REDUCED_ANNOTATION: REDUCED_NOTE}
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": meta,
        "type": doc.get("type", "Opaque"),
        "data": dict.fromkeys(sorted(keys), ""),
    }


def _containers(items: Any, extra: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    keep = ("name", "image", *extra)
    return [{k: c[k] for k in keep if k in c} for c in items or [] if isinstance(c, dict)]


def _statuses(items: Any) -> list[dict[str, Any]]:
    keep = ("name", "ready", "started", "restartCount", "state", "image")
    return [{k: copy.deepcopy(s[k]) for k in keep if k in s} for s in items or [] if isinstance(s, dict)]


def _pod(doc: dict[str, Any]) -> dict[str, Any]:
    spec = as_dict(doc.get("spec"))
    status = as_dict(doc.get("status"))
    out_spec: dict[str, Any] = {"containers": _containers(spec.get("containers"))}
    if spec.get("initContainers"):
        out_spec["initContainers"] = _containers(spec.get("initContainers"), ("restartPolicy",))
    out_status: dict[str, Any] = {k: status[k] for k in ("phase",) if k in status}
    for key in ("initContainerStatuses", "containerStatuses"):
        if status.get(key):
            out_status[key] = _statuses(status[key])
    meta = _metadata(
        doc.get("metadata"), ("name", "namespace", "labels", "creationTimestamp", "ownerReferences")
    )
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": out_spec, "status": out_status}


def _deployment(doc: dict[str, Any]) -> dict[str, Any]:
    spec = as_dict(doc.get("spec"))
    template = as_dict(as_dict(spec.get("template")).get("spec"))
    status = as_dict(doc.get("status"))
    return {
        "apiVersion": doc.get("apiVersion", "apps/v1"),
        "kind": "Deployment",
        "metadata": _metadata(doc.get("metadata"), ("name", "namespace", "labels", "creationTimestamp")),
        "spec": {
            "replicas": spec.get("replicas", 1),
            "template": {"spec": {"containers": _containers(template.get("containers"))}},
        },
        "status": {k: status[k] for k in ("replicas", "readyReplicas", "availableReplicas") if k in status},
    }


def _probe(schema: Any, path: tuple[str, ...]) -> dict[str, Any] | None:
    """The part of an openAPIV3Schema along `path`, or None when the field does not exist."""
    if not isinstance(schema, dict):
        return None
    if not path:
        return {"type": schema["type"]} if "type" in schema else {}
    step, rest = path[0], path[1:]
    props = as_dict(schema.get("properties"))
    is_list = step.endswith("[]")
    child = props.get(step.removesuffix("[]"))
    if is_list:
        child = child.get("items") if isinstance(child, dict) else None
    inner = _probe(child, rest)
    if inner is None:
        return None
    node = {"items": inner, "type": "array"} if is_list else inner
    return {"type": "object", "properties": {step.removesuffix("[]"): node}}


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(a)
    for key, value in b.items():
        out[key] = (
            _merge(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
        )
    return out


def _crd(doc: dict[str, Any]) -> dict[str, Any]:
    meta = _metadata(doc.get("metadata"), ("name", "labels", "annotations"))
    spec = as_dict(doc.get("spec"))
    probes = SCHEMA_PROBES.get(str(meta.get("name", "")), {})
    versions = []
    for version in spec.get("versions") or []:
        if not isinstance(version, dict):
            continue
        kept = {k: version[k] for k in ("name", "served", "storage", "deprecated") if k in version}
        schema = (
            (version.get("schema") or {}).get("openAPIV3Schema")
            if isinstance(version.get("schema"), dict)
            else None
        )
        pruned: dict[str, Any] = {}
        for path in probes.values():
            found = _probe(schema, path)
            if found is not None:
                pruned = _merge(pruned, found)
        if pruned:
            kept["schema"] = {"openAPIV3Schema": pruned}
        versions.append(kept)
    names = as_dict(spec.get("names"))
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": meta,
        "spec": {
            "group": spec.get("group"),
            "names": {k: names[k] for k in ("kind", "plural") if k in names},
            "scope": spec.get("scope"),
            "versions": versions,
        },
    }


def _webhooks(doc: dict[str, Any]) -> dict[str, Any]:
    hooks = []
    for hook in doc.get("webhooks") or []:
        if not isinstance(hook, dict):
            continue
        kept = {
            k: copy.deepcopy(hook[k])
            for k in (
                "name",
                "failurePolicy",
                "objectSelector",
                "namespaceSelector",
                "rules",
                "timeoutSeconds",
            )
            if k in hook
        }
        client = as_dict(hook.get("clientConfig"))
        kept["clientConfig"] = {k: copy.deepcopy(client[k]) for k in ("service", "url") if k in client}
        hooks.append(kept)
    meta = _metadata(doc.get("metadata"), ("name", "labels"))
    return {"apiVersion": doc.get("apiVersion"), "kind": doc.get("kind"), "metadata": meta, "webhooks": hooks}


def _generic(doc: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    meta = out.get("metadata")
    if isinstance(meta, dict):
        for key in ("managedFields", "selfLink", "uid", "resourceVersion"):
            meta.pop(key, None)
        _drop_last_applied(meta)
    return out


_REDUCERS = {
    "Secret": _secret,
    "Pod": _pod,
    "Deployment": _deployment,
    "CustomResourceDefinition": _crd,
    "MutatingWebhookConfiguration": _webhooks,
}


def reduce_object(doc: dict[str, Any]) -> dict[str, Any]:
    """The object as the doctor keeps it (idempotent: reducing twice gives the same result)."""
    return _REDUCERS.get(str(doc.get("kind")), _generic)(doc)


def reduce_config_dump(configs: list[Any]) -> list[Any]:
    """An Envoy config dump without its secrets section (TLS keys and tokens live there)."""
    return [
        c for c in configs if not (isinstance(c, dict) and "SecretsConfigDump" in str(c.get("@type", "")))
    ]
