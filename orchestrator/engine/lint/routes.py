"""Lint rules about routes and API versions: shadowed model matches, rule limits, path prefixes, deprecations."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    GWAPI_GROUP,
    Issue,
    LintContext,
    Resource,
    ResourceIndex,
    as_dict,
    as_list,
    lint_rule,
    ref_namespace,
    same_object,
)

# Schemas whose ``version`` the controller ignores (AzureOpenAI uses it as api-version; AWSAnthropic and
# GCPAnthropic as the Anthropic API version).
VERSION_IGNORED = frozenset({"OpenAI", "Anthropic", "AWSBedrock", "GCPVertexAI"})
MODEL_HEADER = "x-ai-eg-model"

# (group, version, kind) -> replacement apiVersion. Kinds absent here keep their version (QuotaPolicy v1alpha1).
DEPRECATED_API_VERSIONS: dict[tuple[str, str, str], str] = {
    **{
        (AIGW_GROUP, "v1alpha1", kind): f"{AIGW_GROUP}/v1beta1"
        for kind in (
            "AIGatewayRoute",
            "AIServiceBackend",
            "BackendSecurityPolicy",
            "GatewayConfig",
            "MCPRoute",
        )
    },
    (GWAPI_GROUP, "v1alpha3", "BackendTLSPolicy"): f"{GWAPI_GROUP}/v1",
    (GWAPI_GROUP, "v1alpha2", "BackendTLSPolicy"): f"{GWAPI_GROUP}/v1",
}


def _match_key(match: Any) -> frozenset[tuple[str, str, str]]:
    headers = as_list(as_dict(match).get("headers"))
    return frozenset(
        (str(h.get("name", "")).lower(), str(h.get("type", "Exact")), str(h.get("value", "")))
        for h in headers
        if isinstance(h, dict)
    )


def _describe(key: frozenset[tuple[str, str, str]]) -> str:
    models = [v for name, _, v in sorted(key) if name == MODEL_HEADER]
    if models:
        return f'model "{models[0]}"'
    return "the same headers" if key else "every request (no header match)"


def _parents(route: Resource) -> frozenset[tuple[str, str]]:
    return frozenset(
        (ref_namespace(r, route), str(r.get("name")))
        for r in as_list(route.spec.get("parentRefs"))
        if isinstance(r, dict) and r.get("kind", "Gateway") == "Gateway"
    )


@lint_rule("AIGW-L011", "no two rules match the same model", "warning")
def shadowed_model_matches(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    claimed: dict[tuple[tuple[str, str], frozenset[tuple[str, str, str]]], tuple[Resource, str]] = {}
    for route in index.of_kind("AIGatewayRoute", AIGW_GROUP):
        local: dict[frozenset[tuple[str, str, str]], str] = {}
        for i, rule in enumerate(as_list(route.spec.get("rules"))):
            for j, match in enumerate(as_list(as_dict(rule).get("matches"))):
                key, path = _match_key(match), f"spec.rules[{i}].matches[{j}]"
                if key in local and not local[key].startswith(f"spec.rules[{i}]."):
                    yield Issue(
                        route,
                        path,
                        f"matches {_describe(key)} exactly like {local[key]}; the earlier rule takes this traffic, "
                        "so this match is dead",
                        "Remove the duplicate, or put both backends in one rule (weights or priorities).",
                    )
                    continue
                local.setdefault(key, path)
                for parent in _parents(route):
                    other = claimed.setdefault((parent, key), (route, path))
                    if other[0] is not route and not same_object(other[0], route):  # defined twice: AIGW-L060
                        yield Issue(
                            route,
                            path,
                            f"matches {_describe(key)} exactly like AIGatewayRoute {other[0].name} ({other[1]}) on "
                            f"Gateway {parent[0]}/{parent[1]}; only the older route gets the traffic",
                            "Route each model from one AIGatewayRoute per Gateway.",
                        )


@lint_rule("AIGW-L012", "an AIGatewayRoute has at most 15 rules", "error")
def too_many_rules(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    from skills.versions import profile

    # The target's limit, the same number `aigw-skills route` enforces (skills/versions.py max_rules cites why it
    # holds even where the CRD admits 128: the HTTPRoute the controller generates gains a route-not-found rule).
    prof = profile(ctx.target_version)
    limit = prof.max_rules
    for route in index.of_kind("AIGatewayRoute", AIGW_GROUP):
        count = len(as_list(route.spec.get("rules")))
        if count > limit:
            parts = math.ceil(count / limit)
            yield Issue(
                route,
                "spec.rules",
                f"{count} rules; AI Gateway {prof.ai_gateway} works with at most {limit} per AIGatewayRoute: the "
                f"controller adds a route-not-found rule to the generated HTTPRoute and Gateway API "
                f"{prof.gateway_api} allows 16 HTTPRoute rules (envoyproxy/ai-gateway#2120)",
                f"Split it into {parts} AIGatewayRoutes of at most {limit} rules each, all with the same "
                "parentRefs (e.g. one per provider or model family); a model must appear in only one of them.",
            )


@lint_rule("AIGW-L013", "schema.version is not used as a path prefix", "warning")
def version_as_prefix(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for asb in index.of_kind("AIServiceBackend", AIGW_GROUP):
        schema = as_dict(asb.spec.get("schema"))
        name, version = schema.get("name"), schema.get("version")
        if name not in VERSION_IGNORED or version is None:
            continue
        yield Issue(
            asb,
            "spec.schema.version",
            f'schema.version "{version}" is ignored for {name} (it matters only for Azure and the '
            "Anthropic-on-cloud schemas); since v0.6 the path prefix comes from schema.prefix "
            "(envoyproxy/ai-gateway#1629)",
            "Remove schema.version and set schema.prefix (e.g. /v1beta/openai for Gemini, /compatibility/v1 for "
            "Cohere); when unset the prefix is v1.",
        )


@lint_rule("AIGW-L014", "apiVersions are not deprecated", "warning")
def deprecated_api_versions(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    from skills.versions import profile

    served = profile(ctx.target_version).api_version_for
    for r in index.resources:
        replacement = DEPRECATED_API_VERSIONS.get((r.group, r.version, r.kind))
        if replacement is None:
            continue
        if r.group == AIGW_GROUP and served(r.kind) != replacement:
            continue  # the target release serves no newer apiVersion (v1beta1 arrived in v0.6): nothing to move to
        extra = (
            " v1alpha3 is served only by the experimental-channel CRD (which Envoy Gateway installs); the standard "
            "channel serves v1 only."
            if r.kind == "BackendTLSPolicy"
            else " Stored objects are not migrated: re-apply them with the new apiVersion."
        )
        yield Issue(
            r,
            "apiVersion",
            f"{r.api_version} {r.kind} is deprecated; use {replacement}.{extra}",
            f"Change apiVersion to {replacement}; the fields are the same.",
        )
