"""Published tool schemas kept small: clients load tools/list into every conversation (Cursor, Cline, VS Code,
Claude Desktop), and the TypeScript SDK compiles a validator per output schema on each listing.

- `compact`: an input schema without what a client does not need to call the tool (schema titles, `null` arms
  of optional fields, `default: null`); the tool body still validates with the full model.
- `outline`: an output schema reduced to its top-level fields and their JSON types, so every atomic skill tool
  shares one ~300-byte shape (SkillResult) instead of a 2.5 KB copy each.
"""

from __future__ import annotations

from typing import Any


def compact(node: Any) -> Any:
    """`node` (a JSON schema) without titles, null arms and null defaults, at every depth."""
    if isinstance(node, list):
        return [compact(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if key == "default" and value is None:
            continue
        if key in ("properties", "$defs", "patternProperties"):
            out[key] = {name: compact(sub) for name, sub in value.items()}
        else:
            out[key] = compact(value)
    arms = out.get("anyOf")
    if isinstance(arms, list):
        kept = [arm for arm in arms if arm != {"type": "null"}]
        if len(kept) == 1:
            out.pop("anyOf")
            out = kept[0] | out
        elif len(kept) != len(arms):
            out["anyOf"] = kept
    return out


def _types(prop: dict[str, Any]) -> list[str]:
    if "type" in prop:
        return [prop["type"]] if isinstance(prop["type"], str) else list(prop["type"])
    if "$ref" in prop:
        return ["object"]
    found: list[str] = []
    for arm in prop.get("anyOf", []) + prop.get("oneOf", []):
        found += [t for t in _types(arm) if t not in found]
    return found


def outline(schema: dict[str, Any]) -> dict[str, Any]:
    """The top-level fields of an object schema with their JSON types only."""
    properties: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        kinds = _types(prop)
        if len(kinds) == 1:
            properties[name] = {"type": kinds[0]}
        elif kinds:
            # anyOf branches of one type each, not a type array: single-type dialects (Gemini's OpenAPI subset)
            # reject arrays, and the MCP Inspector's strict check flags them.
            properties[name] = {"anyOf": [{"type": kind} for kind in kinds]}
        else:
            properties[name] = {}
    return {"type": "object", "properties": properties}
