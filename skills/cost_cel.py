"""Cost expressions (AIGatewayRoute ``llmRequestCosts[].cel``, GatewayConfig ``globalLLMRequestCosts[].cel``,
QuotaPolicy ``costExpression``), checked the way the AI Gateway controller checks them.

The controller compiles each expression with the variables ``internal/llmcostcel/cel.go`` declares at its tag and
then evaluates it once with ``"dummy"`` strings and zero tokens; the result must be a non-negative ``int`` or
a ``uint`` (``NewProgram`` / ``EvaluateProgram``, envoyproxy/ai-gateway v1.1.0). Token counts are ``uint``, so
``input_tokens + 2 * output_tokens`` does not compile (``2`` is an ``int``; write ``2u``). The CRDs do not check the
expression: a bad one on a route aborts the controller's filter-config update for the whole Gateway
(``internal/controller/gateway.go`` ``validateCELExpression``), and a bad QuotaPolicy expression is skipped with a
log line (``injectQuotaPolicyCostExpressions``). This module runs the same steps with cel-cpp, a CEL checker with
cel-go's type rules.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from skills.versions import DEFAULT_VERSION

# Variable -> (CEL type, first release that declares it), from internal/llmcostcel/cel.go at each tag:
# v0.1.0 model, backend, input/output/total_tokens; v0.4.0 cached_input_tokens; v0.5.0
# cache_creation_input_tokens; v0.6.0 route_name, reasoning_tokens (unchanged through v1.1.0).
COST_VARIABLES: dict[str, tuple[str, str]] = {
    "model": ("string", "v0.1.0"),
    "backend": ("string", "v0.1.0"),
    "route_name": ("string", "v0.6.0"),
    "input_tokens": ("uint", "v0.1.0"),
    "cached_input_tokens": ("uint", "v0.4.0"),
    "cache_creation_input_tokens": ("uint", "v0.5.0"),
    "output_tokens": ("uint", "v0.1.0"),
    "total_tokens": ("uint", "v0.1.0"),
    "reasoning_tokens": ("uint", "v0.6.0"),
}
UINT_HINT = (
    "token counts are uint: write integer literals with a u suffix (2u * output_tokens) or use uint(...)"
)
DOUBLE_HINT = (
    "token counts are uint and CEL never mixes uint with double: scale with integers (input_tokens / 2u) or "
    "convert and back (uint(double(input_tokens) * 0.5))"
)
_ENVS: dict[tuple[str, ...], Any] = {}
_STATUS = re.compile(r"^(?:[A-Z_]+: )+(?:ERROR: )?(?:<input>:-?\d+:-?\d+: )?")
_STATUS_SUFFIX = re.compile(r"\s*\[[A-Z_]+\]\s*$")


def _release(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.lstrip("v").split("-")[0].split("."))


def cost_variables(version: str = DEFAULT_VERSION) -> dict[str, str]:
    """The variables (name -> CEL type) a cost expression may use on AI Gateway ``version``."""
    return {
        name: kind for name, (kind, since) in COST_VARIABLES.items() if _release(since) <= _release(version)
    }


def _environment(variables: dict[str, str]) -> Any:
    key = tuple(sorted(variables))
    env = _ENVS.get(key)
    if env is None:
        from cel_expr_python import cel

        types = {"string": cel.Type.STRING, "uint": cel.Type.UINT}
        env = cel.NewEnv(variables={name: types[kind] for name, kind in variables.items()})
        _ENVS[key] = env
    return env


def cel_message(raw: str) -> str:
    """A cel-cpp (cel-expr-python) message without its status code, ``<input>:1:18:`` position and caret
    diagram: ``INVALID_ARGUMENT: ERROR: <input>:1:18: found no matching overload …`` -> ``found no matching …``."""
    line = raw.strip().splitlines()[0] if raw.strip() else raw
    return _STATUS_SUFFIX.sub("", _STATUS.sub("", line)).strip()


def _undeclared(message: str, variables: dict[str, str], version: str) -> str:
    name = message.split("'")[1] if message.count("'") >= 2 else ""
    known = COST_VARIABLES.get(name)
    if known is not None:
        return f"{name} is declared from AI Gateway {known[1]} on; target {version} does not have it"
    close = difflib.get_close_matches(name, list(variables), n=1)
    guess = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown variable {name}{guess}; the gateway provides {', '.join(variables)}"


def cost_expression_problem(expression: str, version: str = DEFAULT_VERSION) -> str | None:
    """Why the AI Gateway controller of ``version`` would refuse ``expression``, or None when it accepts it."""
    from cel_expr_python import cel

    variables = cost_variables(version)
    env = _environment(variables)
    try:
        program = env.compile(expression)
    except RuntimeError as exc:
        message = cel_message(str(exc))
        if message.startswith("undeclared reference to"):
            return f"does not compile: {_undeclared(message, variables, version)}"
        if "int, uint" in message or "uint, int" in message:
            return f"does not compile: {message} ({UINT_HINT})"
        if "uint, double" in message or "double, uint" in message:
            return f"does not compile: {message} ({DOUBLE_HINT})"
        return f"does not compile: {message}"
    zeros: dict[str, Any] = {n: ("dummy" if kind == "string" else 0) for n, kind in variables.items()}
    result = program.eval(data=zeros)  # the controller's own sanity run
    kind = result.type()
    if kind == cel.Type.ERROR:
        return f"fails when the controller test-runs it with zero tokens: {cel_message(str(result.value()))}"
    if kind not in (cel.Type.INT, cel.Type.UINT):
        fix = " (convert it: uint(...))" if kind == cel.Type.DOUBLE else ""
        return f"returns {kind.name().lower()}; the cost must be an int or a uint{fix}"
    if kind == cel.Type.INT and result.value() < 0:
        return f"is negative ({result.value()}) with zero tokens; the cost must not be negative"
    return None
