"""The value a CRD rule sees as ``self``: the JSON object as the API server types it for CEL.

Two differences from the plain JSON value matter to a dynamically typed runtime, and both follow the schema
(k8s.io/apiserver ``pkg/cel/common/values.go`` and ``pkg/cel/escaping.go``):

- a declared property whose name is a CEL reserved word or holds ``-``, ``.``, ``/`` or ``__`` is reached by its
  escaped name (``self.__namespace__``, ``self.a__dash__b``), so the view carries that name too;
- a ``type: number`` field is a double even when written as an integer (``1`` is ``1.0``).

Only the branches of a schema that have either are copied; everything else is passed through as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

# CEL reserved words (k8s.io/apiserver pkg/cel/escaping.go celReservedSymbols).
CEL_RESERVED = frozenset(
    {
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
        "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
    }
)  # fmt: skip
_ESCAPABLE = re.compile(r"^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*\Z")
_EXPAND = re.compile(r"__|\.|-|/")
_ESCAPES = {"__": "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__"}


def escape_property(name: str) -> str | None:
    """The CEL identifier for a declared property (``namespace`` → ``__namespace__``), None when none exists."""
    if name in CEL_RESERVED:
        return f"__{name}__"
    if not _ESCAPABLE.match(name):
        return None
    return _EXPAND.sub(lambda m: _ESCAPES[m.group(0)], name)


@dataclass
class ViewPlan:
    """Where a value differs from its CEL view: escaped names to add, numbers to widen, and children."""

    aliases: tuple[tuple[str, str], ...] = ()  # (escaped name, property name)
    double: bool = False
    props: dict[str, ViewPlan] = field(default_factory=dict)
    items: ViewPlan | None = None
    additional: ViewPlan | None = None


def view_plan(schema: Any, memo: dict[int, ViewPlan | None] | None = None) -> ViewPlan | None:
    """The :class:`ViewPlan` of ``schema``, or None when its values are their own CEL view (``memo``: plans
    already made for sub-schemas, by identity, so nested rule nodes do not walk the same schema again)."""
    if not isinstance(schema, dict):
        return None
    memo = {} if memo is None else memo
    if id(schema) not in memo:
        memo[id(schema)] = _plan(schema, memo)
    return memo[id(schema)]


def _plan(schema: dict[str, Any], memo: dict[int, ViewPlan | None]) -> ViewPlan | None:
    plan = ViewPlan(double=schema.get("type") == "number")
    aliases = []
    for name, prop in (schema.get("properties") or {}).items():
        escaped = escape_property(name)
        if escaped is not None and escaped != name:
            aliases.append((escaped, name))
        child = view_plan(prop, memo)
        if child is not None:
            plan.props[name] = child
    plan.aliases = tuple(aliases)
    plan.items = view_plan(schema.get("items"), memo)
    plan.additional = view_plan(schema.get("additionalProperties"), memo)
    if plan.aliases or plan.double or plan.props or plan.items or plan.additional:
        return plan
    return None


def cel_view(value: Any, plan: ViewPlan | None) -> Any:
    """``value`` as CEL sees it under ``plan`` (the same object when nothing differs)."""
    if plan is None:
        return value
    if plan.double and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict):
        out: dict[str, Any] | None = None
        for name, child in plan.props.items():
            if name in value:
                new = cel_view(value[name], child)
                if new is not value[name]:
                    out = out if out is not None else dict(value)
                    out[name] = new
        if plan.additional is not None:
            for key, sub in value.items():
                new = cel_view(sub, plan.additional)
                if new is not sub:
                    out = out if out is not None else dict(value)
                    out[key] = new
        for escaped, name in plan.aliases:
            if name in value:
                out = out if out is not None else dict(value)
                out[escaped] = out[name]
        return value if out is None else out
    if isinstance(value, list) and plan.items is not None:
        items = [cel_view(v, plan.items) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value
