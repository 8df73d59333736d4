"""CEL for Kubernetes validation rules: cel-python's parser, the functions the upstream CRDs use, and a compile
cache keyed by rule text.

Beyond standard CEL the AI Gateway, Envoy Gateway, Gateway API and Inference Extension rules use ``lowerAscii()``
and ``split()`` (Kubernetes strings library), ``duration()`` with Go duration strings and ``matches()`` (RE2, as
in the API server). A few more strings/lists functions are here because they are cheap. Anything else makes the
rule fail to compile, which :mod:`orchestrator.engine.cel` reports as ``cel-unsupported`` (never as a pass).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from orchestrator.engine.cel_eval import (
    CelRuntimeError,
    CelUnsupported,
    Duration,
    Env,
    Fn,
    as_bool,
    call,
    cel_arith,
    cel_cmp,
    cel_eq,
    cel_in,
    cel_index,
    logical,
    macro,
    overload,
    parse_duration,
    select,
)
from orchestrator.engine.formats import compiled_pattern

CEL_RESERVED = frozenset(
    {
        "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
        "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
    }
)  # fmt: skip
_ESCAPES = {"__underscores__": "__", "__dot__": ".", "__dash__": "-", "__slash__": "/"}
_ESCAPED = re.compile("|".join(re.escape(k) for k in _ESCAPES))
_MACROS = frozenset({"all", "exists", "exists_one", "filter", "map"})


def unescape_property(ident: str) -> str:
    """The JSON property a CEL identifier stands for (``__namespace__`` → ``namespace``, ``a__dash__b`` → ``a-b``)."""
    if ident.startswith("__") and ident.endswith("__") and ident[2:-2] in CEL_RESERVED:
        return ident[2:-2]
    return _ESCAPED.sub(lambda m: _ESCAPES[m.group(0)], ident)


def _str(name: str, *values: Any) -> None:
    if not all(isinstance(v, str) for v in values):
        raise TypeError(name)


def _on_strings(count: int, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` whose first ``count`` arguments must be strings (otherwise: no such overload)."""

    def run(*args: Any) -> Any:
        if not all(isinstance(a, str) for a in args[:count]):
            raise TypeError("no such overload")
        return fn(*args)

    return run


def _size(x: Any) -> int:
    if isinstance(x, str | bytes | list | dict):
        return len(x)
    raise TypeError("size")


def _matches(s: str, pattern: str) -> bool:
    _str("matches", s, pattern)
    try:
        regex = compiled_pattern(pattern)
    except Exception as exc:  # re2.error
        raise CelRuntimeError(f"invalid regular expression {pattern!r}: {exc}") from exc
    return regex.search(s) is not None


def _split(s: str, sep: str, n: int = -1) -> list[str]:
    _str("split", s, sep)
    if n == 0:
        return []
    if sep == "":
        return list(s) if n < 0 else [*list(s[: n - 1]), s[n - 1 :]] if len(s) >= n else list(s)
    return s.split(sep, n - 1 if n > 0 else -1)


def _ascii_case(s: str, lower: bool) -> str:
    _str("lowerAscii" if lower else "upperAscii", s)
    src, dst = ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
    return s.translate(str.maketrans(src, dst) if lower else str.maketrans(dst, src))


def _substring(s: str, start: int, end: int | None = None) -> str:
    _str("substring", s)
    stop = len(s) if end is None else end
    if not 0 <= start <= stop <= len(s):
        raise CelRuntimeError(f"substring({start}, {end}) out of range")
    return s[start:stop]


def _to_int(x: Any) -> int:
    if isinstance(x, bool):
        raise TypeError("int")
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        if x != x or not -(2.0**63) <= x < 2.0**63:
            raise CelRuntimeError("integer overflow")
        return int(x)
    if isinstance(x, str):
        return int(x)
    if isinstance(x, Duration):
        return x.ns // 10**9
    raise TypeError("int")


def _to_double(x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | str):
        raise TypeError("double")
    return float(x)


def _to_string(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, str | int | float | Duration):
        return str(x)
    if isinstance(x, bytes):
        return x.decode("utf-8")
    raise TypeError("string")


def _to_duration(x: Any) -> Duration:
    if isinstance(x, Duration):
        return x
    _str("duration", x)
    return parse_duration(x)


def _list_values(name: str, items: Any) -> list[Any]:
    if not isinstance(items, list):
        raise TypeError(name)
    return items


def _min_max(name: str, items: Any, pick: Callable[..., Any]) -> Any:
    values = _list_values(name, items)
    if not values:
        raise CelRuntimeError(f"{name} called on an empty list")
    for v in values:
        cel_cmp("<", v, values[0])  # same-type check
    return pick(values)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "size": _size,
    "contains": _on_strings(2, lambda s, sub: sub in s),
    "startsWith": _on_strings(2, str.startswith),
    "endsWith": _on_strings(2, str.endswith),
    "matches": _matches,
    "int": _to_int,
    "double": _to_double,
    "string": _to_string,
    "bool": lambda x: {"true": True, "false": False}[x] if isinstance(x, str) else as_bool(x, "bool"),
    "bytes": lambda x: x.encode("utf-8") if isinstance(x, str) else bytes(x),
    "duration": _to_duration,
    "dyn": lambda x: x,
    "lowerAscii": lambda s: _ascii_case(s, True),
    "upperAscii": lambda s: _ascii_case(s, False),
    "split": _split,
    "trim": _on_strings(1, str.strip),
    "replace": _on_strings(3, lambda s, a, b, n=-1: s.replace(a, b, n if n >= 0 else -1)),
    "indexOf": _on_strings(2, lambda s, sub, start=0: s.find(sub, start)),
    "lastIndexOf": _on_strings(2, str.rfind),
    "substring": _substring,
    "charAt": _on_strings(1, lambda s, i: s[i : i + 1]),
    "join": lambda items, sep="": sep.join(_list_values("join", items)),
    "isSorted": lambda items: all(cel_cmp("<=", a, b) for a, b in pairwise(_list_values("isSorted", items))),
    "sum": lambda items: _sum(_list_values("sum", items)),
    "min": lambda items: _min_max("min", items, min),
    "max": lambda items: _min_max("max", items, max),
}


def _sum(items: list[Any]) -> Any:
    total: Any = 0
    for i in items:
        total = cel_arith("+", total, i)
    return total


_WRAPPERS = frozenset(
    {
        "expr",
        "conditionalor",
        "conditionaland",
        "relation",
        "addition",
        "multiplication",
        "unary",
        "member",
        "primary",
    }
)
_BINARY = {
    "relation_lt": "<", "relation_le": "<=", "relation_gt": ">", "relation_ge": ">=", "relation_eq": "==",
    "relation_ne": "!=", "relation_in": "in", "addition_add": "+", "addition_sub": "-", "multiplication_mul": "*",
    "multiplication_div": "/", "multiplication_mod": "%",
}  # fmt: skip


def _unwrap(tree: Any) -> Any:
    while getattr(tree, "data", None) in _WRAPPERS and len(tree.children) == 1:
        tree = tree.children[0]
    if getattr(tree, "data", None) == "paren_expr":
        return _unwrap(tree.children[0])
    return tree


def _args(tree: Any, index: int) -> list[Any]:
    return list(tree.children[index].children) if len(tree.children) > index else []


def _binary(op: str, left: Fn, right: Fn) -> Fn:
    if op == "==":
        return lambda env: cel_eq(left(env), right(env))
    if op == "!=":
        return lambda env: not cel_eq(left(env), right(env))
    if op == "in":
        return lambda env: cel_in(left(env), right(env))
    if op in ("<", "<=", ">", ">="):
        return lambda env: cel_cmp(op, left(env), right(env))
    return lambda env: cel_arith(op, left(env), right(env))


def _literal(token: Any) -> Any:
    from celpy.evaluation import celbytes, celstr

    text, kind = str(token), token.type
    if kind == "INT_LIT":
        return int(text, 16) if "x" in text.lower() else int(text)
    if kind == "UINT_LIT":
        return int(text[:-1], 16) if "x" in text.lower() else int(text[:-1])
    if kind == "FLOAT_LIT":
        return float(text)
    if kind in ("STRING_LIT", "MLSTRING_LIT"):
        return str(celstr(token))
    if kind == "BYTES_LIT":
        return bytes(celbytes(token))
    if kind == "BOOL_LIT":
        return text == "true"
    if kind == "NULL_LIT":
        return None
    raise CelUnsupported(f"literal {text}")


def _ident(name: str) -> Fn:
    def run(env: Env) -> Any:
        if name in env:
            return env[name]
        raise CelUnsupported(f"undeclared reference to {name!r}")

    return run


def build(tree: Any) -> Fn:
    """Compile one parse (sub)tree into a closure ``env -> value``."""
    tree = _unwrap(tree)
    data, ch = tree.data, tree.children
    if data == "expr":
        cond, yes, no = build(ch[0]), build(ch[1]), build(ch[2])
        return lambda env: yes(env) if as_bool(cond(env), "?:") else no(env)
    if data in ("conditionalor", "conditionaland"):
        return logical("||" if data == "conditionalor" else "&&", build(ch[0]), build(ch[1]))
    if data in ("relation", "addition", "multiplication"):
        op_node = ch[0]
        return _binary(_BINARY[op_node.data], build(op_node.children[0]), build(ch[1]))
    if data == "unary":
        operand = build(ch[1])
        if ch[0].data == "unary_not":
            return lambda env: not as_bool(operand(env), "!")
        return lambda env: _negate(operand(env))
    if data == "member_dot":
        name = str(ch[1])
        return select(build(ch[0]), name, unescape_property(name), presence=False)
    if data == "member_dot_arg":
        return _method(tree)
    if data == "member_index":
        target, key = build(ch[0]), build(ch[1])
        return lambda env: cel_index(target(env), key(env))
    if data == "ident_arg":
        return _function(tree)
    if data == "ident":
        return _ident(str(ch[0]))
    if data == "literal":
        value = _literal(ch[0])
        return lambda env: value
    if data == "list_lit":
        items = [build(e) for e in _args(tree, 0)]
        return lambda env: [i(env) for i in items]
    if data == "map_lit":
        flat = [build(e) for e in _args(tree, 0)]
        pairs = list(zip(flat[0::2], flat[1::2], strict=True))
        return lambda env: {k(env): v(env) for k, v in pairs}
    raise CelUnsupported(f"CEL construct {data}")


def _negate(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | Duration):
        raise overload("-", value)
    if isinstance(value, Duration):
        return Duration(-value.ns)
    return cel_arith("-", 0, value) if isinstance(value, int) else -value


def _method(tree: Any) -> Fn:
    target_tree, name, args = tree.children[0], str(tree.children[1]), _args(tree, 2)
    if name in _MACROS:
        var_tree = _unwrap(args[0]) if args else None
        if var_tree is None or var_tree.data != "ident" or len(args) not in (2, 3):
            raise CelUnsupported(f"malformed macro {name}")
        transform = build(args[2]) if len(args) == 3 else None
        if name != "map" and transform is not None:
            raise CelUnsupported(f"malformed macro {name}")
        return macro(name, build(target_tree), str(var_tree.children[0]), build(args[1]), transform)
    return call(name, [build(target_tree), *(build(a) for a in args)], FUNCTIONS)


def _function(tree: Any) -> Fn:
    name, args = str(tree.children[0]), _args(tree, 1)
    if name == "has":
        inner = _unwrap(args[0]) if len(args) == 1 else None
        if inner is None or inner.data != "member_dot":
            raise CelUnsupported("has() needs a field selection")
        field = str(inner.children[1])
        return select(build(inner.children[0]), field, unescape_property(field), presence=True)
    return call(name, [build(a) for a in args], FUNCTIONS)


@dataclass(frozen=True)
class CompileFailure:
    rule: str
    reason: str


_PARSER: Any = None
_PROGRAMS: dict[str, Fn | CompileFailure] = {}


def parse(text: str) -> Any:
    """Parse CEL with cel-python's grammar (a private parser instance, so other celpy users are unaffected)."""
    global _PARSER
    if _PARSER is None:
        import celpy.celparser
        import lark

        grammar = (Path(celpy.celparser.__file__).parent / "cel.lark").read_text(encoding="utf-8")
        _PARSER = lark.Lark(
            grammar,
            parser="lalr",
            start="expr",
            g_regex_flags=re.M,
            lexer_callbacks={"IDENT": celpy.celparser.CELParser.ambiguous_literals},
            propagate_positions=False,
            maybe_placeholders=False,
            priority="invert",
        )
    return _PARSER.parse(text)


def compile_rule(rule: str) -> Fn | CompileFailure:
    """A closure for ``rule`` (or why it cannot run here), compiled once per rule text."""
    found = _PROGRAMS.get(rule)
    if found is None:
        try:
            found = build(parse(rule))
        except CelUnsupported as exc:
            found = CompileFailure(rule, str(exc))
        except Exception as exc:  # lark raises several syntax error types
            found = CompileFailure(rule, f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}")
        _PROGRAMS[rule] = found
    return found
