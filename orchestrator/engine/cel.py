"""``x-kubernetes-validations`` (CEL) rules, evaluated at every schema level as the API server does on create.

A rule on an object sees that object as ``self``; a rule on a list sees the list; list items and map values are
checked one by one. Rules that mention ``oldSelf`` are transition rules and do not run on create. Rules run on
the defaulted object with absent optional fields absent, so ``has()`` behaves as in the API server. The runtime
is cel-cpp (:mod:`orchestrator.engine.cel_runtime`); ``self`` is the value as the API server types it for CEL
(:mod:`orchestrator.engine.cel_values`).

Failures read like the API server's: ``spec.rules[0]: Invalid value: "object": <message>``, honouring
``messageExpression``, ``fieldPath`` and ``reason``. A rule that cannot be compiled or decided here is never a
silent pass: it becomes a :class:`CelViolation` with ``unsupported=True`` (reported as ``cel-unsupported``
warnings). Rules run under the API server's cost limits (:mod:`orchestrator.engine.cel_cost`): a rule whose cost
bound passes the per-call limit, or an object whose rules pass the per-object budget, stops the object's CEL
checks with a ``cost=True`` violation worded as the API server words it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from orchestrator.engine.cel_cost import (
    DECLARED_CHARGE_LIMIT,
    PER_CALL_LIMIT,
    RUNTIME_BUDGET,
    GroupCost,
    RuleCost,
    Size,
    declared_size,
    measure,
)
from orchestrator.engine.cel_runtime import (
    CompileFailure,
    EvalError,
    EvalUnsupported,
    IterationLimit,
    Program,
    activation,
    compile_rule,
    run,
    run_together,
)
from orchestrator.engine.cel_values import ViewPlan, cel_view, view_plan
from orchestrator.engine.crds import CRDSet, CRDVersion
from orchestrator.engine.object_meta import join_path

_OLD_SELF = re.compile(r"\boldSelf\b")


@dataclass(frozen=True)
class RuleSpec:
    rule: str
    message: str | None = None
    message_expression: str | None = None
    field_path: str | None = None
    reason: str | None = None


@dataclass
class CelNode:
    """The part of a schema that carries rules, pruned to the branches that have any."""

    schema: dict[str, Any]
    rules: tuple[RuleSpec, ...] = ()
    props: dict[str, CelNode] = field(default_factory=dict)
    items: CelNode | None = None
    additional: CelNode | None = None
    view: ViewPlan | None = None  # how ``self`` differs from the JSON value here (only where rules run)
    declared: Size | None = None  # the largest value the schema allows here, when it bounds every part
    compiled: tuple[Program | CompileFailure, ...] | None = None  # the rules' programs, on first use
    group_cost: GroupCost | None = None  # their summed cost bound
    reads: frozenset[str] | None = None  # the fields of self they (and their messages) read; None: all
    clean: tuple[Program, ...] | None = None  # the programs, when every rule compiled (the fast path's case)

    def programs(self) -> tuple[Program | CompileFailure, ...]:
        if self.compiled is None:
            self.compiled = tuple(compile_rule(spec.rule) for spec in self.rules)
            self.group_cost = GroupCost(tuple(p.cost for p in self.compiled if isinstance(p, Program)))
            if all(isinstance(p, Program) for p in self.compiled):
                self.clean = tuple(p for p in self.compiled if isinstance(p, Program))
            messages = [compile_rule(s.message_expression) for s in self.rules if s.message_expression]
            reads: set[str] = set()
            for program in (*self.compiled, *messages):
                if isinstance(program, Program):
                    if program.reads is None:
                        break
                    reads |= program.reads
            else:
                self.reads = frozenset(reads)
        return self.compiled

    def visible(self, raw: Any) -> Any:
        """What the rules see of ``raw``: its CEL view, cut down to the fields they read (less to convert and to
        measure; a rule cannot tell the difference)."""
        value = cel_view(raw, self.view)
        if self.reads is not None and isinstance(value, dict):
            return {k: value[k] for k in self.reads if k in value}
        return value

    @property
    def type_name(self) -> str:
        return str(self.schema.get("type", ""))


@dataclass(frozen=True)
class CelViolation:
    """A rule that failed (``unsupported=False``) or that could not be checked here (``unsupported=True``)."""

    path: str
    message: str
    rule: str
    unsupported: bool = False
    cost: bool = False  # the cost limit stopped this object's rules here


def _rule_specs(schema: dict[str, Any]) -> tuple[RuleSpec, ...]:
    specs = []
    for raw in schema.get("x-kubernetes-validations") or []:
        rule = str(raw.get("rule", ""))
        if _OLD_SELF.search(rule) and not raw.get("optionalOldSelf"):
            continue  # a transition rule: the API server evaluates it on update only
        specs.append(
            RuleSpec(
                rule=rule,
                message=raw.get("message") or None,
                message_expression=raw.get("messageExpression") or None,
                field_path=raw.get("fieldPath") or None,
                reason=raw.get("reason") or None,
            )
        )
    return tuple(specs)


def build_plan(schema: dict[str, Any], views: dict[int, ViewPlan | None] | None = None) -> CelNode | None:
    """The rule-carrying skeleton of ``schema``, or None when no rule is reachable from it."""
    views = {} if views is None else views
    node = CelNode(schema=schema, rules=_rule_specs(schema))
    if node.rules:
        node.view = view_plan(schema, views)
        node.declared = declared_size(schema)
    for name, prop in (schema.get("properties") or {}).items():
        child = build_plan(prop, views) if isinstance(prop, dict) else None
        if child is not None:
            node.props[name] = child
    if isinstance(schema.get("items"), dict):
        node.items = build_plan(schema["items"], views)
    if isinstance(schema.get("additionalProperties"), dict):
        node.additional = build_plan(schema["additionalProperties"], views)
    if node.rules or node.props or node.items or node.additional:
        return node
    return None


def plan_for(crd: CRDVersion, crdset: CRDSet) -> CelNode | None:
    key = ("cel-plan", crd.gvk)
    if key not in crdset.cache:
        crdset.cache[key] = build_plan(dict(crd.schema))
    plan: CelNode | None = crdset.cache[key]
    return plan


@dataclass
class _Budget:
    """What is left of the object's cost budget."""

    remaining: float = RUNTIME_BUDGET
    stopped: bool = False


def evaluate_rules(obj: dict[str, Any], crd: CRDVersion, crdset: CRDSet) -> list[CelViolation]:
    """Evaluate every applicable rule of ``crd`` against the (defaulted) object, within the cost budget."""
    plan = plan_for(crd, crdset)
    out: list[CelViolation] = []
    if plan is not None:
        _walk(obj, plan, "", out, _Budget())
    return out


def _walk(raw: Any, node: CelNode, path: str, out: list[CelViolation], budget: _Budget) -> None:
    if budget.stopped:
        return
    if node.rules:
        _check_node(raw, node, path, out, budget)
    if isinstance(raw, dict):
        for name, child in node.props.items():
            sub = raw.get(name)
            if sub is not None:
                _walk(sub, child, join_path(path, name), out, budget)
        if node.additional is not None:
            for key, sub in raw.items():
                if sub is not None:
                    _walk(sub, node.additional, f"{path}[{key}]", out, budget)
    elif isinstance(raw, list) and node.items is not None:
        for i, sub in enumerate(raw):
            if sub is not None:
                _walk(sub, node.items, f"{path}[{i}]", out, budget)


def _check_node(raw: Any, node: CelNode, path: str, out: list[CelViolation], budget: _Budget) -> None:
    """Run the node's rules in order, each charged first; findings keep the rules' order."""
    programs = node.programs()
    assert node.group_cost is not None
    value = node.visible(raw)
    together = _cost(node.group_cost, value, node, len(programs))
    fits = together <= PER_CALL_LIMIT and together <= budget.remaining
    if fits:  # the usual case: every rule fits, so charge them all at once
        budget.remaining -= together
        if node.clean is not None and _all_hold(node.clean, value):
            return  # every rule compiled and holds: nothing to report (failures take the path below)
    slots: list[CelViolation | None] = []
    ready: list[tuple[int, RuleSpec, Program]] = []
    stop = None
    for spec, program in zip(node.rules, programs, strict=True):
        if isinstance(program, CompileFailure):
            slots.append(_unsupported(path, spec.rule, program.reason))
            continue
        stop = None if fits else _charge(program, value, node, path, budget)
        if stop is not None:
            break
        ready.append((len(slots), spec, program))
        slots.append(None)
    if ready:
        bindings = activation(value)
        verdicts = run_together(tuple(p for _, _, p in ready), bindings) if len(ready) > 1 else None
        affordable = functools.partial(_affordable, raw=value, node=node, budget=budget)
        for n, (slot, spec, program) in enumerate(ready):
            if verdicts is None:
                slots[slot] = _decide(spec, program, bindings, node.type_name, path, affordable)
            elif not verdicts[n]:
                slots[slot] = _failure(spec, node.type_name, path, _detail(spec, bindings, affordable))
    out.extend(v for v in slots if v is not None)
    if stop is not None:
        out.append(stop)


def _all_hold(programs: tuple[Program, ...], value: Any) -> bool:
    """Whether every program returns true on ``value``; False on any failure or error, which the caller then
    evaluates rule by rule for its message."""
    bindings = activation(value)
    if len(programs) > 1:
        verdicts = run_together(programs, bindings)
        return verdicts is not None and all(verdicts)
    try:
        return run(programs[0], bindings) is True
    except (EvalError, EvalUnsupported, IterationLimit):
        return False


def _cost(cost: RuleCost | GroupCost, raw: Any, node: CelNode, rules: int = 1) -> float:
    """The bound of running rules with ``cost`` on ``raw`` at ``node``: constant, guaranteed by the schema (when
    small), or from the value's measured sizes."""
    found = cost.constant
    if found is None and node.declared is not None:
        found = cost(node.declared)
        found = found if found <= DECLARED_CHARGE_LIMIT * rules else None
    return found if found is not None else cost(measure(raw))


def _affordable(program: Program, raw: Any, node: CelNode, budget: _Budget) -> bool:
    """Whether ``program`` fits the per-call limit and what is left of the budget (then it is taken)."""
    cost = _cost(program.cost, raw, node)
    if cost <= PER_CALL_LIMIT and cost <= budget.remaining:
        budget.remaining -= cost
        return True
    return False


def _charge(program: Program, raw: Any, node: CelNode, path: str, budget: _Budget) -> CelViolation | None:
    """Take the rule's cost bound from the budget; a violation that stops the object when it does not fit."""
    cost = _cost(program.cost, raw, node)
    type_name = node.type_name
    if cost <= PER_CALL_LIMIT and cost <= budget.remaining:
        budget.remaining -= cost
        return None
    budget.stopped = True
    rule = program.rule.strip()
    if cost > PER_CALL_LIMIT:
        detail = (
            f"no further validation rules will be run due to call cost exceeds limit for rule: {rule} "
            f"(cost bound {cost:.0f} for this object's sizes; limit {PER_CALL_LIMIT})"
        )
    else:
        detail = (
            "validation failed due to running out of cost budget, no further validation rules will be run"
        )
    return CelViolation(path=path, message=f'Invalid value: "{type_name}": {detail}', rule=rule, cost=True)


def _decide(
    spec: RuleSpec,
    program: Program,
    bindings: Any,
    type_name: str,
    path: str,
    affordable: Callable[[Program], bool],
) -> CelViolation | None:
    """Run one rule; None when it holds (``affordable`` says whether its messageExpression may run too)."""
    try:
        result = run(program, bindings)
    except EvalError as exc:
        detail = f"{exc} evaluating rule: {spec.rule.strip()}"
        return CelViolation(path=path, message=f'Invalid value: "{type_name}": {detail}', rule=spec.rule)
    except EvalUnsupported as exc:
        return _unsupported(path, spec.rule, str(exc))
    except IterationLimit:
        # Within the API server's cost limit (checked before the run) but over cel-cpp's fixed limit.
        return _unsupported(
            path, spec.rule, "over cel-cpp's limit of 10000 comprehension iterations per rule"
        )
    if isinstance(result, bool):
        return None if result else _failure(spec, type_name, path, _detail(spec, bindings, affordable))
    return _unsupported(path, spec.rule, f"result is {type(result).__name__}, not bool")


def _unsupported(path: str, rule: str, reason: str) -> CelViolation:
    message = f"rule not checked: it cannot be evaluated here ({reason}): {rule.strip()}"
    return CelViolation(path=path, message=message, rule=rule, unsupported=True)


def _field_path(path: str, field_path: str | None) -> str:
    if not field_path:
        return path
    rel = re.sub(r"\['([^']*)'\]", r"[\1]", field_path).lstrip(".")
    return join_path(path, rel) if not rel.startswith("[") else path + rel


def _detail(spec: RuleSpec, bindings: Any, affordable: Callable[[Program], bool]) -> str:
    """The failure message: the messageExpression's result when it runs within the cost limits and yields text,
    else ``message``, else the rule (as the API server falls back)."""
    if spec.message_expression:
        program = compile_rule(spec.message_expression)
        if isinstance(program, Program) and affordable(program):
            try:
                result = run(program, bindings)
            except (EvalError, EvalUnsupported, IterationLimit):
                result = None
            if isinstance(result, str) and result.strip():
                return result
    if spec.message:
        return spec.message
    return f"failed rule: {spec.rule.strip()}"


def _failure(spec: RuleSpec, type_name: str, path: str, detail: str) -> CelViolation:
    target = _field_path(path, spec.field_path)
    if spec.reason == "FieldValueForbidden":
        text = f"Forbidden: {detail}"
    elif spec.reason == "FieldValueRequired":
        text = f"Required value: {detail}"
    elif spec.reason == "FieldValueDuplicate":
        text = f'Duplicate value: "{type_name}"'
    else:
        text = f'Invalid value: "{type_name}": {detail}'
    return CelViolation(path=target, message=text, rule=spec.rule)


def check_rule(spec: RuleSpec, value: Any, type_name: str, path: str) -> CelViolation | None:
    """Evaluate one rule with ``self`` = ``value`` (already the CEL view), within the per-call limit; None when
    it holds."""
    program = compile_rule(spec.rule)
    if isinstance(program, CompileFailure):
        return _unsupported(path, spec.rule, program.reason)
    node, budget = CelNode(schema={"type": type_name}), _Budget()
    stop = _charge(program, value, node, path, budget)
    if stop is not None:
        return stop
    affordable = functools.partial(_affordable, raw=value, node=node, budget=budget)
    return _decide(spec, program, activation(value), type_name, path, affordable)
