"""Lint rules about production traffic policies (AIGW-L03x): rate limits, failover retries and quotas."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    EG_GROUP,
    GWAPI_GROUP,
    Issue,
    LintContext,
    ResourceIndex,
    as_dict,
    as_list,
    lint_rule,
    targets,
)


def _redis_url(values: dict[str, Any]) -> str | None:
    """The Redis URL Envoy Gateway helm values give its rate limit service (config.envoyGateway.rateLimit)."""
    backend = as_dict(
        as_dict(as_dict(as_dict(values.get("config")).get("envoyGateway")).get("rateLimit")).get("backend")
    )
    url = as_dict(backend.get("redis")).get("url")
    return url if backend.get("type") == "Redis" and isinstance(url, str) and url else None


def with_helm_values(ctx: LintContext, values: Sequence[tuple[dict[str, Any], str]]) -> LintContext:
    """The context once the Envoy Gateway helm values given with the manifests are read: a Redis rate limit
    backend there is one (gateway charts/gateway-helm values config.envoyGateway.rateLimit.backend, v1.8.1)."""
    eg_values = [source for doc, source in values if "envoyGateway" in as_dict(doc.get("config"))]
    if not eg_values or ctx.rate_limit_backend:
        return ctx
    if any(_redis_url(doc) for doc, _ in values):
        return replace(ctx, rate_limit_backend=True)
    return replace(ctx, helm_values=tuple(eg_values))


@lint_rule("AIGW-L030", "a Global rate limit has a Redis backend", "warning")
def rate_limit_without_redis(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    if ctx.rate_limit_backend:
        return
    read = (
        f"the Envoy Gateway values given ({', '.join(ctx.helm_values)}) have no config.envoyGateway.rateLimit"
        ".backend of type Redis"
        if ctx.helm_values
        else "nothing says Envoy Gateway runs its rate limit service with a Redis backend (no Envoy Gateway "
        "helm values among the files)"
    )
    for policy in index.of_kind("BackendTrafficPolicy", EG_GROUP):
        if as_dict(policy.spec.get("rateLimit")).get("type") != "Global":
            continue
        yield Issue(
            policy,
            "spec.rateLimit",
            f"Global rate limit, but {read}; without config.envoyGateway.rateLimit.backend the policy is not "
            "enforced",
            "Install with the rate-limit addon (aigw-skills install --addon rate-limit [--redis-url host:port]), "
            "and validate its envoy-gateway-values.yaml with the manifests, or declare the existing backend "
            "(LintContext rate_limit_backend).",
            outside=True,
        )


def _retried_routes(index: ResourceIndex) -> set[tuple[str | None, str]]:
    return {
        (policy.namespace, str(ref.get("name")))
        for policy in index.of_kind("BackendTrafficPolicy", EG_GROUP)
        if policy.spec.get("retry")
        for ref in targets(policy)
        if ref.get("kind") == "HTTPRoute" and ref.get("group", GWAPI_GROUP) == GWAPI_GROUP
    }


@lint_rule("AIGW-L031", "routes with fallback priorities have a retry policy", "warning")
def priorities_without_retries(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    retried = _retried_routes(index)
    for route in index.of_kind("AIGatewayRoute", AIGW_GROUP):
        if (route.namespace, route.name) in retried:
            continue
        for i, rule in enumerate(as_list(route.spec.get("rules"))):
            refs = [r for r in as_list(as_dict(rule).get("backendRefs")) if isinstance(r, dict)]
            fallback = next(
                (j for j, r in enumerate(refs) if isinstance(r.get("priority"), int) and r["priority"] > 0),
                None,
            )
            if fallback is None:
                continue
            yield Issue(
                route,
                f"spec.rules[{i}].backendRefs[{fallback}].priority",
                f"backend {refs[fallback].get('name')} is a fallback (priority {refs[fallback]['priority']}), but no "
                f"BackendTrafficPolicy with a retry targets the HTTPRoute {route.name}: priorities only fail over on "
                "retry (envoyproxy/ai-gateway#1497)",
                f"Add a BackendTrafficPolicy with spec.retry and targetRefs HTTPRoute {route.name} (aigw-route emits "
                "one when a backend has a priority).",
                outside=True,
            )
            break


@lint_rule("AIGW-L032", "QuotaPolicy model names match a backendRef modelNameOverride", "warning")
def quota_model_names(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    overrides: dict[tuple[str | None, str], set[str]] = {}
    for route in index.of_kind("AIGatewayRoute", AIGW_GROUP):
        for rule in as_list(route.spec.get("rules")):
            for ref in as_list(as_dict(rule).get("backendRefs")):
                if not isinstance(ref, dict) or ref.get("kind") not in (None, "AIServiceBackend"):
                    continue
                key = (ref.get("namespace") or route.namespace, str(ref.get("name")))
                names = overrides.setdefault(key, set())
                if isinstance(ref.get("modelNameOverride"), str):
                    names.add(ref["modelNameOverride"])
    for policy in index.of_kind("QuotaPolicy", AIGW_GROUP):
        backends = [
            (policy.namespace, str(t.get("name")))
            for t in targets(policy)
            if t.get("kind") == "AIServiceBackend" and (policy.namespace, str(t.get("name"))) in overrides
        ]
        if not backends:
            continue  # no route in this set sends to the targeted backends: nothing to compare with
        known = set().union(*(overrides[b] for b in backends))
        for i, quota in enumerate(as_list(policy.spec.get("perModelQuotas"))):
            model = as_dict(quota).get("modelName")
            if model in known:
                continue
            found = ", ".join(sorted(known)) or "none"
            yield Issue(
                policy,
                f"spec.perModelQuotas[{i}].modelName",
                f'modelName "{model}" matches no modelNameOverride on a route backendRef to '
                f"{', '.join(name for _, name in backends)} (overrides there: {found}); the quota never applies",
                "Set modelNameOverride on the route's backendRef to the model name sent upstream, and use the same "
                "name in perModelQuotas[].modelName.",
            )
