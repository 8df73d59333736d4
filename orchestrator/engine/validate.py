"""Entry points: read manifests, validate them (schema + CEL per object, then cross-resource lint), report.

``load_documents`` reads files, directories (recursive ``*.yaml``/``*.yml``/``*.json``) and ``-`` (stdin). YAML is
read as ``kubectl`` reads it: timestamps stay strings, duplicate keys are errors, ``kind: List`` is expanded.
Documents that are not Kubernetes objects (Helm values, recipes) are skipped with a reason; syntax errors become
findings with file and line. Sources are ``file.yaml#N`` with N the 1-based document number in the file.
"""

from __future__ import annotations

import base64
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from orchestrator.engine.core_kinds import core_errors, has_light_checks, is_core
from orchestrator.engine.crds import CRDSet, how_to_enable
from orchestrator.engine.findings import Checked, Finding, Report, Severity, Skipped
from orchestrator.engine.lint.linter import DEPRECATED_API_VERSIONS, LintContext, lint_documents
from orchestrator.engine.lint.traffic import with_helm_values
from orchestrator.engine.object_meta import FieldError, metadata_errors
from skills.versions import DEFAULT_VERSION
from skills.yaml_input import (
    MAX_MANIFEST_BYTES,
    YamlInputError,
    iter_documents,
    load_one,
    read_stream,
    read_text,
)

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


class InputError(Exception):
    """A path to validate does not exist or cannot be read."""


@dataclass
class LoadResult:
    documents: list[Any] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Mappings that are not Kubernetes objects (Helm values, recipes), with their sources: skipped by the schema
    # checks, read by lint rules that depend on how things are installed (the Redis backend of rate limits).
    values: list[tuple[dict[str, Any], str]] = field(default_factory=list)


KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def kustomize_resources(folder: Path) -> set[Path] | None:
    """The local files a folder's kustomization lists under ``resources`` (what ``kubectl apply -k`` applies), or
    None when the folder has no kustomization, or one this cannot read (then every file counts)."""
    found = next((folder / name for name in KUSTOMIZATION_FILES if (folder / name).is_file()), None)
    if found is None:
        return None
    try:
        data = load_one(read_text(found, MAX_MANIFEST_BYTES), str(found))
    except YamlInputError:
        return None
    resources = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(resources, list):
        return None
    listed: set[Path] = set()
    for entry in resources:
        if not isinstance(entry, str) or "://" in entry:
            continue
        target = (folder / entry).resolve()
        if target.is_dir():
            listed.update(f.resolve() for f in target.rglob("*") if f.suffix in MANIFEST_SUFFIXES)
        else:
            listed.add(target)
    return listed


def _expand_listed(paths: Sequence[str | Path]) -> list[tuple[str | Path, bool]]:
    """Every input file, and whether its objects are applied: a folder with a kustomization applies only the
    files it lists (a bundle's canary stage files are alternatives to manifests.yaml, not additions)."""
    out: list[tuple[str | Path, bool]] = []
    for raw in paths:
        if str(raw) != STDIN and Path(raw).expanduser().is_dir():
            folder = Path(raw).expanduser()
            listed = kustomize_resources(folder)
            files = sorted(f for f in folder.rglob("*") if f.is_file() and f.suffix in MANIFEST_SUFFIXES)
            out.extend(
                (f, listed is None or f.resolve() in listed or f.name in KUSTOMIZATION_FILES) for f in files
            )
            continue
        out.extend((path, True) for path in _expand_one(raw))
    return out


def _expand_one(raw: str | Path) -> list[str | Path]:
    """stdin, or one file (a FIFO such as <(kustomize build .) too: read as a stream, capped)."""
    if str(raw) == STDIN:
        return [STDIN]
    path = Path(raw).expanduser()
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    return [path]


def _yaml_error(exc: YamlInputError) -> Finding:
    return Finding(
        rule="yaml",
        severity="error",
        kind="",
        name="",
        message=(
            f"YAML syntax error: {exc.syntax}"
            + (f" (line {exc.line}, column {exc.column})" if exc.line else "")
            if exc.syntax is not None
            else f"{exc.problem[:1].upper()}{exc.problem[1:]}" + (f" (line {exc.line})" if exc.line else "")
        ),
        hint="Fix the YAML; documents after the error in this file were not read.",
        source=f"{exc.source}:{exc.line}" if exc.line else exc.source,
    )


def json_value(value: Any) -> Any:
    """JSON data as kubectl would send it: timestamps and dates (from ``yaml.safe_load``) become the strings they
    were written as, ``!!binary`` becomes base64, keys become strings.

    Containers that need no change are returned as they are (not copied), so validating ten thousand documents
    does not hold a second copy of them."""
    if isinstance(value, dict):
        changed = False
        out: dict[str, Any] = {}
        for k, v in value.items():
            key = k if isinstance(k, str) else str(k)
            new = json_value(v)
            changed = changed or key is not k or new is not v
            out[key] = new
        return out if changed else value
    if isinstance(value, list | tuple):
        items = [json_value(v) for v in value]
        if isinstance(value, list) and all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return items
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def _add_document(result: LoadResult, doc: Any, source: str) -> None:
    if doc is None:
        return
    if (
        isinstance(doc, dict)
        and str(doc.get("kind", "")).endswith("List")
        and isinstance(doc.get("items"), list)
    ):
        for i, item in enumerate(doc["items"]):
            _add_document(result, item, f"{source}.items[{i}]")
        return
    if not isinstance(doc, dict):
        result.skipped.append(
            Skipped(source=source, reason=f"not a Kubernetes object: a YAML {type(doc).__name__}")
        )
    elif str(doc.get("apiVersion", "")).startswith("kustomize.config.k8s.io/"):
        # kustomization.yaml tells `kubectl apply -k` what to apply; it never reaches the cluster itself.
        result.skipped.append(
            Skipped(source=source, reason="a kustomize file (kubectl apply -k), not a cluster object")
        )
    elif not doc.get("apiVersion") or not doc.get("kind"):
        result.values.append((doc, source))
        result.skipped.append(
            Skipped(
                source=source,
                reason="not a Kubernetes object: no apiVersion/kind (e.g. Helm values, an agent recipe)",
            )
        )
    else:
        result.documents.append(doc)
        result.sources.append(source)


def load_text(text: str, name: str, result: LoadResult | None = None) -> LoadResult:
    """Read the documents of one YAML/JSON text into ``result`` (a new one by default), with the one YAML
    loader: an alias expansion budget and a depth cap; a syntax error or a refusal becomes a finding."""
    out = result if result is not None else LoadResult()
    number = 0
    try:
        for doc in iter_documents(text, name):
            number += 1
            _add_document(out, doc, f"{name}#{number}")
    except YamlInputError as exc:
        out.findings.append(_yaml_error(exc))
    return out


def load_documents(paths: Sequence[str | Path], *, stdin: Any = None) -> LoadResult:
    """Read every document from ``paths`` (files, FIFOs, directories, ``-`` for stdin), each at most
    MAX_MANIFEST_BYTES; an unreadable or oversized input is an InputError naming it."""
    result = LoadResult()
    for path, applied in _expand_listed(paths):
        try:
            if path == STDIN:
                stream: Any = stdin or getattr(sys.stdin, "buffer", sys.stdin)
                text = read_stream(stream, "<stdin>", MAX_MANIFEST_BYTES)
                load_text(text, "<stdin>", result)
                continue
            text = read_text(path, MAX_MANIFEST_BYTES)
        except YamlInputError as exc:
            raise InputError(str(exc)) from None
        if applied:
            load_text(text, str(path), result)
        else:
            _load_unlisted(text, str(path), result)
    return result


def _load_unlisted(text: str, name: str, result: LoadResult) -> None:
    """A file beside a kustomization that does not list it: its objects are not applied with the folder, so they
    are skipped (and not checked against the others); values files in it still count."""
    listed = load_text(text, name)
    result.findings.extend(listed.findings)
    result.values.extend(listed.values)
    result.skipped.extend(listed.skipped)
    result.skipped.extend(
        Skipped(
            source=source, reason="not in kustomization.yaml's resources: `kubectl apply -k` leaves it out"
        )
        for source in listed.sources
    )


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
    hint = (
        f"{kind} {api_version} has no such field in the CRDs from {crds.origin}; check spelling and version."
    )
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
    group, _, version = api_version.rpartition("/")
    if crd.deprecated and (group, version, kind) not in DEPRECATED_API_VERSIONS:
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
    msg = (
        f'no matches for kind "{kind}" in version "{api_version}": the CRDs for AI Gateway {target_version} '
        f"({crds.origin}) do not serve it"
    )
    return _finding(doc, source, "schema", "error", "apiVersion", msg, hint)


def _check_object(
    doc: dict[str, Any], source: str, crds: CRDSet | None, target_version: str
) -> tuple[list[Finding], bool]:
    """Findings for one object, and whether it had no schema to check against (metadata only)."""
    custom = _validate_custom(doc, source, crds) if crds is not None else None
    if custom is not None:
        return custom, False
    api_version = str(doc["apiVersion"])
    if crds is not None and crds.knows_group(api_version.rpartition("/")[0]):
        return [_unknown_kind(doc, source, crds, target_version)], False
    core = is_core(api_version)
    errors = core_errors(doc) if core else metadata_errors(doc.get("metadata"))
    light = has_light_checks(api_version, str(doc["kind"]))
    return _field_findings(doc, source, errors, None), not light and (crds is not None or core)


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
) -> Report:
    """Validate Kubernetes objects: schema + CEL for kinds the CRDSet serves, light checks for core kinds, lint.

    ``crds_note`` is the sentence :func:`orchestrator.engine.crds.resolve_crd_source` returned when no CRDs were found.
    ``values`` are Helm values documents given with the manifests (``LoadResult.values``); non-object mappings
    among ``docs`` count too. The lint reads the Envoy Gateway values among them (its rate limit backend).
    """
    names = sources if sources is not None else [f"<input>#{i + 1}" for i in range(len(docs))]
    loaded = LoadResult()
    for doc, source in zip(docs, names, strict=True):
        _add_document(loaded, json_value(doc), source)
    context = with_helm_values(context or LintContext(), [*values, *loaded.values])
    findings: list[Finding] = []
    unchecked: Counter[str] = Counter()
    checked: list[Checked] = []
    for doc, source in zip(loaded.documents, loaded.sources, strict=True):
        kind, ns, name = _identity(doc)
        checked.append(Checked(source=source, kind=kind, namespace=ns, name=name))
        found, without_schema = _check_object(doc, source, crds, target_version)
        findings.extend(found)
        if without_schema:
            unchecked[f"{doc['apiVersion']} {kind}"] += 1
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
        f"No schema for {gvk} ({n} document{'s' if n > 1 else ''}): only metadata was checked; "
        "use a server-side dry run (kubectl apply --dry-run=server) for full validation."
        for gvk, n in sorted(unchecked.items())
    ]
    return Report(
        findings=findings,
        skipped=loaded.skipped,
        checks_skipped=checks,
        documents=len(checked),
        checked=checked,
    )
