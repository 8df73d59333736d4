"""Traffic extras for aigw-route: passive health checks on the failover policy, and staged canary weights.

A canary moves a share of a rule's traffic to a new backend in stages (5 → 25 → 50 → 100 by default). Weights are
integers: the canary gets percent × (sum of the others' weights) and each other backend its weight × (100 -
percent), so the split is exact whatever the existing weights are. Stable backends stay listed at weight 0 in the
last stage, so rolling back is a weight change.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from pydantic import Field, field_validator, model_validator

from skills.errors import Problem
from skills.model import InputModel
from skills.types import DNSLabel, Duration

DEFAULT_STAGES = (5, 25, 50, 100)


class PassiveHealthCheck(InputModel):
    """Outlier detection: eject a backend endpoint that keeps failing, so retries go elsewhere sooner."""

    consecutive_5xx: int = Field(
        5, ge=1, le=1000, description="Consecutive 5xx responses that eject an endpoint"
    )
    interval: Duration = Field("3s", description="How often ejection is evaluated")
    base_ejection_time: Duration = Field("30s", description="Ejection time (grows with repeated ejections)")
    max_ejection_percent: int = Field(
        100, ge=1, le=100, description="Most endpoints that may be ejected at once (%)"
    )

    def manifest(self) -> dict[str, Any]:
        return {
            "consecutive5XxErrors": self.consecutive_5xx,
            "interval": self.interval,
            "baseEjectionTime": self.base_ejection_time,
            "maxEjectionPercent": self.max_ejection_percent,
        }


class Canary(InputModel):
    """Shift traffic to a new backend in stages; every rule that lists it with other backends is split."""

    backend: DNSLabel = Field(description="The new backend that receives the canary share")
    stages: list[int] = Field(
        default_factory=lambda: list(DEFAULT_STAGES),
        min_length=1,
        max_length=10,
        description="Canary percentages in rollout order, increasing, ending at 100",
    )
    percent: int | None = Field(
        None, ge=0, le=100, description="Share the generated route sends now (default: the first stage)"
    )

    @field_validator("stages")
    @classmethod
    def _stages(cls, stages: list[int]) -> list[int]:
        if any(not 1 <= s <= 100 for s in stages):
            raise ValueError("every stage is a percentage from 1 to 100")
        if any(b <= a for a, b in pairwise(stages)):
            raise ValueError(f"stages must increase, got {stages}")
        if stages[-1] != 100:
            raise ValueError(f"the last stage must be 100 (all traffic on the canary), got {stages[-1]}")
        return stages

    @model_validator(mode="after")
    def _percent(self) -> Canary:
        if self.percent is not None and self.percent not in (0, *self.stages):
            raise ValueError(f"percent {self.percent} is not one of the stages {self.stages} (or 0)")
        return self

    @property
    def current(self) -> int:
        return self.stages[0] if self.percent is None else self.percent


def canary_rules(rules: list[dict[str, Any]], canary: Canary, percent: int) -> list[dict[str, Any]]:
    """Rules (as dumped RouteRule dicts) with the canary's weights at `percent`."""
    out = []
    for rule in rules:
        refs = rule["backends"]
        mine = next((r for r in refs if r["name"] == canary.backend), None)
        peers = [
            r
            for r in refs
            if mine is not None and r is not mine and r.get("priority") == mine.get("priority")
        ]
        if not peers:
            out.append(rule)
            continue
        assert mine is not None
        total = sum(1 if r.get("weight") is None else r["weight"] for r in peers)
        new_refs = []
        for ref in refs:
            if ref is mine:
                ref = ref | {"weight": percent * total}
            elif ref in peers:
                ref = ref | {"weight": (1 if ref.get("weight") is None else ref["weight"]) * (100 - percent)}
            new_refs.append(ref)
        out.append(rule | {"backends": new_refs})
    return out


def canary_problems(rules: list[dict[str, Any]], canary: Canary) -> list[Problem]:
    split = canary_rules(rules, canary, 50)
    if split == rules:
        return [
            Problem(
                "canary.backend",
                f"no rule lists {canary.backend!r} together with another backend of the same priority, so "
                "there is nothing to split",
                canary.backend,
                "a backend named in a rule beside the stable backend(s)",
            )
        ]
    return []


def stage_weights(rules: list[dict[str, Any]], canary: Canary) -> list[str]:
    """One line per stage: the percentage and each split rule's backend weights."""
    lines = []
    for number, percent in enumerate(canary.stages, start=1):
        parts = []
        for rule in canary_rules(rules, canary, percent):
            if any(r["name"] == canary.backend for r in rule["backends"]) and len(rule["backends"]) > 1:
                weights = ", ".join(f"{r['name']}={r.get('weight')}" for r in rule["backends"])
                parts.append(f"{'/'.join(rule['models'])}: {weights}")
        lines.append(f"stage {number} ({percent}%): {'; '.join(parts)}")
    return lines


def stage_file(number: int, percent: int) -> str:
    return f"canary-stage-{number}-{percent}pct.yaml"
