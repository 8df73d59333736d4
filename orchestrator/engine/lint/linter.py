"""Cross-resource lint over a set of manifests (rules ``AIGW-L0xx``).

Rules live in ``lint_refs`` (references between resources), ``lint_policies`` (buffer limits, security policies,
Secrets, upstream TLS), ``lint_routes`` (shadowed matches, rule limits, path prefixes, deprecated apiVersions)
and ``lint_secrets`` (literal credentials); see :mod:`orchestrator.engine.lint.index` for how to add one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from orchestrator.engine.findings import Finding
from orchestrator.engine.lint import attachment as lint_attachment
from orchestrator.engine.lint import costs as lint_costs
from orchestrator.engine.lint import duplicates as lint_duplicates
from orchestrator.engine.lint import edge as lint_edge
from orchestrator.engine.lint import identity as lint_identity
from orchestrator.engine.lint import mcp as lint_mcp
from orchestrator.engine.lint import policies as lint_policies
from orchestrator.engine.lint import refs as lint_refs
from orchestrator.engine.lint import routes as lint_routes
from orchestrator.engine.lint import schemas as lint_schemas
from orchestrator.engine.lint import secrets as lint_secrets
from orchestrator.engine.lint import serving as lint_serving
from orchestrator.engine.lint import traffic as lint_traffic
from orchestrator.engine.lint.index import RULES, LintContext, LintRule, ResourceIndex, resource_of

RULE_MODULES = (
    lint_refs,
    lint_policies,
    lint_routes,
    lint_secrets,
    lint_edge,
    lint_traffic,
    lint_costs,
    lint_attachment,
    lint_serving,
    lint_mcp,
    lint_duplicates,
    lint_schemas,
    lint_identity,
)
DEPRECATED_API_VERSIONS = lint_routes.DEPRECATED_API_VERSIONS

__all__ = ["DEPRECATED_API_VERSIONS", "RULES", "LintContext", "LintRule", "lint_documents"]


def is_object(doc: Any) -> bool:
    return (
        isinstance(doc, dict) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str)
    )


def lint_documents(
    docs: Sequence[Any],
    context: LintContext | None = None,
    sources: Sequence[str] | None = None,
    *,
    rules: Iterable[str] | None = None,
) -> list[Finding]:
    """Run the registered lint rules (or only ``rules``) over the Kubernetes objects among ``docs``."""
    ctx = context or LintContext()
    names = list(sources) if sources is not None else [f"<input>#{i + 1}" for i in range(len(docs))]
    index = ResourceIndex(resource_of(d, s) for d, s in zip(docs, names, strict=True) if is_object(d))
    selected = [RULES[r] for r in rules] if rules is not None else list(RULES.values())
    return [finding for rule in selected for finding in rule.run(index, ctx)]
