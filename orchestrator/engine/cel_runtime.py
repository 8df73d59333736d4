"""CEL for CRD validation rules, on cel-expr-python (the CEL maintainers' Python runtime over cel-cpp).

One environment for every rule: ``self`` is dynamically typed (a JSON value), and the strings extension supplies
``lowerAscii()``, ``split()`` and the rest of the Kubernetes strings library. Every function the upstream CRDs
call (AI Gateway, Envoy Gateway, Gateway API, Inference Extension, every release in ``crds-releases``) is
standard CEL or in that extension; a rule that calls anything else (``quantity()``, ``url()``, ``ip()`` …) fails
to compile and is reported as not checked, never passed. Programs are compiled once per rule text, together
with their cost bound (:mod:`orchestrator.engine.cel_cost`).

Runtime errors are worded as cel-go words them, because that is what ``kubectl apply`` prints: ``no such key:
x``, ``index out of bounds: 3``, ``division by zero``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from orchestrator.engine.cel_cost import RuleCost, WireError, expression_tree, self_reads
from skills.cost_cel import cel_message


@dataclass(frozen=True)
class CompileFailure:
    """Why a rule cannot run here (a syntax error, an undeclared function)."""

    rule: str
    reason: str


@dataclass(frozen=True)
class Program:
    rule: str
    expression: Any  # cel_expr_python.cel.Expression
    cost: RuleCost
    reads: frozenset[str] | None  # the fields of self it reads; None: possibly all of self


class EvalError(Exception):
    """The rule ran and failed with an evaluation error the API server reports too."""


class EvalUnsupported(Exception):
    """The rule ran into something this runtime cannot decide as the API server would."""


class IterationLimit(Exception):
    """cel-cpp stopped the rule at its limit of comprehension iterations."""


_ENV: Any = None
_ERROR: Any = None  # cel_expr_python.cel.Type.ERROR, once the runtime is loaded
_PROGRAMS: dict[str, Program | CompileFailure] = {}
# Compiling costs cel-cpp time that grows with the text (a 78 KB rule of macros takes about a second): rules
# longer than this are not compiled. The longest rule in any shipped CRD set has 1,270 characters.
MAX_RULE_CHARS = 16_384
# Compiled programs kept per process (a long-running server fed many CRDs must not grow without end).
MAX_CACHED = 4_096
# cel-cpp's runtime error texts -> the wording cel-go (and so the API server) uses.
_GO_WORDING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r'Key not found in map : "?(.*?)"?$'), r"no such key: \1"),
    (re.compile(r"Index error: index=(-?\d+) size=\d+"), r"index out of bounds: \1"),
    (re.compile(r"^divide by zero$"), "division by zero"),
    (re.compile(r"^String to Duration conversion failed$"), "invalid duration"),
)


def environment() -> Any:
    """The shared compile/run environment, built on first use (cheap: under a millisecond)."""
    global _ENV, _ERROR
    if _ENV is None:
        from cel_expr_python import cel
        from cel_expr_python.ext import ext_strings

        _ENV = cel.NewEnv(variables={"self": cel.Type.DYN}, extensions=[ext_strings.ExtStrings()])
        _ERROR = cel.Type.ERROR
    return _ENV


def clean_message(raw: str) -> str:
    """A cel-cpp message as the API server would word it (see :func:`skills.cost_cel.cel_message`)."""
    text = cel_message(raw)
    for pattern, replacement in _GO_WORDING:
        if pattern.search(text):
            return pattern.sub(replacement, text)
    return text


def compile_rule(rule: str) -> Program | CompileFailure:
    """The compiled program for ``rule`` (or why it cannot run here), once per rule text."""
    found = _PROGRAMS.get(rule)
    if found is None and len(rule) > MAX_RULE_CHARS:
        found = CompileFailure(rule, f"longer than {MAX_RULE_CHARS} characters; not compiled here")
    elif found is None:
        try:
            expression = environment().compile(rule)
            tree = expression_tree(expression.serialize())
            found = Program(rule, expression, RuleCost(tree), self_reads(tree))
        except (WireError, RecursionError) as exc:
            found = CompileFailure(rule, f"cannot bound its cost: {exc}")
        except (RuntimeError, ValueError) as exc:  # cel-cpp reports every compile error as RuntimeError
            found = CompileFailure(rule, clean_message(str(exc)))
        if len(_PROGRAMS) >= MAX_CACHED:
            _PROGRAMS.clear()
        _PROGRAMS[rule] = found
    return found


_GROUPS: dict[tuple[str, ...], Any] = {}


def run_together(programs: tuple[Program, ...], bindings: Any) -> list[bool] | None:
    """Every program's boolean result from one evaluation (``[r1, r2, …]``), or None when any of them errs, is
    not a bool, or the group cannot be compiled: then each must run on its own, as errors are per rule. One
    call instead of several is most of the saving: a cel-cpp evaluation costs microseconds of overhead."""
    rules = tuple(p.rule for p in programs)
    group: Any = _GROUPS.get(rules)
    if group is None:
        try:  # a newline after each rule ends any // comment in it
            group = environment().compile("[" + ",".join(f"({r}\n)" for r in rules) + "]")
        except RuntimeError:
            group = False
        if len(_GROUPS) >= MAX_CACHED:
            _GROUPS.clear()
        _GROUPS[rules] = group
    if group is False:
        return None
    try:
        values = group.eval(bindings).plain_value()
    except RuntimeError:
        return None
    if isinstance(values, list) and len(values) == len(rules) and all(isinstance(v, bool) for v in values):
        return values
    return None


def activation(value: Any) -> Any:
    """Bindings for ``self`` = ``value``, converted once for every rule at one place in an object."""
    return environment().Activation({"self": value})


def run(program: Program, bindings: Any) -> Any:
    """The rule's result as a plain Python value; :class:`EvalError`, :class:`EvalUnsupported` or
    :class:`IterationLimit` when it does not produce one."""
    try:
        result = program.expression.eval(bindings)
    except RuntimeError as exc:
        raise _classify(str(exc)) from None
    value = result.plain_value()
    if isinstance(value, bool):  # the common case: no type check needed
        return value
    if result.type() == _ERROR:
        raise _classify(str(value))
    return value


def _classify(raw: str) -> Exception:
    text = clean_message(raw)
    if "Iteration budget exceeded" in text:
        return IterationLimit(text)
    if "No matching overloads" in text or "Non-CEL value" in text or "out of range for" in text:
        return EvalUnsupported(text)
    return EvalError(text)
