"""Intake sections for production traffic: token limits and quotas (from aigw-ratelimit's input model)."""

from __future__ import annotations

from pydantic import Field

from skills.model import InputModel
from skills.ratelimit import ModelQuota, TokenLimit
from skills.types import RedisAddress


class LimitsIntake(InputModel):
    """Token budgets per user or tenant header, and per-model quotas; adds the rate-limit install addon."""

    token_limits: list[TokenLimit] = Field(
        default_factory=list,
        max_length=16,
        description="Token budgets, e.g. {limit: 10000, unit: Minute, per_header: x-user-id, type: TotalToken}",
        json_schema_extra={
            "reason": "No limits unless you ask: a limit needs Envoy Gateway's rate limit service and Redis"
        },
    )
    quotas: list[ModelQuota] = Field(
        default_factory=list,
        max_length=128,
        description="Per-model quotas on a provider backend (QuotaPolicy, AI Gateway v0.6+)",
        json_schema_extra={"reason": "Quotas cap one model on one backend; token_limits cap each client"},
    )
    redis_url: RedisAddress | None = Field(
        None,
        description="Your Redis host:port (default: deploy Redis in redis-system with the install plan)",
        json_schema_extra={"reason": "A small in-cluster Redis is enough for rate limit counters"},
    )
