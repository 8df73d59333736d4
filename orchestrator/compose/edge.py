"""The edge feature of a bundle (client auth, observability): its parts, composed from the intake's edge sections
with the same builders as the atomic tools, and its checklist items, ticked by checks on the bundle's manifests
(None: nothing to check). The feature's intake sections are orchestrator.intake.edge; its lint rules stay in
the engine (orchestrator.engine.lint.edge)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from orchestrator.compose.checklist import CheckItem, of_kind
from skills.clientauth import build_clientauth
from skills.errors import InputError, Problem
from skills.observability import ObservabilityInput, build_observability, gateway_links
from skills.result import SkillResult

if TYPE_CHECKING:
    from orchestrator.intake.model import Intake


def _prefixed(exc: InputError, prefix: str) -> list[Problem]:
    return [
        Problem(f"{prefix}.{p.path}" if p.path else prefix, p.message, p.value, p.expected)
        for p in exc.problems
    ]


def forwarded_headers(intake: Intake) -> list[str]:
    """Identity headers the client-auth policy adds to requests (worth logging and keying limits on)."""
    auth = intake.client_auth
    if auth is None:
        return []
    if auth.type == "jwt":
        return [c.header for c in auth.claim_to_headers]
    return [auth.forward_client_id_header] if auth.forward_client_id_header else []


def client_auth_input(intake: Intake) -> dict[str, Any] | None:
    auth = intake.client_auth
    if auth is None:
        return None
    env = intake.environment
    data = auth.model_dump(exclude={"scope"}, exclude_unset=True)
    by_route = auth.scope == "route"
    return data | {
        "type": auth.type,
        "target_kind": "HTTPRoute" if by_route else "Gateway",
        "target_name": env.route_name if by_route else env.gateway_name,
        "namespace": env.namespace if by_route else (env.gateway_namespace or env.namespace),
        "target_version": intake.installation.version,
    }


def observability_input(intake: Intake, service_account: str | None = None) -> dict[str, Any] | None:
    obs = intake.observability
    if obs is None:
        return None
    env, inst = intake.environment, intake.installation
    data = obs.model_dump(exclude_unset=True)
    if obs.access_logs:
        logged = list(obs.access_log_headers)
        extra = [h.lower() for h in forwarded_headers(intake) if h.lower() not in logged]
        extra = [h for h in extra if re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,127}", h)]
        if extra:
            data["access_log_headers"] = [*obs.access_log_headers, *extra]
    return data | {
        "gateway_name": env.gateway_name,
        "namespace": env.gateway_namespace or env.namespace,
        "envoy_gateway_namespace": inst.envoy_gateway_namespace,
        "envoy_service_account": service_account,
        "target_version": inst.version,
    }


def compose_edge(
    intake: Intake, service_account: str | None = None
) -> tuple[dict[str, SkillResult], list[Problem], dict[str, Any]]:
    """(parts, problems, Gateway fields for aigw-route: envoy_proxy and gateway_config).

    ``service_account`` is the one the Envoy pods must run as (AWS default chain); the observability EnvoyProxy
    then carries it, since a Gateway names one EnvoyProxy.
    """
    parts: dict[str, SkillResult] = {}
    problems: list[Problem] = []
    links: dict[str, Any] = {}
    auth = client_auth_input(intake)
    if auth is not None:
        try:
            parts["clientauth"] = build_clientauth(auth)
        except InputError as exc:
            problems += _prefixed(exc, "client_auth")
    obs = observability_input(intake, service_account)
    if obs is not None:
        try:
            parts["observability"] = build_observability(obs)
        except InputError as exc:
            problems += _prefixed(exc, "observability")
        else:
            envoy_proxy, config = gateway_links(ObservabilityInput.parse(obs))
            links = {"envoy_proxy": envoy_proxy, "gateway_config": config}
    return parts, problems, links


# --- checklist items ----------------------------------------------------------------------------------

GATEWAY_CONFIG_ANNOTATION = "aigateway.envoyproxy.io/gateway-config"


def _key(doc: dict[str, Any]) -> tuple[str, str]:
    meta = doc.get("metadata", {})
    return meta.get("namespace", "default"), meta.get("name", "")


def check_client_auth(docs: list[dict[str, Any]], existing_gateways: frozenset[str]) -> CheckItem | None:
    policies = of_kind(docs, "SecurityPolicy")
    if not policies:
        return None
    gateways = {_key(d) for d in of_kind(docs, "Gateway")}
    routes = {_key(d) for d in of_kind(docs, "AIGatewayRoute")} | {
        _key(d) for d in of_kind(docs, "HTTPRoute")
    }
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
    proxies = {_key(d) for d in of_kind(docs, "EnvoyProxy")}
    configs = {_key(d) for d in of_kind(docs, "GatewayConfig")}
    if not proxies and not configs:
        return None
    title = "Observability: the Gateway names its EnvoyProxy (parametersRef) and GatewayConfig (annotation)"
    if not of_kind(docs, "Gateway"):
        return CheckItem(
            title, None, "the Gateway is not in this bundle; link it with the commands under Notes"
        )
    named_proxies: set[tuple[str, Any]] = set()
    named_configs: set[tuple[str, Any]] = set()
    problems: list[str] = []
    for gw in of_kind(docs, "Gateway"):
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
