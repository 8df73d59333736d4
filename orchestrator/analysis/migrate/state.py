"""What a migration carries while it runs: the copied objects, an index of them, the changes and warnings.

:mod:`orchestrator.analysis.migrate.rewrite` drives it; :mod:`orchestrator.analysis.migrate.backends` and :mod:`orchestrator.analysis.migrate.routes`
hold the per-kind rewrites, each recording a :class:`Change` (resource, path, before, after, why) per edit.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from skills.versions import VersionProfile

AIGW_GROUP = "aigateway.envoyproxy.io"
EG_GROUP = "gateway.envoyproxy.io"
GWAPI_GROUP = "gateway.networking.k8s.io"
GIE_GROUP, GIE_OLD_GROUP = "inference.networking.k8s.io", "inference.networking.x-k8s.io"
GATEWAY_CONFIG_ANNOTATION = "aigateway.envoyproxy.io/gateway-config"
_DURATION = re.compile(r"([0-9]+)(ms|h|m|s)")


@dataclass(frozen=True)
class Change:
    """One edit: where, what it was, what it is now, and the upstream reason."""

    resource: str
    path: str
    before: Any
    after: Any
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "path": self.path,
            "before": self.before,
            "after": self.after,
            "why": self.why,
        }


@dataclass
class Migration:
    """The rewritten objects (input order; generated objects follow the object that needed them)."""

    target_version: str
    documents: list[dict[str, Any]]
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Where each output document came from: its input's source (file#N), or that source plus "(created)" for an
    # object the migration added next to it.
    sources: list[str] = field(default_factory=list)


def ns(doc: dict[str, Any]) -> str:
    return str((doc.get("metadata") or {}).get("namespace") or "default")


def name(doc: dict[str, Any]) -> str:
    return str((doc.get("metadata") or {}).get("name") or "")


def resource_id(doc: dict[str, Any]) -> str:
    meta = doc.get("metadata") or {}
    namespace = meta.get("namespace")
    return f"{doc.get('kind')}/{namespace}/{name(doc)}" if namespace else f"{doc.get('kind')}/{name(doc)}"


def group(doc: dict[str, Any]) -> str:
    return str(doc.get("apiVersion", "")).rpartition("/")[0]


def seconds(duration: str) -> float:
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return sum(int(n) * units[u] for n, u in _DURATION.findall(str(duration)))


class MigrationState:
    """Deep copies of the input objects, indexed by (kind, namespace, name), and what was done to them."""

    def __init__(self, docs: list[dict[str, Any]], prof: VersionProfile) -> None:
        self.prof = prof
        self.docs = [copy.deepcopy(d) for d in docs]
        self.changes: list[Change] = []
        self.warnings: list[str] = []
        self.extra: dict[int, list[dict[str, Any]]] = {}  # generated objects, after the input object at index
        self.index = {(d.get("kind"), ns(d), name(d)): d for d in self.docs}
        self.backend_timeouts: dict[tuple[str, str], dict[str, Any]] = {}

    def change(self, doc: dict[str, Any], path: str, before: Any, after: Any, why: str) -> None:
        self.changes.append(Change(resource_id(doc), path, before, after, why))

    def add(self, after_index: int, doc: dict[str, Any], why: str) -> None:
        self.extra.setdefault(after_index, []).append(doc)
        self.index[(doc["kind"], ns(doc), name(doc))] = doc
        self.change(doc, "", None, "created", why)

    def output(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, doc in enumerate(self.docs):
            out.append(doc)
            out.extend(self.extra.get(i, []))
        return out

    def output_sources(self, sources: list[str]) -> list[str]:
        """Sources of `output()`, given those of the input objects."""
        out: list[str] = []
        for i, source in enumerate(sources):
            out.append(source)
            out.extend(f"{source} (created)" for _ in self.extra.get(i, []))
        return out
