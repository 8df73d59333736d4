"""Light built-in checks for core Kubernetes kinds that ship no CRD (Secret, ConfigMap, Namespace, Service).

Only what the API server would certainly reject is reported; a valid core object never gets an error. Other
built-in kinds (Deployment, RBAC, …) get the ObjectMeta checks only, and the report says so.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from orchestrator.engine.object_meta import FieldError, metadata_errors

_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+\Z")
_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name')"

# (apiVersion, kind) -> how the API server validates metadata.name; other built-in kinds get the loosest rule
# (a path segment), which e.g. RBAC names like "system:reader" need.
CORE_NAME_RULES: dict[tuple[str, str], str] = {
    ("v1", "Namespace"): "label",
    ("v1", "Service"): "dns1035",
    ("v1", "Secret"): "subdomain",
    ("v1", "ConfigMap"): "subdomain",
    ("v1", "ServiceAccount"): "subdomain",
    ("apps/v1", "Deployment"): "subdomain",
    ("apps/v1", "StatefulSet"): "subdomain",
    ("apps/v1", "DaemonSet"): "subdomain",
}
LIGHT_CHECKS = frozenset(
    {("v1", "Namespace"), ("v1", "Service"), ("v1", "Secret"), ("v1", "ConfigMap"), ("v1", "ServiceAccount")}
)
CLUSTER_SCOPED = frozenset(
    {
        ("v1", "Namespace"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("scheduling.k8s.io/v1", "PriorityClass"),
    }
)


def is_core(api_version: str) -> bool:
    """Built into the API server (no CRD): the core group and the ``*.k8s.io`` groups Kubernetes serves itself."""
    group = api_version.rpartition("/")[0]
    return group in ("", "apps", "batch", "policy", "autoscaling") or (
        group.endswith(".k8s.io") and not group.startswith(("gateway.", "inference."))
    )


def _map_errors(path: str, value: Any, *, base64_values: bool) -> list[FieldError]:
    if value is None:
        return []
    if not isinstance(value, dict):
        return [FieldError(path, f"Invalid value: {path} must be a map of string keys", blocking=True)]
    errs: list[FieldError] = []
    for key, item in value.items():
        if not _CONFIG_KEY.match(str(key)) or len(str(key)) > 253:
            errs.append(FieldError(path, f'Invalid value: "{key}": {_KEY_MSG}'))
        if not isinstance(item, str):
            errs.append(FieldError(f"{path}[{key}]", "Invalid value: must be a string", blocking=True))
        elif base64_values:
            try:
                base64.b64decode(item, validate=True)
            except (binascii.Error, ValueError):
                errs.append(
                    FieldError(f"{path}[{key}]", 'Invalid value: "<value omitted>": illegal base64 data')
                )
    return errs


def core_errors(doc: dict[str, Any]) -> list[FieldError]:
    """ObjectMeta checks for any built-in kind, plus data checks for Secret and ConfigMap."""
    key = (str(doc.get("apiVersion")), str(doc.get("kind")))
    errs = metadata_errors(
        doc.get("metadata"),
        namespaced=key not in CLUSTER_SCOPED,
        name_rule=CORE_NAME_RULES.get(key, "path"),
    )
    if key == ("v1", "Secret"):
        errs += _map_errors("data", doc.get("data"), base64_values=True)
        errs += _map_errors("stringData", doc.get("stringData"), base64_values=False)
        if "type" in doc and not isinstance(doc["type"], str):
            errs.append(FieldError("type", "Invalid value: must be a string", blocking=True))
    elif key == ("v1", "ConfigMap"):
        errs += _map_errors("data", doc.get("data"), base64_values=False)
        errs += _map_errors("binaryData", doc.get("binaryData"), base64_values=True)
    return errs


def has_light_checks(api_version: str, kind: str) -> bool:
    """Whether the built-in checks here cover the kind well enough not to list it under checks_skipped."""
    return (api_version, kind) in LIGHT_CHECKS
