"""Lint rules about cost expressions (AIGW-L05x): what the AI Gateway controller compiles and test-runs.

The CRDs accept any string as a cost expression; the controller type-checks it against the variables of its
release and refuses it at reconcile time (see :mod:`skills.cost_cel`). A refused ``llmRequestCosts`` entry aborts
the filter-config update of the whole Gateway, a refused GatewayConfig entry too, and a refused QuotaPolicy
expression drops that quota with a log line (envoyproxy/ai-gateway v1.1.0 ``internal/controller/gateway.go``).
"""

from __future__ import annotations

from collections.abc import Iterator

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    Issue,
    LintContext,
    Resource,
    ResourceIndex,
    as_dict,
    as_list,
    lint_rule,
)
from skills.cost_cel import cost_expression_problem

_EFFECT = {
    "AIGatewayRoute": "the controller stops updating the Gateway's filter configuration",
    "GatewayConfig": "the controller stops updating the filter configuration of the Gateways that use it",
    "QuotaPolicy": "the controller skips this quota (it is not enforced)",
}


def _expressions(resource: Resource) -> Iterator[tuple[str, str]]:
    """(JSON path, expression) of every cost expression the controller compiles in ``resource``."""
    if resource.kind in ("AIGatewayRoute", "GatewayConfig"):
        field = "llmRequestCosts" if resource.kind == "AIGatewayRoute" else "globalLLMRequestCosts"
        for i, cost in enumerate(as_list(resource.spec.get(field))):
            cel = as_dict(cost).get("cel")
            if as_dict(cost).get("type") == "CEL" and isinstance(cel, str):
                yield f"spec.{field}[{i}].cel", cel
    elif resource.kind == "QuotaPolicy":
        for i, quota in enumerate(as_list(resource.spec.get("perModelQuotas"))):
            cel = as_dict(as_dict(quota).get("quota")).get("costExpression")
            if isinstance(cel, str):
                yield f"spec.perModelQuotas[{i}].quota.costExpression", cel


@lint_rule("AIGW-L050", "cost expressions compile with the gateway's variables", "error")
def cost_expressions_compile(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for kind in ("AIGatewayRoute", "GatewayConfig", "QuotaPolicy"):
        for resource in index.of_kind(kind, AIGW_GROUP):
            for path, expression in _expressions(resource):
                problem = cost_expression_problem(expression, ctx.target_version)
                if problem:
                    yield Issue(
                        resource, path, f"CEL cost expression {problem}; {_EFFECT[kind]}", _hint(problem, ctx)
                    )


def _hint(problem: str, ctx: LintContext) -> str:
    """The uint advice only where types are the problem (not for a syntax error or an unknown variable)."""
    if "uint" in problem or "overload" in problem:
        return (
            f"AI Gateway {ctx.target_version} type-checks cost expressions with token counts as uint "
            "(internal/llmcostcel/cel.go): e.g. input_tokens + 2u * output_tokens."
        )
    return (
        f"AI Gateway {ctx.target_version} compiles cost expressions when it reads the resource "
        "(internal/llmcostcel/cel.go); fix the expression as the message says."
    )
