"""Lint rule about who a per-client budget belongs to (AIGW-L062).

A rate limit or quota keyed on a request header (clientSelectors headers, type Distinct) keeps one budget per
header value. Unless something the client cannot forge sets that header, any client can send a new value with
each request and get a fresh budget. Envoy Gateway sets headers from a verified identity in a SecurityPolicy:
JWT ``claimToHeaders`` and API-key ``forwardClientIDHeader`` (api/v1alpha1/jwt_types.go, api_key_auth_types.go,
v1.8.1), on the Gateway or on the route's HTTPRoute.
"""

from __future__ import annotations

from collections.abc import Iterator

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    EG_GROUP,
    GWAPI_GROUP,
    Issue,
    LintContext,
    Resource,
    ResourceIndex,
    as_dict,
    as_list,
    lint_rule,
    ref_namespace,
    targets,
)
from orchestrator.engine.lint.refs import gateways_used_by_routes

Place = tuple[str, str, str]  # (kind, namespace, name) of a Gateway or HTTPRoute


def _headers(selectors: object) -> set[str]:
    return {
        str(h["name"]).lower()
        for selector in as_list(selectors)
        for h in as_list(as_dict(selector).get("headers"))
        if isinstance(h, dict) and isinstance(h.get("name"), str)
    }


def _route_places(index: ResourceIndex, namespace: str, route: str) -> set[Place]:
    """The HTTPRoute the controller generates for an AIGatewayRoute, and the Gateways it attaches to."""
    places: set[Place] = {("HTTPRoute", namespace, route)}
    aigw = index.get("AIGatewayRoute", namespace, route, AIGW_GROUP)
    if aigw is None:
        return places
    for ref in as_list(aigw.spec.get("parentRefs")):
        if (
            isinstance(ref, dict)
            and ref.get("kind", "Gateway") == "Gateway"
            and isinstance(ref.get("name"), str)
        ):
            places.add(("Gateway", ref_namespace(ref, aigw), ref["name"]))
    return places


def _verified_headers(index: ResourceIndex) -> dict[Place, set[str]] | None:
    """Headers each Gateway or HTTPRoute gets from a verified identity; None when a policy selects by labels."""
    out: dict[Place, set[str]] = {}
    for policy in index.of_kind("SecurityPolicy", EG_GROUP):
        if policy.spec.get("targetSelectors"):
            return None
        jwt = as_dict(policy.spec.get("jwt"))
        headers = {
            str(claim["header"]).lower()
            for provider in as_list(jwt.get("providers"))
            for claim in as_list(as_dict(provider).get("claimToHeaders"))
            if isinstance(claim, dict) and isinstance(claim.get("header"), str)
        }
        forwarded = as_dict(policy.spec.get("apiKeyAuth")).get("forwardClientIDHeader")
        if isinstance(forwarded, str):
            headers.add(forwarded.lower())
        for ref in targets(policy):
            if ref.get("group", GWAPI_GROUP) == GWAPI_GROUP and isinstance(ref.get("name"), str):
                place = (str(ref.get("kind")), policy.namespace or "default", ref["name"])
                out.setdefault(place, set()).update(headers)
    return out


def _keyed(index: ResourceIndex) -> Iterator[tuple[Resource, str, set[str], set[Place]]]:
    """(policy, path, headers its budgets are keyed on, places the requests pass) for limits and quotas."""
    for policy in index.of_kind("BackendTrafficPolicy", EG_GROUP):
        places: set[Place] = set()
        for ref in targets(policy):
            ns, name = policy.namespace or "default", ref.get("name")
            if not isinstance(name, str):
                continue
            if ref.get("kind") == "HTTPRoute":
                places |= _route_places(index, ns, name)
            elif ref.get("kind") == "Gateway":
                places.add(("Gateway", ns, name))
        limit = as_dict(policy.spec.get("rateLimit"))
        for scope in ("global", "local"):
            for i, rule in enumerate(as_list(as_dict(limit.get(scope)).get("rules"))):
                headers = _headers(as_dict(rule).get("clientSelectors"))
                if headers:
                    yield policy, f"spec.rateLimit.{scope}.rules[{i}].clientSelectors", headers, places
    # Where requests to each backend pass (its routes and their Gateways), built once: a scan of every route for
    # every QuotaPolicy grew quadratically with the manifests.
    passing: dict[tuple[str | None, str], set[Place]] = {}
    for (gw_ns, gw_name), routes in gateways_used_by_routes(index).items():
        for route in routes:
            for rule in as_list(route.spec.get("rules")):
                for ref in as_list(as_dict(rule).get("backendRefs")):
                    passing.setdefault((route.namespace, str(as_dict(ref).get("name"))), set()).update(
                        {("Gateway", gw_ns, gw_name), ("HTTPRoute", route.namespace or "default", route.name)}
                    )
    for quota in index.of_kind("QuotaPolicy", AIGW_GROUP):
        backends = {str(t.get("name")) for t in targets(quota) if t.get("kind") == "AIServiceBackend"}
        places = set().union(*(passing.get((quota.namespace, name), set()) for name in backends))
        for i, model in enumerate(as_list(quota.spec.get("perModelQuotas"))):
            rules = as_list(as_dict(as_dict(model).get("quota")).get("bucketRules"))
            for j, rule in enumerate(rules):
                headers = _headers(as_dict(rule).get("clientSelectors"))
                if headers:
                    yield (
                        quota,
                        f"spec.perModelQuotas[{i}].quota.bucketRules[{j}].clientSelectors",
                        headers,
                        places,
                    )


@lint_rule("AIGW-L062", "per-client budgets are keyed on a header set from a verified identity", "warning")
def budgets_keyed_on_spoofable_headers(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    verified = _verified_headers(index)
    if verified is None:
        return  # a SecurityPolicy selects its targets by labels: cannot tell here
    for policy, path, headers, places in _keyed(index):
        trusted = set().union(*(verified.get(place, set()) for place in places)) if places else set()
        for header in sorted(headers - trusted):
            yield Issue(
                policy,
                path,
                f"budgets are keyed on the {header} header, which the client sets itself: no SecurityPolicy on "
                "the route or its Gateway sets it from a verified identity, so a client can send a new value with "
                "each request and get a fresh budget",
                f"Put client auth in front and key on the header it sets: a JWT SecurityPolicy with claimToHeaders "
                f"(e.g. sub -> {header}) or API keys with forwardClientIDHeader {header} (aigw-clientauth).",
                outside=True,
            )
