"""The tracer's data: the request to follow (the input model of `aigw-skills trace` and `aigw_trace`) and the result.

A trace is an ordered list of steps along the data path the controllers build (Gateway listener → AIGatewayRoute
rule → backends → endpoint × schema translation → model name → BackendSecurityPolicy → BackendTrafficPolicy →
client SecurityPolicy → upstream). Each step says what happened, which object decided it, the upstream reason
(file and tag, or issue), and — when the request would fail or degrade there — what to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field

from skills.model import InputModel
from skills.types import HeaderName
from skills.versions import DEFAULT_VERSION, MODEL_HEADER, AIGatewayVersion

Stage = Literal[
    "listener",
    "endpoint",
    "route",
    "backends",
    "translation",
    "model",
    "credentials",
    "traffic",
    "client-auth",
    "upstream",
]
Status = Literal["ok", "info", "warn", "fail"]
Actor = Literal["client", "envoy", "ai-gateway", "provider"]
CredentialKind = Literal["none", "api-key", "jwt", "basic"]


class TraceRequest(InputModel):
    """A request to follow through the manifests: where it enters, what it asks for, what it carries."""

    path: str = Field(
        "/v1/chat/completions",
        pattern=r"^/[A-Za-z0-9._~/%:@!$&'()*+,;=?-]*$",
        max_length=2048,
        description="Request path as the client sends it, e.g. /v1/chat/completions or /anthropic/v1/messages",
    )
    method: Literal["POST", "GET"] = Field("POST", description="HTTP method")
    model: str | None = Field(
        None,
        min_length=1,
        max_length=256,
        description=f"The body's model field; the gateway copies it into the {MODEL_HEADER} header before routing",
    )
    headers: dict[HeaderName, str] = Field(
        default_factory=dict,
        max_length=32,
        description=f"Request headers that matter for matching, e.g. {{{MODEL_HEADER}: gpt-4o-mini}} or a "
        "per-user header; values are used for header matches only and never printed. Give * for a value you "
        "would rather not type (an API key): it matches any condition on that header",
    )
    host: str | None = Field(
        None,
        max_length=253,
        pattern=r"^[A-Za-z0-9.-]+(:[0-9]+)?$",
        description="Host (authority) the client calls, for listener and route hostnames; unset matches any",
    )
    gateway: str | None = Field(
        None,
        max_length=253,
        pattern=r"^([a-z0-9-]+/)?[a-z0-9]([a-z0-9.-]*[a-z0-9])?$",
        description="Gateway to enter at, as name or namespace/name (default: the Gateway the routes attach to)",
    )
    listener: str | None = Field(
        None, max_length=253, description="Listener (section) name to enter at (default: the first that fits)"
    )
    credentials: CredentialKind | None = Field(
        None,
        description="What the caller presents to the gateway: none, api-key, jwt or basic; unset: only "
        "report what the client SecurityPolicy asks for",
    )
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway release the cluster runs"
    )

    def model_header(self) -> str | None:
        """The model the gateway routes on: an explicit header wins over the body's model field."""
        for name, value in self.headers.items():
            if name.lower() == MODEL_HEADER:
                return value
        return self.model

    def header(self, name: str) -> str | None:
        if name.lower() == MODEL_HEADER:
            return self.model_header()
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def describe(self) -> str:
        model = self.model_header()
        return f"{self.method} {self.path}" + (f" (model {model})" if model else "")


@dataclass(frozen=True)
class Step:
    """One hop of the data path."""

    stage: Stage
    status: Status
    summary: str
    decided_by: str = ""  # Kind/namespace/name (and a field path) of the object that decided, or "request"
    reason: str = ""  # why, with the upstream source: file@tag or an issue
    fix: str = ""  # what to change, for warn and fail
    actor: Actor = "envoy"  # who acts at this step (the sequence diagram's participant)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"stage": self.stage, "status": self.status, "summary": self.summary}
        for key in ("decided_by", "reason", "fix"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True)
class Leg:
    """One backendRef of the matched rule: how much traffic it gets and whether it can serve this request."""

    backend: str  # Kind/namespace/name
    schema: str  # the schema name, or "OpenAI" for an InferencePool (upstream assumes it)
    priority: int
    weight: int
    share: int  # percent of the first attempts within its priority
    serves: bool
    upstream: str  # scheme://host:port/path, or "" when unknown

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend,
            "schema": self.schema,
            "priority": self.priority,
            "weight": self.weight,
            "share_percent": self.share,
            "serves_endpoint": self.serves,
            "upstream": self.upstream,
        }


@dataclass(frozen=True)
class Trace:
    """The request, every step, the rule's legs, and where the request leaves the gateway (when it does)."""

    request: TraceRequest
    steps: tuple[Step, ...]
    legs: tuple[Leg, ...] = ()
    backend: str = ""  # the backend the first attempt goes to (Kind/namespace/name), "" when none
    upstream: str = ""  # scheme://host:port/path of that first attempt
    notes: tuple[str, ...] = field(default=())

    @property
    def reaches_backend(self) -> bool:
        """True when the request leaves the gateway for a backend and no step fails."""
        return bool(self.upstream) and not self.failures

    @property
    def failures(self) -> list[Step]:
        return [s for s in self.steps if s.status == "fail"]

    @property
    def warnings(self) -> list[Step]:
        return [s for s in self.steps if s.status == "warn"]

    def verdict(self) -> str:
        if self.reaches_backend:
            return f"reaches {self.backend} at {self.upstream}"
        if self.failures:
            first = self.failures[0]
            return f"fails at {first.stage}: {first.summary}"
        return "answered by the gateway itself; no backend is called"

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": self.request.model_dump(exclude={"headers"})
            | {"headers": sorted(self.request.headers)},
            "reaches_backend": self.reaches_backend,
            "verdict": self.verdict(),
            "backend": self.backend or None,
            "upstream": self.upstream or None,
            "steps": [s.to_dict() for s in self.steps],
            "legs": [leg.to_dict() for leg in self.legs],
        }
