"""aigw-ratelimit: token rate limits (llmRequestCosts + a Global BackendTrafficPolicy) and per-model QuotaPolicies.

The route writes each request's token counts to dynamic metadata (namespace io.envoy.ai_gateway, one key per
llmRequestCosts entry); a Global rate limit on the generated HTTPRoute charges those keys to a per-client budget
kept in Redis by Envoy Gateway's rate limit service. QuotaPolicy (v1alpha1 only) caps a model on a backend.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from skills.cost_cel import cost_expression_problem
from skills.errors import InputError, Problem
from skills.model import InputModel
from skills.render import render_object, yaml_scalar
from skills.result import SkillResult
from skills.types import CelExpression, DNSLabel, HeaderName, MetadataKey, ModelName
from skills.versions import DEFAULT_VERSION, METADATA_NAMESPACE, AIGatewayVersion, profile

SKILL = "aigw-ratelimit"
COSTS_PATCH_FILE = "llm-request-costs-patch.yaml"

CostType = Literal[
    "InputToken",
    "CachedInputToken",
    "CacheCreationInputToken",
    "OutputToken",
    "TotalToken",
    "ReasoningToken",
    "CEL",
]
DEFAULT_KEYS: dict[str, str] = {
    "InputToken": "llm_input_token",
    "CachedInputToken": "llm_cached_input_token",
    "CacheCreationInputToken": "llm_cache_creation_input_token",
    "OutputToken": "llm_output_token",
    "TotalToken": "llm_total_token",
    "ReasoningToken": "llm_reasoning_token",
    "CEL": "llm_cel_calculated_token",
}
RateLimitUnit = Literal["Second", "Minute", "Hour", "Day"]
QuotaDuration = Literal["1s", "1m", "1h", "1d"]


def _checked_cost(expression: str | None) -> str | None:
    """``expression`` when the newest gateway accepts it (older targets are checked by :func:`cost_problems`)."""
    problem = cost_expression_problem(expression) if expression else None
    if problem:
        raise ValueError(f"CEL cost expression {problem}")
    return expression


def cost_problems(
    version: str, costs: dict[str, LLMRequestCost], quotas: dict[str, ModelQuota]
) -> list[Problem]:
    """What the controller of an older ``version`` refuses among expressions the newest one accepts (a variable
    declared later), one Problem per field path (``costs[0].cel``, ``quotas[1].cost_expression``)."""
    if version == DEFAULT_VERSION:
        return []
    found = [(f"{p}.cel", c.cel) for p, c in costs.items()]
    found += [(f"{p}.cost_expression", q.cost_expression) for p, q in quotas.items()]
    return [
        Problem(path, f"CEL cost expression {problem}", expression)
        for path, expression in found
        if expression and (problem := cost_expression_problem(expression, version))
    ]


class LLMRequestCost(InputModel):
    """One value the route writes to dynamic metadata per request (AIGatewayRoute spec.llmRequestCosts)."""

    type: CostType = Field("TotalToken", description="Which count to record, or CEL for a computed cost")
    metadata_key: MetadataKey | None = Field(
        None, description="Metadata key (default llm_<type>, e.g. llm_total_token)"
    )
    cel: CelExpression | None = Field(
        None,
        description="CEL cost over the gateway's variables (type CEL only); token counts are uint, e.g. "
        "input_tokens + 2u * output_tokens",
    )

    @field_validator("cel")
    @classmethod
    def _compiles(cls, cel: str | None) -> str | None:
        return _checked_cost(cel)

    @model_validator(mode="after")
    def _cel(self) -> LLMRequestCost:
        if self.type == "CEL" and not self.cel:
            raise ValueError("cel is required when type is CEL")
        if self.type != "CEL" and self.cel:
            raise ValueError(f"cel is only used with type CEL (type is {self.type})")
        return self

    @property
    def key(self) -> str:
        return self.metadata_key or DEFAULT_KEYS[self.type]

    def manifest(self) -> dict[str, Any]:
        out: dict[str, Any] = {"metadataKey": self.key, "type": self.type}
        if self.cel:
            out["cel"] = self.cel
        return out


class TokenLimit(LLMRequestCost):
    """A token budget per client (or shared) per time unit, charged from one llmRequestCosts key."""

    limit: int = Field(
        ge=1, le=10**12, description="Tokens allowed per unit (per client when per_header is set)"
    )
    unit: RateLimitUnit = Field("Minute", description="Budget window")
    per_header: HeaderName | None = Field(
        "x-user-id",
        description="Client header whose distinct values get separate budgets (e.g. x-tenant-id); null: one shared budget",
    )
    request_cost: int = Field(
        0,
        ge=0,
        le=10**6,
        description="Charged when the request arrives (0: only check the budget; see #1754)",
    )


class ModelQuota(InputModel):
    """A QuotaPolicy quota for one model on one AIServiceBackend."""

    backend: DNSLabel = Field(description="AIServiceBackend the quota attaches to")
    model_name: ModelName = Field(
        description="The route backendRef's modelNameOverride for this backend (what is sent upstream)"
    )
    limit: int = Field(ge=1, le=10**12, description="Cost units allowed per duration")
    duration: QuotaDuration = Field("1h", description="Quota window: 1s, 1m, 1h or 1d")
    cost_expression: CelExpression | None = Field(
        None,
        description="CEL cost per request over the gateway's variables (default: total_tokens); token counts are "
        "uint, e.g. input_tokens + cached_input_tokens + output_tokens",
    )
    per_header: HeaderName | None = Field(
        None, description="Client header whose distinct values get separate buckets (null: one shared bucket)"
    )

    @field_validator("cost_expression")
    @classmethod
    def _compiles(cls, cel: str | None) -> str | None:
        return _checked_cost(cel)


class RateLimitInput(InputModel):
    """Token limits on a route's HTTPRoute, extra llmRequestCosts, and per-model quotas."""

    route_name: DNSLabel = Field(
        "ai-gateway", description="AIGatewayRoute whose generated HTTPRoute (same name) gets the limits"
    )
    namespace: DNSLabel = Field("default", description="Namespace of the route and the policies")
    token_limits: list[TokenLimit] = Field(
        default_factory=list, max_length=16, description="Token budgets (each adds its llmRequestCosts entry)"
    )
    costs: list[LLMRequestCost] = Field(
        default_factory=list,
        max_length=36,
        description="Extra llmRequestCosts entries to record without limiting",
    )
    quotas: list[ModelQuota] = Field(
        default_factory=list, max_length=128, description="Per-model QuotaPolicy quotas"
    )
    client_auth: bool = Field(
        False,
        description="Client auth (aigw-clientauth) sets the per_header values from a verified identity; if not, "
        "the result warns that clients can pick their own budget",
    )
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version to generate for"
    )


def request_costs(limits: list[TokenLimit], extra: list[LLMRequestCost]) -> list[dict[str, Any]]:
    """The llmRequestCosts entries, one per metadata key (first definition wins; conflicts are refused earlier)."""
    seen: dict[str, dict[str, Any]] = {}
    for cost in [*limits, *extra]:
        seen.setdefault(cost.key, LLMRequestCost.manifest(cost))
    return list(seen.values())


def _check(inp: RateLimitInput) -> list[Problem]:
    problems: list[Problem] = []
    if not (inp.token_limits or inp.costs or inp.quotas):
        problems.append(Problem("token_limits", "nothing to generate: give token_limits, costs or quotas"))
    defined: dict[str, tuple[str, str | None]] = {}
    for field, items in (("token_limits", inp.token_limits), ("costs", inp.costs)):
        for index, cost in enumerate(items):
            shape = (cost.type, cost.cel)
            if defined.setdefault(cost.key, shape) != shape:
                problems.append(
                    Problem(
                        f"{field}[{index}].metadata_key",
                        f"metadata key {cost.key!r} is already used for a different cost",
                        cost.key,
                        "one metadata key per cost definition",
                    )
                )
    problems += cost_problems(
        inp.target_version,
        {
            **{f"token_limits[{i}]": c for i, c in enumerate(inp.token_limits)},
            **{f"costs[{i}]": c for i, c in enumerate(inp.costs)},
        },
        {f"quotas[{i}]": q for i, q in enumerate(inp.quotas)},
    )
    refusal = profile(inp.target_version).refusal("QuotaPolicy")
    if inp.quotas and refusal:
        problems.append(Problem("quotas", f"{refusal}; use token_limits (a Global rate limit) instead"))
    seen: set[tuple[str, str]] = set()
    for index, quota in enumerate(inp.quotas):
        if (quota.backend, quota.model_name) in seen:
            problems.append(
                Problem(f"quotas[{index}]", "two quotas for the same backend and model", quota.model_name)
            )
        seen.add((quota.backend, quota.model_name))
    return problems


def _limit_rule(limit: TokenLimit) -> dict[str, Any]:
    rule: dict[str, Any] = {}
    if limit.per_header:
        rule["clientSelectors"] = [{"headers": [{"name": limit.per_header, "type": "Distinct"}]}]
    rule["limit"] = {"requests": limit.limit, "unit": limit.unit}
    rule["cost"] = {
        "request": {"from": "Number", "number": limit.request_cost},
        "response": {"from": "Metadata", "metadata": {"namespace": METADATA_NAMESPACE, "key": limit.key}},
    }
    return rule


def _quota(quota: ModelQuota) -> dict[str, Any]:
    bucket = {"limit": quota.limit, "duration": quota.duration}
    out: dict[str, Any] = {"modelName": quota.model_name, "quota": {"mode": "Shared"}}
    if quota.cost_expression:
        out["quota"]["costExpression"] = quota.cost_expression
    if quota.per_header:
        selector = {"headers": [{"name": quota.per_header, "type": "Distinct"}]}
        out["quota"]["bucketRules"] = [{"clientSelectors": [selector], "quota": bucket}]
    else:
        out["quota"]["defaultBucket"] = bucket
    return out


def costs_patch(route: str, namespace: str, costs: list[dict[str, Any]]) -> str:
    """A merge patch that sets spec.llmRequestCosts on an existing AIGatewayRoute."""
    lines = ["spec:", "  llmRequestCosts:"]
    for cost in costs:
        items = [f"{k}: {yaml_scalar(v)}" for k, v in cost.items()]
        lines += [f"    - {items[0]}", *(f"      {item}" for item in items[1:])]
    header = (
        f"# kubectl patch aigatewayroute {route} -n {namespace} --type merge --patch-file {COSTS_PATCH_FILE}\n"
        "# (aigw-route --llm-request-cost ... writes the same list when it generates the route)\n"
    )
    return header + "\n".join(lines) + "\n"


RATE_LIMIT_NOTES = (
    "Token limits need Envoy Gateway's rate limit service with a Redis backend: install with the rate-limit "
    "addon (aigw-skills install --addon rate-limit), which deploys Redis in redis-system or uses --redis-url.",
    "The budget is charged after the response (response.from: Metadata), so the request that crosses the limit "
    "still completes and the next one gets 429. request cost 0 only checks the budget; upstream #1754 reports "
    "x-ratelimit-remaining not dropping with the example (a user saw limits apply only with cost.request.number 1). "
    "Set request_cost: 1 if you need every request to count, and check the rate limit service logs.",
)


def build_ratelimit(data: RateLimitInput | dict[str, Any]) -> SkillResult:
    """Global token rate limit BackendTrafficPolicy + QuotaPolicies + the llmRequestCosts patch for the route."""
    inp = RateLimitInput.parse(data, skill=SKILL)
    problems = _check(inp)
    if problems:
        raise InputError(problems, skill=SKILL)
    rendered = []
    if inp.token_limits:
        rendered.append(
            render_object(
                SKILL,
                "backendtrafficpolicy.yaml.j2",
                name=f"{inp.route_name}-token-limits",
                namespace=inp.namespace,
                route=inp.route_name,
                rules=[_limit_rule(limit) for limit in inp.token_limits],
            )
        )
    by_backend: dict[str, list[ModelQuota]] = {}
    for quota in inp.quotas:
        by_backend.setdefault(quota.backend, []).append(quota)
    prof = profile(inp.target_version)
    for backend, quotas in by_backend.items():
        rendered.append(
            render_object(
                SKILL,
                "quotapolicy.yaml.j2",
                api_version=prof.api_version_for("QuotaPolicy"),
                name=f"{backend}-quota",
                namespace=inp.namespace,
                backend=backend,
                quotas=[_quota(q) for q in quotas],
            )
        )
    costs = request_costs(inp.token_limits, inp.costs)
    files = {COSTS_PATCH_FILE: costs_patch(inp.route_name, inp.namespace, costs)} if costs else {}
    notes: list[str] = []
    if costs:
        notes.append(
            f"The AIGatewayRoute {inp.namespace}/{inp.route_name} must record the costs: apply {COSTS_PATCH_FILE} "
            "with kubectl patch, or generate the route with the same llm_request_costs."
        )
    if inp.token_limits:
        notes += [
            f"The BackendTrafficPolicy targets the HTTPRoute {inp.namespace}/{inp.route_name} that the controller "
            "generates from the AIGatewayRoute (same name).",
            f"Envoy Gateway attaches one BackendTrafficPolicy per HTTPRoute and marks any other Conflicted "
            "(envoyproxy/gateway internal/gatewayapi/backendtrafficpolicy.go@v1.8.1): if aigw-route also emitted "
            f"{inp.route_name}-retry, move its retry and healthCheck into this policy instead of applying both "
            "(aigw-skills build merges them; validate reports AIGW-L070).",
            *RATE_LIMIT_NOTES,
        ]
    keyed = sorted(
        {t.per_header for t in inp.token_limits if t.per_header}
        | {q.per_header for q in inp.quotas if q.per_header}
    )
    if keyed and not inp.client_auth:
        notes.append(
            f"Warning: budgets are keyed on {', '.join(keyed)}, which clients set themselves: without client auth "
            "anyone can send a new value with each request and get a fresh budget. Put aigw-clientauth in front "
            "(JWT claim_to_headers, e.g. sub=x-user-id, or API keys with forward_client_id_header) and key on the "
            "header it sets."
        )
    if inp.quotas:
        notes.append(
            "QuotaPolicy perModelQuotas[].modelName must equal the modelNameOverride on the route's backendRef to "
            "that backend (set one even when it equals the client's model name); QuotaPolicy is v1alpha1 only."
        )
    return SkillResult.from_rendered(SKILL, rendered, files=files, notes=notes)
