"""aigw-route's rule inputs: one rule (model names → backends, with weights, priorities and timeouts) and the
"models=backend:weight@priority" shorthand the CLI and the orchestrator accept."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from skills.model import InputModel
from skills.types import (
    DNSLabel,
    Duration,
    ModelMatch,
    ModelName,
    SectionName,
)

_MODEL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,255}\Z")
# Python accepts these, RE2 (Envoy) does not: lookaround and backreferences.
_NOT_RE2 = re.compile(r"\(\?<?[=!]|\\[1-9]")

_SHORTHAND = re.compile(r"^(?P<models>[^=]+)=(?P<backends>.+)\Z")
_REF = re.compile(r"^(?P<name>[a-z0-9-]+)(:(?P<weight>[0-9]+))?(@(?P<priority>[0-9]+))?\Z")


# The AIGatewayRoute CRD's rules about InferencePool backendRefs, with their exact messages.
MIXED = "cannot mix InferencePool and AIServiceBackend references in the same rule"
ONE_POOL = "only one InferencePool backend is allowed per rule"


def pool_rule_problem(refs: Sequence[tuple[str, str | None, str | None]]) -> str | None:
    """Why one rule's backends (kind, namespace, model_name_override) break the InferencePool rules, or None."""
    pools = [r for r in refs if r[0] == "InferencePool"]
    if not pools:
        return None
    if len(pools) != len(refs):
        return (
            f"{MIXED} (AIGatewayRoute CEL rule): put the InferencePool in a rule of its own and the "
            "AIServiceBackends in another, each with its own model names"
        )
    if len(pools) > 1:
        return f"{ONE_POOL} (AIGatewayRoute CEL rule): one pool per rule; the pool's endpoint picker balances its pods"
    _, namespace, override = pools[0]
    if override is not None:
        return (
            "model_name_override is ignored for an InferencePool backend (the controller drops it): "
            "serve the model under the name clients send, or route to an AIServiceBackend instead"
        )
    if namespace is not None:
        return "an InferencePool backend must be in the route's namespace; create the pool there"
    return None


def _parse_shorthand(data: str) -> dict[str, Any]:
    """'m1,m2=backend[:weight][@priority],...' as RouteRule fields; ValueError says what is wrong."""
    match = _SHORTHAND.match(data.strip())
    if not match:
        raise ValueError(
            f"rule shorthand {data!r} must look like 'model[,model]=backend[:weight][@priority][,...]'"
        )
    refs = []
    for part in match["backends"].split(","):
        ref = _REF.match(part.strip())
        if not ref:
            raise ValueError(
                f"backend {part.strip()!r} in rule shorthand must look like name[:weight][@priority]"
            )
        refs.append({k: (int(v) if k != "name" else v) for k, v in ref.groupdict().items() if v is not None})
    return {"models": [m.strip() for m in match["models"].split(",")], "backends": refs}


class BackendRef(InputModel):
    """One AIServiceBackend a rule sends traffic to."""

    name: DNSLabel = Field(
        description="AIServiceBackend name (or InferencePool name with kind InferencePool)"
    )
    kind: Literal["AIServiceBackend", "InferencePool"] = Field(
        "AIServiceBackend",
        description="AIServiceBackend, or an InferencePool of self-hosted model servers (one per rule, alone)",
    )
    namespace: DNSLabel | None = Field(
        None, description="Its namespace when not the route's (adds ReferenceGrants)"
    )
    weight: int | None = Field(None, ge=0, le=1_000_000, description="Relative share of traffic (default 1)")
    priority: int | None = Field(
        None, ge=0, le=1_000, description="0 is primary; higher numbers are fallbacks"
    )
    model_name_override: ModelName | None = Field(
        None, description="Model name sent upstream instead of the client's"
    )


class RouteRule(InputModel):
    """Requests for these models go to these backends. Also accepts 'm1,m2=backend[:weight][@priority],...'."""

    # Declared before models so the models check can read it.
    match_type: Literal["Exact", "RegularExpression"] = Field(
        "Exact", description="How models are matched: Exact names, or RE2 regular expressions"
    )
    models: list[ModelMatch] = Field(
        min_length=1, max_length=128, description="Model names (or RE2 patterns) this rule matches"
    )
    backends: list[BackendRef] = Field(min_length=1, max_length=128, description="Backends that serve them")
    name: SectionName | None = Field(None, description="Rule name (AI Gateway v1.1+), unique in the route")
    request_timeout: Duration | None = Field(
        None, description="Whole-request timeout (AI Gateway default 60s)"
    )
    backend_request_timeout: Duration | None = Field(None, description="Per-attempt upstream timeout")
    stream_idle_timeout: Duration | None = Field(None, description="Idle time allowed in a stream (v1.1+)")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return _parse_shorthand(data) if isinstance(data, str) else data

    @classmethod
    def shorthand(cls, text: str) -> dict[str, Any] | None:
        try:
            return _parse_shorthand(text)
        except ValueError:
            return None

    @field_validator("models")
    @classmethod
    def _model_matches(cls, models: list[str], info: ValidationInfo) -> list[str]:
        match_type = info.data.get("match_type", "Exact")
        for index, model in enumerate(models):
            if match_type == "Exact" and not _MODEL_NAME.match(model):
                raise ValueError(
                    f"models[{index}] {model!r} is not a model name (letters, digits and ._:/@+-, starting "
                    "with a letter or digit); for a pattern set match_type: RegularExpression"
                )
            if match_type == "RegularExpression":
                try:
                    re.compile(model)
                except re.error as exc:
                    raise ValueError(
                        f"models[{index}] {model!r} is not a regular expression: {exc}"
                    ) from None
                if _NOT_RE2.search(model):
                    raise ValueError(
                        f"models[{index}] {model!r} uses lookaround or a backreference, which RE2 (Envoy) rejects"
                    )
        return models

    @model_validator(mode="after")
    def _inference_pools(self) -> RouteRule:
        # The AIGatewayRoute CRD's own rules, refused here with their wording.
        problem = pool_rule_problem([(r.kind, r.namespace, r.model_name_override) for r in self.backends])
        if problem:
            raise ValueError(problem)
        return self
