"""CEL rules: evaluator semantics, API-server messages, transition rules, unsupported rules never passing, and a
differential check against cel-python's own interpreter over every rule the upstream objects reach."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.engine.cel import build_plan
from orchestrator.engine.cel_eval import CelRuntimeError, CelUnsupported
from orchestrator.engine.cel_library import CEL_RESERVED, CompileFailure, compile_rule
from orchestrator.engine.crds import CRDSet
from orchestrator.engine.validate import validate_documents

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


def run(expr: str, value: Any = None) -> Any:
    program = compile_rule(expr)
    assert not isinstance(program, CompileFailure), program
    return program({"self": value})


@pytest.mark.parametrize(
    ("expr", "value", "expected"),
    [
        ("self == 1", 1.0, True),  # heterogeneous numeric equality, as in cel-go
        ("self < 2", 1.5, True),
        ("self == true", 1, False),  # a bool is not a number
        ("self == 'a'", 1, False),  # different types are unequal, not an error
        ("[1, 'a'] == [1, 'a']", None, True),
        ("{'a': 1} == {'a': 1.0}", None, True),
        ("has(self.x) || self.y == 1", {"y": 1}, True),
        ("!has(self.x)", {}, True),
        ("self.all(x, x > 0)", [1, 2], True),
        ("self.exists(x, x == 2)", [1, 2], True),
        ("self.exists_one(x, x.name == 'a')", [{"name": "a"}, {"name": "a"}], False),
        ("self.filter(x, x > 1).size() == 1", [1, 2], True),
        ("self.map(x, x * 2) == [2, 4]", [1, 2], True),
        ("self.map(x, x > 1, x * 10) == [20]", [1, 2], True),
        ("self.all(k, k.startsWith('a'))", {"ab": 1, "ac": 2}, True),
        ("'*' in self && self.size() > 1", ["*", "a"], True),
        ("'k' in self", {"k": 1}, True),
        ('{"Auto":0,"1.0":1}[self] <= 1', "1.0", True),
        ("duration(self) > duration('90s')", "1h30m", True),
        ("duration('500ms') < duration('1s')", None, True),
        ("duration(self) != duration('0s')", "0", False),
        ("self.lowerAscii() == 'authorization'", "AuthoriZation", True),
        ('self.split("/")[0].size() < 253', "example.com/key", True),
        ('self.matches(r"""^(?i)\\.?[a-z_][a-z_0-9]*$""")', "Foo_1", True),  # RE2: inline flag after ^
        ("self.matches('^a+$')", "aaa\n", False),  # RE2 '$' is end of text, not before a trailing newline
        ("self.__namespace__ == 'ns'", {"namespace": "ns"}, True),  # Kubernetes property-name escaping
        ("self.a__dash__b == 1", {"a-b": 1}, True),
        ("7 / 2 == 3 && -7 / 2 == -3 && -7 % 3 == -1", None, True),  # truncating division, Go's remainder
        ("size(self) <= 3", "héé", True),  # characters, not bytes
        ("true ? 1 : 2", None, 1),
        ("self.x.y", {"x": {"y": "z"}}, "z"),
    ],
)
def test_evaluator_follows_cel_semantics(expr: str, value: Any, expected: Any) -> None:
    assert run(expr, value) == expected


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("self.missing == 1 || true", {}),  # error || true
        ("true || self.missing == 1", {}),
        ("self.missing == 1 && false || true", {}),
        ("!(self.missing == 1 && false)", {}),  # error && false is false
        ("self.exists(x, x.missing == 1 || x.ok)", [{"ok": True}]),
    ],
)
def test_logical_operators_absorb_errors_commutatively(expr: str, value: Any) -> None:
    assert run(expr, value) is True


@pytest.mark.parametrize(
    ("expr", "value", "error"),
    [
        ("self.missing", {}, "no such key: missing"),
        ("self[3]", [1], "index out of bounds"),
        ("1 / self", 0, "division by zero"),
        ("duration(self) > duration('1s')", "5 seconds", "invalid duration"),
        ("self + 1", 2**63 - 1, "overflow"),
    ],
)
def test_runtime_errors_are_the_api_servers_evaluation_errors(expr: str, value: Any, error: str) -> None:
    with pytest.raises(CelRuntimeError, match=error):
        run(expr, value)


def test_unknown_function_fails_to_compile_instead_of_passing() -> None:
    failure = compile_rule("self.quantityValue() > 1")
    assert isinstance(failure, CompileFailure)
    assert "quantityValue" in failure.reason


def test_syntax_error_fails_to_compile() -> None:
    assert isinstance(compile_rule("self.a ==="), CompileFailure)


def test_type_mismatch_is_unsupported_not_a_pass() -> None:
    with pytest.raises(CelUnsupported, match="no such overload"):
        run("self > 'a'", 1)


def test_each_rule_text_is_compiled_once() -> None:
    assert compile_rule("self.size() > 0 && true") is compile_rule("self.size() > 0 && true")


def test_reserved_words_cover_the_kubernetes_escape_list() -> None:
    assert {"namespace", "in", "return", "var", "package"} <= CEL_RESERVED


# --- rules on a synthetic CRD: where they run and how failures read


def _crd(spec_schema: dict[str, Any], root_rules: list[dict[str, Any]] | None = None) -> CRDSet:
    root: dict[str, Any] = {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": spec_schema,
        },
    }
    if root_rules:
        root["x-kubernetes-validations"] = root_rules
    doc = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
            "scope": "Namespaced",
            "versions": [
                {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": root}}
            ],
        },
    }
    return CRDSet.from_documents([doc], origin="test")


def _widget(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec}


def _texts(crds: CRDSet, spec: dict[str, Any]) -> list[tuple[str, str, str]]:
    report = validate_documents([_widget(spec)], crds=crds, lint=False)
    return [(f.rule, f.severity, f"{f.path}: {f.message}") for f in report.findings]


def test_rules_run_on_every_list_item_and_map_value_with_their_paths() -> None:
    item = {
        "type": "object",
        "properties": {"n": {"type": "integer"}},
        "x-kubernetes-validations": [{"rule": "self.n > 0", "message": "n must be positive"}],
    }
    crds = _crd(
        {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": item},
                "byName": {"type": "object", "additionalProperties": item},
            },
        }
    )
    found = _texts(crds, {"items": [{"n": 1}, {"n": 0}], "byName": {"a": {"n": -1}}})
    assert found == [
        ("cel", "error", 'spec.items[1]: Invalid value: "object": n must be positive'),
        ("cel", "error", 'spec.byName[a]: Invalid value: "object": n must be positive'),
    ]


def test_rules_see_defaults_and_absent_optional_fields_stay_absent() -> None:
    crds = _crd(
        {
            "type": "object",
            "properties": {"mode": {"type": "string", "default": "Fast"}, "extra": {"type": "string"}},
            "x-kubernetes-validations": [{"rule": "self.mode == 'Fast' && !has(self.extra)", "message": "m"}],
        }
    )
    assert _texts(crds, {}) == []
    assert _texts(crds, {"extra": "x"}) == [("cel", "error", 'spec: Invalid value: "object": m')]


def test_message_expression_field_path_and_reason_shape_the_error() -> None:
    crds = _crd(
        {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "x-kubernetes-validations": [
                {
                    "rule": "self.a < self.b",
                    "messageExpression": "'a (' + string(self.a) + ') must be below b'",
                },
                {
                    "rule": "self.a != 5",
                    "message": "five",
                    "fieldPath": ".a",
                    "reason": "FieldValueForbidden",
                },
                {"rule": "self.b != 9", "reason": "FieldValueRequired", "message": "nine"},
                {"rule": "self.b != 8"},
            ],
        }
    )
    assert _texts(crds, {"a": 5, "b": 1}) == [
        ("cel", "error", 'spec: Invalid value: "object": a (5) must be below b'),
        ("cel", "error", "spec.a: Forbidden: five"),
    ]
    assert _texts(crds, {"a": 1, "b": 9}) == [("cel", "error", "spec: Required value: nine")]
    assert _texts(crds, {"a": 1, "b": 8}) == [
        ("cel", "error", 'spec: Invalid value: "object": failed rule: self.b != 8')
    ]


def test_transition_rules_are_skipped_on_create() -> None:
    crds = _crd(
        {"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "immutable"}]}
    )
    assert _texts(crds, "anything") == []  # type: ignore[arg-type]
    assert build_plan({"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf"}]}) is None


def test_unevaluable_rule_is_a_cel_unsupported_warning_naming_the_rule() -> None:
    crds = _crd(
        {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": True,
            "x-kubernetes-validations": [{"rule": "quantity(self.q).isGreaterThan(quantity('1'))"}],
        }
    )
    (finding,) = _texts(crds, {"q": "2"})
    assert finding[:2] == ("cel-unsupported", "warning")
    assert "quantity(self.q).isGreaterThan(quantity('1'))" in finding[2]


def test_runtime_error_is_reported_like_the_api_server() -> None:
    crds = _crd(
        {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": True,
            "x-kubernetes-validations": [{"rule": "self.x == 1"}],
        }
    )
    assert _texts(crds, {"y": 1}) == [
        ("cel", "error", 'spec: Invalid value: "object": no such key: x evaluating rule: self.x == 1')
    ]


def test_blocking_schema_errors_skip_cel_like_the_api_server() -> None:
    crds = _crd(
        {
            "type": "object",
            "properties": {"kind": {"type": "string", "enum": ["A"]}},
            "x-kubernetes-validations": [{"rule": "false", "message": "never"}],
        }
    )
    found = _texts(crds, {"kind": "B"})
    assert found[0] == ("schema", "error", 'spec.kind: Unsupported value: "B": supported values: "A"')
    assert found[1][:2] == ("cel", "info")
    assert "some validation rules were not checked" in found[1][2]


def test_rule_on_route_timeouts_compares_durations(crd_set: Any) -> None:
    route = {
        "apiVersion": "aigateway.envoyproxy.io/v1beta1",
        "kind": "AIGatewayRoute",
        "metadata": {"name": "r", "namespace": "default"},
        "spec": {
            "rules": [
                {"backendRefs": [{"name": "b"}], "timeouts": {"request": "10s", "backendRequest": "1m"}}
            ]
        },
    }
    report = validate_documents([route], crds=crd_set, lint=False)
    assert [f"{f.path}: {f.message}" for f in report.errors] == [
        'spec.rules[0].timeouts: Invalid value: "object": backendRequest timeout cannot be longer than request timeout'
    ]
    route["spec"]["rules"][0]["timeouts"] = {"request": "0s", "backendRequest": "1m"}  # 0s disables the limit
    assert validate_documents([route], crds=crd_set, lint=False).findings == []


# --- differential check against cel-python's interpreter


def _escape(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            (f"__{k}__" if k in CEL_RESERVED else k.replace("-", "__dash__")): _escape(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_escape(v) for v in value]
    return value


def _rule_inputs(obj: Any, node: Any, out: dict[tuple[str, str], tuple[str, Any]]) -> None:
    for spec in node.rules:
        out[(spec.rule, json.dumps(obj, sort_keys=True))] = (spec.rule, obj)
    if isinstance(obj, dict):
        for name, child in node.props.items():
            if obj.get(name) is not None:
                _rule_inputs(obj[name], child, out)
        if node.additional is not None:
            for v in obj.values():
                _rule_inputs(v, node.additional, out)
    elif isinstance(obj, list) and node.items is not None:
        for v in obj:
            _rule_inputs(v, node.items, out)


def test_evaluator_agrees_with_cel_python_on_every_rule_the_upstream_objects_reach(crd_set: Any) -> None:
    if not (SHARED / "upstream-examples").is_dir():
        pytest.skip("../shared/upstream-examples is not available")
    import celpy

    from orchestrator.engine.cel import plan_for
    from orchestrator.engine.schema import validate_structure

    inputs: dict[tuple[str, str], tuple[str, Any]] = {}
    files = sorted((SHARED / "upstream-examples").rglob("*.yaml")) + sorted(
        (SHARED / "conformance").rglob("*.yaml")
    )
    for path in files:
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            crd = (
                crd_set.get(str(doc.get("apiVersion")), str(doc.get("kind")))
                if isinstance(doc, dict)
                else None
            )
            plan = plan_for(crd, crd_set) if crd else None
            if plan is not None:
                _rule_inputs(validate_structure(doc, crd, crd_set).defaulted, plan, inputs)
    env = celpy.Environment()
    compared = 0
    for rule, value in inputs.values():
        try:
            theirs = bool(
                env.program(env.compile(rule)).evaluate({"self": celpy.json_to_cel(_escape(value))})
            )
        except Exception:
            continue
        assert run(rule, value) is theirs, (rule, value)
        compared += 1
    assert compared >= 150
