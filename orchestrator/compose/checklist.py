"""The bundle checklist: each item is ticked by a check run on the bundle itself, never asserted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from orchestrator.engine.core_kinds import is_core
from skills.credentials import describe_credential
from skills.install import controller_hostname
from skills.versions import ENVOY_GATEWAY_CONTROLLER, profile


@dataclass(frozen=True)
class CheckItem:
    """One checklist line: what was checked, whether it passed, and why not."""

    title: str
    passed: bool | None  # None: could not be checked
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "passed": self.passed, "detail": self.detail}

    def markdown(self) -> str:
        box = {True: "[x]", False: "[ ]", None: "[ ]"}[self.passed]
        suffix = f" — {self.detail}" if self.detail else ""
        if self.passed is None:
            suffix = f" — not checked: {self.detail}"
        return f"- {box} {self.title}{suffix}"


def of_kind(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """The objects of one kind among the bundle's documents (every feature's checklist items read them)."""
    return [d for d in docs if d.get("kind") == kind]


def ref(doc: dict[str, Any]) -> str:
    """namespace/name of an object, as checklist items name it."""
    meta = doc.get("metadata", {})
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}"


def check_buffer_limit(docs: list[dict[str, Any]]) -> CheckItem:
    routes = of_kind(docs, "AIGatewayRoute")
    policies = of_kind(docs, "ClientTrafficPolicy")
    missing = []
    for route in routes:
        for parent in route["spec"].get("parentRefs", []):
            ns = parent.get("namespace", route["metadata"].get("namespace"))
            covered = any(
                p["metadata"].get("namespace") == ns
                and p["spec"].get("connection", {}).get("bufferLimit")
                and any(
                    t.get("kind") == "Gateway" and t.get("name") == parent["name"]
                    for t in p["spec"]["targetRefs"]
                )
                for p in policies
            )
            if not covered:
                missing.append(f"{ns}/{parent['name']}")
    limits = sorted({p["spec"]["connection"]["bufferLimit"] for p in policies if p["spec"].get("connection")})
    return CheckItem(
        "Every Gateway in use has a ClientTrafficPolicy with connection.bufferLimit (else 413 above 32 KiB)",
        not missing,
        f"bufferLimit {', '.join(limits)}" if not missing else f"missing for {', '.join(missing)}",
    )


def check_backend_refs(docs: list[dict[str, Any]]) -> CheckItem:
    bad = [
        ref(b)
        for b in of_kind(docs, "AIServiceBackend")
        if (b["spec"]["backendRef"].get("group"), b["spec"]["backendRef"].get("kind"))
        != ("gateway.envoyproxy.io", "Backend")
    ]
    return CheckItem(
        "Every AIServiceBackend points at an Envoy Gateway Backend, never a Service (upstream #902)",
        not bad,
        ", ".join(bad),
    )


def check_tls(docs: list[dict[str, Any]]) -> CheckItem:
    policies = of_kind(docs, "BackendTLSPolicy")
    problems = []
    for backend in of_kind(docs, "Backend"):
        for endpoint in backend["spec"].get("endpoints", []):
            fqdn = endpoint.get("fqdn") or {}
            if fqdn.get("port") != 443:
                continue
            match = [
                p
                for p in policies
                if any(t.get("name") == backend["metadata"]["name"] for t in p["spec"]["targetRefs"])
                and p["metadata"].get("namespace") == backend["metadata"].get("namespace")
            ]
            if not match or match[0]["spec"]["validation"].get("hostname") != fqdn.get("hostname"):
                problems.append(ref(backend))
    return CheckItem(
        "Every HTTPS Backend has a BackendTLSPolicy whose hostname equals its FQDN",
        not problems,
        ", ".join(problems),
    )


def check_secrets_absent(files: dict[str, str]) -> CheckItem:
    leaks = []
    for name, text in files.items():
        for number, line in enumerate(text.splitlines(), 1):
            for token in line.replace('"', " ").replace("'", " ").split():
                kind = describe_credential(token)
                if kind:
                    leaks.append(f"{name}:{number} ({kind})")
    return CheckItem("No secret value appears in any file of this bundle", not leaks, "; ".join(leaks))


def check_values(values_text: str, ai_namespace: str) -> CheckItem:
    values = yaml.safe_load(values_text) or {}
    eg = values.get("config", {}).get("envoyGateway", {})
    fqdn = eg.get("extensionManager", {}).get("service", {}).get("fqdn", {})
    ok = (
        eg.get("extensionApis", {}).get("enableBackend") is True
        and eg.get("gateway", {}).get("controllerName") == ENVOY_GATEWAY_CONTROLLER
        and fqdn.get("hostname") == controller_hostname(ai_namespace)
        and fqdn.get("port") == 1063
    )
    return CheckItem(
        "Envoy Gateway values enable Backend and point the extension hook at the AI Gateway controller "
        f"({controller_hostname(ai_namespace)}:1063; upstream #2560)",
        ok,
    )


def check_rule_limit(docs: list[dict[str, Any]], version: str) -> CheckItem:
    limit = profile(version).max_rules
    over = [
        f"{ref(r)} has {len(r['spec']['rules'])}"
        for r in of_kind(docs, "AIGatewayRoute")
        if len(r["spec"]["rules"]) > limit
    ]
    return CheckItem(f"Each AIGatewayRoute has at most {limit} rules", not over, ", ".join(over))


def check_crd_schemas(docs: list[dict[str, Any]], crds: Any, schema_failed: bool, version: str) -> CheckItem:
    """Ticked only when every object of a CRD-served group had its schema and CEL rules checked against the
    pinned CRDs of AI Gateway ``version`` (or the cluster's) and none failed. The detail says what stopped it
    (the full sentences with the next step are the report's checks_skipped, printed once beside the checklist)."""
    title = f"Manifests accepted by the CRD schemas and CEL rules of AI Gateway {version}"
    if crds is None:
        return CheckItem(title, None, "no CRDs were loaded")
    unchecked: dict[str, int] = {}
    for doc in docs:
        api_version, kind = str(doc.get("apiVersion", "")), str(doc.get("kind", ""))
        # Not served: a group the CRDs lack, or a kind whose CRD file a partial release folder lacks (an
        # apiVersion the release does not serve is a schema error, so schema_failed answers first).
        if not is_core(api_version) and crds.get(api_version, kind) is None:
            unchecked[kind] = unchecked.get(kind, 0) + 1
    if schema_failed:
        return CheckItem(title, False, "see the schema and CEL errors below")
    if unchecked:
        kinds = ", ".join(sorted(unchecked))
        count = sum(unchecked.values())
        return CheckItem(
            title, None, f"{count} of {len(docs)} objects had no CRD schema in {crds.label}: {kinds}"
        )
    if crds.is_release(version) is False:
        return CheckItem(title, None, f"the CRDs loaded are not AI Gateway {version}'s: {crds.label}")
    return CheckItem(title, True)
