"""What the API server does to a custom object before validating it, without changing the object.

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


class _Children(dict[str, "Shape | None"]):
    """Compiled child shapes by name, each compiled when an object first has that field (a schema such as
    EnvoyProxy's has thousands of nodes; a manifest touches few of them)."""

    def __init__(self, schemas: dict[str, Any]) -> None:
        super().__init__()
        self.schemas = schemas

    def __missing__(self, key: str) -> Shape | None:
        shape = self[key] = compile_shape(self.schemas[key])
        return shape


class Shape:
    """One schema node, compiled once per CRD for the walk: what the walk asks of the schema at every value,
    decided in advance (properties, what keeps unknown fields, defaults, list types); children on first use."""

    __slots__ = (
        "_additional",
        "_items",
        "additional_nullable",
        "additional_schema",
        "defaults",
        "embedded",
        "has_additional",
        "is_object",
        "items_schema",
        "keeps_unknown",
        "list_type",
        "map_keys",
        "names",
        "nullable",
        "props",
    )

    def __init__(self, schema: dict[str, Any]) -> None:
        properties = schema.get("properties") or {}
        self.is_object = (
            schema.get("type") == "object"
            or "properties" in schema
            or "additionalProperties" in schema
            or bool(schema.get("x-kubernetes-embedded-resource"))
        )
        self.names: dict[str, Any] = properties  # membership: which fields the schema declares
        self.props = _Children(properties)
        self.nullable = frozenset(
            k for k, v in properties.items() if isinstance(v, dict) and v.get("nullable")
        )
        addl = schema.get("additionalProperties")
        self.has_additional = isinstance(addl, dict)  # {} too: any value, kept as it is
        self.additional_schema = addl if isinstance(addl, dict) else None
        self.additional_nullable = isinstance(addl, dict) and bool(addl.get("nullable"))
        self.keeps_unknown = addl is True or bool(schema.get("x-kubernetes-preserve-unknown-fields"))
        self.embedded = bool(schema.get("x-kubernetes-embedded-resource"))
        self.defaults: tuple[tuple[str, Any], ...] = tuple(
            (k, v["default"]) for k, v in properties.items() if isinstance(v, dict) and "default" in v
        )
        items = schema.get("items")
        self.items_schema = items if isinstance(items, dict) else None
        self.list_type = schema.get("x-kubernetes-list-type")
        self.map_keys: list[str] = schema.get("x-kubernetes-list-map-keys") or []
        self._items: Shape | bool | None = False  # False: not compiled yet
        self._additional: Shape | bool | None = False

    def items(self) -> Shape | None:
        if self._items is False:
            self._items = compile_shape(self.items_schema)
        assert self._items is not True
        return self._items

    def additional(self) -> Shape | None:
        if self._additional is False:
            self._additional = compile_shape(self.additional_schema)
        assert self._additional is not True
        return self._additional


def compile_shape(schema: Any) -> Shape | None:
    """The compiled walk of ``schema``; None for an empty schema (anything goes, kept as it is)."""
    return Shape(schema) if isinstance(schema, dict) and schema else None


def apply_structure(
    obj: dict[str, Any], schema: dict[str, Any], shape: Shape | None = None
) -> tuple[dict[str, Any], list[FieldError]]:
    """The pruned and defaulted version of a custom object, and the unknown-field and list-type errors.

    ``shape`` is ``compile_shape(schema)``, passed in by callers that validate many objects of one kind. The
    result shares the parts of ``obj`` the walk does not change (it is read, never modified, by validation).
    """
    shape = shape if shape is not None else Shape(schema)
    errs: list[FieldError] = []
    names, props = shape.names, shape.props
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key in _IMPLICIT_ROOT:
            out[key] = value
        elif key in names:
            if value is None and key not in shape.nullable:
                continue
            out[key] = _walk(value, props[key], key, errs)
        elif shape.keeps_unknown:
            out[key] = value
        else:
            errs.append(_unknown(key))
    for key, default in shape.defaults:
        if key not in out and key not in _IMPLICIT_ROOT:
            out[key] = _walk(copy_json(default), props[key], key, errs)
    return out, errs


def _unknown(path: str) -> FieldError:
    return FieldError(path, f'unknown field "{path}"', unknown_field=True)


def _walk(value: Any, shape: Shape | None, path: str, errs: list[FieldError]) -> Any:
    if shape is None:
        return value
    cls = value.__class__
    if cls is dict:
        if not shape.is_object:
            return value  # a type error; the schema validator reports it
        return _walk_object(value, shape, path, errs)
    if cls is list:
        items = shape.items()
        if items is None:
            out = value
        else:
            out = [
                v
                if v.__class__ is not dict and v.__class__ is not list
                else _walk(v, items, f"{path}[{i}]", errs)
                for i, v in enumerate(value)
            ]
        list_type = shape.list_type
        if list_type == "map":
            errs.extend(_list_map_errors(out, shape.map_keys, path))
        elif list_type == "set":
            errs.extend(_set_errors(out, path))
        return out
    return value


def _walk_object(value: dict[str, Any], shape: Shape, path: str, errs: list[FieldError]) -> dict[str, Any]:
    names, props = shape.names, shape.props
    out: dict[str, Any] = {}
    for key, child in value.items():
        if key in names:
            if child is None:
                if key in shape.nullable:
                    out[key] = None
                continue
            cls = child.__class__
            out[key] = (
                child
                if cls is not dict and cls is not list
                else _walk(child, props[key], join_path(path, key), errs)
            )
        elif shape.has_additional:
            if child is None and not shape.additional_nullable:
                continue
            out[key] = _walk(child, shape.additional(), f"{path}[{key}]", errs)
        elif shape.embedded and key in ("apiVersion", "kind"):
            out[key] = child
        elif shape.embedded and key == "metadata":
            errs.extend(metadata_errors(child, path=join_path(path, "metadata")))
            out[key] = child
        elif shape.keeps_unknown:
            out[key] = child
        else:
            errs.append(_unknown(join_path(path, key)))
    for key, default in shape.defaults:
        if key not in out:
            out[key] = _walk(copy_json(default), props[key], join_path(path, key), errs)
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
