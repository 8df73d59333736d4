"""Rewrite manifests written for older AI Gateway releases so a target release accepts them.

Pure: takes parsed objects, returns new objects plus one :class:`Change` per edit (resource, path, before, after,
why) and warnings for what cannot be rewritten safely. Every rule comes from upstream-api.md §3; what the target
accepts comes from :mod:`skills.versions`. The per-kind rewrites live in :mod:`orchestrator.analysis.migrate.backends`
(AIServiceBackend) and :mod:`orchestrator.analysis.migrate.routes` (AIGatewayRoute); BackendTLSPolicy and apiVersions are
here. Validation of the result is :mod:`orchestrator.analysis.migrate.report`'s job.
"""

from __future__ import annotations

from typing import Any

from orchestrator.analysis.migrate.backends import rewrite_backend
from orchestrator.analysis.migrate.pools import report_model, rewrite_pool
from orchestrator.analysis.migrate.routes import rewrite_route
from orchestrator.analysis.migrate.state import (
    AIGW_GROUP,
    GIE_OLD_GROUP,
    GWAPI_GROUP,
    Change,
    Migration,
    MigrationState,
    group,
    resource_id,
)
from skills.credentials import REDACTED, redact_manifests
from skills.versions import DEFAULT_VERSION, profile

__all__ = ["Change", "Migration", "migrate_documents", "resource_id"]

AIGW_KINDS = (
    "AIGatewayRoute",
    "AIServiceBackend",
    "BackendSecurityPolicy",
    "GatewayConfig",
    "MCPRoute",
    "QuotaPolicy",
)
OLD_BTLS = (f"{GWAPI_GROUP}/v1alpha2", f"{GWAPI_GROUP}/v1alpha3")


def _tls_policy(state: MigrationState, doc: dict[str, Any]) -> None:
    old = doc["apiVersion"]
    spec = doc.setdefault("spec", {})
    if old.endswith("v1alpha2"):
        if "targetRef" in spec:
            target = spec.pop("targetRef")
            spec["targetRefs"] = [target]
            state.change(doc, "spec.targetRef", target, None, "v1alpha3 and v1 take a list: spec.targetRefs")
        if "tls" in spec:
            spec["validation"] = spec.pop("tls")
            state.change(doc, "spec.tls", spec["validation"], None, "renamed spec.validation in v1alpha3")
    prof = state.prof
    new = prof.backend_tls_policy_api_version
    doc["apiVersion"] = new
    state.change(
        doc,
        "apiVersion",
        old,
        new,
        f"Gateway API {prof.gateway_api} serves BackendTLSPolicy {new.rpartition('/')[2]}; "
        f"{old.rpartition('/')[2]} is experimental-only and deprecated (upstream PR #2630)",
    )


def _api_version(state: MigrationState, doc: dict[str, Any]) -> None:
    kind = str(doc.get("kind"))
    if group(doc) != AIGW_GROUP or kind not in AIGW_KINDS:
        return
    refusal = state.prof.refusal(kind)
    if refusal:
        state.warnings.append(f"{resource_id(doc)}: {refusal}")
        return
    wanted = state.prof.api_version_for(kind)
    if doc.get("apiVersion") != wanted:
        before = doc.get("apiVersion")
        doc["apiVersion"] = wanted
        state.change(
            doc,
            "apiVersion",
            before,
            wanted,
            f"AI Gateway {state.prof.ai_gateway} stores {kind} as {wanted.rpartition('/')[2]}"
            + ("; v1alpha1 is deprecated since v0.6" if wanted.endswith("v1beta1") else ""),
        )


def migrate_documents(
    docs: list[dict[str, Any]], target_version: str = DEFAULT_VERSION, sources: list[str] | None = None
) -> Migration:
    """Rewrite `docs` (parsed Kubernetes objects) for AI Gateway `target_version`; the input is not modified.

    `sources` name the input documents (file#N); the result's sources follow its documents.
    Backends go first, so that the timeouts they lose can land on the route rules that use them.
    """
    prof = profile(target_version)
    named = list(zip(docs, sources or [f"<input>#{i + 1}" for i in range(len(docs))], strict=True))
    named = [(d, source) for d, source in named if isinstance(d, dict)]
    masked, count = redact_manifests([d for d, _ in named])  # no key is copied into the output
    state = MigrationState(masked, prof)
    if count:
        state.warnings.append(
            f"{count} value(s) that look like credentials were masked ({REDACTED}) in the migrated manifests; "
            "create those Secrets at apply time (kubectl create secret ... --from-file) instead of applying "
            "them from a file"
        )
    for i, doc in enumerate(state.docs):
        if doc.get("kind") == "AIServiceBackend" and group(doc) == AIGW_GROUP:
            rewrite_backend(state, i, doc)
    for i, doc in enumerate(state.docs):
        if doc.get("kind") == "AIGatewayRoute" and group(doc) == AIGW_GROUP:
            rewrite_route(state, i, doc)
        elif doc.get("kind") == "BackendTLSPolicy" and doc.get("apiVersion") in OLD_BTLS:
            _tls_policy(state, doc)
        elif doc.get("kind") == "InferencePool" and group(doc) == GIE_OLD_GROUP:
            rewrite_pool(state, doc)
        elif doc.get("kind") == "InferenceModel" and group(doc) == GIE_OLD_GROUP:
            report_model(state, doc)
    for doc in state.docs:
        _api_version(state, doc)
    return Migration(
        prof.ai_gateway,
        state.output(),
        state.changes,
        state.warnings,
        state.output_sources([source for _, source in named]),
    )
