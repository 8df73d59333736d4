"""The tracer's data: the request to follow (the input model of `aigw-skills trace` and `aigw_trace`) and the result.

A trace is an ordered list of steps along the data path the controllers build (Gateway listener → AIGatewayRoute
rule → backends → endpoint × schema translation → model name → BackendSecurityPolicy → BackendTrafficPolicy →
client SecurityPolicy → upstream). Each step says what happened, which object decided it, the upstream reason
(file and tag, or issue), and — when the request would fail or degrade there — what to change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator

from skills.model import InputModel
from skills.types import MODEL
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
_HEADER_LINE = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+: ?[\x20-\x7e]*\Z")


def _header_line(value: str) -> str:
    if not _HEADER_LINE.match(value):
        raise ValueError("must look like 'Name: value' (a header name, a colon, printable text)")
    return value


# One request header as "Name: value" (RFC 7230 token name, printable single-line value).
HeaderLine = Annotated[str, StringConstraints(min_length=2, max_length=4096), AfterValidator(_header_line)]


class TraceRequest(InputModel):
    """A request to follow through the manifests: where it enters, what it asks for, what it carries."""

    path: str = Field(
        "/v1/chat/completions",
        pattern=r"^/[A-Za-z0-9._~/%:@!$&'()*+,;=?-]*$",
        max_length=2048,
        description="Request path as the client sends it, e.g. /v1/chat/completions or /anthropic/v1/messages",
    )
    method: Literal["POST", "GET"] = Field("POST", description="HTTP method")
    model: Annotated[str, MODEL] | None = Field(  # MODEL: a hex digest model id is not a key by shape
        None,
        min_length=1,
        max_length=256,
        description=f"The body's model field; the gateway copies it into the {MODEL_HEADER} header before routing",
    )
    headers: list[HeaderLine] = Field(
        default_factory=list,
        max_length=32,
        description=f"Request headers as 'Name: value', e.g. '{MODEL_HEADER}: gpt-4o-mini' or 'x-user-id: alice'; "
        "values serve header matches only and are never printed. Give * as the value of a header you would "
        "rather not type (an API key): it matches any condition on that header",
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

    @field_validator("headers", mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        """A mapping {name: value} is accepted too (API callers) and becomes 'name: value' lines."""
        if isinstance(value, dict):
            return [f"{name}: {text}" for name, text in value.items()]
        return value

    def header_map(self) -> dict[str, str]:
        """Header names (lower case) to values; a later line with the same name wins."""
        out: dict[str, str] = {}
        for line in self.headers:
            name, _, value = line.partition(":")
            out[name.strip().lower()] = value.strip()
        return out

    def model_header(self) -> str | None:
        """The model the gateway routes on: an explicit header wins over the body's model field."""
        return self.header_map().get(MODEL_HEADER, self.model)

    def header(self, name: str) -> str | None:
        if name.lower() == MODEL_HEADER:
            return self.model_header()
        return self.header_map().get(name.lower())

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
            "schema_name": self.schema,
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
            | {"headers": sorted(self.request.header_map())},
            "reaches_backend": self.reaches_backend,
            "verdict": self.verdict(),
            "backend": self.backend or None,
            "upstream": self.upstream or None,
            "steps": [s.to_dict() for s in self.steps],
            "legs": [leg.to_dict() for leg in self.legs],
        }
