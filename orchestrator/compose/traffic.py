"""The traffic features of a bundle (token limits, quotas, canary weights, passive health checks, failover
retries): their composition and their checklist item.

Called from orchestrator.compose.composer and .bundle; the logic lives in the skills (skills.ratelimit,
skills.traffic), this only maps the intake onto their inputs, keeps route, install plan and policies consistent
with each other, and checks the result. The feature's intake section is orchestrator.intake.traffic; its lint
rules stay in the engine (orchestrator.engine.lint.traffic).
"""

from __future__ import annotations

from typing import Any

from orchestrator.compose.checklist import CheckItem, of_kind, ref
from orchestrator.intake.model import Intake
from skills.errors import InputError, Problem
from skills.ratelimit import TokenLimit, build_ratelimit, request_costs
from skills.result import SkillResult

RATE_LIMIT_ADDON = "rate-limit"


def install_extras(intake: Intake) -> dict[str, Any]:
    """Install input additions: limits and quotas need Envoy Gateway's rate limit service (and Redis)."""
    limits = intake.limits
    if limits is None or not (limits.token_limits or limits.quotas):
        return {}
    addons = sorted({*intake.installation.addons, RATE_LIMIT_ADDON})
    return {"addons": addons, "redis_url": limits.redis_url}


def route_extras(intake: Intake, rules: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(rules, extra route fields): quota backends get an explicit modelNameOverride, costs, canary, health check."""
    extras: dict[str, Any] = {}
    routing = intake.routing
    if routing.canary is not None:
        extras["canary"] = routing.canary.model_dump()
    if routing.health_check is not None:
        extras["health_check"] = routing.health_check.model_dump()
    limits = intake.limits
    if limits is None:
        return rules, extras
    costs = request_costs(limits.token_limits, [])
    if costs:
        extras["llm_request_costs"] = [
            {"type": c["type"], "metadata_key": c["metadataKey"], **({"cel": c["cel"]} if "cel" in c else {})}
            for c in costs
        ]
    quota_backends = {q.backend for q in limits.quotas}
    if not quota_backends:
        return rules, extras
    # QuotaPolicy modelName must equal the backendRef's modelNameOverride, so spell the override out.
    with_overrides = []
    for rule in rules:
        if len(rule["models"]) > 1 and any(r["name"] in quota_backends for r in rule["backends"]):
            with_overrides += [rule | {"models": [m]} for m in rule["models"]]
        else:
            with_overrides.append(rule)
    out = []
    for rule in with_overrides:
        refs = [
            ref
            if ref["name"] not in quota_backends or ref.get("model_name_override")
            else ref | {"model_name_override": rule["models"][0]}
            for ref in rule["backends"]
        ]
        out.append(rule | {"backends": refs})
    return out, extras


def ratelimit_parts(intake: Intake) -> tuple[dict[str, SkillResult], list[Problem]]:
    """The aigw-ratelimit result for the intake's limits (the costs themselves go on the route)."""
    limits = intake.limits
    if limits is None or not (limits.token_limits or limits.quotas):
        return {}, []
    names = {p.backend_name for p in intake.providers}
    problems = [
        Problem(
            f"limits.quotas[{i}].backend",
            f"no provider has the backend name {q.backend!r}",
            q.backend,
            ", ".join(sorted(names)),
        )
        for i, q in enumerate(limits.quotas)
        if q.backend not in names
    ]
    try:
        result = build_ratelimit(
            {
                "route_name": intake.environment.route_name,
                "namespace": intake.environment.namespace,
                "token_limits": [_keyed_on_identity(t, intake) for t in limits.token_limits],
                "client_auth": intake.client_auth is not None,
                "quotas": [q.model_dump(exclude_none=True) for q in limits.quotas],
                "target_version": intake.installation.version,
            }
        )
    except InputError as exc:
        return {}, problems + [
            Problem(f"limits.{p.path}" if p.path else "limits", p.message, p.value, p.expected)
            for p in exc.problems
        ]
    # The route already carries the costs (drop the patch file and the note about applying it), and the bundle
    # merges policies per target itself (compose/policies.py): drop the note about merging them by hand.
    result = result.model_copy(
        update={
            "files": {},
            "notes": [
                n
                for n in result.notes
                if "must record the costs" not in n and "aigw-route also emitted" not in n
            ],
        }
    )
    return {"ratelimit": result}, problems


def identity_header(intake: Intake) -> str | None:
    """The header client auth sets from a verified identity (JWT claim, API-key client id), if any."""
    auth = intake.client_auth
    if auth is None:
        return None
    if auth.type == "jwt":
        return auth.claim_to_headers[0].header if auth.claim_to_headers else None
    return auth.forward_client_id_header


def _keyed_on_identity(limit: TokenLimit, intake: Intake) -> dict[str, Any]:
    """A per-client limit whose header the user left to the default keys on the header client auth sets, so a
    client cannot pick its own budget by sending another value (lint AIGW-L062 warns when it still can)."""
    data = limit.model_dump(exclude_none=True)
    header = identity_header(intake)
    if header and "per_header" not in limit.model_fields_set:
        data["per_header"] = header
    return data


def rate_limit_backend(intake: Intake) -> bool:
    """Whether the install plan gives Envoy Gateway a rate limit backend (for lint rule AIGW-L030)."""
    return RATE_LIMIT_ADDON in install_extras(intake).get("addons", intake.installation.addons)


# --- checklist item ------------------------------------------------------------------------------------


def check_failover(docs: list[dict[str, Any]]) -> CheckItem | None:
    routes = [
        r
        for r in of_kind(docs, "AIGatewayRoute")
        if any(ref.get("priority") for rule in r["spec"]["rules"] for ref in rule.get("backendRefs", []))
    ]
    if not routes:
        return None
    retries = {
        (p["metadata"].get("namespace"), t.get("name"))
        for p in of_kind(docs, "BackendTrafficPolicy")
        if p["spec"].get("retry")
        for t in p["spec"]["targetRefs"]
        if t.get("kind") == "HTTPRoute"
    }
    missing = [
        ref(r) for r in routes if (r["metadata"].get("namespace"), r["metadata"]["name"]) not in retries
    ]
    return CheckItem(
        "Routes with fallback priorities have a retry BackendTrafficPolicy on their HTTPRoute (upstream #1497)",
        not missing,
        ", ".join(missing),
    )
