"""Envoy Gateway policy attachment: one policy of a kind per target, and route-level over gateway-level.

Envoy Gateway (v1.8.1) sorts each policy kind by creation time, then namespace, then name
(``Resources.Sort`` in internal/gatewayapi/resource/resource.go) and walks them in that order; the first policy
to reach a target attaches and every later one of the same kind gets ``Accepted=False, reason Conflicted``
("another BackendTrafficPolicy has already attached to it"): internal/gatewayapi/backendtrafficpolicy.go,
clienttrafficpolicy.go, securitypolicy.go and envoyextensionpolicy.go. The same files process route-rule
targets first, then routes, then listeners, then Gateways, so the most specific policy wins for a route and a
Gateway-level policy is reported ``Overridden`` there (unless the route policy sets ``mergeType``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    EG_GROUP,
    GWAPI_GROUP,
    Issue,
    LintContext,
    Listener,
    Resource,
    ResourceIndex,
    as_dict,
    lint_rule,
    parent_listeners,
    same_object,
    targets,
)

POLICY_KINDS = ("BackendTrafficPolicy", "ClientTrafficPolicy", "SecurityPolicy", "EnvoyExtensionPolicy")
SOURCE_FILE = {
    "BackendTrafficPolicy": "backendtrafficpolicy.go",
    "ClientTrafficPolicy": "clienttrafficpolicy.go",
    "SecurityPolicy": "securitypolicy.go",
    "EnvoyExtensionPolicy": "envoyextensionpolicy.go",
}
EG_TAG = "v1.8.1"
ORDER_SOURCE = f"envoyproxy/gateway internal/gatewayapi/resource/resource.go@{EG_TAG} (Resources.Sort)"
MERGEABLE = ("BackendTrafficPolicy", "SecurityPolicy")  # kinds with spec.mergeType in EG v1.8.1
_NOT_SETTINGS = {"targetRef", "targetRefs", "targetSelectors", "mergeType"}
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")


def source(kind: str) -> str:
    return f"envoyproxy/gateway internal/gatewayapi/{SOURCE_FILE[kind]}@{EG_TAG}"


@dataclass(frozen=True)
class Target:
    """What a policy attaches to: a Gateway or route in the policy's namespace, optionally one section."""

    kind: str
    namespace: str
    name: str
    section: str | None

    def describe(self) -> str:
        where = f"{self.kind} {self.namespace}/{self.name}"
        if self.section is None:
            return where
        part = "listener" if self.kind == "Gateway" else "rule"
        return f"{where} ({part} {self.section})"

    @property
    def route_level(self) -> bool:
        return self.kind in ROUTE_KINDS


@dataclass(frozen=True)
class Attachment:
    """The policies of one kind that name one target, in Envoy Gateway's processing order."""

    kind: str
    target: Target
    policies: tuple[Resource, ...]  # first attaches; the rest are Conflicted

    @property
    def winner(self) -> Resource:
        return self.policies[0]

    @property
    def conflicted(self) -> tuple[Resource, ...]:
        return self.policies[1:]


def order_key(policy: Resource) -> tuple[int, str, str, str]:
    """Envoy Gateway's order: creation time, then namespace, then name. Objects not created yet come last."""
    stamp = as_dict(policy.doc.get("metadata")).get("creationTimestamp")
    created = (0, str(stamp)) if stamp else (1, "")
    return (*created, policy.namespace or "", policy.name)


def policy_targets(policy: Resource) -> list[tuple[int, Target]]:
    """(index in targetRefs, target) for each Gateway API target of an Envoy Gateway policy."""
    out = []
    for i, ref in enumerate(targets(policy)):
        if ref.get("group", GWAPI_GROUP) != GWAPI_GROUP or not isinstance(ref.get("name"), str):
            continue
        section = ref.get("sectionName")
        out.append(
            (
                i,
                Target(
                    str(ref.get("kind", "")),
                    policy.namespace or "default",
                    ref["name"],
                    section if isinstance(section, str) else None,
                ),
            )
        )
    return out


def attachments(index: ResourceIndex, kind: str) -> list[Attachment]:
    """Every target of ``kind`` policies with the policies naming it, in processing order."""
    by_target: dict[Target, list[Resource]] = {}
    for policy in sorted(index.of_kind(kind, EG_GROUP), key=order_key):
        for _, target in policy_targets(policy):
            found = by_target.setdefault(target, [])
            if not any(same_object(policy, other) for other in found):  # defined twice: AIGW-L060
                found.append(policy)
    return [Attachment(kind, t, tuple(ps)) for t, ps in by_target.items()]


def settings(policy: Resource) -> list[str]:
    return sorted(k for k in policy.spec if k not in _NOT_SETTINGS)


def _why_first(winner: Resource, loser: Resource) -> str:
    a, b = order_key(winner), order_key(loser)
    if a[:2] != b[:2] and a[0] == 0 and (b[0] == 1 or a[1] < b[1]):
        return f"{winner.name} was created first"
    return (
        "both are created by the same apply, and with equal creation times Envoy Gateway orders by namespace, "
        f'then name ("{winner.namespace}/{winner.name}" sorts before "{loser.namespace}/{loser.name}")'
    )


@lint_rule("AIGW-L070", "one Envoy Gateway policy of a kind per target", "error")
def one_policy_per_target(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for kind in POLICY_KINDS:
        for att in attachments(index, kind):
            for loser in att.conflicted:
                path = next(
                    (f"spec.targetRefs[{i}]" for i, t in policy_targets(loser) if t == att.target), "spec"
                )
                lost = ", ".join(settings(loser)) or "settings"
                yield Issue(
                    loser,
                    path,
                    f"{att.target.describe()} is also targeted by {kind} {att.winner.namespace}/{att.winner.name}; "
                    f"Envoy Gateway attaches one {kind} per target and marks this one Conflicted, so its {lost} "
                    f"{'is' if len(settings(loser)) == 1 else 'are'} silently not applied. "
                    f"{att.winner.name} wins: {_why_first(att.winner, loser)} ({source(kind)}; {ORDER_SOURCE})",
                    f"Merge both into one {kind} for {att.target.describe()} (spec fields: "
                    f"{', '.join(sorted({*settings(att.winner), *settings(loser)}))}); aigw-skills build emits one "
                    "merged policy per target.",
                )


def _route_parents(index: ResourceIndex, target: Target) -> set[Listener]:
    """(namespace, Gateway name, sectionName) the route attaches to; an HTTPRoute may be an AIGatewayRoute's."""
    parents: set[Listener] = set()
    candidates = [index.get(target.kind, target.namespace, target.name, GWAPI_GROUP)]
    if target.kind == "HTTPRoute":  # AI Gateway generates the HTTPRoute with the AIGatewayRoute's name
        candidates.append(index.get("AIGatewayRoute", target.namespace, target.name, AIGW_GROUP))
    for route in candidates:
        if route is None:
            continue
        parents.update(parent_listeners(route))
    return parents


@lint_rule("AIGW-L071", "route-level Envoy Gateway policies override gateway-level ones", "info")
def route_over_gateway(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for kind in POLICY_KINDS:
        found = attachments(index, kind)
        gateway_level = [a for a in found if a.target.kind == "Gateway"]
        for route_att in (a for a in found if a.target.route_level):
            parents = _route_parents(index, route_att.target)
            for gw_att in gateway_level:
                covered = any(
                    ns == gw_att.target.namespace
                    and name == gw_att.target.name
                    and (gw_att.target.section is None or section in (None, gw_att.target.section))
                    for ns, name, section in parents
                )
                if not covered:
                    continue
                route_policy, gw_policy = route_att.winner, gw_att.winner
                merge = route_policy.spec.get("mergeType") if kind in MERGEABLE else None
                effect = (
                    f"merges with {kind} {gw_policy.name} ({merge}) for this route's traffic"
                    if merge
                    else f"replaces {kind} {gw_policy.name} (on {gw_att.target.describe()}) for this route's "
                    f"traffic; Envoy Gateway reports that one Overridden here and applies it to the Gateway's "
                    "other routes only"
                )
                yield Issue(
                    route_policy,
                    "spec.targetRefs",
                    f"{kind} {route_policy.name} on {route_att.target.describe()} {effect}. Envoy Gateway applies "
                    f"the most specific {kind} (route rule, then route, then listener, then Gateway) "
                    f"({source(kind)})",
                    (
                        f"Put every setting this route needs in {route_policy.name}"
                        + (
                            f", or set spec.mergeType to merge with {gw_policy.name}"
                            if kind in MERGEABLE and not merge
                            else ""
                        )
                        + "."
                    ),
                )
