"""A cost budget for CRD validation rules, in the spirit of the API server's (so a rule cannot run away).

The API server stops a rule whose runtime cost passes ``PerCallLimit`` and the rules of an object whose total
cost passes ``RuntimeCELCostBudget`` (k8s.io/apiserver ``pkg/apis/cel/config.go``; the messages come from
``apiextensions-apiserver`` ``pkg/apiserver/schema/cel/validation.go``). cel-cpp has no cost tracker, so the cost
is bounded *before* a rule runs: the rule's syntax tree (read back from the compiled program) and the sizes of
the value it will see give an upper bound — comprehensions multiply by the length of what they iterate, string
functions add a tenth of the string length, list concatenation adds the length of the result (cel-cpp copies
the accumulator of ``map``/``filter``). A rule over small values costs what its syntax costs.

The units follow cel-go's (``checker/cost.go``): 1 per variable, field or call, 0.1 per string character
traversed. The bound is built to stay above the real work (every comprehension is charged its full length, every
string function the longest string in reach), so a rule that passes the check cannot run away; cel-cpp's own
limit of 10,000 comprehension iterations per evaluation stays on as a second guard.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PER_CALL_LIMIT = 1_000_000  # k8s.io/apiserver pkg/apis/cel/config.go PerCallLimit
RUNTIME_BUDGET = 10_000_000  # k8s.io/apiserver pkg/apis/cel/config.go RuntimeCELCostBudget


@dataclass(frozen=True)
class Size:
    """An upper bound on a value: the longest list or map and the longest string anywhere inside it."""

    items: int = 0
    chars: int = 0

    def join(self, other: Size) -> Size:
        return Size(max(self.items, other.items), max(self.chars, other.chars))


Scope = dict[str, Size]
Bound = Callable[[Scope], tuple[float, Size]]  # (cost, size of the result)
_SCALAR = Size()

# Functions that read a string argument end to end (cel-go charges 0.1 per character).
_TRAVERSING = frozenset(
    {
        "contains", "startsWith", "endsWith", "lowerAscii", "upperAscii", "trim", "indexOf", "lastIndexOf",
        "substring", "charAt", "replace", "split", "join", "reverse", "format", "quote", "string", "bytes",
        "duration", "timestamp", "int", "uint", "double", "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_", "_+_",
    }
)  # fmt: skip
# Functions whose result is a string or list built from their arguments (the rest return scalars).
_GROWING = frozenset({"_+_", "lowerAscii", "upperAscii", "trim", "substring", "reverse", "format", "dyn"})
_SELECTING = frozenset({"_[_]", "_?_:_", "dyn"})


class WireError(ValueError):
    """The serialized program is not the protobuf this reader expects."""


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        if pos >= len(buf):
            raise WireError("truncated varint")
        byte = buf[pos]
        pos += 1
        out |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return out, pos
        shift += 7


def _fields(buf: bytes) -> list[tuple[int, Any]]:
    """(field number, value) of one protobuf message: ints for varints, bytes for everything else."""
    out: list[tuple[int, Any]] = []
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 2:
            length, pos = _varint(buf, pos)
            value, pos = buf[pos : pos + length], pos + length
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            value, pos = buf[pos : pos + width], pos + width
        else:
            raise WireError(f"unexpected wire type {wire}")
        out.append((number, value))
    return out


def _field(buf: bytes, number: int) -> Any:
    return next((v for n, v in _fields(buf) if n == number), b"")


def expression_tree(serialized: bytes) -> bytes:
    """The ``cel.expr.Expr`` inside a serialized program (an ``Any`` holding a CheckedExpr or a ParsedExpr)."""
    any_fields = dict(_fields(serialized))
    type_url = bytes(any_fields.get(1, b"")).decode()
    body = bytes(any_fields.get(2, b""))
    # cel-spec proto/cel/expr/checked.proto: CheckedExpr.expr = 4; syntax.proto: ParsedExpr.expr = 2.
    if type_url.endswith("cel.expr.CheckedExpr"):
        return bytes(_field(body, 4))
    if type_url.endswith("cel.expr.ParsedExpr"):
        return bytes(_field(body, 2))
    raise WireError(f"unexpected program type {type_url!r}")


def _chars(size: Size) -> float:
    return math.ceil(0.1 * size.chars)


def bound(expr: bytes) -> Bound:
    """A function from the sizes of the variables in scope to (cost bound, result size bound) of ``expr``.

    Field numbers are cel-spec's ``proto/cel/expr/syntax.proto``: Expr const 3, ident 4, select 5, call 6,
    list 7, struct 8, comprehension 9.
    """
    for number, body in _fields(expr):
        if number == 3:
            return _constant(bytes(body))
        if number == 4:
            name = bytes(_field(bytes(body), 1)).decode()
            return lambda scope: (1.0, scope.get(name, _SCALAR))
        if number == 5:
            operand = bound(bytes(_field(bytes(body), 1)))
            return lambda scope: _plus(operand(scope), 1.0)
        if number == 6:
            return _call(bytes(body))
        if number in (7, 8):
            return _literal(bytes(body), number)
        if number == 9:
            return _comprehension(bytes(body))
    return lambda scope: (0.0, _SCALAR)


def self_reads(expr: bytes) -> frozenset[str] | None:
    """The fields of ``self`` an expression reads (``self.a``, ``has(self.b)``), or None when it uses ``self``
    otherwise (iterates it, passes it to a function, compares it whole): then it may read anything."""
    out: set[str] = set()
    pending = [expr]
    while pending:
        for number, body in _fields(pending.pop()):
            if number == 4 and bytes(_field(bytes(body), 1)) == b"self":
                return None
            if number == 5:  # Select: operand 1, field 2
                operand = bytes(_field(bytes(body), 1))
                if any(n == 4 and bytes(_field(bytes(v), 1)) == b"self" for n, v in _fields(operand)):
                    out.add(bytes(_field(bytes(body), 2)).decode())
                else:
                    pending.append(operand)
            elif number == 6:  # Call: target 1, args 3
                pending += [bytes(v) for n, v in _fields(bytes(body)) if n in (1, 3)]
            elif number == 7:  # CreateList: elements 1
                pending += [bytes(v) for n, v in _fields(bytes(body)) if n == 1]
            elif number == 8:  # CreateStruct: entries 2 (map_key 3, value 4)
                for n, entry in _fields(bytes(body)):
                    if n == 2:
                        pending += [bytes(v) for k, v in _fields(bytes(entry)) if k in (3, 4)]
            elif number == 9:  # Comprehension: a variable named self would shadow it
                parts = _fields(bytes(body))
                if any(n in (1, 3, 8) and bytes(v) == b"self" for n, v in parts):
                    return None
                pending += [bytes(v) for n, v in parts if n in (2, 4, 5, 6, 7)]
    return frozenset(out)


def _plus(result: tuple[float, Size], extra: float) -> tuple[float, Size]:
    return result[0] + extra, result[1]


def _constant(body: bytes) -> Bound:
    size = _SCALAR
    for number, value in _fields(body):
        if number in (6, 7):  # string_value, bytes_value
            size = Size(0, len(value))
    return lambda scope: (0.0, size)


def _literal(body: bytes, number: int) -> Bound:
    parts: list[Bound] = []
    if number == 7:  # CreateList.elements = 1
        parts = [bound(bytes(v)) for n, v in _fields(body) if n == 1]
    else:  # CreateStruct.entries = 2; Entry.map_key = 3, Entry.value = 4
        for n, entry in _fields(body):
            if n == 2:
                parts += [bound(bytes(v)) for k, v in _fields(bytes(entry)) if k in (3, 4)]
    count = len(parts)

    def run(scope: Scope) -> tuple[float, Size]:
        cost, size = 10.0, Size(count, 0)
        for part in parts:
            c, s = part(scope)
            cost, size = cost + c, size.join(s)
        return cost, size

    return run


def _call(body: bytes) -> Bound:
    name, target, args = "", None, []
    for number, value in _fields(body):
        if number == 1:
            target = bound(bytes(value))
        elif number == 2:
            name = bytes(value).decode()
        elif number == 3:
            args.append(bound(bytes(value)))
    operands = ([target] if target else []) + args

    def run(scope: Scope) -> tuple[float, Size]:
        cost, sizes = 1.0, []
        for operand in operands:
            c, s = operand(scope)
            cost += c
            sizes.append(s)
        joined = Size()
        for s in sizes:
            joined = joined.join(s)
        if name == "matches" and len(sizes) == 2:
            cost += max(1.0, _chars(sizes[0])) * max(1.0, math.ceil(0.25 * sizes[1].chars))
        elif name in _TRAVERSING:
            cost += _chars(joined)
        if name in ("_+_", "@in"):
            cost += sum(s.items for s in sizes)  # lists copied or scanned element by element
        if name == "_+_":
            return cost, Size(sum(s.items for s in sizes), sum(s.chars for s in sizes))
        if name == "split":
            return cost, Size(sizes[0].chars + 1 if sizes else 0, joined.chars)
        if name == "replace" and len(sizes) >= 3:
            return cost, Size(0, sizes[0].chars * max(1, sizes[2].chars))
        if name in _GROWING or name in _SELECTING:
            return cost, joined
        if name == "string":
            return cost, Size(0, max(joined.chars, 32))
        return cost, _SCALAR

    return run


def _comprehension(body: bytes) -> Bound:
    # syntax.proto Comprehension: iter_var 1, iter_range 2, accu_var 3, accu_init 4, loop_condition 5,
    # loop_step 6, result 7, iter_var2 8.
    parts = dict(_fields(body))
    iter_var = bytes(parts.get(1, b"")).decode()
    iter_var2 = bytes(parts.get(8, b"")).decode()
    accu_var = bytes(parts.get(3, b"")).decode()
    iter_range, init, condition, step, result = (bound(bytes(parts.get(n, b""))) for n in (2, 4, 5, 6, 7))

    def run(scope: Scope) -> tuple[float, Size]:
        range_cost, range_size = iter_range(scope)
        init_cost, init_size = init(scope)
        loops = range_size.items
        inner = {**scope, iter_var: range_size, accu_var: init_size}
        if iter_var2:
            inner[iter_var2] = range_size
        # One step, sized with the initial accumulator. Macros name the accumulator once in their step (map:
        # @result + [f(x)], filter: p(x) ? @result + [x] : @result, all/exists: @result && p(x)), so a step on
        # the grown accumulator costs at most what it adds. Each sub-expression is bounded once: nested
        # comprehensions stay linear in the rule's size.
        step_cost, first = step(inner)
        growth = max(0, first.items - init_size.items)
        accu = Size(init_size.items + loops * growth, max(init_size.chars, first.chars))
        condition_cost, _ = condition({**inner, accu_var: accu})
        result_cost, result_size = result({**scope, accu_var: accu})
        per_loop = condition_cost + step_cost + loops * growth + 1.0
        return range_cost + init_cost + loops * per_loop + result_cost, result_size

    return run


def round_up(n: int) -> int:
    """``n`` rounded up to the next of 0..8, 10, 12, 14, 16, 20, 24, 28, 32, 40 … (at most 25% more)."""
    if n <= 8:
        return n
    step = 1 << (n.bit_length() - 3)
    return -(-n // step) * step


class RuleCost:
    """A rule's cost bound as a function of the :class:`Size` of ``self``.

    Bounds grow with sizes, so the bound at sizes rounded up by at most 25% is still a bound; it is cached per
    rounded size, which makes the check a dictionary lookup for most objects. A rule whose cost does not depend
    on sizes (field tests, comparisons of numbers) has a ``constant`` cost and needs no measuring at all.
    """

    def __init__(self, expr: bytes) -> None:
        self._bound = bound(expr)
        low, high = self.exact(Size()), self.exact(Size(10**6, 10**6))
        self.constant: float | None = low if low == high else None
        self._cache: dict[tuple[int, int], float] = {}

    def exact(self, size: Size) -> float:
        return self._bound({"self": size})[0]

    def __call__(self, size: Size) -> float:
        if self.constant is not None:
            return self.constant
        key = (round_up(size.items), round_up(size.chars))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self.exact(Size(*key))
        return found


class GroupCost:
    """The summed bounds of the rules that run on one value (one check per schema node instead of per rule)."""

    def __init__(self, costs: tuple[RuleCost, ...]) -> None:
        self.costs = costs
        constants = [c.constant for c in costs]
        self.constant: float | None = sum(c for c in constants if c is not None)
        if any(c is None for c in constants):
            self.constant = None
        self._cache: dict[tuple[int, int], float] = {}

    def __call__(self, size: Size) -> float:
        if self.constant is not None:
            return self.constant
        key = (round_up(size.items), round_up(size.chars))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = sum(c(Size(*key)) for c in self.costs)
        return found


# A bound the schema itself guarantees is charged without measuring the object when it is at most this (so
# even 10,000 rule runs in one object stay within RuntimeCELCostBudget); above it the object is measured.
DECLARED_CHARGE_LIMIT = 1_000


def declared_size(schema: Any) -> Size | None:
    """The largest :class:`Size` a value valid against ``schema`` can have (``maxItems``, ``maxLength``, enums),
    or None when the schema leaves a list, map or string unbounded. CEL runs only on objects that passed the
    schema, so this bound holds for them without looking at the object (what the API server's static cost
    estimate relies on)."""
    if not isinstance(schema, dict) or schema.get("x-kubernetes-preserve-unknown-fields"):
        return None
    if schema.get("x-kubernetes-int-or-string"):
        return Size(0, schema["maxLength"]) if isinstance(schema.get("maxLength"), int) else None
    kind = schema.get("type")
    if kind in ("integer", "number", "boolean"):
        return _SCALAR
    if kind == "string":
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return Size(0, max(len(str(v)) for v in schema["enum"]))
        return Size(0, schema["maxLength"]) if isinstance(schema.get("maxLength"), int) else None
    if kind == "array":
        child = declared_size(schema.get("items"))
        limit = schema.get("maxItems")
        if child is None or not isinstance(limit, int):
            return None
        return Size(max(limit, child.items), child.chars)
    # An object without declared properties is ObjectMeta (``metadata``) or free-form: not bounded here.
    if kind == "object" and schema.get("properties") and not schema.get("additionalProperties"):
        size = Size(
            len(schema.get("properties") or {}), max(map(len, schema.get("properties") or {}), default=0)
        )
        for prop in (schema.get("properties") or {}).values():
            child = declared_size(prop)
            if child is None:
                return None
            size = size.join(child)
        return size
    return None


def measure(value: Any) -> Size:
    """The :class:`Size` of a JSON value: its longest list or map and longest string (keys included)."""
    if value.__class__ is str:
        return Size(0, len(value))
    items = chars = 0
    stack = [value] if value.__class__ is dict or value.__class__ is list else []
    while stack:
        node = stack.pop()
        if len(node) > items:
            items = len(node)
        children: Any = node
        if node.__class__ is dict:
            longest = max(map(len, node), default=0)
            if longest > chars:
                chars = longest
            children = node.values()
        for child in children:
            cls = child.__class__
            if cls is str:
                if len(child) > chars:
                    chars = len(child)
            elif cls is dict or cls is list:
                stack.append(child)
    return Size(items, chars)
