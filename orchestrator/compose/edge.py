"""Compose the intake's edge sections (client auth, observability) with the same builders as the atomic tools."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

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
