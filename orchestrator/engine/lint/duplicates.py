"""Lint rule about the manifests themselves (AIGW-L060): an object defined twice.

``kubectl apply`` (and ``kubectl apply -k``) applies the documents in order, so a second definition of the same
object (group, kind, namespace, name; whatever the version) replaces the first: the earlier one is silently
lost. Rules that compare objects skip such pairs (``index.same_object``), so the duplicate is reported once,
here, and not as an object conflicting with itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchestrator.engine.lint.index import Issue, LintContext, Resource, ResourceIndex, lint_rule


def _content(resource: Resource) -> Any:
    """What the object would be on the cluster: the document without its apiVersion (any served version)."""
    return {k: v for k, v in resource.doc.items() if k != "apiVersion"}


@lint_rule("AIGW-L060", "each object is defined once", "error")
def defined_once(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    first: dict[tuple[str, str, str | None, str], Resource] = {}
    for resource in index.resources:
        key = (resource.group, resource.kind, resource.namespace, resource.name)
        earlier = first.setdefault(key, resource)
        if earlier is resource:
            continue
        where = f"{resource.kind} {resource.namespace + '/' if resource.namespace else ''}{resource.name}"
        if _content(earlier) == _content(resource):
            yield Issue(
                resource,
                "metadata.name",
                f"duplicate: {where} is also defined, identically, at {earlier.source}",
                "Remove one of the two definitions.",
                severity="warning",
            )
        else:
            yield Issue(
                resource,
                "metadata.name",
                f"duplicate: {where} is also defined at {earlier.source}, differently; applying both keeps only "
                "this later definition and the earlier one is silently lost",
                "Keep one definition: merge the two, or give one of them another name.",
            )
