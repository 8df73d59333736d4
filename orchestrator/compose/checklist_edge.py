"""Checklist items for the gateway's edge, ticked by checks on the bundle's manifests (None: nothing to check)."""

from __future__ import annotations

from typing import Any

from orchestrator.compose.checklist import CheckItem

GATEWAY_CONFIG_ANNOTATION = "aigateway.envoyproxy.io/gateway-config"


def _of(docs: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [d for d in docs if d.get("kind") == kind]


def _key(doc: dict[str, Any]) -> tuple[str, str]:
    meta = doc.get("metadata", {})
    return meta.get("namespace", "default"), meta.get("name", "")


def check_client_auth(docs: list[dict[str, Any]], existing_gateways: frozenset[str]) -> CheckItem | None:
    policies = _of(docs, "SecurityPolicy")
    if not policies:
        return None
    gateways = {_key(d) for d in _of(docs, "Gateway")}
    routes = {_key(d) for d in _of(docs, "AIGatewayRoute")} | {_key(d) for d in _of(docs, "HTTPRoute")}
    problems = []
    for policy in policies:
        ns, name = _key(policy)
        for ref in policy.get("spec", {}).get("targetRefs", []):
            target = (ns, ref.get("name", ""))
            ok = (
                target in gateways or f"{ns}/{target[1]}" in existing_gateways
                if ref.get("kind") == "Gateway"
                else target in routes
            )
            if not ok:
                problems.append(f"{ns}/{name} → {ref.get('kind')} {target[1]}")
        for provider in policy.get("spec", {}).get("jwt", {}).get("providers", []):
            if not str(provider.get("remoteJWKS", {}).get("uri", "")).startswith("https://"):
                problems.append(f"{ns}/{name}: provider {provider.get('name')} has no https remoteJWKS")
    return CheckItem(
        "Client auth: each SecurityPolicy targets this bundle's Gateway or route, JWT keys come from an https JWKS",
        not problems,
        "; ".join(problems),
    )


def check_telemetry_links(docs: list[dict[str, Any]]) -> CheckItem | None:
    proxies = {_key(d) for d in _of(docs, "EnvoyProxy")}
    configs = {_key(d) for d in _of(docs, "GatewayConfig")}
    if not proxies and not configs:
        return None
    title = "Observability: the Gateway names its EnvoyProxy (parametersRef) and GatewayConfig (annotation)"
    if not _of(docs, "Gateway"):
        return CheckItem(
            title, None, "the Gateway is not in this bundle; link it with the commands under Notes"
        )
    named_proxies: set[tuple[str, Any]] = set()
    named_configs: set[tuple[str, Any]] = set()
    problems: list[str] = []
    for gw in _of(docs, "Gateway"):
        ns, name = _key(gw)
        ref = gw.get("spec", {}).get("infrastructure", {}).get("parametersRef", {})
        if ref.get("kind") == "EnvoyProxy":
            named_proxies.add((ns, ref.get("name")))
            if (ns, ref.get("name")) not in proxies:
                problems.append(f"Gateway {ns}/{name} names a missing EnvoyProxy {ref.get('name')}")
        config = gw.get("metadata", {}).get("annotations", {}).get(GATEWAY_CONFIG_ANNOTATION)
        if config:
            named_configs.add((ns, config))
            if (ns, config) not in configs:
                problems.append(f"Gateway {ns}/{name} names a missing GatewayConfig {config}")
    problems += [f"EnvoyProxy {ns}/{n} is named by no Gateway" for ns, n in sorted(proxies - named_proxies)]
    problems += [
        f"GatewayConfig {ns}/{n} is named by no Gateway" for ns, n in sorted(configs - named_configs)
    ]
    return CheckItem(title, not problems, "; ".join(problems))


def edge_checks(
    docs: list[dict[str, Any]], existing_gateways: frozenset[str] = frozenset()
) -> list[CheckItem]:
    items = [check_client_auth(docs, existing_gateways), check_telemetry_links(docs)]
    return [item for item in items if item is not None]
