"""The front half of a trace: which Gateway and listener take the request, and which route rule matches it.

An AIGatewayRoute becomes an HTTPRoute of the same name whose rules match the rule's headers on the path prefix
``/`` (the controller's rootPrefix), plus a catch-all ``route-not-found`` rule (ai-gateway
internal/controller/ai_gateway_route.go). The gateway's filter copies the body's ``model`` into ``x-ai-eg-model``
and re-evaluates the route, so header matches on ``x-ai-eg-model`` select the rule. Between routes, Gateway API
precedence applies: the match with more header conditions wins, then the older route, then namespace/name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from orchestrator.analysis.trace.model import Step, TraceRequest
from orchestrator.engine.lint.attachment import Target, attachments, order_key
from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    GWAPI_GROUP,
    Resource,
    ResourceIndex,
    as_dict,
    as_list,
    parent_listeners,
)
from skills.versions import MODEL_HEADER

ANY_VALUE = "*"
ROUTE_SOURCE = "envoyproxy/ai-gateway internal/controller/ai_gateway_route.go@{v}"


@dataclass(frozen=True)
class Entry:
    """Where the request enters: the Gateway (namespace, name), its object if present, and the listener."""

    namespace: str
    name: str
    gateway: Resource | None
    listener: str | None


@dataclass(frozen=True)
class Match:
    """The route rule that takes the request."""

    route: Resource
    rule_index: int
    rule: dict[str, Any]
    match_path: str  # field path of the match that applied ("" for a rule without matches)
    generated: bool  # True for an AIGatewayRoute (through its generated HTTPRoute)


def routes(index: ResourceIndex) -> list[Resource]:
    """AIGatewayRoutes and plain HTTPRoutes, in Envoy Gateway's order (creation time, namespace, name); an object
    defined more than once counts once, as its first definition (see :func:`duplicate_step`)."""
    generated_by_us = [r for r in index.of_kind("HTTPRoute", GWAPI_GROUP) if _owned_by_an_ai_route(r)]
    found = index.of_kind("AIGatewayRoute", AIGW_GROUP) + [
        r for r in index.of_kind("HTTPRoute", GWAPI_GROUP) if r not in generated_by_us
    ]
    first: dict[tuple[str, str | None, str], Resource] = {}
    for route in found:
        first.setdefault((route.kind, route.namespace, route.name), route)
    return sorted(first.values(), key=order_key)


def _owned_by_an_ai_route(route: Resource) -> bool:
    """An HTTPRoute the AI Gateway controller generated from an AIGatewayRoute (a live cluster or a collected
    dump holds both): the AIGatewayRoute is traced in its place, so it is not traced twice, and its generated
    route-not-found rule (no backendRefs) is not mistaken for a route of the user's. The controller makes the
    AIGatewayRoute the HTTPRoute's controller owner (SetControllerReference in envoyproxy/ai-gateway
    internal/controller/ai_gateway_route.go@v1.1.0), which is what this reads."""
    meta = route.doc.get("metadata")
    owners = meta.get("ownerReferences") if isinstance(meta, dict) else None
    return any(
        isinstance(o, dict)
        and o.get("kind") == "AIGatewayRoute"
        and str(o.get("apiVersion", "")).startswith(AIGW_GROUP)
        for o in owners or []
    )


def duplicate_step(index: ResourceIndex, route: Resource) -> Step | None:
    """A warning when the input defines the matched route more than once (e.g. a bundle's canary stage files)."""
    same = [
        r
        for r in index.of_kind(route.kind, route.group)
        if (r.namespace, r.name) == (route.namespace, route.name)
    ]
    if len(same) < 2:
        return None
    others = ", ".join(r.source for r in same[1:])
    return Step(
        "route",
        "warn",
        f"{route.kind} {route.namespace}/{route.name} is defined {len(same)} times in the input; traced as "
        f"defined in {route.source} (also in {others})",
        f"{route.kind}/{route.namespace}/{route.name}",
        fix="Trace the files that are applied together (e.g. manifests.yaml, not the canary stage files too).",
        actor="envoy",
    )


def _host_matches(pattern: str, host: str) -> bool:
    host = host.split(":", 1)[0].lower()
    pattern = pattern.lower()
    if pattern.startswith("*."):
        return host.endswith(pattern[1:]) and host.count(".") >= pattern.count(".")
    return host == pattern


def enter(index: ResourceIndex, req: TraceRequest) -> tuple[Entry | None, list[Step]]:
    """Pick the Gateway and listener (step ``listener``)."""
    attached = {(ns, name) for r in routes(index) for ns, name, _ in parent_listeners(r)}
    if req.gateway:
        ns, _, name = req.gateway.rpartition("/")
        candidates = [
            (n, g) for n, g in sorted(attached | _gateways(index)) if g == name and (not ns or n == ns)
        ]
        if not candidates:
            known = ", ".join(f"{n}/{g}" for n, g in sorted(attached | _gateways(index))) or "none"
            return None, [
                Step(
                    "listener",
                    "fail",
                    f"Gateway {req.gateway} is neither in the manifests nor named by a route's parentRefs",
                    "request",
                    fix=f"Pass --gateway with one of: {known}.",
                    actor="client",
                )
            ]
    else:
        candidates = sorted(attached) or sorted(_gateways(index))
    if not candidates:
        return None, [
            Step(
                "listener",
                "fail",
                "no Gateway and no route in the manifests: nothing can receive the request",
                "request",
                fix="Trace a bundle's manifests.yaml, or add the Gateway and AIGatewayRoute manifests.",
                actor="client",
            )
        ]
    ns, name = candidates[0]
    gateway = index.get("Gateway", ns, name, GWAPI_GROUP)
    steps: list[Step] = []
    if len(candidates) > 1:
        others = ", ".join(f"{n}/{g}" for n, g in candidates[1:])
        steps.append(
            Step(
                "listener",
                "info",
                f"several Gateways carry routes; tracing {ns}/{name} (others: {others})",
                "request",
                fix="Pass --gateway to trace another one.",
                actor="client",
            )
        )
    if gateway is None:
        steps.append(
            Step(
                "listener",
                "info",
                f"enters Gateway {ns}/{name}, which is not in these manifests (assumed to exist with a listener "
                "that admits the routes)",
                "request",
                actor="envoy",
            )
        )
        return Entry(ns, name, None, req.listener), steps
    listeners = [x for x in as_list(gateway.spec.get("listeners")) if isinstance(x, dict)]
    for i, listener in enumerate(listeners):
        if req.listener and listener.get("name") != req.listener:
            continue
        if listener.get("protocol") not in ("HTTP", "HTTPS"):
            continue
        hostname = listener.get("hostname")
        if req.host and isinstance(hostname, str) and not _host_matches(hostname, req.host):
            continue
        scope = f", host {hostname}" if isinstance(hostname, str) else ""
        steps.append(
            Step(
                "listener",
                "ok",
                f"enters Gateway {ns}/{name} on listener {listener.get('name')} "
                f"({listener.get('protocol')}:{listener.get('port')}{scope})",
                f"Gateway/{ns}/{name} spec.listeners[{i}]",
                actor="envoy",
            )
        )
        entry = Entry(ns, name, gateway, str(listener.get("name")))
        steps.append(buffer_step(index, entry))
        return entry, steps
    wanted = (
        f"listener {req.listener}" if req.listener else f"host {req.host}" if req.host else "HTTP traffic"
    )
    steps.append(
        Step(
            "listener",
            "fail",
            f"no HTTP or HTTPS listener of Gateway {ns}/{name} accepts {wanted}",
            f"Gateway/{ns}/{name} spec.listeners",
            "Envoy Gateway only builds HTTP routes on HTTP and HTTPS listeners whose hostname matches the request",
            "Send the request to a listener's hostname, or add an HTTP listener.",
            actor="envoy",
        )
    )
    return None, steps


def buffer_step(index: ResourceIndex, entry: Entry) -> Step:
    """The request body limit on this listener: the ClientTrafficPolicy that applies, or Envoy's 32 KiB default."""
    found = {a.target: a for a in attachments(index, "ClientTrafficPolicy")}
    for target in (
        Target("Gateway", entry.namespace, entry.name, entry.listener),
        Target("Gateway", entry.namespace, entry.name, None),
    ):
        if target in found:
            policy = found[target].winner
            limit = as_dict(policy.spec.get("connection")).get("bufferLimit")
            if limit:
                return Step(
                    "listener",
                    "ok",
                    f"request bodies up to {limit} (ClientTrafficPolicy {policy.name})",
                    f"ClientTrafficPolicy/{policy.namespace}/{policy.name} spec.connection.bufferLimit",
                    actor="envoy",
                )
    return Step(
        "listener",
        "warn",
        "no ClientTrafficPolicy raises the buffer limit: request bodies over 32 KiB (long prompts, images) get 413",
        f"Gateway/{entry.namespace}/{entry.name}",
        "Envoy's default per-connection buffer; envoyproxy/ai-gateway#827",
        "Attach a ClientTrafficPolicy with spec.connection.bufferLimit (e.g. 50Mi) to the Gateway.",
        actor="envoy",
    )


def _gateways(index: ResourceIndex) -> set[tuple[str, str]]:
    return {(g.namespace or "default", g.name) for g in index.of_kind("Gateway", GWAPI_GROUP)}


def _header_ok(cond: dict[str, Any], req: TraceRequest) -> bool:
    value = req.header(str(cond.get("name", "")))
    if value is None:
        return False
    if value == ANY_VALUE:
        return True  # a value the caller would not type (a key): assume it is the one the rule wants
    wanted = str(cond.get("value", ""))
    if cond.get("type") == "RegularExpression":
        try:
            return re.fullmatch(wanted, value) is not None
        except re.error:
            return False
    return value == wanted


def _path_ok(path_match: Any, path: str) -> bool:
    if not isinstance(path_match, dict):
        return (
            True  # no path condition: the controller's rootPrefix "/" (or Gateway API's default) matches all
        )
    value = str(path_match.get("value", "/"))
    kind = path_match.get("type", "PathPrefix")
    bare = path.split("?", 1)[0]
    if kind == "Exact":
        return bare == value
    if kind == "RegularExpression":
        try:
            return re.fullmatch(value, bare) is not None
        except re.error:
            return False
    prefix = value.rstrip("/")
    return bare == prefix or bare.startswith(prefix + "/") or not prefix


def _attached(route: Resource, entry: Entry) -> bool:
    return any(
        ns == entry.namespace
        and name == entry.name
        and (section is None or entry.listener in (None, section))
        for ns, name, section in parent_listeners(route)
    )


def _hostnames_ok(route: Resource, req: TraceRequest) -> bool:
    names = [h for h in as_list(route.spec.get("hostnames")) if isinstance(h, str)]
    return not names or not req.host or any(_host_matches(h, req.host) for h in names)


def match_rule(
    index: ResourceIndex, entry: Entry, req: TraceRequest, version: str
) -> tuple[Match | None, list[Step]]:
    """The most specific matching rule among the routes on the entry listener (step ``route``)."""
    candidates: list[tuple[int, int, int, Match]] = []
    on_listener = [r for r in routes(index) if _attached(r, entry) and _hostnames_ok(r, req)]
    for order, route in enumerate(on_listener):
        generated = route.kind == "AIGatewayRoute"
        for i, rule in enumerate(as_list(route.spec.get("rules"))):
            if not isinstance(rule, dict):
                continue
            matches = [m for m in as_list(rule.get("matches")) if isinstance(m, dict)]
            if not matches:
                candidates.append((0, order, i, Match(route, i, rule, "", generated)))
                continue
            for j, m in enumerate(matches):
                headers = [h for h in as_list(m.get("headers")) if isinstance(h, dict)]
                if all(_header_ok(h, req) for h in headers) and (
                    generated or _path_ok(m.get("path"), req.path)
                ):
                    candidates.append(
                        (
                            -len(headers),
                            order,
                            i,
                            Match(route, i, rule, f"spec.rules[{i}].matches[{j}]", generated),
                        )
                    )
    model = req.model_header()
    if not candidates:
        models = sorted(
            {
                str(h.get("value"))
                for r in on_listener
                for rule in as_list(r.spec.get("rules"))
                for m in as_list(as_dict(rule).get("matches"))
                for h in as_list(as_dict(m).get("headers"))
                if isinstance(h, dict) and str(h.get("name", "")).lower() == MODEL_HEADER
            }
        )
        names = ", ".join(f"{r.kind}/{r.namespace}/{r.name}" for r in on_listener) or "none"
        why = (
            "no route attaches to this Gateway and listener"
            if not on_listener
            else f'no rule matches {MODEL_HEADER}: "{model}"'
            if model
            else f"the request carries no model, so {MODEL_HEADER} is empty and no rule matches"
        )
        return None, [
            Step(
                "route",
                "fail",
                f"{why}; the generated catch-all rule answers 404 (route-not-found)",
                f"routes on the listener: {names}",
                ROUTE_SOURCE.format(v=version),
                f"Send one of the routed models ({', '.join(models[:8]) or 'none'}), or add a rule matching "
                f"{MODEL_HEADER}: {model}."
                if model
                else "Put the model in the request body's model field.",
                actor="envoy",
            )
        ]
    candidates.sort(key=lambda c: c[:3])
    found = candidates[0][3]
    route = found.route
    if found.generated:
        how = (
            f'{MODEL_HEADER}: "{model}" matches'
            if found.match_path
            else "a rule without matches takes every request"
        )
        reason = (
            f"the AI Gateway filter copies the body's model into {MODEL_HEADER} and the HTTPRoute {route.name} "
            f"generated from this AIGatewayRoute matches it on path prefix / ({ROUTE_SOURCE.format(v=version)})"
        )
    else:
        how = "the path and headers match"
        reason = "a plain HTTPRoute: no AI Gateway translation or credential injection applies"
    where = f"{found.match_path or f'spec.rules[{found.rule_index}]'}"
    name = found.rule.get("name")
    label = f"rule {found.rule_index}" + (f" ({name})" if isinstance(name, str) else "")
    duplicate = duplicate_step(index, route)
    return found, [
        *([duplicate] if duplicate else []),
        Step(
            "route",
            "ok",
            f"{how}: {route.kind} {route.namespace}/{route.name} {label}",
            f"{route.kind}/{route.namespace}/{route.name} {where}",
            reason,
            actor="envoy",
        ),
    ]
