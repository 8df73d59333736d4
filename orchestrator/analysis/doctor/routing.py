"""Where a model name goes: "No matching route found" (ai-gateway #1485, #1944, #1172).

The AI Gateway controller turns each AIGatewayRoute into an HTTPRoute of the same name whose last rule,
`route-not-found`, answers 404 "No matching route found. It is likely because the model specified in your request
is not configured in the Gateway." (internal/controller/ai_gateway_route.go@v1.1.0). The extproc sets the
`x-ai-eg-model` header from the request body before routing, so rules must match that header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from orchestrator.analysis.doctor.context import (
    DoctorContext,
    ai_gateways,
    edit_cmd,
    get_cmd,
    parent_gateways,
)
from orchestrator.analysis.doctor.reduce import as_dict
from orchestrator.analysis.doctor.report import DoctorFinding, finding
from orchestrator.analysis.doctor.snapshot import Obj, Snapshot
from skills.versions import METADATA_NAMESPACE, MODEL_HEADER


def _headers(match: Any) -> list[dict[str, Any]]:
    headers = match.get("headers") if isinstance(match, dict) else None
    return [h for h in headers or [] if isinstance(h, dict)]


def rule_matches_model(rule: dict[str, Any], model: str) -> bool:
    """Whether a request for `model` (header x-ai-eg-model set by the extproc) matches this rule."""
    matches = [m for m in rule.get("matches") or [] if isinstance(m, dict)]
    if not matches:
        return True  # no matches: the rule takes everything
    for match in matches:
        ok = True
        for header in _headers(match):
            if str(header.get("name", "")).lower() != MODEL_HEADER:
                ok = False  # another header: only clients that send it match
                continue
            value, kind = str(header.get("value", "")), header.get("type", "Exact")
            if kind == "RegularExpression":
                try:
                    ok = ok and re.fullmatch(value, model) is not None
                except re.error:
                    ok = False
            else:
                ok = ok and value == model
        if ok:
            return True
    return False


def _rules(route: Obj) -> list[dict[str, Any]]:
    return [r for r in route.spec.get("rules") or [] if isinstance(r, dict)]


def _models_check(snapshot: Snapshot, ctx: DoctorContext) -> Iterator[DoctorFinding]:
    routes = snapshot.of_kind("AIGatewayRoute")
    if not routes:
        return
    for model in ctx.models:
        if any(rule_matches_model(rule, model) for route in routes for rule in _rules(route)):
            continue
        for gw_ns, gw_name in ai_gateways(snapshot) or [(routes[0].namespace or "default", "?")]:
            on_gateway = [r for r in routes if (gw_ns, gw_name) in parent_gateways(r)]
            served = sorted(
                {
                    str(h.get("value"))
                    for r in on_gateway
                    for rule in _rules(r)
                    for m in rule.get("matches") or []
                    for h in _headers(m)
                    if str(h.get("name", "")).lower() == MODEL_HEADER
                }
            )
            target = on_gateway[0] if on_gateway else routes[0]
            yield finding(
                "AIGW-D060",
                ("Gateway", gw_ns, gw_name),
                severity="error",
                what=f"no rule of the AI routes on this Gateway matches model {model!r} (rules match: "
                f"{', '.join(served) or 'nothing by model'})",
                why="the request falls through to the route-not-found rule: 404 'No matching route found'",
                fix=f"add a rule matching {MODEL_HEADER}: {model} to a backend (aigw-skills route, or "
                f"{edit_cmd(target.ref)})",
                confirm=get_cmd(target.ref, "jsonpath='{.spec.rules[*].matches}'"),
            )


def _header_check(snapshot: Snapshot) -> Iterator[DoctorFinding]:
    for route in snapshot.of_kind("AIGatewayRoute"):
        for i, rule in enumerate(_rules(route)):
            for match in rule.get("matches") or []:
                names = [str(h.get("name", "")) for h in _headers(match)]
                if any(n.lower() == MODEL_HEADER for n in names):
                    continue
                suspicious = [n for n in names if "model" in n.lower()]
                if suspicious:
                    yield finding(
                        "AIGW-D061",
                        route.ref,
                        severity="warning",
                        what=f"rules[{i}] matches header {suspicious[0]!r}, not {MODEL_HEADER}",
                        why=f"the gateway sets {MODEL_HEADER} from the request body; {suspicious[0]!r} matches only "
                        "when clients send it themselves, otherwise 404 'No matching route found'",
                        fix=f"match {MODEL_HEADER} instead: {edit_cmd(route.ref)}",
                        confirm=get_cmd(route.ref, f"jsonpath='{{.spec.rules[{i}].matches}}'"),
                        source=route.source,
                    )


def _generated(snapshot: Snapshot) -> Iterator[DoctorFinding]:
    if not (snapshot.of_kind("HTTPRoute") or (snapshot.coverage and snapshot.covers("HTTPRoute"))):
        return
    for route in snapshot.of_kind("AIGatewayRoute"):
        accepted = any(
            c.get("type") == "Accepted" and c.get("status") == "True"
            for c in route.status.get("conditions") or []
            if isinstance(c, dict)
        )
        if (
            accepted
            and snapshot.covers("HTTPRoute", route.namespace)
            and snapshot.get("HTTPRoute", route.namespace, route.name) is None
        ):
            yield finding(
                "AIGW-D062",
                route.ref,
                severity="error",
                what=f"no HTTPRoute {route.namespace}/{route.name} although the route is Accepted",
                why="Envoy Gateway routes only HTTPRoutes; without the generated one no request reaches the backends",
                fix="kubectl rollout restart -n envoy-ai-gateway-system deployment/ai-gateway-controller",
                confirm=f"kubectl get httproute {route.name} -n {route.namespace}",
                source=route.source,
            )


def _metadata_costs(policy: Obj) -> list[str]:
    """Metadata keys a BackendTrafficPolicy's global rules take their response cost from (AI Gateway namespace)."""
    rules = as_dict(as_dict(policy.spec.get("rateLimit")).get("global")).get("rules") or []
    keys = []
    for rule in rules if isinstance(rules, list) else []:
        response = as_dict(as_dict(as_dict(rule).get("cost")).get("response"))
        metadata = as_dict(response.get("metadata"))
        if response.get("from") == "Metadata" and metadata.get("namespace") == METADATA_NAMESPACE:
            keys.append(str(metadata.get("key", "")))
    return keys


def _routes_behind(policy: Obj, snapshot: Snapshot) -> list[Obj]:
    """AIGatewayRoutes whose traffic a policy targets: through their generated HTTPRoute or their Gateway."""
    out = []
    for ref in policy.spec.get("targetRefs") or []:
        ref = as_dict(ref)
        for route in snapshot.of_kind("AIGatewayRoute"):
            if route.namespace != policy.namespace and ref.get("kind") == "HTTPRoute":
                continue
            if (ref.get("kind") == "HTTPRoute" and ref.get("name") == route.name) or (
                ref.get("kind") == "Gateway"
                and (policy.namespace or "default", ref.get("name")) in parent_gateways(route)
            ):
                out.append(route)
    return out


def _token_costs(snapshot: Snapshot) -> Iterator[DoctorFinding]:
    for policy in snapshot.of_kind("BackendTrafficPolicy"):
        keys = _metadata_costs(policy)
        routes = _routes_behind(policy, snapshot)
        if not keys or not routes:
            continue
        written = {
            str(as_dict(c).get("metadataKey")) for r in routes for c in r.spec.get("llmRequestCosts") or []
        }
        for key in sorted(set(keys) - written):
            names = ", ".join(f"{r.namespace}/{r.name}" for r in routes)
            yield finding(
                "AIGW-D063",
                policy.ref,
                severity="error",
                what=f"a rate limit rule takes its cost from metadata {METADATA_NAMESPACE}/{key}, which no "
                f"llmRequestCosts of AIGatewayRoute {names} writes",
                why="the extproc writes token counts only under the route's llmRequestCosts metadata keys; a missing "
                "key costs 0, so the limit never decreases",
                fix=f"add llmRequestCosts: [{{metadataKey: {key}, type: TotalToken}}] to the route: "
                f"{edit_cmd(routes[0].ref)}",
                confirm=get_cmd(routes[0].ref, "jsonpath='{.spec.llmRequestCosts}'"),
                source=policy.source,
            )


def check_routing(snapshot: Snapshot, ctx: DoctorContext) -> Iterator[DoctorFinding]:
    yield from _models_check(snapshot, ctx)
    yield from _header_check(snapshot)
    yield from _generated(snapshot)
    yield from _token_costs(snapshot)
