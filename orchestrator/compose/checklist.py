"""The bundle checklist: each item is ticked by a check run on the bundle itself, never asserted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

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


def _of(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d.get("kind") == kind]


def _ref(doc: dict[str, Any]) -> str:
    meta = doc.get("metadata", {})
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}"


def check_buffer_limit(docs: list[dict[str, Any]]) -> CheckItem:
    routes = _of(docs, "AIGatewayRoute")
    policies = _of(docs, "ClientTrafficPolicy")
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
        _ref(b)
        for b in _of(docs, "AIServiceBackend")
        if (b["spec"]["backendRef"].get("group"), b["spec"]["backendRef"].get("kind"))
        != ("gateway.envoyproxy.io", "Backend")
    ]
    return CheckItem(
        "Every AIServiceBackend points at an Envoy Gateway Backend, never a Service (upstream #902)",
        not bad,
        ", ".join(bad),
    )


def check_tls(docs: list[dict[str, Any]]) -> CheckItem:
    policies = _of(docs, "BackendTLSPolicy")
    problems = []
    for backend in _of(docs, "Backend"):
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
                problems.append(_ref(backend))
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
        f"{_ref(r)} has {len(r['spec']['rules'])}"
        for r in _of(docs, "AIGatewayRoute")
        if len(r["spec"]["rules"]) > limit
    ]
    return CheckItem(f"Each AIGatewayRoute has at most {limit} rules", not over, ", ".join(over))


def check_failover(docs: list[dict[str, Any]]) -> CheckItem | None:
    routes = [
        r
        for r in _of(docs, "AIGatewayRoute")
        if any(ref.get("priority") for rule in r["spec"]["rules"] for ref in rule.get("backendRefs", []))
    ]
    if not routes:
        return None
    retries = {
        (p["metadata"].get("namespace"), t.get("name"))
        for p in _of(docs, "BackendTrafficPolicy")
        if p["spec"].get("retry")
        for t in p["spec"]["targetRefs"]
        if t.get("kind") == "HTTPRoute"
    }
    missing = [
        _ref(r) for r in routes if (r["metadata"].get("namespace"), r["metadata"]["name"]) not in retries
    ]
    return CheckItem(
        "Routes with fallback priorities have a retry BackendTrafficPolicy on their HTTPRoute (upstream #1497)",
        not missing,
        ", ".join(missing),
    )
