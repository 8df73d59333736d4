"""Compile a cel-python parse tree into Python closures that evaluate CEL over plain JSON values.

Why not cel-python's runners: its ``CompiledRunner`` (0.5) turns ``has()`` into a Python ``bool`` so ``!has(x)``
fails, and its interpreter costs about a millisecond per rule, too slow for validating a bundle in a few
milliseconds. The parser, the grammar and the literal decoding are cel-python's; the evaluator follows the CEL
spec as cel-go implements it for Kubernetes: heterogeneous numeric equality and ordering, commutative ``&&``/``||``
over errors, the ``all``/``exists``/``exists_one``/``filter``/``map`` macros, and errors for missing keys.

Values are plain JSON values (``dict``, ``list``, ``str``, ``int``, ``float``, ``bool``, ``None``) plus
:class:`Duration`. Two exception types leave an evaluation: :class:`CelRuntimeError` for what the API server also
reports as an evaluation error (no such key, index out of bounds, division by zero, overflow, a bad duration),
and :class:`CelUnsupported` for anything this evaluator does not implement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Env = dict[str, Any]
Fn = Callable[[Env], Any]

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class CelRuntimeError(Exception):
    """An evaluation error the API server reports too (``no such key: x``, ``division by zero``, …)."""


class CelUnsupported(Exception):
    """A construct or function this evaluator does not implement; the rule is reported, never passed."""


@dataclass(frozen=True, order=True)
class Duration:
    """A CEL ``google.protobuf.Duration``, in nanoseconds."""

    ns: int

    def __str__(self) -> str:
        return f"{self.ns / 1e9:g}s"


_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)")
_UNIT_NS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "ms": 1_000_000,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}


def parse_duration(text: str) -> Duration:
    """Go's ``time.ParseDuration``: ``1h30m``, ``250ms``, ``-1.5s``, ``0``."""
    s = text
    sign = -1 if s.startswith("-") else 1
    s = s.lstrip("+-")
    if s == "0":
        return Duration(0)
    if not s:
        raise CelRuntimeError(f"invalid duration {text!r}")
    pos, total = 0, 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        if not m or m.group(1) in ("", "."):
            raise CelRuntimeError(f"invalid duration {text!r}")
        whole, _, frac = m.group(1).partition(".")
        unit = _UNIT_NS[m.group(2)]
        total += int(whole or 0) * unit + (int(frac) * unit // 10 ** len(frac) if frac else 0)
        pos = m.end()
    return Duration(sign * total)


def kind_of(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "double"
    if isinstance(v, str):
        return "string"
    if isinstance(v, bytes):
        return "bytes"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "map"
    if isinstance(v, Duration):
        return "duration"
    return type(v).__name__


_NUMERIC = frozenset({"int", "double"})


def overload(op: str, *args: Any) -> CelUnsupported:
    kinds = ", ".join(kind_of(a) for a in args)
    return CelUnsupported(f"no such overload: {op}({kinds})")


def cel_eq(a: Any, b: Any) -> bool:
    ka, kb = kind_of(a), kind_of(b)
    if ka in _NUMERIC and kb in _NUMERIC:
        return bool(a == b)
    if ka != kb:
        return False
    if ka == "list":
        return len(a) == len(b) and all(cel_eq(x, y) for x, y in zip(a, b, strict=True))
    if ka == "map":
        return len(a) == len(b) and all(k in b and cel_eq(v, b[k]) for k, v in a.items())
    return bool(a == b)


def cel_cmp(op: str, a: Any, b: Any) -> bool:
    ka, kb = kind_of(a), kind_of(b)
    if not (
        (ka in _NUMERIC and kb in _NUMERIC) or (ka == kb and ka in ("string", "bytes", "bool", "duration"))
    ):
        raise overload(op, a, b)
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    return bool(a >= b)


def _int(value: int) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise CelRuntimeError("integer overflow")
    return value


def cel_arith(op: str, a: Any, b: Any) -> Any:
    ka, kb = kind_of(a), kind_of(b)
    if ka == kb == "int":
        if op == "+":
            return _int(a + b)
        if op == "-":
            return _int(a - b)
        if op == "*":
            return _int(a * b)
        if b == 0:
            raise CelRuntimeError("division by zero" if op == "/" else "modulus by zero")
        quotient = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
        return _int(quotient) if op == "/" else a - b * quotient
    if ka == kb == "double" and op != "%":
        if op == "/":
            return a / b if b else (float("nan") if a == 0 else float("inf") * (1 if a > 0 else -1))
        return {"+": a + b, "-": a - b, "*": a * b}[op]
    if ka == kb and ka in ("string", "bytes", "list") and op == "+":
        return a + b
    if ka == kb == "duration" and op in "+-":
        return Duration(_int(a.ns + b.ns if op == "+" else a.ns - b.ns))
    raise overload(op, a, b)


def cel_in(item: Any, container: Any) -> bool:
    if isinstance(container, list):
        return any(cel_eq(item, x) for x in container)
    if isinstance(container, dict):
        return item in container
    raise overload("in", item, container)


def cel_index(container: Any, key: Any) -> Any:
    if isinstance(container, list):
        if kind_of(key) == "double" and float(key).is_integer():
            key = int(key)
        if kind_of(key) != "int":
            raise overload("[]", container, key)
        if not 0 <= key < len(container):
            raise CelRuntimeError(f"index out of bounds: {key}")
        return container[key]
    if isinstance(container, dict):
        if key not in container:
            raise CelRuntimeError(f"no such key: {key}")
        return container[key]
    raise overload("[]", container, key)


def as_bool(value: Any, op: str) -> bool:
    if isinstance(value, bool):
        return value
    raise overload(op, value)


def logical(op: str, left: Fn, right: Fn) -> Fn:
    """``&&``/``||`` with CEL's commutative treatment of errors: ``error || true`` is ``true``."""
    short = op == "||"  # the value that decides the result on its own

    def run(env: Env) -> bool:
        error: Exception | None = None
        for side in (left, right):
            try:
                if as_bool(side(env), op) is short:
                    return short
            except (CelRuntimeError, CelUnsupported) as exc:
                error = error or exc
        if error is not None:
            raise error
        return not short

    return run


def macro(name: str, target: Fn, var: str, body: Fn, transform: Fn | None) -> Fn:
    def run(env: Env) -> Any:
        coll = target(env)
        if isinstance(coll, dict):
            items: list[Any] = list(coll)
        elif isinstance(coll, list):
            items = coll
        else:
            raise overload(name, coll)
        scope = dict(env)
        if name in ("all", "exists"):
            decisive = name == "exists"
            error: Exception | None = None
            for item in items:
                scope[var] = item
                try:
                    if as_bool(body(scope), name) is decisive:
                        return decisive
                except (CelRuntimeError, CelUnsupported) as exc:
                    error = error or exc
            if error is not None:
                raise error
            return not decisive
        if name == "exists_one":
            count = 0
            for item in items:
                scope[var] = item
                count += as_bool(body(scope), name)
            return count == 1
        out = []
        for item in items:
            scope[var] = item
            if name == "filter":
                if as_bool(body(scope), name):
                    out.append(item)
            elif transform is None:
                out.append(body(scope))
            elif as_bool(body(scope), name):
                out.append(transform(scope))
        return out

    return run


def select(target: Fn, field: str, raw_field: str, presence: bool) -> Fn:
    """``target.field`` (or ``has(target.field)`` when ``presence``); ``raw_field`` is the unescaped JSON key."""

    def run(env: Env) -> Any:
        obj = target(env)
        if not isinstance(obj, dict):
            raise overload(f".{field}", obj)
        key = field if field in obj else raw_field
        if presence:
            return key in obj
        if key not in obj:
            raise CelRuntimeError(f"no such key: {field}")
        return obj[key]

    return run


def call(name: str, args: list[Fn], functions: Mapping[str, Callable[..., Any]]) -> Fn:
    fn = functions.get(name)
    if fn is None:
        raise CelUnsupported(f"undeclared reference to {name!r}")

    def run(env: Env) -> Any:
        values = [a(env) for a in args]
        try:
            return fn(*values)
        except (CelRuntimeError, CelUnsupported):
            raise
        except (TypeError, AttributeError) as exc:
            raise overload(name, *values) from exc
        except (ValueError, IndexError, KeyError, OverflowError) as exc:
            raise CelRuntimeError(f"{name}: {exc}") from exc

    return run
