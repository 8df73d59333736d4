"""What the API server does to a custom object before validating it, on a copy.

One pass over the object and its structural schema, producing a new object:

* fields unknown to the schema are dropped and reported (``unknown field "spec.timeouts"``), as strict field
  validation does; ``x-kubernetes-preserve-unknown-fields`` and ``additionalProperties`` keep them;
* ``null`` in a non-nullable field is dropped, then ``default`` values are applied to absent fields (recursively,
  defaults inside defaults included);
* ``x-kubernetes-list-type: map``/``set`` uniqueness is checked after defaulting;
* ``x-kubernetes-embedded-resource`` objects get ``apiVersion``/``kind``/``metadata`` implicitly.
"""

from __future__ import annotations

import json
from typing import Any

from orchestrator.engine.object_meta import FieldError, join_path, metadata_errors

_IMPLICIT_ROOT = ("apiVersion", "kind", "metadata")


def copy_json(value: Any) -> Any:
    """A deep copy of JSON-like data (much faster than ``copy.deepcopy``)."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


def apply_structure(obj: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The pruned and defaulted copy of a custom object, and the unknown-field and list-type errors."""
    errs: list[FieldError] = []
    props = schema.get("properties") or {}
    preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key in _IMPLICIT_ROOT:
            out[key] = copy_json(value)
        elif key in props:
            if value is None and not props[key].get("nullable"):
                continue
            out[key] = _walk(value, props[key], key, errs)
        elif preserve:
            out[key] = copy_json(value)
        else:
            errs.append(_unknown(key))
    for key, prop in props.items():
        if key not in out and key not in _IMPLICIT_ROOT and "default" in prop:
            out[key] = _walk(copy_json(prop["default"]), prop, key, errs)
    return out, errs


def _unknown(path: str) -> FieldError:
    return FieldError(path, f'unknown field "{path}"', unknown_field=True)


def _is_object_schema(schema: dict[str, Any]) -> bool:
    return (
        schema.get("type") == "object"
        or "properties" in schema
        or "additionalProperties" in schema
        or bool(schema.get("x-kubernetes-embedded-resource"))
    )


def _walk(value: Any, schema: dict[str, Any] | None, path: str, errs: list[FieldError]) -> Any:
    if not schema:
        return copy_json(value)
    if isinstance(value, dict):
        if not _is_object_schema(schema):
            return copy_json(value)  # a type error; the schema validator reports it
        return _walk_object(value, schema, path, errs)
    if isinstance(value, list):
        items = schema.get("items")
        out = [_walk(v, items, f"{path}[{i}]", errs) for i, v in enumerate(value)]
        list_type = schema.get("x-kubernetes-list-type")
        if list_type == "map":
            errs.extend(_list_map_errors(out, schema.get("x-kubernetes-list-map-keys") or [], path))
        elif list_type == "set":
            errs.extend(_set_errors(out, path))
        return out
    return value


def _walk_object(
    value: dict[str, Any], schema: dict[str, Any], path: str, errs: list[FieldError]
) -> dict[str, Any]:
    props = schema.get("properties") or {}
    addl = schema.get("additionalProperties")
    preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
    embedded = bool(schema.get("x-kubernetes-embedded-resource"))
    out: dict[str, Any] = {}
    for key, child in value.items():
        if key in props:
            if child is None and not props[key].get("nullable"):
                continue
            out[key] = _walk(child, props[key], join_path(path, key), errs)
        elif isinstance(addl, dict):
            if child is None and not addl.get("nullable"):
                continue
            out[key] = _walk(child, addl, f"{path}[{key}]", errs)
        elif embedded and key in ("apiVersion", "kind"):
            out[key] = child
        elif embedded and key == "metadata":
            errs.extend(metadata_errors(child, path=join_path(path, "metadata")))
            out[key] = copy_json(child)
        elif addl is True or preserve:
            out[key] = copy_json(child)
        else:
            errs.append(_unknown(join_path(path, key)))
    for key, prop in props.items():
        if key not in out and "default" in prop:
            out[key] = _walk(copy_json(prop["default"]), prop, join_path(path, key), errs)
    return out


def go_value(value: Any) -> str:
    """Go's ``%#v`` for JSON values, as used in ``Duplicate value`` errors."""
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)}:{go_value(v)}" for k, v in sorted(value.items()))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, list):
        return "[]interface {}{" + ", ".join(go_value(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


def _list_map_errors(items: list[Any], keys: list[str], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errs.append(
                FieldError(f"{path}[{i}]", "Invalid value: must be an object for an array of list-type map")
            )
            continue
        key = {k: item.get(k) for k in keys}
        marker = json.dumps(key, sort_keys=True, default=str)
        if marker in seen:
            errs.append(FieldError(f"{path}[{i}]", f"Duplicate value: {go_value(key)}"))
        seen.add(marker)
    return errs


def _set_errors(items: list[Any], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        marker = json.dumps(item, sort_keys=True, default=str)
        if marker in seen:
            errs.append(FieldError(f"{path}[{i}]", f"Duplicate value: {go_value(item)}"))
        seen.add(marker)
    return errs
