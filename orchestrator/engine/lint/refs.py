"""Lint rules about references between resources: backends, Gateways, GatewayClasses, ReferenceGrants."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    EG_CONTROLLER,
    EG_GROUP,
    GIE_GROUP,
    GWAPI_GROUP,
    Issue,
    LintContext,
    Resource,
    ResourceIndex,
    as_dict,
    as_list,
    lint_rule,
    ref_namespace,
)


def _route_backend_refs(route: Resource) -> Iterator[tuple[str, dict[str, Any]]]:
    for i, rule in enumerate(as_list(route.spec.get("rules"))):
        for j, ref in enumerate(as_list(as_dict(rule).get("backendRefs"))):
            if isinstance(ref, dict) and isinstance(ref.get("name"), str):
                yield f"spec.rules[{i}].backendRefs[{j}]", ref


def _is_pool_ref(ref: dict[str, Any]) -> bool:
    return ref.get("group") == GIE_GROUP and ref.get("kind") == "InferencePool"


def _parent_gateways(route: Resource) -> Iterator[tuple[str, str, str]]:
    """(path, namespace, name) of each parentRef that names a Gateway."""
    for i, ref in enumerate(as_list(route.spec.get("parentRefs"))):
        if not isinstance(ref, dict) or not isinstance(ref.get("name"), str):
            continue
        if ref.get("kind", "Gateway") == "Gateway" and ref.get("group", GWAPI_GROUP) == GWAPI_GROUP:
            yield f"spec.parentRefs[{i}]", ref_namespace(ref, route), ref["name"]


def gateways_used_by_routes(index: ResourceIndex) -> dict[tuple[str, str], list[Resource]]:
    """(namespace, name) of every Gateway an AIGatewayRoute attaches to, with the routes."""
    used: dict[tuple[str, str], list[Resource]] = {}
    for route in index.of_kind("AIGatewayRoute", AIGW_GROUP):
        for _, ns, name in _parent_gateways(route):
            used.setdefault((ns, name), []).append(route)
    return used


@lint_rule("AIGW-L001", "AIServiceBackend.backendRef resolves to an Envoy Gateway Backend", "error")
def backend_ref_resolves(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for asb in index.of_kind("AIServiceBackend", AIGW_GROUP):
        ref = as_dict(asb.spec.get("backendRef"))
        name = ref.get("name")
        if not isinstance(name, str) or (ref.get("group"), ref.get("kind")) != (EG_GROUP, "Backend"):
            continue  # absent or not a Backend: the CRD's own rules report it
        ns = ref_namespace(ref, asb)
        if index.get("Backend", ns, name, EG_GROUP) is None and not ctx.resource_exists("Backend", ns, name):
            yield Issue(
                asb,
                "spec.backendRef",
                f'backendRef names Backend "{ns}/{name}", which is not in the manifests',
                f"Add a gateway.envoyproxy.io/v1alpha1 Backend {ns}/{name} with the provider's endpoint, or "
                f"declare it with --existing Backend/{ns}/{name} if it is already in the cluster.",
                outside=True,
            )


@lint_rule("AIGW-L002", "AIGatewayRoute backendRefs resolve to an AIServiceBackend or InferencePool", "error")
def route_backends_resolve(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for route in index.of_kind("AIGatewayRoute", AIGW_GROUP):
        for path, ref in _route_backend_refs(route):
            ns, name = ref_namespace(ref, route), ref["name"]
            if _is_pool_ref(ref):
                kind, group = "InferencePool", GIE_GROUP
            elif "group" in ref or "kind" in ref:
                continue  # an unsupported group/kind: the CRD's rules report it
            else:
                kind, group = "AIServiceBackend", AIGW_GROUP
            if index.get(kind, ns, name, group) is None and not ctx.resource_exists(kind, ns, name):
                yield Issue(
                    route,
                    path,
                    f'backendRef names {kind} "{ns}/{name}", which is not in the manifests',
                    f"Add the {kind} {ns}/{name}, fix the name, or declare it with --existing {kind}/{ns}/{name}.",
                    outside=True,
                )


@lint_rule("AIGW-L003", "AIGatewayRoute parentRefs resolve to a Gateway", "error")
def parent_gateways_resolve(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for route in index.of_kind("AIGatewayRoute", AIGW_GROUP):
        if not as_list(route.spec.get("parentRefs")):
            yield Issue(
                route,
                "spec.parentRefs",
                "the route has no parentRefs, so it attaches to no Gateway and serves no traffic",
                "Add parentRefs naming the Gateway (kind Gateway, group gateway.networking.k8s.io).",
                severity="warning",
            )
        for path, ns, name in _parent_gateways(route):
            if index.get("Gateway", ns, name, GWAPI_GROUP) is None and not ctx.gateway_exists(ns, name):
                yield Issue(
                    route,
                    path,
                    f'parentRef names Gateway "{ns}/{name}", which is not in the manifests',
                    f"Add the Gateway, or declare it with --existing-gateway {ns}/{name} if it already runs.",
                    outside=True,
                )


@lint_rule("AIGW-L004", "Gateways use a GatewayClass of the Envoy Gateway controller", "error")
def gateway_class_is_envoy(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for gw in index.of_kind("Gateway", GWAPI_GROUP):
        cls_name = gw.spec.get("gatewayClassName")
        if not isinstance(cls_name, str):
            continue
        cls = index.get("GatewayClass", None, cls_name, GWAPI_GROUP)
        if cls is None:
            if not ctx.gateway_class_exists(cls_name):
                yield Issue(
                    gw,
                    "spec.gatewayClassName",
                    f'GatewayClass "{cls_name}" is not in the manifests',
                    f"Add a GatewayClass {cls_name} with controllerName {EG_CONTROLLER}, or declare it with "
                    f"--existing-gateway-class {cls_name}.",
                    outside=True,
                )
            continue
        controller = cls.spec.get("controllerName")
        if controller != EG_CONTROLLER:
            yield Issue(
                cls,
                "spec.controllerName",
                f'controllerName is "{controller}"; Envoy Gateway (and so AI Gateway) only reconciles '
                f'GatewayClasses of "{EG_CONTROLLER}", so Gateway {gw.namespace}/{gw.name} gets no proxy',
                f"Set spec.controllerName: {EG_CONTROLLER} (the value in AI Gateway's envoy-gateway-values.yaml).",
            )


def _grant_allows(
    index: ResourceIndex, target_ns: str, source: tuple[str, str, str], target: tuple[str, str, str]
) -> bool:
    from_group, from_kind, from_ns = source
    to_group, to_kind, to_name = target
    for grant in index.of_kind("ReferenceGrant", GWAPI_GROUP):
        if grant.namespace != target_ns:
            continue
        froms = [as_dict(f) for f in as_list(grant.spec.get("from"))]
        tos = [as_dict(t) for t in as_list(grant.spec.get("to"))]
        if any(
            (f.get("group", ""), f.get("kind"), f.get("namespace")) == (from_group, from_kind, from_ns)
            for f in froms
        ) and any(
            (t.get("group", ""), t.get("kind")) == (to_group, to_kind)
            and t.get("name") in (None, "", to_name)
            for t in tos
        ):
            return True
    return False


def _grant_issue(
    owner: Resource, path: str, src: tuple[str, str, str], dst: tuple[str, str, str], ns: str
) -> Issue:
    src_group, src_kind, src_ns = src
    dst_group, dst_kind, dst_name = dst
    src_group_text, dst_group_text = src_group or '""', dst_group or '""'
    return Issue(
        owner,
        path,
        f'cross-namespace reference from {src_kind} in "{src_ns}" to {dst_kind} "{ns}/{dst_name}" has no '
        "ReferenceGrant allowing it, so it will not resolve",
        f"Add a ReferenceGrant in namespace {ns} with from: [{{group: {src_group_text}, kind: {src_kind}, "
        f"namespace: {src_ns}}}] and to: [{{group: {dst_group_text}, kind: {dst_kind}}}].",
        outside=True,
    )


@lint_rule("AIGW-L010", "cross-namespace references have ReferenceGrants", "error")
def reference_grants_present(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for route in index.of_kind("AIGatewayRoute", AIGW_GROUP):
        route_ns = route.namespace or ""
        for path, ref in _route_backend_refs(route):
            if _is_pool_ref(ref) or "group" in ref or "kind" in ref:
                continue
            asb_ns = ref_namespace(ref, route)
            asb = index.get("AIServiceBackend", asb_ns, ref["name"], AIGW_GROUP)
            if asb is None:
                continue
            src = (AIGW_GROUP, "AIGatewayRoute", route_ns)
            dst = (AIGW_GROUP, "AIServiceBackend", asb.name)
            if asb_ns != route_ns and not _grant_allows(index, asb_ns, src, dst):
                yield _grant_issue(route, path, src, dst, asb_ns)
            backend_ref = as_dict(asb.spec.get("backendRef"))
            if (backend_ref.get("group"), backend_ref.get("kind")) != (EG_GROUP, "Backend"):
                continue
            backend_ns = ref_namespace(backend_ref, asb)
            http_src = (GWAPI_GROUP, "HTTPRoute", route_ns)
            backend_dst = (EG_GROUP, "Backend", str(backend_ref.get("name")))
            if backend_ns != route_ns and not _grant_allows(index, backend_ns, http_src, backend_dst):
                yield _grant_issue(route, path, http_src, backend_dst, backend_ns)
    for http in index.of_kind("HTTPRoute", GWAPI_GROUP):
        for i, rule in enumerate(as_list(http.spec.get("rules"))):
            for j, ref in enumerate(as_list(as_dict(rule).get("backendRefs"))):
                ref = as_dict(ref)
                ns = ref_namespace(ref, http)
                kind, group = str(ref.get("kind", "Service")), str(ref.get("group", ""))
                if ns == http.namespace or index.get(kind, ns, str(ref.get("name")), group) is None:
                    continue
                src = (GWAPI_GROUP, "HTTPRoute", http.namespace or "")
                dst = (group, kind, str(ref.get("name")))
                if not _grant_allows(index, ns, src, dst):
                    yield _grant_issue(http, f"spec.rules[{i}].backendRefs[{j}]", src, dst, ns)
