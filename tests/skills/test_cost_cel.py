"""Cost expressions are checked as the AI Gateway controller checks them: compiled with the variables and types
its release declares (envoyproxy/ai-gateway internal/llmcostcel/cel.go at each tag), then test-run with zero
tokens; the result must be a non-negative int or a uint."""

from __future__ import annotations

import pytest

from skills.cost_cel import COST_VARIABLES, cost_expression_problem, cost_variables
from skills.versions import PROFILES


def test_the_documented_example_with_an_int_literal_does_not_compile() -> None:
    problem = cost_expression_problem("input_tokens + 2 * output_tokens")
    assert problem == (
        "does not compile: found no matching overload for '_*_' applied to '(int, uint)' (token counts are uint: "
        "write integer literals with a u suffix (2u * output_tokens) or use uint(...))"
    )


@pytest.mark.parametrize("expression", ["input_tokens * 0.5", "0.5 * output_tokens", "total_tokens + 1.5"])
def test_a_fractional_price_says_how_to_mix_uint_tokens_with_doubles(expression: str) -> None:
    problem = cost_expression_problem(expression) or ""
    assert problem.startswith("does not compile: found no matching overload")
    assert "uint(double(input_tokens) * 0.5)" in problem
    assert cost_expression_problem("uint(double(input_tokens) * 0.5)") is None  # the fix it suggests compiles
    assert "convert it: uint(...)" in (cost_expression_problem("double(input_tokens) * 0.5") or "")


@pytest.mark.parametrize(
    "expression",
    [
        "input_tokens + 2u * output_tokens",
        "input_tokens == uint(3) ? 100000000 : 0",  # upstream examples/token_ratelimit
        "input_tokens + cached_input_tokens + output_tokens",  # QuotaPolicy's documented example
        "route_name == 'default/premium' ? 2u * total_tokens : total_tokens",
        "model.startsWith('gpt-4') && backend != '' ? total_tokens + reasoning_tokens : uint(1)",
        "int(cache_creation_input_tokens) + 1",
    ],
)
def test_expressions_the_v1_1_controller_accepts_pass(expression: str) -> None:
    assert cost_expression_problem(expression, "v1.1.0") is None


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("input_token + 1u", "unknown variable input_token (did you mean input_tokens?)"),
        ("price * 1u", "unknown variable price; the gateway provides model, backend, route_name,"),
        ("(input_tokens + 1u", "does not compile: Syntax error"),
        ("model", "returns string; the cost must be an int or a uint"),
        ("input_tokens / output_tokens", "with zero tokens: divide by zero"),
        ("input_tokens - 1u", "with zero tokens: unsigned integer overflow"),
        ("int(input_tokens) - 5", "is negative (-5) with zero tokens"),
        ("total_tokens > 5u", "returns bool"),
        # cel-go v0.28.1 (the controller's) filters cross-type comparisons unless the env enables them
        # (checker/env.go crossTypeNumericComparisonOverloads); llmcostcel does not.
        ("input_tokens > 1000 ? 2u : 1u", "found no matching overload for '_>_' applied to '(uint, int)'"),
        ("input_tokens == 3 ? 2u : 1u", "found no matching overload for '_==_' applied to '(uint, int)'"),
    ],
)
def test_expressions_the_controller_refuses_say_why(expression: str, problem: str) -> None:
    assert problem in (cost_expression_problem(expression) or "")


@pytest.mark.parametrize(
    ("version", "accepted"),
    [("v0.5.0", False), ("v0.6.0", True), ("v0.7.0", True), ("v1.0.0", True), ("v1.1.0", True)],
)
def test_route_name_and_reasoning_tokens_are_accepted_where_the_release_declares_them(
    version: str, accepted: bool
) -> None:
    for expression in ("route_name == 'a' ? 2u : 1u", "reasoning_tokens + 1u"):
        problem = cost_expression_problem(expression, version)
        if accepted:
            assert problem is None
        else:
            assert problem is not None and "declared from AI Gateway v0.6.0 on; target v0.5.0" in problem


def test_every_supported_release_has_a_variable_set_and_the_token_counts_are_uint() -> None:
    assert cost_variables("v0.1.0") == {
        "model": "string",
        "backend": "string",
        "input_tokens": "uint",
        "output_tokens": "uint",
        "total_tokens": "uint",
    }
    assert set(cost_variables("v0.4.0")) - set(cost_variables("v0.1.0")) == {"cached_input_tokens"}
    for version in PROFILES:
        declared = cost_variables(version)
        assert {"model", "backend", "input_tokens", "cache_creation_input_tokens"} <= set(declared)
        assert all(kind == "uint" for name, kind in declared.items() if name.endswith("_tokens"))
    assert cost_variables("v1.1.0") == {name: kind for name, (kind, _) in COST_VARIABLES.items()}
