"""Structural validation of one custom object against its CRD version, as the API server does on create.

Order, as in the API server: prune unknown fields and apply defaults (on a copy, :mod:`orchestrator.engine.structural`),
then the OpenAPI v3 value validations. Each CRD version's schema is converted to JSON Schema once and two
validators are compiled once, both cached on the :class:`~orchestrator.engine.crds.CRDSet`:

* a compiled one (``jsonschema-rs``) answers "valid?" in microseconds. It gets the same patterns (matched with RE2,
  as Go's regexp does, through a custom keyword) and the same format checks as the other, and no format the
  other does not check; ``tests/orchestrator/test_schema_fast_path.py`` shows both give the same verdict on every
  document of the conformance, upstream-example and golden corpus.
* ``jsonschema`` runs only for an object the first calls invalid, and renders every error in the API server's
  words, e.g. ``Too many: 16: must have at most 15 items``.

Without ``jsonschema-rs`` (or for a schema it cannot compile) every object takes the second path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from orchestrator.engine.crds import CRDSet, CRDVersion
from orchestrator.engine.formats import FORMAT_CHECKS, check_format, pattern_matches
from orchestrator.engine.object_meta import FieldError, format_field_path, go_quote, metadata_errors
from orchestrator.engine.structural import Shape, apply_structure

_VALUE_KEYWORDS = (
    "enum",
    "required",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "uniqueItems",
)
# Field error types that make the API server skip CEL rules (apiextensions hasBlockingErr).
_BLOCKING = frozenset({"enum", "required", "maxLength", "maxItems", "maxProperties", "type"})
CEL_SKIPPED_MESSAGE = (
    "some validation rules were not checked because the object was invalid; correct the existing errors to "
    "complete validation"
)


@dataclass(frozen=True)
class SchemaResult:
    """The defaulted object (what CEL rules see) and the structural errors, in API server form."""

    defaulted: dict[str, Any]
    errors: tuple[FieldError, ...]

    @property
    def blocking(self) -> bool:
        return any(e.blocking for e in self.errors)


def to_json_schema(node: Any) -> dict[str, Any]:
    """Convert an OpenAPI v3 structural schema node into an equivalent JSON Schema (draft 7) node."""
    if not isinstance(node, dict):
        return {}
    out: dict[str, Any] = {}
    if node.get("x-kubernetes-int-or-string"):
        out["type"] = ["integer", "string"]
    elif "type" in node:
        out["type"] = [node["type"], "null"] if node.get("nullable") else node["type"]
    for key in _VALUE_KEYWORDS:
        if key in node:
            out[key] = node[key]
    for bound, exclusive in (("maximum", "exclusiveMaximum"), ("minimum", "exclusiveMinimum")):
        if node.get(exclusive) is True and bound in node:
            out[exclusive] = out.pop(bound)
    if isinstance(node.get("properties"), dict):
        out["properties"] = {k: to_json_schema(v) for k, v in node["properties"].items()}
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = to_json_schema(node["additionalProperties"])
    if "items" in node:
        out["items"] = to_json_schema(node["items"])
    for junctor in ("allOf", "anyOf", "oneOf"):
        if isinstance(node.get(junctor), list):
            out[junctor] = [to_json_schema(x) for x in node[junctor]]
    if "not" in node:
        out["not"] = to_json_schema(node["not"])
    return out


def root_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema for a whole custom object; ``metadata`` is checked separately as ObjectMeta."""
    converted = to_json_schema(schema)
    props = dict(converted.get("properties") or {})
    props.pop("metadata", None)
    converted["properties"] = props
    return converted


_VALIDATOR_CLASS: Any = None


def validator_class() -> Any:
    """Draft 7 with RE2 ``pattern``, structured ``required`` errors and the API server's formats."""
    global _VALIDATOR_CLASS
    if _VALIDATOR_CLASS is None:
        from jsonschema import Draft7Validator, FormatChecker, ValidationError, validators

        def pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Iterator[Any]:
            if isinstance(instance, str) and not pattern_matches(patrn, instance):
                yield ValidationError(f"{instance!r} does not match {patrn!r}")

        def required(validator: Any, names: list[str], instance: Any, schema: Any) -> Iterator[Any]:
            if isinstance(instance, dict):
                for name in names:
                    if name not in instance:
                        yield ValidationError("Required value", path=[name])

        checker = FormatChecker(formats=())
        for fmt in FORMAT_CHECKS:
            # Formats apply to strings only (a number where a string belongs is a type error, not a crash).
            checker.checks(fmt)(lambda value, fmt=fmt: check_format(fmt, value))
        cls = validators.extend(Draft7Validator, {"pattern": pattern, "required": required})
        _VALIDATOR_CLASS = (cls, checker)
    return _VALIDATOR_CLASS


def compiled_validator(crd: CRDVersion, crdset: CRDSet) -> Any:
    """The jsonschema validator for one CRD version, built once per CRDSet."""
    key = ("jsonschema", crd.gvk)
    found = crdset.cache.get(key)
    if found is None:
        cls, checker = validator_class()
        found = cls(root_json_schema(dict(crd.schema)), format_checker=checker)
        crdset.cache[key] = found
    return found


RE2_PATTERN = "x-aigw-re2-pattern"


class _Re2Pattern:
    """A ``pattern`` keyword for jsonschema-rs that matches with RE2 (Go regexp semantics: ASCII ``\\w``, …)."""

    def __init__(self, parent_schema: Any, value: str, schema_path: Any) -> None:
        self.pattern = value

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and not pattern_matches(self.pattern, instance):
            raise ValueError(f"{instance!r} does not match {self.pattern!r}")


# Perl classes as RE2 defines them (ASCII only); the compiled validator reads patterns as ECMA-262 regexes,
# whose classes are Unicode-aware and whose ``.`` also stops at \r, \u2028 and \u2029.
_ASCII_CLASSES = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_PLAIN_ESCAPES = frozenset("nrtfv")
_HEX = frozenset("0123456789abcdefABCDEF")


@lru_cache(maxsize=4096)  # CRDs repeat a few patterns hundreds of times (e.g. the duration one, 613x)
def native_pattern(pattern: str) -> str | None:
    """``pattern`` spelled for the compiled validator with RE2's meaning, or None where that is not certain.

    ``\\d``, ``\\w``, ``\\s`` (and their negations outside a class) become RE2's ASCII classes and ``.`` becomes
    ``[^\\n]``. Anything else that could differ — flags, ``\\b``, Unicode classes, ``\\Q…\\E``, digit escapes,
    ``\\x{…}``, escapes of letters other than the plain ones, POSIX classes, negated classes inside brackets —
    is left to RE2 (the caller keeps the RE2 keyword). The fast-path test checks the verdicts agree.
    """
    if "(?" in pattern and not re.fullmatch(r"(?:[^(]|\\\(|\((?!\?)|\(\?:)*", pattern):
        return None  # flags, named groups and the like: only non-capturing groups are rewritten
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            e = pattern[i + 1] if i + 1 < len(pattern) else ""
            if e.lower() in _ASCII_CLASSES:
                ascii_class = _ASCII_CLASSES[e.lower()]
                if e.islower():
                    out.append(ascii_class if in_class else f"[{ascii_class}]")
                elif in_class:
                    return None
                else:
                    out.append(f"[^{ascii_class}]")
            elif e in _PLAIN_ESCAPES or (e and not e.isalnum() and e.isascii() and e.isprintable()):
                out.append(c + e)
            elif e == "x" and len(pattern) >= i + 4 and set(pattern[i + 2 : i + 4]) <= _HEX:
                out.append(pattern[i : i + 4])
                i += 4
                continue
            else:
                return None
            i += 2
            continue
        if c == "[" and not in_class:
            if pattern.startswith("[[:", i) or pattern.startswith("[^[:", i):
                return None
            in_class = True
            out.append(c)
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < len(pattern) and pattern[i] == "]":
                out.append("\\]")
                i += 1
            continue
        if in_class and c == "[":
            return None
        if c == "]" and in_class:
            in_class = False
        out.append("[^\\n]" if c == "." and not in_class else c)
        i += 1
    return None if in_class else "".join(out)


def _for_fast_path(node: Any) -> Any:
    """A copy of a converted schema node with only the formats we check, and each ``pattern`` either spelled for
    the compiled validator's regex engine (:func:`native_pattern`) or, where that is not certain, as the RE2
    keyword."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "pattern":
            native = native_pattern(value) if isinstance(value, str) else None
            if native is not None and _compiles(native):
                out[key] = native
            else:
                out[RE2_PATTERN] = value
        elif key == "format":
            if value in FORMAT_CHECKS:
                out[key] = value
        elif key == "properties" and isinstance(value, dict):
            out[key] = {name: _for_fast_path(child) for name, child in value.items()}
        elif key in ("items", "additionalProperties", "not"):
            out[key] = _for_fast_path(value)
        elif key in ("allOf", "anyOf", "oneOf") and isinstance(value, list):
            out[key] = [_for_fast_path(child) for child in value]
        else:
            out[key] = value
    return out


@lru_cache(maxsize=4096)
def _compiles(pattern: str) -> bool:
    """The regex crate (linear-time engine) accepts ``pattern``."""
    try:
        import jsonschema_rs

        jsonschema_rs.Draft7Validator({"pattern": pattern}, pattern_options=jsonschema_rs.RegexOptions())
    except (ImportError, ValueError, jsonschema_rs.ValidationError):
        return False
    return True


def fast_validator(crd: CRDVersion, crdset: CRDSet) -> Any | None:
    """The compiled (jsonschema-rs) validator for one CRD version, or None where it is not available."""
    key = ("jsonschema-rs", crd.gvk)
    if key not in crdset.cache:
        crdset.cache[key] = _compile_fast(root_json_schema(dict(crd.schema)))
    return crdset.cache[key]


def _compile_fast(schema: dict[str, Any]) -> Any | None:
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        return jsonschema_rs.Draft7Validator(
            _for_fast_path(schema),
            formats=dict(FORMAT_CHECKS),
            validate_formats=True,
            keywords={RE2_PATTERN: _Re2Pattern},
            pattern_options=jsonschema_rs.RegexOptions(),
        )
    except (ValueError, TypeError, jsonschema_rs.ValidationError):
        return None


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list | dict | str) else 0


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _message(kind: str, limit: Any, value: Any, path: str) -> str:
    """The API server's text for one failed OpenAPI keyword (after ``<path>: ``)."""
    body = f"Invalid value: {go_quote(value)}: {path} in body"
    if kind == "type":
        expected = ",".join(limit) if isinstance(limit, list) else limit
        actual = _type_name(value)
        return f'Invalid value: "{actual}": {path} in body must be of type {expected}: "{actual}"'
    if kind == "enum":
        return f"Unsupported value: {go_quote(value)}: supported values: " + ", ".join(
            go_quote(v) for v in limit
        )
    if kind == "maxLength":
        return f"Too long: may not be more than {limit} bytes"
    if kind in ("maxItems", "maxProperties"):
        return f"Too many: {_count(value)}: must have at most {limit} items"
    texts = {
        "minLength": f"should be at least {limit} chars long",
        "minItems": f"should have at least {limit} items",
        "minProperties": f"should have at least {limit} properties",
        "minimum": f"should be greater than or equal to {limit}",
        "maximum": f"should be less than or equal to {limit}",
        "exclusiveMinimum": f"should be greater than {limit}",
        "exclusiveMaximum": f"should be less than {limit}",
        "pattern": f"should match '{limit}'",
        "format": f"must be of type {limit}: {go_quote(value)}",
        "multipleOf": f"should be a multiple of {limit}",
        "uniqueItems": "shouldn't contain duplicates",
        "anyOf": "must validate at least one schema (anyOf)",
        "oneOf": "must validate one and only one schema (oneOf)",
        "not": "must not validate the schema (not)",
    }
    if kind == "minItems" or kind == "minProperties":
        body = f"Invalid value: {_count(value)}: {path} in body"
    return f"{body} {texts.get(kind, 'is invalid')}"


def _field_errors(validator: Any, obj: dict[str, Any], schema: dict[str, Any]) -> list[FieldError]:
    errs: list[FieldError] = []
    for err in validator.iter_errors(obj):
        path = format_field_path(list(err.absolute_path), schema)
        kind = err.validator
        if kind == "required":
            errs.append(FieldError(path, "Required value", blocking=True))
            continue
        if kind == "additionalProperties":
            continue  # never generated: unknown fields come from the structural pass
        errs.append(
            FieldError(path, _message(kind, err.validator_value, err.instance, path), kind in _BLOCKING)
        )
    return errs


def validate_structure(obj: dict[str, Any], crd: CRDVersion, crdset: CRDSet) -> SchemaResult:
    """Prune, default and validate one object of ``crd``'s kind. ``obj`` is not modified.

    With a status subresource the API server resets ``status`` on create, so it is not validated.
    """
    if crd.status_subresource and "status" in obj:
        obj = {k: v for k, v in obj.items() if k != "status"}
    schema = dict(crd.schema)
    key = ("structure", crd.gvk)
    shape = crdset.cache.get(key)
    if shape is None:
        shape = crdset.cache[key] = Shape(schema)
    defaulted, structural = apply_structure(obj, schema, shape)
    errors = list(structural)
    errors.extend(metadata_errors(obj.get("metadata"), namespaced=crd.namespaced))
    fast = fast_validator(crd, crdset)
    if fast is None or not fast.is_valid(defaulted):
        errors.extend(_field_errors(compiled_validator(crd, crdset), defaulted, schema))
    return SchemaResult(defaulted=defaulted, errors=tuple(errors))
