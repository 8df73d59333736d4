"""``x-kubernetes-validations`` (CEL) rules, evaluated at every schema level as the API server does on create.

A rule on an object sees that object as ``self``; a rule on a list sees the list; list items and map values are
checked one by one. Rules that mention ``oldSelf`` are transition rules and do not run on create. Rules run on
the defaulted object with absent optional fields absent, so ``has()`` behaves as in the API server.

Failures read like the API server's: ``spec.rules[0]: Invalid value: "object": <message>``, honouring
``messageExpression``, ``fieldPath`` and ``reason``. A rule cel-python cannot compile or evaluate is never a silent
pass: it becomes a :class:`CelViolation` with ``unsupported=True`` (reported as ``cel-unsupported`` warnings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from orchestrator.engine.cel_eval import CelRuntimeError, CelUnsupported
from orchestrator.engine.cel_library import CompileFailure, compile_rule
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


def build_plan(schema: dict[str, Any]) -> CelNode | None:
    """The rule-carrying skeleton of ``schema``, or None when no rule is reachable from it."""
    node = CelNode(schema=schema, rules=_rule_specs(schema))
    for name, prop in (schema.get("properties") or {}).items():
        child = build_plan(prop) if isinstance(prop, dict) else None
        if child is not None:
            node.props[name] = child
    if isinstance(schema.get("items"), dict):
        node.items = build_plan(schema["items"])
    if isinstance(schema.get("additionalProperties"), dict):
        node.additional = build_plan(schema["additionalProperties"])
    if node.rules or node.props or node.items or node.additional:
        return node
    return None


def plan_for(crd: CRDVersion, crdset: CRDSet) -> CelNode | None:
    key = ("cel-plan", crd.gvk)
    if key not in crdset.cache:
        crdset.cache[key] = build_plan(dict(crd.schema))
    plan: CelNode | None = crdset.cache[key]
    return plan


def evaluate_rules(obj: dict[str, Any], crd: CRDVersion, crdset: CRDSet) -> list[CelViolation]:
    """Evaluate every applicable rule of ``crd`` against the (defaulted) object."""
    plan = plan_for(crd, crdset)
    out: list[CelViolation] = []
    if plan is not None:
        _walk(obj, plan, "", out)
    return out


def _walk(raw: Any, node: CelNode, path: str, out: list[CelViolation]) -> None:
    if node.rules:
        for spec in node.rules:
            violation = check_rule(spec, raw, node.type_name, path)
            if violation is not None:
                out.append(violation)
    if isinstance(raw, dict):
        for name, child in node.props.items():
            sub = raw.get(name)
            if sub is not None:
                _walk(sub, child, join_path(path, name), out)
        if node.additional is not None:
            for key, sub in raw.items():
                if sub is not None:
                    _walk(sub, node.additional, f"{path}[{key}]", out)
    elif isinstance(raw, list) and node.items is not None:
        for i, sub in enumerate(raw):
            if sub is not None:
                _walk(sub, node.items, f"{path}[{i}]", out)


def _unsupported(path: str, rule: str, reason: str) -> CelViolation:
    message = f"rule not checked: cel-python cannot evaluate it ({reason}): {rule.strip()}"
    return CelViolation(path=path, message=message, rule=rule, unsupported=True)


def _field_path(path: str, field_path: str | None) -> str:
    if not field_path:
        return path
    rel = re.sub(r"\['([^']*)'\]", r"[\1]", field_path).lstrip(".")
    return join_path(path, rel) if not rel.startswith("[") else path + rel


def _detail(spec: RuleSpec, value: Any) -> str:
    if spec.message_expression:
        program = compile_rule(spec.message_expression)
        if not isinstance(program, CompileFailure):
            try:
                result = program({"self": value})
            except Exception:
                result = None
            if isinstance(result, str) and result.strip():
                return str(result)
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
    """Evaluate one rule with ``self`` = ``value``; None when it holds."""
    program = compile_rule(spec.rule)
    if isinstance(program, CompileFailure):
        return _unsupported(path, spec.rule, program.reason)
    try:
        result = program({"self": value})
    except CelRuntimeError as exc:
        detail = f"{exc} evaluating rule: {spec.rule.strip()}"
        return CelViolation(path=path, message=f'Invalid value: "{type_name}": {detail}', rule=spec.rule)
    except CelUnsupported as exc:
        return _unsupported(path, spec.rule, str(exc))
    except Exception as exc:
        return _unsupported(path, spec.rule, f"{type(exc).__name__}: {exc}")
    if isinstance(result, bool):
        return None if result else _failure(spec, type_name, path, _detail(spec, value))
    return _unsupported(path, spec.rule, f"result is {type(result).__name__}, not bool")
