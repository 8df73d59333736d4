"""The credential check of an input, read through its model: each string in the mode its type declares.

A field typed as a name (DNSLabel, DNSSubdomain...) or a model id (ModelName, ModelMatch) carries a
:class:`~skills.credentials.TextKind`; its values are checked in that mode, so a long lowercase name or a hex
digest model id is not refused as a key by its shape. Known key shapes (sk-…, AKIA…, JWTs, PEM…) are refused in
every field. A name that breaks its own rules (too long, upper case) is left to them: the value is shown
redacted in that problem when it looks like a key. The YAML of a live AIGatewayRoute (route existing_route) is
read by its structure: its model names as model ids, the rest strictly. Everything the model does not type
(unknown fields, map keys, free text) is read in ``strict`` mode, as before.
"""

from __future__ import annotations

import re
import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from skills.credentials import TextKind, describe_credential, find_credentials
from skills.versions import MODEL_HEADER

Found = list[tuple[str, str]]
_SEQUENCES = (list, tuple, set, frozenset, Sequence)


def scan_input(model: type[BaseModel], data: Any, path: str = "") -> Found:
    """(path, kind) of every string in `data` (input for `model`) that looks like a credential."""
    return _scan(model, (), data, path)


def _peel(annotation: Any, metadata: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    while get_origin(annotation) is Annotated:
        metadata = metadata + tuple(annotation.__metadata__)
        annotation = get_args(annotation)[0]
    return annotation, metadata


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _accepts(annotation: Any, value: Any) -> bool:
    """Whether `value`'s shape fits `annotation` (picks the union member a value is read as)."""
    origin = get_origin(annotation)
    if annotation is Any:
        return True
    if isinstance(value, str):
        return annotation is str or origin is Literal or _is_model(annotation)
    if isinstance(value, Mapping):
        return _is_model(annotation) or origin in (dict, Mapping)
    if isinstance(value, list | tuple):
        return origin in _SEQUENCES
    return False


def _item_type(origin: Any, items: tuple[Any, ...], index: int) -> Any:
    """The type of item `index` of a list[X], tuple[X, ...] or tuple[A, B] (Any for a bare list)."""
    if not items:
        return Any
    if origin is tuple and Ellipsis not in items:
        return items[index] if index < len(items) else Any
    return items[0]


def _fits(metadata: tuple[Any, ...], value: str) -> bool:
    """Whether `value` keeps the length and pattern rules of its constrained string type."""
    for rule in metadata:
        if not isinstance(rule, StringConstraints):
            continue
        if rule.min_length is not None and len(value) < rule.min_length:
            return False
        if rule.max_length is not None and len(value) > rule.max_length:
            return False
        if isinstance(rule.pattern, str) and not re.search(rule.pattern, value):
            return False
    return True


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _pop_model_names(doc: dict[str, Any]) -> list[str]:
    """Take the model names out of an AIGatewayRoute document: x-ai-eg-model header values, modelNameOverrides."""
    names: list[str] = []
    spec = doc.get("spec")
    for rule in _dicts(spec.get("rules")) if isinstance(spec, dict) else []:
        for match in _dicts(rule.get("matches")):
            for header in _dicts(match.get("headers")):
                if str(header.get("name", "")).lower() == MODEL_HEADER and isinstance(
                    header.get("value"), str
                ):
                    names.append(header.pop("value"))
        for ref in _dicts(rule.get("backendRefs")):
            if isinstance(ref.get("modelNameOverride"), str):
                names.append(ref.pop("modelNameOverride"))
    return names


def _route_yaml(text: str, path: str) -> Found:
    """A pasted live AIGatewayRoute (or a List or several documents holding it): its model names read as model
    ids, everything else strictly; text that is not YAML objects strictly as a whole. Findings are reported at
    the field (places inside the text are not the user's fields)."""
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError:
        docs = []
    if not docs or not all(isinstance(d, dict) for d in docs):
        return find_credentials(text, "strict", path)
    docs += [item for d in docs if d.get("kind") == "List" for item in _dicts(d.get("items"))]
    kinds = [describe_credential(name, "model") for doc in docs for name in _pop_model_names(doc)]
    kinds += [kind for doc in docs for _, kind in find_credentials(doc, "strict")]
    return [(path or "value", kind) for kind in dict.fromkeys(k for k in kinds if k)]


def _text(metadata: tuple[Any, ...], value: str, path: str) -> Found:
    kind = next((m for m in metadata if isinstance(m, TextKind)), None)
    if kind is None:
        return find_credentials(value, "strict", path)
    if kind.mode == "route":
        return _route_yaml(value, path)
    if kind.mode == "name" and not _fits(metadata, value):
        found = describe_credential(value, "known")  # the name's own rules report the rest
    else:
        found = describe_credential(value, kind.mode)
    return [(path or "value", found)] if found else []


def _scan(annotation: Any, metadata: tuple[Any, ...], value: Any, path: str) -> Found:
    annotation, metadata = _peel(annotation, metadata)
    if value is None:
        return []
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = [_peel(a, metadata) for a in get_args(annotation) if a is not type(None)]
        fitting = [(a, m) for a, m in members if _accepts(a, value)]
        if not fitting:
            return find_credentials(value, "strict", path)
        merged: dict[str, str] = {}
        for member, member_metadata in fitting:  # the strictest reading of the members the value fits
            for where, kind in _scan(member, member_metadata, value, path):
                merged.setdefault(where, kind)
        return list(merged.items())
    if _is_model(annotation):
        return _scan_model(annotation, value, path)
    if isinstance(value, str):
        return _text(metadata, value, path) if annotation is str else find_credentials(value, "strict", path)
    if isinstance(value, list | tuple) and origin in _SEQUENCES:
        items = get_args(annotation)
        found: Found = []
        for i, child in enumerate(value):
            found += _scan(_item_type(origin, items, i), (), child, f"{path}[{i}]")
        return found
    if isinstance(value, Mapping) and origin in (dict, Mapping):
        value_type = (get_args(annotation) or (Any, Any))[-1]
        found = []
        for key, child in value.items():
            text = str(key)
            key_kind = describe_credential(text)
            if key_kind:
                found.append((f"{path}.<key>" if path else "<key>", key_kind))
                text = "<key>"
            found += _scan(value_type, (), child, f"{path}.{text}" if path else text)
        return found
    return find_credentials(value, "strict", path)


def _scan_model(model: type[BaseModel], value: Any, path: str) -> Found:
    if isinstance(value, str):
        expanded = model.shorthand(value) if hasattr(model, "shorthand") else None
        if expanded is None:
            return find_credentials(value, "strict", path)
        # Each part in its field's mode, reported where the text was given (the fields are not the user's).
        kinds = dict.fromkeys(kind for _, kind in _scan_model(model, expanded, path))
        return [(path or "value", kind) for kind in kinds]
    if not isinstance(value, Mapping):
        return find_credentials(value, "strict", path)
    fields: dict[str, FieldInfo] = {}
    for name, info in model.model_fields.items():
        fields[name] = info
        if info.alias:
            fields[info.alias] = info
    found: Found = []
    for key, child in value.items():
        field = fields.get(key) if isinstance(key, str) else None
        if field is None:  # not a field: the key and its value as free text (extra="forbid" refuses it after)
            found += find_credentials({key: child}, "strict", path)
            continue
        found += _scan(field.annotation, tuple(field.metadata), child, f"{path}.{key}" if path else key)
    return found
