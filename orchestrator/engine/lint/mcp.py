"""Lint rules about MCPRoutes (AIGW-L073): OAuth discovery endpoints that two routes would both publish.

For an MCPRoute with ``securityPolicy.oauth`` the controller adds HTTPRoute rules for
``/.well-known/oauth-protected-resource<path>``, ``/.well-known/oauth-authorization-server<path>`` and
``/.well-known/openid-configuration<path>`` (envoyproxy/ai-gateway internal/controller/mcp_route.go@v1.1.0). Since
v0.5 the paths carry the route's ``spec.path`` (PR #1596, the fix for #1585), so two OAuth routes on one listener
clash only when their paths are equal and their hostnames overlap; the well-known rules match on path alone, so
``spec.headers`` do not tell them apart (#2544).
"""

from __future__ import annotations

from collections.abc import Iterator

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    Issue,
    LintContext,
    Resource,
    ResourceIndex,
    as_dict,
    as_list,
    lint_rule,
    parent_listeners,
)

DEFAULT_PATH = "/mcp"
WELL_KNOWN = "/.well-known/oauth-protected-resource"


def _share_listener(a: set[tuple[str, str, str | None]], b: set[tuple[str, str, str | None]]) -> str | None:
    for ns, name, section in sorted(a, key=str):
        for ns2, name2, section2 in b:
            if (ns, name) == (ns2, name2) and (section is None or section2 is None or section == section2):
                where = section or section2
                return f"Gateway {ns}/{name}" + (f" listener {where}" if where else "")
    return None


def _hosts_overlap(a: Resource, b: Resource) -> bool:
    ha = {h.lower() for h in as_list(a.spec.get("hostnames")) if isinstance(h, str)}
    hb = {h.lower() for h in as_list(b.spec.get("hostnames")) if isinstance(h, str)}
    if not ha or not hb:
        return True
    if ha & hb:
        return True
    wild = [
        (w[1:], other) for w, other in [*((w, hb) for w in ha), *((w, ha) for w in hb)] if w.startswith("*.")
    ]
    return any(h.endswith(suffix) for suffix, other in wild for h in other)


def _path(route: Resource) -> str:
    path = route.spec.get("path")
    return (path if isinstance(path, str) and path else DEFAULT_PATH).rstrip("/") or "/"


@lint_rule("AIGW-L073", "OAuth MCPRoutes on one listener publish distinct well-known paths", "error")
def oauth_well_known_clash(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    # Only routes with the same path can clash, so routes are compared within one bucket per path.
    by_path: dict[str, list[Resource]] = {}
    for r in index.of_kind("MCPRoute", AIGW_GROUP):
        if as_dict(as_dict(r.spec.get("securityPolicy")).get("oauth")):
            by_path.setdefault(_path(r), []).append(r)
    for routes in by_path.values():
        for i, route in enumerate(routes):
            clash = next(
                (
                    (earlier, where)
                    for earlier in routes[:i]
                    if _hosts_overlap(route, earlier)
                    and (
                        where := _share_listener(set(parent_listeners(route)), set(parent_listeners(earlier)))
                    )
                ),
                None,
            )
            if clash is None:
                continue
            earlier, where = clash
            yield Issue(
                route,
                "spec.securityPolicy.oauth",
                f"MCPRoute {earlier.namespace}/{earlier.name} also uses OAuth on {where} with path {_path(route)}: "
                f"both publish {WELL_KNOWN}{_path(route)} (and the authorization-server metadata), only one HTTPRoute "
                "rule wins, and clients of the other get the wrong protected resource "
                "(envoyproxy/ai-gateway internal/controller/mcp_route.go@v1.1.0; #1585, #2544: spec.headers do not "
                "scope the well-known rules)",
                "Give each OAuth MCPRoute its own spec.path (e.g. /mcp/<team>), or disjoint spec.hostnames, or "
                "separate listeners (sectionName).",
            )
