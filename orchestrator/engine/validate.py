"""Validation: each object against its CRD (schema, defaults, CEL) or the core checks, then cross-resource lint,
into one report. Reading the manifests is :mod:`orchestrator.engine.load`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from orchestrator.engine.core_kinds import core_errors, has_light_checks, is_core
from orchestrator.engine.crds import CRDSet, how_to_enable
from orchestrator.engine.findings import Checked, Finding, Report, Severity
from orchestrator.engine.lint.linter import DEPRECATED_API_VERSIONS, LintContext, lint_documents
from orchestrator.engine.lint.traffic import with_helm_values
from orchestrator.engine.load import LoadResult, add_document, json_value
from orchestrator.engine.object_meta import FieldError, metadata_errors
from skills.versions import DEFAULT_VERSION


def _identity(doc: dict[str, Any]) -> tuple[str, str | None, str]:
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    assert isinstance(meta, dict)
    ns = meta.get("namespace")
    return str(doc.get("kind", "")), ns if isinstance(ns, str) and ns else None, str(meta.get("name") or "")


def _finding(
    doc: dict[str, Any],
    source: str,
    rule: str,
    severity: Severity,
    path: str,
    message: str,
    hint: str | None = None,
) -> Finding:
    kind, ns, name = _identity(doc)
    return Finding(
        rule=rule,
        severity=severity,
        kind=kind,
        namespace=ns,
        name=name,
        path=path,
        message=message,
        hint=hint,
        source=source,
    )


def _field_findings(
    doc: dict[str, Any], source: str, errors: Sequence[FieldError], hint: str | None
) -> list[Finding]:
    return [
        _finding(doc, source, "schema", "error", e.path, e.message, hint if e.unknown_field else None)
        for e in errors
    ]


def _validate_custom(doc: dict[str, Any], source: str, crds: CRDSet) -> list[Finding] | None:
    """Schema + CEL findings for a kind the CRDSet serves; None when it does not serve it."""
    from orchestrator.engine.cel import evaluate_rules
    from orchestrator.engine.schema import CEL_SKIPPED_MESSAGE, validate_structure

    api_version, kind = str(doc["apiVersion"]), str(doc["kind"])
    crd = crds.get(api_version, kind)
    if crd is None:
        return None
    result = validate_structure(doc, crd, crds)
    out: list[Finding] = []
    if result.errors:
        hint = f"{kind} {api_version} has no such field in {crds.label}; check spelling and version."
        out = _field_findings(doc, source, result.errors, hint)
    if result.blocking:
        out.append(_finding(doc, source, "cel", "info", "", CEL_SKIPPED_MESSAGE))
    else:
        for v in evaluate_rules(result.defaulted, crd, crds):
            if v.unsupported:
                hint = "Check this rule with a server-side dry run (kubectl apply --dry-run=server)."
                out.append(_finding(doc, source, "cel-unsupported", "warning", v.path, v.message, hint))
            elif v.cost:
                hint = (
                    "The API server limits the cost of validation rules; make the lists or strings this rule "
                    "walks shorter, or check the object with a server-side dry run (kubectl apply --dry-run=server)."
                )
                out.append(_finding(doc, source, "cel-cost", "error", v.path, v.message, hint))
            else:
                out.append(_finding(doc, source, "cel", "error", v.path, v.message))
    if crd.deprecated and (crd.group, crd.version, kind) not in DEPRECATED_API_VERSIONS:
        out.append(
            _finding(
                doc, source, "deprecated-version", "warning", "apiVersion", crd.deprecation_warning or ""
            )
        )
    return out


def _unknown_kind(doc: dict[str, Any], source: str, crds: CRDSet, target_version: str) -> Finding:
    api_version, kind = str(doc["apiVersion"]), str(doc["kind"])
    group = api_version.rpartition("/")[0]
    served = crds.served_versions(group, kind)
    if served:
        hint = f"{kind} is served as " + ", ".join(f"{group}/{v}" for v in served) + "."
    else:
        hint = f"Kinds of {group} in the loaded CRDs: {', '.join(crds.kinds(group)) or 'none'}."
    # The API server's words, plus which release's CRDs were checked (issue 13: name the version).
    # Which release was checked: the CRDs' own when their checksums say it, else the target (the cluster's).
    checked = (
        crds.label if crds.releases is not None else f"{crds.label} (checked for AI Gateway {target_version})"
    )
    msg = f'no matches for kind "{kind}" in version "{api_version}": {checked} do not serve it'
    return _finding(doc, source, "schema", "error", "apiVersion", msg, hint)


NO_SCHEMA = ": only metadata was checked; use a server-side dry run (kubectl apply --dry-run=server) for full validation."


def _missing_crd(api_version: str, kind: str, crds: CRDSet, target_version: str) -> str | None:
    """Why a kind of a loaded group has no schema when the CRDs are part of a pinned release whose pins include its
    CRD file (a folder holding some of a release's files: QA D7), as the tail of a checks_skipped sentence; None
    when the release does not serve it (another version of the kind is loaded, the group serves no such version,
    or the release pins no file for the kind), which stays an error."""
    group, _, version = api_version.rpartition("/")
    if not crds.releases or crds.served_versions(group, kind):
        return None
    if not any(version in crds.served_versions(group, k) for k in crds.kinds(group)):
        return None
    from orchestrator.engine.crd_cache import pinned_crd_file

    found = pinned_crd_file(
        (target_version,) if target_version in crds.releases else crds.releases, group, kind
    )
    if found is None:
        return None
    file, serving = found
    verb = "serves" if len(serving) == 1 else "serve"
    add = f"add {file}" if Path(crds.origin).is_dir() else f"pass --crds a folder holding it and {file}"
    return (
        f": the CRD is not in {crds.origin} (AI Gateway {' / '.join(serving)} {verb} it); {add}, or run "
        f"`aigw-skills crds pull --version {serving[0]}`"
    )


def _check_object(
    doc: dict[str, Any], source: str, crds: CRDSet | None, target_version: str
) -> tuple[list[Finding], str | None]:
    """Findings for one object, and why it had no schema to check against (metadata only), or None."""
    custom = _validate_custom(doc, source, crds) if crds is not None else None
    if custom is not None:
        return custom, None
    api_version, kind = str(doc["apiVersion"]), str(doc["kind"])
    if crds is not None and crds.knows_group(api_version.rpartition("/")[0]):
        missing = _missing_crd(api_version, kind, crds, target_version)
        if missing is None:
            return [_unknown_kind(doc, source, crds, target_version)], None
        return _field_findings(doc, source, metadata_errors(doc.get("metadata")), None), missing
    core = is_core(api_version)
    errors = core_errors(doc) if core else metadata_errors(doc.get("metadata"))
    light = has_light_checks(api_version, kind)
    without_schema = not light and (crds is not None or core)
    return _field_findings(doc, source, errors, None), NO_SCHEMA if without_schema else None


def validate_documents(
    docs: list[Any],
    *,
    crds: CRDSet | None,
    context: LintContext | None = None,
    sources: list[str] | None = None,
    lint: bool = True,
    crds_note: str | None = None,
    target_version: str = DEFAULT_VERSION,
    values: Sequence[tuple[dict[str, Any], str]] = (),
    as_loaded: bool = False,
) -> Report:
    """Validate Kubernetes objects: schema + CEL for kinds the CRDSet serves, light checks for core kinds, lint.

    ``crds_note`` is the sentence :func:`orchestrator.engine.crds.resolve_crd_source` returned when no CRDs were found.
    ``values`` are Helm values documents given with the manifests (``LoadResult.values``); non-object mappings
    among ``docs`` count too. The lint reads the Envoy Gateway values among them (its rate limit backend).
    ``as_loaded``: ``docs`` and ``sources`` are a :class:`LoadResult`'s (objects only, JSON values, lists
    expanded), so they are used as they are.
    """
    names = sources if sources is not None else [f"<input>#{i + 1}" for i in range(len(docs))]
    loaded = LoadResult()
    if as_loaded:
        loaded.documents, loaded.sources = docs, names
    else:
        for doc, source in zip(docs, names, strict=True):
            add_document(loaded, json_value(doc), source)
    context = with_helm_values(context or LintContext(), [*values, *loaded.values])
    findings: list[Finding] = []
    unchecked: Counter[tuple[str, str]] = Counter()
    checked: list[Checked] = []
    for doc, source in zip(loaded.documents, loaded.sources, strict=True):
        kind, ns, name = _identity(doc)
        # model_construct: the values are the strings _identity made (validating 10,000 of them cost ~3 us each)
        checked.append(Checked.model_construct(source=source, kind=kind, namespace=ns, name=name))
        found, why_unchecked = _check_object(doc, source, crds, target_version)
        findings.extend(found)
        if why_unchecked:
            unchecked[(f"{doc['apiVersion']} {kind}", why_unchecked)] += 1
    if lint:
        lint_context = replace(context or LintContext(), target_version=target_version)
        findings.extend(lint_documents(loaded.documents, lint_context, loaded.sources))
    order = {s: i for i, s in enumerate(loaded.sources)}
    findings.sort(key=lambda f: order.get(f.source or "", len(order)))
    checks = (
        [
            crds_note
            or ("Schema and CEL checks did not run: no CRDs were given. " + how_to_enable(target_version))
        ]
        if crds is None
        else []
    )
    checks += [
        f"No schema for {gvk} ({n} document{'s' if n > 1 else ''}){why}"
        for (gvk, why), n in sorted(unchecked.items())
    ]
    return Report(
        findings=findings,
        skipped=loaded.skipped,
        checks_skipped=checks,
        documents=len(checked),
        checked=checked,
    )
