"""Reading manifests: files, folders (as `kubectl apply -k` reads a folder with a kustomization) and stdin, into
documents with their sources, through the one YAML reader.

``load_documents`` reads files, directories (recursive ``*.yaml``/``*.yml``/``*.json``; a directory with a
kustomization as :mod:`orchestrator.engine.kustomization` reads it) and ``-`` (stdin). YAML is
read as ``kubectl`` reads it: timestamps stay strings, duplicate keys are errors, ``kind: List`` is expanded.
Documents that are not Kubernetes objects (Helm values, recipes) are skipped with a reason; syntax errors become
findings with file and line. Sources are ``file.yaml#N`` with N the 1-based document number in the file.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from orchestrator.engine.findings import Finding, Skipped
from orchestrator.engine.kustomization import KUSTOMIZATION_FILES, kustomization_file, read_kustomization
from skills.yaml_input import (
    MAX_MANIFEST_BYTES,
    YamlInputError,
    iter_documents,
    read_json_document,
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
    # What could not be checked because of how the input was given (a kustomization's transformations, remote
    # resources, a kustomization that is not YAML), for Report.checks_skipped.
    notes: list[str] = field(default_factory=list)
    # Files a kustomization reaches a second time, with kustomize's error if they hold an object (read once).
    repeats: list[tuple[Path, str, Finding]] = field(default_factory=list)


# What a file is to this run: objects to check; a file beside a kustomization that does not reach it (its objects
# are not applied, its values still count); a kustomization file (never a cluster object, never values), found in a
# folder or given itself.
Role = Literal["apply", "unlisted", "kustomization", "given kustomization"]
KUSTOMIZE_FILE = "a kustomize file (kubectl apply -k), not a cluster object"
GIVEN_KUSTOMIZE_FILE = f"{KUSTOMIZE_FILE}: give its folder to check what `kubectl apply -k` applies"


def _role(path: Path) -> Role:
    return "kustomization" if path.name in KUSTOMIZATION_FILES else "apply"


def _expand(paths: Sequence[str | Path], result: LoadResult) -> list[tuple[str | Path, Role]]:
    """Every input file and its role. A folder with a kustomization is read as `kubectl apply -k` reads it
    (:mod:`orchestrator.engine.kustomization`): what kustomize refuses goes to ``result.findings``, what this does
    not apply or fetch to ``result.notes``; the folder's other files are "unlisted" (a bundle's canary stage files
    are alternatives to manifests.yaml, not additions)."""
    out: list[tuple[str | Path, Role]] = []
    for raw in paths:
        if str(raw) != STDIN and Path(raw).expanduser().is_dir():
            out.extend(_expand_folder(Path(raw).expanduser(), result))
        else:
            out.extend(
                (path, "given kustomization" if _role(Path(path)) == "kustomization" else "apply")
                for path in _expand_one(raw)
            )
    return out


def _expand_folder(folder: Path, result: LoadResult) -> list[tuple[str | Path, Role]]:
    files = sorted(
        (f for f in folder.rglob("*") if f.suffix in MANIFEST_SUFFIXES and f.is_file()),
        key=lambda f: f.parts,  # Path order, compared in C
    )
    kust = read_kustomization(folder)
    if kust is None or kust.unreadable is not None:
        if kust is not None:
            result.notes.append(
                f"{kustomization_file(folder)} could not be read ({kust.unreadable}): every manifest in {folder} "
                "was checked as if `kubectl apply -k` applied it; fix it to check only what it lists."
            )
        return [(f, _role(f)) for f in files]
    result.findings.extend(kust.findings)
    result.notes.extend(kust.notes)
    result.repeats.extend(kust.repeats)
    reached = {path.resolve() for path, _ in kust.files}
    return [
        *((path, "kustomization" if role == "kustomization" else "apply") for path, role in kust.files),
        *(
            (f, "kustomization" if f.name in KUSTOMIZATION_FILES else "unlisted")
            for f in files
            if f.resolve() not in reached
        ),
    ]


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


def add_document(result: LoadResult, doc: Any, source: str) -> None:
    if doc is None:
        return
    if (
        isinstance(doc, dict)
        and str(doc.get("kind", "")).endswith("List")
        and isinstance(doc.get("items"), list)
    ):
        for i, item in enumerate(doc["items"]):
            add_document(result, item, f"{source}.items[{i}]")
        return
    if not isinstance(doc, dict):
        result.skipped.append(
            Skipped(source=source, reason=f"not a Kubernetes object: a YAML {type(doc).__name__}")
        )
    elif str(doc.get("apiVersion", "")).startswith("kustomize.config.k8s.io/"):
        # kustomization.yaml tells `kubectl apply -k` what to apply; it never reaches the cluster itself.
        result.skipped.append(Skipped(source=source, reason=KUSTOMIZE_FILE))
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
    loader: an alias expansion budget and a depth cap; a syntax error or a refusal becomes a finding.

    Documents are JSON values as kubectl sends them (:func:`json_value`), so validation need not convert them."""
    out = result if result is not None else LoadResult()
    number = 0
    try:
        doc = read_json_document(text, name)
        if doc is not None:  # JSON values already
            add_document(out, doc, f"{name}#1")
            return out
        for doc in iter_documents(text, name):
            number += 1
            add_document(out, json_value(doc), f"{name}#{number}")
    except YamlInputError as exc:
        out.findings.append(_yaml_error(exc))
    return out


def load_documents(paths: Sequence[str | Path], *, stdin: Any = None) -> LoadResult:
    """Read every document from ``paths`` (files, FIFOs, directories, ``-`` for stdin), each at most
    MAX_MANIFEST_BYTES; an unreadable or oversized input is an InputError naming it."""
    result = LoadResult()
    for path, role in _expand(paths, result):
        try:
            if path == STDIN:
                stream: Any = stdin or getattr(sys.stdin, "buffer", sys.stdin)
                text = read_stream(stream, "<stdin>", MAX_MANIFEST_BYTES)
                load_text(text, "<stdin>", result)
                continue
            text = read_text(path, MAX_MANIFEST_BYTES)
        except YamlInputError as exc:
            raise InputError(str(exc)) from None
        if role == "apply":
            load_text(text, str(path), result)
        elif role == "unlisted":
            _load_unlisted(text, str(path), result)
        else:
            _load_kustomization(
                text,
                str(path),
                result,
                GIVEN_KUSTOMIZE_FILE if role == "given kustomization" else KUSTOMIZE_FILE,
            )
    _report_repeats(result)
    return result


def _report_repeats(result: LoadResult) -> None:
    """kustomize's error for a file a kustomization adds twice, once per entry, when the file holds an object (an
    empty file adds nothing twice)."""
    holding = {source.split("#", 1)[0] for source in result.sources}
    reported: set[str] = set()
    for path, entry, finding in result.repeats:
        if str(path) in holding and entry not in reported:
            reported.add(entry)
            result.findings.append(finding)


def _load_kustomization(text: str, name: str, result: LoadResult, reason: str) -> None:
    """A kustomization file: skipped as what it is (with or without apiVersion/kind, it is no Helm values), its
    YAML errors reported."""
    read = load_text(text, name)
    result.findings.extend(read.findings)
    sources = [*read.sources, *(s.source for s in read.skipped)]
    result.skipped.extend(Skipped(source=source, reason=reason) for source in sorted(sources))


def _load_unlisted(text: str, name: str, result: LoadResult) -> None:
    """A file beside a kustomization that does not list it: its objects are not applied with the folder, so they
    are skipped (and not checked against the others); values files in it still count."""
    listed = load_text(text, name)
    result.findings.extend(listed.findings)
    result.values.extend(listed.values)
    result.skipped.extend(listed.skipped)
    result.skipped.extend(
        Skipped(
            source=source,
            reason="listed by no kustomization's resources or components: `kubectl apply -k` leaves it out",
        )
        for source in listed.sources
    )
