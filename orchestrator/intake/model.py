"""The intake: everything the orchestrator needs to know, as one typed model (also the YAML intake file).

Per-provider backend and auth fields are derived from the atomic skills' input models, so the intake never
keeps a second copy of a field, its type or its description. Every question has a default and a reason.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, create_model, field_validator, model_validator

from orchestrator.intake.edge import ClientAuthIntake, ObservabilityIntake
from orchestrator.intake.traffic import LimitsIntake
from skills.auth import AuthInput
from skills.backend import BackendInput
from skills.errors import FieldValueError
from skills.install import AddonName
from skills.model import InputModel
from skills.providers import PRESETS, ProviderId
from skills.ratelimit import cost_problems
from skills.semantic_router_values import RouterValues
from skills.traffic import Canary, PassiveHealthCheck
from skills.types import MODEL, DNSLabel, Duration, ModelName, PolicyType, Quantity
from skills.versions import DEFAULT_VERSION, AIGatewayVersion


def _reason(text: str) -> dict[str, Any]:
    return {"reason": text}


def _derived(name: str, source: type[InputModel], exclude: set[str], doc: str) -> type[InputModel]:
    fields: dict[str, Any] = {
        key: (info.annotation, info) for key, info in source.model_fields.items() if key not in exclude
    }
    model = create_model(name, __base__=InputModel, __doc__=doc, **fields)
    return model


# Backend overrides a provider entry may carry (the preset fills the rest).
_BackendOverrides = _derived(
    "BackendOverrides",
    BackendInput,
    {"name", "namespace", "provider", "target_version"},
    "Backend fields that override the provider preset.",
)

ProviderAuth = _derived(
    "ProviderAuth",
    AuthInput,
    # The Envoy pods' namespaces come from installation and environment.
    {
        "targets",
        "name",
        "namespace",
        "target_version",
        "type",
        "envoy_gateway_namespace",
        "gateway_namespace",
    },
    "Credentials for this provider; the policy type defaults to the preset's.",
)


# A bundle is one gateway's configuration; 200,000 providers took minutes before failing elsewhere.
MAX_PROVIDERS = 200


class Installation(InputModel):
    """What to install, and whether Envoy Gateway is already there."""

    envoy_gateway_installed: bool = Field(
        False,
        description="Envoy Gateway is already installed on the cluster",
        json_schema_extra=_reason(
            "An existing Envoy Gateway is upgraded in place with the AI Gateway values"
        ),
    )
    version: AIGatewayVersion = Field(
        DEFAULT_VERSION,
        description="Envoy AI Gateway version",
        json_schema_extra=_reason("The latest release; older versions are supported as version profiles"),
    )
    addons: list[AddonName] = Field(
        default_factory=list,
        description="Optional capabilities to install",
        json_schema_extra=_reason("Nothing extra unless you route to InferencePools"),
    )
    envoy_gateway_namespace: DNSLabel = Field(
        "envoy-gateway-system",
        description="Envoy Gateway namespace",
        json_schema_extra=_reason("Upstream default"),
    )
    ai_gateway_namespace: DNSLabel = Field(
        "envoy-ai-gateway-system",
        description="AI Gateway controller namespace",
        json_schema_extra=_reason("Upstream default; the extension hook is generated for it"),
    )
    semantic_router: RouterValues | None = Field(
        None,
        description="The semantic-router addon's models and the signals that select each (with that addon)",
        json_schema_extra=_reason("Only with the semantic-router addon"),
    )


class Environment(InputModel):
    """Where the gateway objects live."""

    namespace: DNSLabel = Field(
        "default",
        description="Namespace for the route, backends, policies and Secrets",
        json_schema_extra=_reason("One namespace keeps references simple (no ReferenceGrants)"),
    )
    create_gateway: bool = Field(
        True,
        description="Create a new Gateway (false: attach to an existing one)",
        json_schema_extra=_reason("A dedicated Gateway isolates AI traffic and its buffer limit"),
    )
    gateway_name: DNSLabel = Field(
        "ai-gateway", description="Gateway name", json_schema_extra=_reason("A descriptive default")
    )
    gateway_namespace: DNSLabel | None = Field(
        None,
        description="Gateway namespace (default: the same namespace)",
        json_schema_extra=_reason("Same namespace unless you reuse a shared Gateway"),
    )
    route_name: DNSLabel = Field(
        "ai-gateway",
        description="AIGatewayRoute name",
        json_schema_extra=_reason("Also the generated HTTPRoute name"),
    )
    buffer_limit: Quantity = Field(
        "50Mi",
        description="Request buffer limit on the Gateway",
        json_schema_extra=_reason(
            "Envoy Gateway's 32 KiB default rejects long prompts with 413 (upstream #827)"
        ),
    )


class ProviderIntake(_BackendOverrides):  # type: ignore[misc,valid-type]
    """One provider: which preset, which models it serves, and how to authenticate."""

    provider: ProviderId = Field(description="Provider preset")
    name: DNSLabel | None = Field(None, description="Backend name (default: the provider id)")
    models: list[Annotated[str, MODEL]] = Field(  # MODEL: a hex digest model id is not a key by shape
        min_length=1,
        description="Model names clients send; 'client=upstream' sends a different name upstream",
        json_schema_extra=_reason("Routing is by model name (x-ai-eg-model)"),
    )
    weight: int | None = Field(None, ge=0, le=1000, description="Traffic share when a model is split")
    auth: ProviderAuth | None = Field(  # type: ignore[valid-type]
        None, description="Credentials (default: the preset's policy type, key from <NAME>_API_KEY)"
    )
    auth_type: PolicyType | Literal["none"] | None = Field(
        None, description="Override the preset's policy type; 'none' for no credentials"
    )

    @field_validator("models")
    @classmethod
    def _models(cls, value: list[str]) -> list[str]:
        from pydantic import TypeAdapter

        adapter = TypeAdapter(ModelName)
        for item in value:
            for part in item.split("=", 1):
                adapter.validate_python(part.strip())
        return value

    @property
    def backend_name(self) -> str:
        return self.name or self.provider

    def model_pairs(self) -> list[tuple[str, str | None]]:
        """(client model, upstream override or None) for each model entry."""
        pairs: list[tuple[str, str | None]] = []
        for item in self.models:
            client, _, upstream = item.partition("=")
            pairs.append((client.strip(), upstream.strip() or None))
        return pairs

    def policy_type(self) -> str:
        return self.auth_type or PRESETS[self.provider].auth


class Routing(InputModel):
    """How requests for a model reach providers when several serve it."""

    strategy: Literal["by-model", "failover", "split"] = Field(
        "by-model",
        description="by-model: each model to its provider; failover: providers in order as fallbacks; split: "
        "weighted share",
        json_schema_extra=_reason("Most setups route each model to the one provider that serves it"),
    )
    request_timeout: Duration | None = Field(
        None,
        description="Whole-request timeout per rule, e.g. 120s (AI Gateway default 60s)",
        json_schema_extra=_reason("Long generations may need more than the 60s default"),
    )
    canary: Canary | None = Field(
        None,
        description="Staged canary for a split: the new provider backend, its stages (5,25,50,100) and current %",
        json_schema_extra=_reason("Shift traffic to a new provider gradually; implies strategy split"),
    )
    health_check: PassiveHealthCheck | None = Field(
        None,
        description="Passive health check (outlier detection) on the failover retry policy",
        json_schema_extra=_reason("Ejects a failing backend so retries stop trying it first"),
    )

    @model_validator(mode="before")
    @classmethod
    def _canary_splits(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("canary") and "strategy" not in data:
            return data | {"strategy": "split"}
        return data


class Intake(InputModel):
    """A complete request for an AI Gateway deployment."""

    providers: list[ProviderIntake] = Field(
        min_length=1,
        max_length=MAX_PROVIDERS,
        description=f"Providers and the models they serve (at most {MAX_PROVIDERS})",
    )
    environment: Environment = Field(default_factory=Environment, description="Where the objects live")
    installation: Installation = Field(default_factory=Installation, description="What to install")
    routing: Routing = Field(default_factory=Routing, description="How shared models are routed")
    limits: LimitsIntake | None = Field(
        None, description="Token limits per user or tenant and per-model quotas (default: none)"
    )
    client_auth: ClientAuthIntake | None = Field(
        None, description="Client authentication on the Gateway (default: none, anyone reaching it may call)"
    )
    observability: ObservabilityIntake | None = Field(  # type: ignore[valid-type]
        None, description="Access logs, metrics scraping and tracing (default: none)"
    )

    @model_validator(mode="after")
    def _costs_for_the_version(self) -> Intake:
        """Cost expressions the target version's controller refuses (a variable declared in a later release)."""
        if self.limits is not None:
            problems = cost_problems(
                self.installation.version,
                {f"token_limits[{i}]": c for i, c in enumerate(self.limits.token_limits)},
                {f"quotas[{i}]": q for i, q in enumerate(self.limits.quotas)},
            )
            if problems:
                first = problems[0]
                raise FieldValueError(f"limits.{first.path}", first.message)
        return self

    @model_validator(mode="after")
    def _unique_backends(self) -> Intake:
        names = [p.backend_name for p in self.providers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(
                f"providers: backend name(s) {', '.join(duplicates)} used twice; give each entry a distinct name"
            )
        return self
