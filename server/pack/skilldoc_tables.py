"""Markdown tables derived from code: input models (via their JSON schema), version profiles, presets.

Pure functions: each takes the objects it describes and returns Markdown text. Nothing here reads files.
"""

from __future__ import annotations

import json
import sys
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from skills.versions import PROFILES, VersionProfile, matrix_fields

MAX_INLINE_CHOICES = 8
FORMAT_MODULE_PREFIXES = ("skills.", "orchestrator.")


def cell(text: object) -> str:
    """One Markdown table cell: single line, pipes escaped."""
    return str(text).replace("\n", " ").replace("|", "\\|").replace("<", "\\<").strip()


def code(value: object) -> str:
    """Inline code for a value, as JSON/YAML would spell it (strings unquoted when plain)."""
    text = value if isinstance(value, str) else json.dumps(value)
    return f"`{text}`" if text != "" else '`""`'


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --- formats: named constrained string types ------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    module: str = ""
    pattern: str = ""
    alias: Any = None


def _alias_format(value: Any) -> tuple[str, str] | None:
    metadata = getattr(value, "__metadata__", ())
    pattern = next((getattr(m, "pattern", None) for m in metadata if getattr(m, "pattern", None)), None)
    described = next((m.description for m in metadata if getattr(m, "description", None)), None)
    return (pattern, described) if pattern and described else None


def known_formats(modules: Mapping[str, Any] | None = None) -> list[Format]:
    """Every named constrained string type (e.g. DNSLabel) in the loaded skills/orchestrator modules.

    skills.types comes first, so a shared type wins over a local alias with the same pattern.
    """
    modules = dict(sys.modules if modules is None else modules)
    names = sorted(
        (n for n in modules if n == "skills.types" or n.startswith(FORMAT_MODULE_PREFIXES)),
        key=lambda n: (n != "skills.types", n),
    )
    out: list[Format] = []
    for module_name in names:
        for attr, value in sorted(vars(modules[module_name]).items()):
            if typing.get_origin(value) is not typing.Annotated or attr.startswith("_"):
                continue
            found = _alias_format(value)
            if found:
                out.append(Format(attr, found[1], module_name, found[0], value))
    return out


def _first_annotated(hint: Any) -> Any:
    """The first Annotated[str, ...] inside Optional/list/Union layers of a type hint, or None."""
    if typing.get_origin(hint) is typing.Annotated:
        return hint
    for arg in typing.get_args(hint):
        found = _first_annotated(arg)
        if found is not None:
            return found
    return None


def field_format(model: type[BaseModel], name: str, formats: Sequence[Format]) -> Format | None:
    """The named type of a field: the alias it was declared with, else one with the same pattern
    (preferring the model's own module, then skills.types)."""
    try:
        hints = typing.get_type_hints(model, include_extras=True)
    except (NameError, TypeError):
        return None
    annotated = _first_annotated(hints.get(name))
    if annotated is None:
        return None
    for fmt in formats:
        if fmt.alias == annotated:
            return fmt
    found = _alias_format(annotated)
    if not found:
        return None
    candidates = [f for f in formats if f.pattern == found[0]]
    candidates.sort(key=lambda f: (f.module != model.__module__, f.module != "skills.types"))
    return candidates[0] if candidates else None


# --- input models ---------------------------------------------------------------------------------------


@dataclass
class _Ctx:
    defs: dict[str, Any]
    formats: list[Format]
    used_formats: dict[str, Format]
    nested: list[tuple[str, str]]  # (def name, where it is used)
    choices: list[tuple[str, list[Any]]]


def _ref_name(node: Mapping[str, Any]) -> str | None:
    ref = node.get("$ref")
    return str(ref).rsplit("/", 1)[-1] if ref else None


def _bounds(node: Mapping[str, Any], low: str, high: str) -> str:
    lo, hi = node.get(low), node.get(high)
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f" (≥ {lo})"
    if lo is None:
        return f" (≤ {hi})"
    return f" ({lo}–{hi})"


def _type(node: Mapping[str, Any], ctx: _Ctx, where: str, fmt: Format | None = None) -> str:
    variants = [v for v in node.get("anyOf", []) if v.get("type") != "null"]
    if node.get("anyOf"):
        return " or ".join(_type(v, ctx, where, fmt) for v in variants)
    ref = _ref_name(node)
    if ref:
        if all(name != ref for name, _ in ctx.nested):
            ctx.nested.append((ref, where))
        return f"{ref} (object)"
    if "enum" in node or "const" in node:
        values = list(node.get("enum", [node.get("const")]))
        if len(values) > MAX_INLINE_CHOICES:
            ctx.choices.append((where, values))
            return f"one of {len(values)} values (below)"
        return ", ".join(code(v) for v in values)
    kind = node.get("type")
    if kind == "array":
        item = _type(node.get("items", {}), ctx, where, fmt)
        return f"list of {item}{_bounds(node, 'minItems', 'maxItems')}"
    if kind == "string":
        pattern = node.get("pattern")
        if fmt is None and pattern:
            fmt = next((f for f in ctx.formats if f.pattern == pattern), None)
        if fmt is not None:
            ctx.used_formats.setdefault(fmt.name, fmt)
            return fmt.name
        if pattern:
            return f"string matching `{pattern}`"
        return "string" + _bounds(node, "minLength", "maxLength")
    if kind == "integer":
        return "integer" + _bounds(node, "minimum", "maximum")
    if kind == "boolean":
        return "boolean"
    if kind == "object":
        return "mapping"
    return str(kind or "any")


def nested_models(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Every model reachable from `model`'s field annotations, by class name (as JSON schema $defs names them)."""
    found: dict[str, type[BaseModel]] = {}
    pending: list[Any] = [model]
    while pending:
        item = pending.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item.__name__ in found:
                continue
            found[item.__name__] = item
            pending.extend(info.annotation for info in item.model_fields.values())
        else:
            pending.extend(typing.get_args(item))
    return found


def _default(name: str, node: Mapping[str, Any], required: bool, model: type[BaseModel] | None) -> str:
    if required:
        return "—"
    if model is not None and name in model.model_fields:
        value = model.model_fields[name].get_default(call_default_factory=True)
        if isinstance(value, BaseModel):
            return "(all defaults)"
    else:
        value = node.get("default")
    return "—" if value is None else code(value)


def _table(schema: Mapping[str, Any], ctx: _Ctx, model: type[BaseModel] | None, prefix: str) -> str:
    """One model's fields; a "Why this default" column when any field carries a `reason`."""
    required = set(schema.get("required", []))
    properties = dict(schema.get("properties", {}))
    reasons = any("reason" in node for node in properties.values())
    rows = []
    for name, node in properties.items():
        is_required = name in required
        fmt = field_format(model, name, ctx.formats) if model else None
        row = [
            f"`{name}`",
            _type(node, ctx, f"{prefix}{name}", fmt),
            _default(name, node, is_required, model),
            "yes" if is_required else "no",
            node.get("description", ""),
        ]
        rows.append([*row, node.get("reason", "")] if reasons else row)
    return table([*HEADER, "Why this default"] if reasons else HEADER, rows)


HEADER = ("Field", "Type", "Default", "Required", "Description")


def inputs_tables(
    model: type[BaseModel], *, formats: Sequence[Format] | None = None, depth: int | None = None
) -> str:
    """The model's fields as a table, one more table per nested model (down to `depth` levels), then the
    allowed values of long enums and the formats used."""
    schema = model.model_json_schema(mode="validation")
    ctx = _Ctx(
        defs=dict(schema.get("$defs", {})),
        formats=list(known_formats() if formats is None else formats),
        used_formats={},
        nested=[],
        choices=[],
    )
    parts = [_table(schema, ctx, model, "")]
    classes = nested_models(model)
    done = 0
    while done < len(ctx.nested):
        name, where = ctx.nested[done]
        done += 1
        if depth is not None and where.count(".") >= depth:
            continue
        sub = ctx.defs[name]
        intro = f"**{name}** (used by `{where}`)"
        if sub.get("description"):
            intro += f": {' '.join(str(sub['description']).split())}"
        parts.append(intro + "\n\n" + _table(sub, ctx, classes.get(name), f"{where}."))
    if ctx.choices:
        lines = ["**Allowed values**", ""]
        lines += [f"- `{where}`: " + ", ".join(code(v) for v in values) for where, values in ctx.choices]
        parts.append("\n".join(lines))
    if ctx.used_formats:
        rows = [
            (f"`{f.name}`", f.description) for f in sorted(ctx.used_formats.values(), key=lambda f: f.name)
        ]
        parts.append("**Formats**\n\n" + table(("Format", "Meaning"), rows))
    return "\n\n".join(parts)


# --- versions -------------------------------------------------------------------------------------------

PROFILE_LABELS: dict[str, str] = {
    "ai_gateway": "AI Gateway",
    "envoy_gateway": "Envoy Gateway",
    "gateway_api": "Gateway API",
    "inference_extension": "Inference Extension",
    "aigw_api_version": "AI Gateway apiVersion",
    "backend_tls_policy_api_version": "BackendTLSPolicy apiVersion",
    "max_rules": "Max rules per AIGatewayRoute",
    "prefix_field": "`schema.prefix` field",
    "anthropic_prefix": "`prefix` for Anthropic schema",
    "route_hostnames": "Route `hostnames`",
    "rule_names": "Rule `name`, `streamIdleTimeout`",
    "quota_policy": "QuotaPolicy CRD",
    "gcp_adc": "GCP ADC (no key file)",
    "credential_override": "`credentialOverride`",
    "docs": "Docs version",
    "gateway_config": "GatewayConfig CRD",
    "route_filter_config": "Route `filterConfig`",
    "global_llm_request_costs": "`globalLLMRequestCosts`",
    "mcp_route": "MCPRoute CRD",
    "mcp_backend_extras": "MCPRoute `forwardHeaders`, `queryParam`, tool `exclude`",
    "mcp_hostnames": "MCPRoute `hostnames`",
    "forward_proxy": "GatewayConfig `forwardProxy`",
}


def profile_fields() -> list[str]:
    return matrix_fields()


def _flag(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def version_table(
    columns: Sequence[str], profiles: Mapping[str, VersionProfile] = PROFILES, default: str | None = None
) -> str:
    """One row per supported AI Gateway release; `columns` are VersionProfile field names."""
    unknown = [c for c in columns if c not in PROFILE_LABELS]
    if unknown:
        raise KeyError(f"no label for VersionProfile field(s) {unknown}; add them to PROFILE_LABELS")
    header = ["AI Gateway", *(PROFILE_LABELS[c] for c in columns if c != "ai_gateway")]
    rows = []
    for key, prof in profiles.items():
        name = f"{key} (default)" if key == default else key
        rows.append([name, *(_flag(getattr(prof, c)) for c in columns if c != "ai_gateway")])
    return table(header, rows)


def version_matrix(profiles: Mapping[str, VersionProfile] = PROFILES, default: str | None = None) -> str:
    """Every VersionProfile field as a row, one column per release (the wide table, transposed)."""
    header = ["", *(f"{k} (default)" if k == default else k for k in profiles)]
    rows = [
        [PROFILE_LABELS[name], *(_flag(getattr(p, name)) for p in profiles.values())]
        for name in profile_fields()
        if name != "ai_gateway"
    ]
    return table(header, rows)
