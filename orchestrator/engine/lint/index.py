"""What cross-resource lint rules work on: an index of the manifests, the context outside them, and the registry.

A rule is one function ``(index, context) -> Iterable[Issue]`` registered with :func:`lint_rule`; the registry
turns issues into :class:`~orchestrator.engine.findings.Finding` objects carrying the rule's id and severity. Adding a
rule (say, "rate limit without Redis") means writing one such function in a ``lint_*`` module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from orchestrator.engine.core_kinds import CLUSTER_SCOPED
from orchestrator.engine.findings import Finding, Severity
from skills.versions import DEFAULT_VERSION

AIGW_GROUP = "aigateway.envoyproxy.io"
EG_GROUP = "gateway.envoyproxy.io"
GWAPI_GROUP = "gateway.networking.k8s.io"
GIE_GROUP = "inference.networking.k8s.io"
EG_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller"
DEFAULT_NAMESPACE = "default"

_CLUSTER_SCOPED_KINDS = {kind for _, kind in CLUSTER_SCOPED} | {"GatewayClass"}


@dataclass(frozen=True)
class LintContext:
    """What exists outside the manifests being checked, so reusing it is not flagged.

    Entries are names or ``namespace/name``; ``existing_resources`` holds ``Kind/namespace/name`` (or
    ``Kind/name``) for anything else, e.g. ``Backend/default/openai``.
    """

    external_secrets: frozenset[str] = frozenset()
    existing_gateways: frozenset[str] = frozenset()
    existing_gateway_classes: frozenset[str] = frozenset()
    existing_resources: frozenset[str] = frozenset()
    rate_limit_backend: bool = (
        False  # Envoy Gateway runs its rate limit service with Redis (rate-limit addon)
    )
    target_version: str = DEFAULT_VERSION  # the AI Gateway release the manifests are for
    # The files are part of a larger set: what they reference but do not hold may exist elsewhere, so those
    # findings (Issue.outside) are notes (severity info), not errors.
    partial: bool = False
    # Sources of Envoy Gateway helm values given with the manifests (read by AIGW-L030), when none of them
    # configures a rate limit backend.
    helm_values: tuple[str, ...] = ()

    @staticmethod
    def _named(entries: frozenset[str], namespace: str | None, name: str) -> bool:
        return name in entries or (namespace is not None and f"{namespace}/{name}" in entries)

    def secret_is_external(self, namespace: str, name: str) -> bool:
        return self._named(self.external_secrets, namespace, name) or self.resource_exists(
            "Secret", namespace, name
        )

    def gateway_exists(self, namespace: str, name: str) -> bool:
        return self._named(self.existing_gateways, namespace, name) or self.resource_exists(
            "Gateway", namespace, name
        )

    def gateway_class_exists(self, name: str) -> bool:
        return name in self.existing_gateway_classes or self.resource_exists("GatewayClass", None, name)

    def resource_exists(self, kind: str, namespace: str | None, name: str) -> bool:
        return f"{kind}/{name}" in self.existing_resources or (
            namespace is not None and f"{kind}/{namespace}/{name}" in self.existing_resources
        )


@dataclass(frozen=True)
class Resource:
    """One Kubernetes object of the set, with its effective namespace (``default`` when omitted)."""

    doc: dict[str, Any]
    source: str
    group: str
    version: str
    kind: str
    name: str
    namespace: str | None
    declared_namespace: str | None

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.doc.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version


def resource_of(doc: dict[str, Any], source: str) -> Resource:
    api_version = str(doc.get("apiVersion", ""))
    group, _, version = api_version.rpartition("/")
    kind = str(doc.get("kind", ""))
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    declared = meta.get("namespace") if isinstance(meta.get("namespace"), str) else None
    namespace = None if kind in _CLUSTER_SCOPED_KINDS else (declared or DEFAULT_NAMESPACE)
    return Resource(doc, source, group, version, kind, str(meta.get("name", "")), namespace, declared)


# What a policy's targetRef names: (group, kind, namespace, name); a policy targets objects in its own namespace.
TargetKey = tuple[str, str, str | None, str]


class ResourceIndex:
    """The manifests by kind and by (kind, namespace, name)."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources = list(resources)
        self._by_kind: dict[str, list[Resource]] = {}
        self._by_key: dict[tuple[str, str | None, str], list[Resource]] = {}
        self._targeting: dict[tuple[str, str], dict[TargetKey, list[Resource]]] = {}
        for r in self.resources:
            self._by_kind.setdefault(r.kind, []).append(r)
            self._by_key.setdefault((r.kind, r.namespace, r.name), []).append(r)

    def of_kind(self, kind: str, group: str | None = None) -> list[Resource]:
        found = self._by_kind.get(kind, [])
        return found if group is None else [r for r in found if r.group == group]

    def targeting(self, kind: str, group: str, target: TargetKey) -> list[Resource]:
        """Policies of ``kind``/``group`` whose targetRefs name ``target`` (group, kind, namespace, name).

        Built once per policy kind, so rules that match policies to targets stay linear in the manifests
        (a scan of every policy per target grew quadratically: 4.8 s of lint at 10,000 documents).
        """
        table = self._targeting.get((kind, group))
        if table is None:
            table = {}
            for policy in self.of_kind(kind, group):
                seen: set[TargetKey] = set()
                for ref in targets(policy):
                    key = (
                        str(ref.get("group", GWAPI_GROUP)),
                        str(ref.get("kind", "")),
                        policy.namespace,
                        str(ref.get("name", "")),
                    )
                    if key not in seen:
                        seen.add(key)
                        table.setdefault(key, []).append(policy)
            self._targeting[(kind, group)] = table
        return table.get(target, [])

    def get(self, kind: str, namespace: str | None, name: str, group: str | None = None) -> Resource | None:
        """The first object of that kind (and group, when given) with that namespace and name."""
        ns = None if kind in _CLUSTER_SCOPED_KINDS else namespace
        for found in self._by_key.get((kind, ns, name), []):
            if group is None or found.group == group:
                return found
        return None


@dataclass(frozen=True)
class Issue:
    """What a rule function yields: the registry adds the rule id and severity."""

    resource: Resource
    path: str
    message: str
    hint: str | None = None
    severity: Severity | None = None
    # The finding is about an object these manifests do not hold (a reference to it, or a policy missing);
    # with LintContext.partial it becomes a note.
    outside: bool = False


Check = Callable[[ResourceIndex, LintContext], Iterable[Issue]]


@dataclass(frozen=True)
class LintRule:
    id: str
    title: str
    severity: Severity
    check: Check = field(repr=False)

    def run(self, index: ResourceIndex, context: LintContext) -> Iterator[Finding]:
        for issue in self.check(index, context):
            r = issue.resource
            severity, message = issue.severity or self.severity, issue.message
            if issue.outside and context.partial:
                severity, message = "info", f"{message} (partial input: it may exist outside these files)"
            yield Finding(
                rule=self.id,
                severity=severity,
                kind=r.kind,
                namespace=r.declared_namespace if r.namespace is not None else None,
                name=r.name,
                path=issue.path,
                message=message,
                hint=issue.hint,
                source=r.source,
            )


RULES: dict[str, LintRule] = {}


def lint_rule(rule_id: str, title: str, severity: Severity) -> Callable[[Check], Check]:
    """Register a lint rule function under ``rule_id`` (e.g. ``AIGW-L001``)."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"lint rule {rule_id} registered twice")
        RULES[rule_id] = LintRule(rule_id, title, severity, check)
        return check

    return register


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def same_object(a: Resource, b: Resource) -> bool:
    """Two documents defining one object (group, kind, namespace, name; any version): the later replaces the
    earlier on apply. Rules comparing objects skip such pairs; AIGW-L060 reports them once, as a duplicate."""
    return (a.group, a.kind, a.namespace, a.name) == (b.group, b.kind, b.namespace, b.name)


def ref_namespace(ref: dict[str, Any], owner: Resource) -> str:
    ns = ref.get("namespace")
    return ns if isinstance(ns, str) and ns else (owner.namespace or DEFAULT_NAMESPACE)


def targets(policy: Resource) -> list[dict[str, Any]]:
    """A policy's ``targetRefs`` plus its legacy singular ``targetRef``."""
    out = [t for t in as_list(policy.spec.get("targetRefs")) if isinstance(t, dict)]
    single = policy.spec.get("targetRef")
    if isinstance(single, dict):
        out.append(single)
    return out


# A route's parent listener: (Gateway namespace, Gateway name, sectionName or None for every listener).
Listener = tuple[str, str, str | None]


def parent_listeners(route: Resource) -> list[Listener]:
    """The Gateways (and listener sections) a route's parentRefs attach it to, in order."""
    out: list[Listener] = []
    for ref in as_list(route.spec.get("parentRefs")):
        if isinstance(ref, dict) and ref.get("kind", "Gateway") == "Gateway":
            section = ref.get("sectionName")
            out.append(
                (
                    ref_namespace(ref, route),
                    str(ref.get("name")),
                    section if isinstance(section, str) else None,
                )
            )
    return out
