"""A form as a flat JSON schema for a client to render: every field's title, description, default (lists too),
allowed values with titles, pattern and bounds, taken from the form model so nothing is stated twice.

Two shapes, by what the client's protocol allows in a form:
- `multi_select=True` (MCP 2025-11-25 and later): a list of choices is a multi-select array; choices carry titles
  (`oneOf`/`anyOf` of `const` + `title`).
- `multi_select=False` (MCP 2025-06-18, whose forms hold primitives only): a list of at most
  `MAX_BOOLEAN_OPTIONS` choices becomes one boolean per choice (`<field>__<choice>`), a longer one a
  comma-separated string; single choices use `enum` + `enumNames`.
`answer_from_form` turns what the client sent back into the form's own shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

MAX_BOOLEAN_OPTIONS = 8
OPTION_TITLES = "option_titles"
_KEPT = ("pattern", "minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "format")


def _option_key(field: str, option: str) -> str:
    return f"{field}__{option.replace('-', '_')}"


def _collapse(prop: dict[str, Any]) -> dict[str, Any]:
    """Fold `X | None` and `pattern | ""` unions into one primitive property (forms take no unions)."""
    arms = prop.get("anyOf")
    if not arms:
        return prop
    arms = [a for a in arms if a.get("type") != "null"]
    out = {k: v for k, v in prop.items() if k != "anyOf"}
    if len(arms) == 1:
        return out | arms[0]
    if all(a.get("type") == "string" for a in arms):
        empty = any(a.get("const") == "" or a.get("enum") == [""] for a in arms)
        patterns = [a["pattern"] for a in arms if "pattern" in a]
        out["type"] = "string"
        if patterns and len(patterns) + empty == len(arms):
            out["pattern"] = "|".join(([r"^$"] if empty else []) + [f"(?:{p})" for p in patterns])
        return out
    return out | arms[0]


def _titles(info: Any) -> dict[str, str]:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    titles = extra.get(OPTION_TITLES) or {}
    return {str(k): str(v) for k, v in titles.items()}


def form_schema(form: type[BaseModel], *, multi_select: bool = True) -> dict[str, Any]:
    """The requested schema of an elicitation form (flat object of primitive properties)."""
    raw = form.model_json_schema()
    defs = raw.get("$defs", {})
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, info in form.model_fields.items():
        prop = _collapse(dict(raw["properties"][name]))
        if "$ref" in prop:
            prop = dict(defs[prop.pop("$ref").rsplit("/", 1)[-1]]) | prop
        titles = _titles(info)
        base: dict[str, Any] = {"title": info.title or name.replace("_", " ").capitalize()}
        if info.description:
            base["description"] = info.description
        default = info.get_default(call_default_factory=True) if not info.is_required() else None
        if prop.get("type") == "array":
            options = [str(o) for o in (prop.get("items") or {}).get("enum", [])]
            chosen = [str(d) for d in default or []]
            if multi_select:
                items = {"anyOf": [{"const": o, "title": titles.get(o, o)} for o in options]}
                entry = base | {"type": "array", "items": items, "default": chosen}
                entry |= {k: prop[k] for k in ("minItems", "maxItems") if k in prop}
                properties[name] = entry
            elif len(options) <= MAX_BOOLEAN_OPTIONS:
                for option in options:
                    properties[_option_key(name, option)] = {
                        "type": "boolean",
                        "title": f"{base['title']}: {titles.get(option, option)}",
                        "default": option in chosen,
                    }
            else:
                properties[name] = base | {
                    "type": "string",
                    "description": f"{base.get('description', base['title'])}; comma-separated, from: "
                    + ", ".join(options),
                    "default": ", ".join(chosen),
                }
            continue
        entry = base | {"type": prop.get("type", "string")}
        entry |= {k: prop[k] for k in _KEPT if k in prop}
        if "enum" in prop:
            options = [str(o) for o in prop["enum"]]
            if multi_select:
                entry["oneOf"] = [{"const": o, "title": titles.get(o, o)} for o in options]
            else:
                entry["enum"] = options
                if titles:
                    entry["enumNames"] = [titles.get(o, o) for o in options]
        elif "const" in prop:
            entry["enum"] = [prop["const"]]
        if default is not None:
            entry["default"] = default
        elif info.is_required():
            required.append(name)
        properties[name] = entry
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def answer_from_form(form: type[BaseModel], content: Mapping[str, Any]) -> dict[str, Any]:
    """A client's form content in the form model's shape: per-choice booleans and comma-separated text back to
    lists (both shapes are accepted whatever the protocol, so an answer typed in chat works too), and a list of
    model names for a models field (text, comma-separated) joined."""
    from skills.credentials import TextKind

    out: dict[str, Any] = {}
    consumed: set[str] = set()
    properties = form.model_json_schema()["properties"]
    for name, info in form.model_fields.items():
        value = content.get(name)
        models = any(isinstance(m, TextKind) and m.mode == "model" for m in info.metadata)
        if models and isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[name] = ", ".join(value)  # model names as a list, as the intake YAML writes them
            consumed.add(name)
            continue
        prop = properties[name]
        if prop.get("type") != "array":
            continue
        options = [str(o) for o in (prop.get("items") or {}).get("enum", [])]
        flags = {o: content[_option_key(name, o)] for o in options if _option_key(name, o) in content}
        if flags:
            out[name] = [o for o in options if flags.get(o) is True]
            consumed |= {_option_key(name, o) for o in flags}
        elif isinstance(content.get(name), str):
            out[name] = [part.strip() for part in str(content[name]).split(",") if part.strip()]
            consumed.add(name)
    return {k: v for k, v in content.items() if k not in consumed} | out
