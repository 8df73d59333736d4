"""ObjectMeta checks the API server applies to every object, and field paths in its notation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?\Z")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\Z")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\Z")

SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
PATH_SEGMENT = re.compile(r"^(?!\.{1,2}\Z)[^/%]+\Z")
PATH_SEGMENT_MSG = "may not be '.' or '..' and may not contain '/' or '%'"
DNS1035_MSG = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
    "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)

OBJECT_META_FIELDS = frozenset(
    {
        "name",
        "generateName",
        "namespace",
        "selfLink",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "ownerReferences",
        "finalizers",
        "managedFields",
    }
)
TOTAL_ANNOTATION_SIZE = 256 * 1024


@dataclass(frozen=True)
class FieldError:
    """One API-server style field error; ``blocking`` errors stop CEL evaluation, as in the API server."""

    path: str
    message: str
    blocking: bool = False
    unknown_field: bool = False


def join_path(base: str, child: str) -> str:
    return f"{base}.{child}" if base else child


def go_quote(value: Any) -> str:
    """A value the way Go's ``%q``/``%v`` prints it in field errors."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return '"object"'
    if isinstance(value, list):
        return '"array"'
    return json.dumps(str(value))


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError(path, f"Invalid value: {go_quote(value)}: {detail}")


def name_errors(path: str, value: Any, pattern: re.Pattern[str], max_len: int, msg: str) -> list[FieldError]:
    if not isinstance(value, str):
        return [FieldError(path, f"Invalid value: {go_quote(value)}: must be a string", blocking=True)]
    errs = []
    if len(value) > max_len:
        errs.append(invalid(path, value, f"must be no more than {max_len} characters"))
    if not pattern.match(value):
        errs.append(invalid(path, value, msg))
    return errs


_VALID_KEYS: set[str] = set()  # label and annotation keys already found valid (they repeat across objects)


def _qualified_key_errors(path: str, key: str) -> list[FieldError]:
    if key in _VALID_KEYS:
        return []
    errs = _key_errors(path, key)
    if not errs and len(_VALID_KEYS) < 4096:
        _VALID_KEYS.add(key)
    return errs


def _key_errors(path: str, key: str) -> list[FieldError]:
    parts = key.split("/")
    name_msg = (
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    )
    if len(parts) > 2:
        return [
            invalid(
                path,
                key,
                "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and "
                "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
                "and '/' (e.g. 'example.com/MyName')",
            )
        ]
    prefix, name = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    errs = []
    if len(parts) == 2 and (not prefix or len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix.lower())):
        errs.append(invalid(path, key, "prefix part " + SUBDOMAIN_MSG))
    if not name or len(name) > 63 or not _QUALIFIED_NAME.match(name):
        errs.append(invalid(path, key, name_msg))
    return errs


def _string_map_errors(path: str, value: Any, *, label_values: bool) -> list[FieldError]:
    if value is None:
        return []
    if not isinstance(value, dict):
        return [
            FieldError(path, f"Invalid value: {go_quote(value)}: must be a map of string to string", True)
        ]
    errs: list[FieldError] = []
    for k, v in value.items():
        errs.extend(_qualified_key_errors(path, str(k)))
        if not isinstance(v, str):
            errs.append(FieldError(f"{path}[{k}]", f"Invalid value: {go_quote(v)}: must be a string", True))
        elif label_values and (len(v) > 63 or not _LABEL_VALUE.match(v)):
            errs.append(
                invalid(
                    f"{path}[{k}]",
                    v,
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
                    "'.', and must start and end with an alphanumeric character, at most 63 characters",
                )
            )
    if not label_values:
        size = sum(len(str(k)) + len(str(v)) for k, v in value.items())
        if size > TOTAL_ANNOTATION_SIZE:
            errs.append(
                FieldError(path, f"Too long: may not be more than {TOTAL_ANNOTATION_SIZE} bytes", True)
            )
    return errs


_NAME_RULES = {
    "subdomain": (DNS1123_SUBDOMAIN, 253, SUBDOMAIN_MSG),
    "label": (DNS1123_LABEL, 63, LABEL_MSG),
    "dns1035": (DNS1035_LABEL, 63, DNS1035_MSG),
    "path": (PATH_SEGMENT, 253, PATH_SEGMENT_MSG),
}


def metadata_errors(
    meta: Any, *, path: str = "metadata", namespaced: bool = True, name_rule: str = "subdomain"
) -> list[FieldError]:
    """ObjectMeta validation: known fields, name (required; ``name_rule`` is subdomain, label, dns1035 or path, the
    API server's rule for the kind), namespace, labels and annotations."""
    if meta is None:
        return [FieldError(join_path(path, "name"), "Required value: name or generateName is required", True)]
    if not isinstance(meta, dict):
        return [FieldError(path, f"Invalid value: {go_quote(meta)}: {path} must be of type object", True)]
    errs = [
        FieldError(join_path(path, k), f'unknown field "{join_path(path, k)}"', unknown_field=True)
        for k in meta
        if k not in OBJECT_META_FIELDS
    ]
    name = meta.get("name")
    if name in (None, "") and not meta.get("generateName"):
        errs.append(
            FieldError(join_path(path, "name"), "Required value: name or generateName is required", True)
        )
    elif name not in (None, ""):
        pattern, max_len, msg = _NAME_RULES[name_rule]
        errs.extend(name_errors(join_path(path, "name"), name, pattern, max_len, msg))
    ns = meta.get("namespace")
    if ns not in (None, "") and namespaced:
        errs.extend(name_errors(join_path(path, "namespace"), ns, DNS1123_LABEL, 63, LABEL_MSG))
    errs.extend(_string_map_errors(join_path(path, "labels"), meta.get("labels"), label_values=True))
    errs.extend(
        _string_map_errors(join_path(path, "annotations"), meta.get("annotations"), label_values=False)
    )
    return errs


def format_field_path(parts: Iterable[str | int], schema: Any) -> str:
    """``spec.rules[0].backendRefs[1]`` from path parts, using the schema to tell map keys (``[key]``) apart."""
    out = ""
    node = schema if isinstance(schema, dict) else {}
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node.get("items") or {}
            continue
        props = node.get("properties") or {}
        addl = node.get("additionalProperties")
        if part in props:
            out = join_path(out, part)
            node = props[part]
        elif isinstance(addl, dict):
            out += f"[{part}]"
            node = addl
        else:
            out = join_path(out, part)
            node = {}
    return out
