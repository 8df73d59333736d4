"""CEL rules from CRDs on cel-expr-python: semantics as the API server has them, its messages, the values rules
see (escaped property names, numbers as doubles), transition rules, unsupported rules never passing, and the
cost budget that stops a runaway rule or object."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orchestrator.engine.cel import build_plan
from orchestrator.engine.cel_runtime import (
    CompileFailure,
    EvalError,
    EvalUnsupported,
    Program,
    activation,
    compile_rule,
    run,
)
from orchestrator.engine.cel_values import CEL_RESERVED, cel_view, escape_property, view_plan
from orchestrator.engine.crds import CRDSet, load_crds
from orchestrator.engine.validate import validate_documents
from tests.conftest import shared_path


def evaluate(expr: str, value: Any = None, schema: dict[str, Any] | None = None) -> Any:
    program = compile_rule(expr)
    assert isinstance(program, Program), program
    return run(program, activation(cel_view(value, view_plan(schema or {}))))


@pytest.mark.parametrize(
    ("expr", "value", "expected"),
    [
        ("self == 1", 1.0, True),  # heterogeneous numeric equality, as in cel-go
        ("self < 2", 1.5, True),
        ("self == true", 1, False),  # a bool is not a number
        ("self == 'a'", 1, False),  # different types are unequal, not an error
        ("[1, 'a'] == [1, 'a']", None, True),
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
        ("duration(self) > duration('90s')", "1h30m", True),  # Go duration strings
        ("duration('500ms') < duration('1s')", None, True),
        ("duration(self) != duration('0s')", "0", False),
        ("self.lowerAscii() == 'authorization'", "AuthoriZation", True),  # Kubernetes strings library
        ('self.split("/")[0].size() < 253', "example.com/key", True),
        ('self.matches(r"""^(?i)\\.?[a-z_][a-z_0-9]*$""")', "Foo_1", True),  # RE2: inline flag after ^
        ("self.matches('^a+$')", "aaa\n", False),  # RE2 '$' is end of text, not before a trailing newline
        ("7 / 2 == 3 && -7 / 2 == -3 && -7 % 3 == -1", None, True),  # truncating division, Go's remainder
        ("size(self) <= 3", "héé", True),  # characters, not bytes
        ("true ? 1 : 2", None, 1),
        ("self.x.y", {"x": {"y": "z"}}, "z"),
    ],
)
def test_runtime_follows_cel_semantics(expr: str, value: Any, expected: Any) -> None:
    assert evaluate(expr, value) == expected


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
    assert evaluate(expr, value) is True


@pytest.mark.parametrize(
    ("expr", "value", "error"),
    [
        ("self.missing", {}, "no such key: missing"),
        ("self[3]", [1], "index out of bounds: 3"),
        ("1 / self", 0, "division by zero"),
        ("duration(self) > duration('1s')", "5 seconds", "invalid duration"),
        ("self + 1", 2**63 - 1, "overflow"),
    ],
)
def test_runtime_errors_are_worded_as_the_api_server_words_them(expr: str, value: Any, error: str) -> None:
    with pytest.raises(EvalError, match=error):
        evaluate(expr, value)


def test_unknown_function_fails_to_compile_naming_it() -> None:
    failure = compile_rule("self.quantityValue() > 1")
    assert isinstance(failure, CompileFailure)
    assert failure.reason == "undeclared reference to 'quantityValue' (in container '')"


def test_syntax_error_fails_to_compile() -> None:
    failure = compile_rule("self.a ===")
    assert isinstance(failure, CompileFailure)
    assert failure.reason.startswith("Syntax error")


def test_a_rule_too_long_to_compile_cheaply_is_not_checked_rather_than_passed() -> None:
    rule = " || ".join(f"has(self.f{i})" for i in range(2_000))  # ~26,000 characters
    failure = compile_rule(rule)
    assert isinstance(failure, CompileFailure)
    assert failure.reason == "longer than 16384 characters; not compiled here"


def test_type_mismatch_is_unsupported_not_a_pass() -> None:
    with pytest.raises(EvalUnsupported, match="No matching overloads"):
        evaluate("self > 'a'", 1)


def test_each_rule_text_is_compiled_once() -> None:
    assert compile_rule("self.size() > 0 && true") is compile_rule("self.size() > 0 && true")


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("namespace", "__namespace__"),
        ("in", "__in__"),
        ("a-b", "a__dash__b"),
        ("a.b", "a__dot__b"),
        ("a/b", "a__slash__b"),
        ("a__b", "a__underscores__b"),
        ("plain_name", "plain_name"),
        ("1st", None),  # not reachable from CEL
        ("a b", None),
    ],
)
def test_property_names_are_escaped_as_the_api_server_escapes_them(name: str, escaped: str | None) -> None:
    assert escape_property(name) == escaped


def test_reserved_words_cover_the_kubernetes_escape_list() -> None:
    assert {"namespace", "in", "return", "var", "package"} <= CEL_RESERVED


def test_rules_reach_escaped_properties_and_see_numbers_as_doubles() -> None:
    schema = {
        "type": "object",
        "properties": {
            "namespace": {"type": "string"},
            "x-weight": {"type": "number"},
            "refs": {
                "type": "array",
                "items": {"type": "object", "properties": {"namespace": {"type": "string"}}},
            },
        },
    }
    value = {"namespace": "ns", "x-weight": 1, "refs": [{"namespace": "a"}, {}]}
    assert evaluate("self.__namespace__ == 'ns' && self.x__dash__weight * 0.5 == 0.5", value, schema) is True
    assert evaluate("self.refs.filter(r, has(r.__namespace__)).size() == 1", value, schema) is True
    assert value == {"namespace": "ns", "x-weight": 1, "refs": [{"namespace": "a"}, {}]}  # input untouched
    plain = {"type": "object", "properties": {"name": {"type": "string"}}}
    assert cel_view(value, view_plan(plain)) is value  # nothing to change: no copy


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


# --- the cost budget (k8s.io/apiserver pkg/apis/cel/config.go: PerCallLimit, RuntimeCELCostBudget)

_PAIRS = "self.all(a, self.all(b, self.all(c, a.n != b.n || a.n == c.n)))"  # cubic in the list length


def _list_crd(*rules: str) -> CRDSet:
    item = {"type": "object", "properties": {"n": {"type": "integer"}}}
    return _crd(
        {
            "type": "object",
            "properties": {
                "items": {
                    "type": "array",
                    "items": item,
                    "x-kubernetes-validations": [
                        {"rule": r, "message": f"rule {i}"} for i, r in enumerate(rules)
                    ],
                }
            },
            "x-kubernetes-validations": [{"rule": "self.items.size() < 0", "message": "runs first"}],
        }
    )


def test_a_runaway_rule_is_stopped_by_the_per_call_limit_with_the_api_servers_words() -> None:
    crds = _list_crd(_PAIRS, "false")
    found = _texts(crds, {"items": [{"n": i} for i in range(200)]})  # 8,000,000 iterations if it ran
    earlier, (rule, severity, text) = found  # and the rule after it ("false") did not run
    assert earlier == ("cel", "error", 'spec: Invalid value: "object": runs first')
    assert (rule, severity) == ("cel-cost", "error")
    assert text.startswith(
        'spec.items: Invalid value: "array": no further validation rules will be run due to call cost exceeds '
        f"limit for rule: {_PAIRS} (cost bound "
    )


def test_the_same_rule_runs_on_small_values() -> None:
    crds = _list_crd(_PAIRS, "false")
    found = _texts(crds, {"items": [{"n": 1}, {"n": 1}]})
    assert found == [
        ("cel", "error", 'spec: Invalid value: "object": runs first'),
        ("cel", "error", 'spec.items: Invalid value: "array": rule 1'),
    ]


def test_rules_that_each_fit_stop_when_the_objects_budget_runs_out() -> None:
    from orchestrator.engine.cel_cost import PER_CALL_LIMIT, RUNTIME_BUDGET, Size

    pairwise = "self.all(a, self.all(b, a.s.startsWith(b.s)))"
    entry = {
        "type": "array",
        "items": {"type": "object", "properties": {"s": {"type": "string"}}},
        "x-kubernetes-validations": [{"rule": pairwise, "message": "same prefix"}],
    }
    crds = _crd(
        {"type": "object", "properties": {"lists": {"type": "object", "additionalProperties": entry}}}
    )
    values = [{"s": "x" * 8_000}] * 30
    program = compile_rule(pairwise)
    assert isinstance(program, Program)
    per_list = program.cost(Size(items=30, chars=8_000))
    assert per_list < PER_CALL_LIMIT < RUNTIME_BUDGET < 16 * per_list
    found = _texts(crds, {"lists": {f"l{i:02}": values for i in range(16)}})
    first_over = int(RUNTIME_BUDGET // per_list)  # the lists before it fit in the budget and pass
    assert found == [
        (
            "cel-cost",
            "error",
            f'spec.lists[l{first_over:02}]: Invalid value: "array": validation failed due to running out of cost budget, '
            "no further validation rules will be run",
        )
    ]


def test_a_message_expression_over_the_cost_limit_falls_back_to_the_message() -> None:
    # 3,600 iterations (under cel-cpp's own limit) over 50,000-character strings: a bound over PerCallLimit.
    expensive = "self.all(a, self.all(b, a.s.contains(b.s))) ? 'it ran' : 'it ran'"
    rule = {"rule": "self.size() < 2", "message": "too many", "messageExpression": expensive}
    item = {"type": "object", "properties": {"s": {"type": "string"}}}
    crds = _crd(
        {
            "type": "object",
            "properties": {"items": {"type": "array", "items": item, "x-kubernetes-validations": [rule]}},
        }
    )
    assert _texts(crds, {"items": [{"s": "x" * 50_000}] * 60}) == [
        ("cel", "error", 'spec.items: Invalid value: "array": too many')
    ]
    assert _texts(crds, {"items": [{"s": "x"}] * 3}) == [
        ("cel", "error", 'spec.items: Invalid value: "array": it ran')
    ]


def test_over_cel_cpps_iteration_limit_within_the_cost_limit_is_not_checked_rather_than_failed() -> None:
    crds = _list_crd("self.all(a, self.all(b, true))")
    items = [{"n": i} for i in range(120)]  # 14,400 iterations, a cost bound of about 60,000
    first, finding = _texts(crds, {"items": items})
    assert first == ("cel", "error", 'spec: Invalid value: "object": runs first')
    assert finding[:2] == ("cel-unsupported", "warning")
    assert "10000 comprehension iterations" in finding[2]


def test_a_deeply_nested_hostile_rule_is_refused_by_its_bound_without_running() -> None:
    depth = 30  # 3**30 iterations on a 3-item list; bounding it must stay linear in the rule's size
    nested = "".join(f"self.all(x{i}, " for i in range(depth)) + "true" + ")" * depth
    (finding,) = _texts(_list_crd(nested), {"items": [{"n": 1}, {"n": 2}, {"n": 3}]})[1:]
    assert finding[:2] == ("cel-cost", "error")
    assert "call cost exceeds limit for rule" in finding[2]


@pytest.mark.parametrize(
    ("rule", "reads"),
    [
        ("has(self.a) && self.b.c > 1", {"a", "b"}),
        ("self.type == 'A' ? has(self.apiKey) : !has(self.apiKey)", {"type", "apiKey"}),
        ("self.a.exists(x, x == self.b)", {"a", "b"}),
        ("self.__namespace__ == 'x'", {"__namespace__"}),
        ("self.all(x, x > 0)", None),  # iterates self
        ("size(self) > 0", None),
        ("self['a'] == 1", None),
        ("[1].all(self, self > 0)", None),  # a variable named self shadows it
    ],
)
def test_rules_see_only_the_fields_of_self_they_read(rule: str, reads: set[str] | None) -> None:
    program = compile_rule(rule)
    assert isinstance(program, Program)
    assert program.reads == (None if reads is None else frozenset(reads))


def test_cost_bound_grows_with_the_values_a_rule_walks() -> None:
    from orchestrator.engine.cel_cost import Size

    program = compile_rule(_PAIRS)
    assert isinstance(program, Program)
    small, large = (program.cost.exact(Size(items=n, chars=8)) for n in (10, 20))
    assert 7 * small < large <= 8 * small  # cubic
    string_rule = compile_rule("self.matches('^[a-z]+$')")
    assert isinstance(string_rule, Program)
    assert string_rule.cost.exact(Size(chars=10)) < string_rule.cost.exact(Size(chars=10_000))
    constant = compile_rule("has(self.a) && !has(self.b)")
    assert isinstance(constant, Program) and constant.cost.constant is not None  # no measuring needed


# --- every rule of every shipped CRD set runs here


def _crd_dirs() -> list[tuple[str, ...]]:
    from skills.versions import DEFAULT_VERSION, PROFILES

    return [("crds",) if v == DEFAULT_VERSION else ("crds-releases", v) for v in sorted(PROFILES)]


@pytest.mark.parametrize("parts", _crd_dirs(), ids="/".join)
def test_every_rule_and_message_expression_of_every_crd_set_compiles(parts: tuple[str, ...]) -> None:
    from orchestrator.engine.cel import CelNode, plan_for

    crds = load_crds(shared_path(*parts))
    texts: set[str] = set()

    def collect(node: CelNode | None) -> None:
        if node is None:
            return
        for spec in node.rules:
            texts.update(t for t in (spec.rule, spec.message_expression) if t)
        for child in (*node.props.values(), node.items, node.additional):
            collect(child)

    for crd in crds:
        collect(plan_for(crd, crds))
    assert len(texts) > 100
    assert {t: f.reason for t in texts if isinstance(f := compile_rule(t), CompileFailure)} == {}


def test_upstream_example_objects_stay_far_below_the_cost_limits(crd_set: Any) -> None:
    examples = shared_path("upstream-examples")
    from orchestrator.engine.cel import CelNode, plan_for
    from orchestrator.engine.cel_cost import PER_CALL_LIMIT, measure
    from orchestrator.engine.schema import validate_structure

    worst = 0.0

    def walk(value: Any, node: CelNode) -> None:
        nonlocal worst
        for spec in node.rules:
            program = compile_rule(spec.rule)
            if isinstance(program, Program):
                worst = max(worst, program.cost(measure(value)))
        children = [(value.get(k), c) for k, c in node.props.items()] if isinstance(value, dict) else []
        if isinstance(value, dict) and node.additional is not None:
            children += [(v, node.additional) for v in value.values()]
        if isinstance(value, list) and node.items is not None:
            children += [(v, node.items) for v in value]
        for sub, child in children:
            if sub is not None:
                walk(sub, child)

    for path in sorted(examples.rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            crd = (
                crd_set.get(str(doc.get("apiVersion")), str(doc.get("kind")))
                if isinstance(doc, dict)
                else None
            )
            plan = plan_for(crd, crd_set) if crd else None
            if plan is not None:
                walk(validate_structure(doc, crd, crd_set).defaulted, plan)
    assert 0 < worst < PER_CALL_LIMIT / 100


def test_sizes_a_schema_guarantees_are_charged_without_measuring_the_object() -> None:
    from orchestrator.engine.cel_cost import Size, declared_size

    bounded = {
        "type": "array",
        "maxItems": 16,
        "items": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 63},
                "kind": {"type": "string", "enum": ["Gateway", "Service"]},
                "port": {"type": "integer"},
            },
        },
    }
    assert declared_size(bounded) == Size(items=16, chars=63)
    unbounded_string = {**bounded, "items": {"type": "object", "properties": {"path": {"type": "string"}}}}
    assert declared_size(unbounded_string) is None
    assert declared_size({**bounded, "maxItems": None}) is None
    assert declared_size({"type": "object", "additionalProperties": {"type": "integer"}}) is None  # map keys
    assert declared_size({"type": "object", "x-kubernetes-preserve-unknown-fields": True}) is None
    assert declared_size({"type": "object"}) is None  # metadata: ObjectMeta is kept whole


def test_rules_of_one_node_run_together_yet_fail_and_err_one_by_one() -> None:
    crds = _crd(
        {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": True,
            "x-kubernetes-validations": [
                {"rule": "self.a > 0 // a comment ends the rule's line", "message": "a"},
                {"rule": "self.missing == 1", "message": "never shown"},
                {"rule": "self.b > 0", "message": "b"},
                {"rule": "has(self.a)", "message": "holds"},
            ],
        }
    )
    assert _texts(crds, {"a": 0, "b": 0}) == [
        ("cel", "error", 'spec: Invalid value: "object": a'),
        (
            "cel",
            "error",
            'spec: Invalid value: "object": no such key: missing evaluating rule: self.missing == 1',
        ),
        ("cel", "error", 'spec: Invalid value: "object": b'),
    ]
    assert _texts(crds, {"a": 1, "b": 1, "missing": 1}) == []


def test_a_value_is_cut_down_to_what_its_rules_read_before_it_is_converted_or_measured() -> None:
    schema = {
        "type": "object",
        "properties": {"type": {"type": "string"}, "apiKey": {"type": "object"}, "notes": {"type": "string"}},
        "x-kubernetes-validations": [
            {"rule": "self.type == 'APIKey' ? has(self.apiKey) : true", "messageExpression": "self.type"}
        ],
    }
    node = build_plan(schema)
    assert node is not None
    node.programs()
    raw = {"type": "APIKey", "apiKey": {"k": 1}, "notes": "x" * 100_000}
    assert node.visible(raw) == {"type": "APIKey", "apiKey": {"k": 1}}  # the long string is never looked at
