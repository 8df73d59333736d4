"""The compiled schema validator may only answer where it agrees with the jsonschema path on every document.

Corpus: the upstream CRD conformance cases, the upstream examples, every golden manifest, and for each of those
objects deterministic mutations of its leaves (empty strings, non-ASCII text, out-of-range numbers, empty lists,
wrong types) so patterns, formats, bounds, enums and types are all exercised on both sides.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from orchestrator.engine.crds import CRDSet, read_manifest_file
from orchestrator.engine.schema import _field_errors, compiled_validator, fast_validator
from orchestrator.engine.structural import apply_structure

REPO = Path(__file__).resolve().parents[2]
pytest.importorskip("jsonschema_rs", reason="jsonschema-rs is a dependency; reinstall the project")


def _objects(paths: list[Path]) -> Iterator[dict[str, Any]]:
    """Each distinct object once (the goldens repeat many)."""
    seen: set[str] = set()
    for folder in paths:
        for path in sorted(folder.rglob("*.yaml")):
            try:
                docs = read_manifest_file(path)
            except Exception:
                continue
            for doc in docs:
                key = json.dumps(doc, sort_keys=True, default=str)
                if isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc and key not in seen:
                    seen.add(key)
                    yield doc


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, (*path, i))
        yield path, node
    else:
        yield path, node


def _set(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node: Any = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return out


def _mutations(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield doc
    for path, value in _leaves(doc.get("spec"), ("spec",)):
        if isinstance(value, bool):
            yield _set(doc, path, "true")
        elif isinstance(value, int):
            for other in (-1, 10**12, 1.5, "1"):
                yield _set(doc, path, other)
        elif isinstance(value, str):
            for other in ("", "Ω ünïcode_ü", "x" * 300, 7, "a\rb\u2028c", "t\tu\u00a0v\x0b٣"):
                yield _set(doc, path, other)
        elif isinstance(value, list):
            yield _set(doc, path, [])
            yield _set(doc, path, value + value)


def _verdicts(doc: dict[str, Any], crds: CRDSet) -> tuple[bool, bool] | None:
    crd = crds.get(str(doc["apiVersion"]), str(doc["kind"]))
    if crd is None:
        return None
    schema = dict(crd.schema)
    defaulted, _ = apply_structure(doc, schema)
    fast = fast_validator(crd, crds)
    assert fast is not None, f"jsonschema-rs could not compile the schema of {crd.gvk}"
    slow = not _field_errors(compiled_validator(crd, crds), defaulted, schema)
    return fast.is_valid(defaulted), slow


def test_both_validators_agree_on_every_document_and_mutation(shared_crds: Path, crd_set: CRDSet) -> None:
    shared = shared_crds.parent
    folders = [shared / "conformance", shared / "upstream-examples", REPO / "tests" / "golden"]
    checked, invalid, disagree = 0, 0, []
    for doc in _objects(folders):
        for variant in _mutations(doc):
            verdict = _verdicts(variant, crd_set)
            if verdict is None:
                continue
            checked += 1
            invalid += not verdict[1]
            if verdict[0] != verdict[1]:
                disagree.append((variant["kind"], variant.get("metadata", {}).get("name"), verdict))
    assert not disagree, disagree[:5]
    # The corpus is large enough to mean something, and exercises both verdicts.
    print(f"checked {checked}, invalid {invalid}")
    assert checked > 5000 and invalid > 1000, (checked, invalid)


def test_a_pattern_is_matched_with_re2_semantics_on_the_fast_path(crd_set: CRDSet) -> None:
    """Go's regexp (RE2) treats \\w as ASCII; the Rust default would accept non-ASCII letters."""
    from orchestrator.engine.crds import CRDVersion
    from orchestrator.engine.schema import RE2_PATTERN, _for_fast_path

    converted = _for_fast_path({"type": "string", "pattern": "^\\w+$", "properties": {"pattern": {}}})
    assert converted["pattern"] == "^[0-9A-Za-z_]+$" and converted["properties"] == {"pattern": {}}
    kept = _for_fast_path({"type": "string", "pattern": "(?i)^\\w+$"})
    assert kept == {"type": "string", RE2_PATTERN: "(?i)^\\w+$"}
    crd = CRDVersion(
        group="example.com",
        version="v1",
        kind="Word",
        plural="words",
        namespaced=True,
        served=True,
        storage=True,
        deprecated=False,
        deprecation_warning=None,
        schema={"type": "object", "properties": {"spec": {"type": "string", "pattern": "^\\w+$"}}},
        crd_name="words.example.com",
        status_subresource=False,
    )
    fast = fast_validator(crd, CRDSet.from_versions([crd], origin="test"))
    assert fast is not None
    assert fast.is_valid({"spec": "plain_word"})
    assert not fast.is_valid({"spec": "ünïcode"})


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("^a.b$", "a\rb"),  # ECMA's . stops at \r and \u2028, RE2's only at \n
        ("^a.b$", "a\u2028b"),
        ("^a.b$", "a\nb"),
        ("^\\w+$", "é"),
        ("^\\d+$", "٣"),  # an Arabic-Indic digit: \d is ASCII in RE2
        ("^a\\sb$", "a\u00a0b"),
        ("^a\\sb$", "a\vb"),
        ("^\\W$", "é"),
        ("^[\\w.-]+$", "a.b-c"),
        ("^\\x60$", "`"),
        ("(?i)^abc$", "ABC"),
        ("^[[:alpha:]]+$", "abc"),
        ("^\\bword\\b$", "word"),
    ],
)
def test_a_rewritten_pattern_means_what_re2_means(pattern: str, text: str) -> None:
    import jsonschema_rs

    from orchestrator.engine.formats import pattern_matches
    from orchestrator.engine.schema import RE2_PATTERN, _for_fast_path

    schema = _for_fast_path({"type": "string", "pattern": pattern})
    validator = jsonschema_rs.Draft7Validator(
        schema, keywords={RE2_PATTERN: _Re2}, pattern_options=jsonschema_rs.RegexOptions()
    )
    assert validator.is_valid(text) == pattern_matches(pattern, text), schema


class _Re2:
    def __init__(self, parent_schema: Any, value: str, schema_path: Any) -> None:
        from orchestrator.engine.schema import _Re2Pattern

        self.check = _Re2Pattern(parent_schema, value, schema_path)

    def validate(self, instance: Any) -> None:
        self.check.validate(instance)
