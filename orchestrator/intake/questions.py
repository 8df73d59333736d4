"""The forms of the required intake rounds (environment, providers, details, routing) and how their answers
become intake data. Which round asks which form, and when, is declared in orchestrator.intake.rounds; the walker
(orchestrator.intake.walker) is what every front door uses.

Forms are flat (primitive fields only) as elicitation requires, and typed with the project's constrained types,
so a form carries the patterns, bounds and choices a client can check before the answer is sent.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, create_model

from orchestrator.intake.form_schema import OPTION_TITLES
from orchestrator.intake.forms import Form
from orchestrator.intake.production import production_intake
from skills.providers import PRESETS, ProviderId
from skills.types import MODEL, CloudRegion, DNSLabel, Duration, EnvVarName, Port
from skills.versions import DEFAULT_VERSION, AIGatewayVersion


class EnvironmentForm(Form):
    """Round 1: where the gateway goes and what is installed already."""

    namespace: DNSLabel = Field(
        "default", title="Namespace", description="Namespace for routes, backends and Secrets"
    )
    create_gateway: bool = Field(
        True, title="Create a Gateway", description="Create a new Gateway (no: attach to an existing one)"
    )
    gateway_name: DNSLabel = Field("ai-gateway", title="Gateway name", description="Gateway name")
    envoy_gateway_installed: bool = Field(
        False, title="Envoy Gateway installed", description="Is Envoy Gateway already installed?"
    )
    version: AIGatewayVersion = Field(
        DEFAULT_VERSION, title="AI Gateway version", description="Envoy AI Gateway version"
    )


def _default_providers() -> list[ProviderId]:
    return ["openai", "anthropic"]


class ProvidersForm(Form):
    """Round 2: which providers to connect."""

    providers: list[ProviderId] = Field(
        default_factory=_default_providers,
        min_length=1,
        title="Providers",
        description="Providers to connect",
        json_schema_extra={OPTION_TITLES: {pid: preset.title for pid, preset in PRESETS.items()}},
    )


def answer_key(provider: str, field: str) -> str:
    """The form field of `field` for one provider in the details and routing rounds (openai__models)."""
    return f"{provider.replace('-', '_')}__{field}"


def details_form(providers: list[str]) -> type[Form]:
    """Round 3: per-provider models and credentials, one flat form for all chosen providers."""
    fields: dict[str, Any] = {}
    for pid in providers:
        preset = PRESETS[pid]
        title = preset.title
        fields[answer_key(pid, "models")] = (
            Annotated[str, MODEL],  # model ids: a hex digest is not a key by its shape
            Field(
                ", ".join(preset.example_models[:1]),
                min_length=1,
                title=f"{title} models",
                description=f"{title}: model names clients send, comma-separated ('client=upstream' renames)",
            ),
        )
        if "region" in preset.parameters:
            fields[answer_key(pid, "region")] = (
                CloudRegion,
                Field(
                    preset.default_region or ...,  # no default region: the answer is required
                    title=f"{title} region",
                    description=f"{title}: region",
                ),
            )
        if "resource" in preset.parameters:
            fields[answer_key(pid, "resource")] = (
                str,
                Field(
                    min_length=1,
                    title=f"{title} resource",
                    description=f"{title}: resource name (<resource>.openai.azure.com)",
                    examples=["my-openai-resource"],
                ),
            )
        if preset.in_cluster:
            fields[answer_key(pid, "service")] = (
                DNSLabel,
                Field(pid, title=f"{title} Service", description=f"{title}: in-cluster Service name"),
            )
            fields[answer_key(pid, "port")] = (
                Port,
                Field(preset.port, title=f"{title} port", description=f"{title}: Service port"),
            )
        if pid == "azure-openai":
            fields[answer_key(pid, "auth")] = (
                Literal["AzureAPIKey", "AzureCredentials"],
                Field(
                    "AzureAPIKey",
                    title=f"{title} auth",
                    description=f"{title}: API key, or Entra ID client secret",
                ),
            )
            fields[answer_key(pid, "azure_client_id")] = (
                str,
                Field(
                    "",
                    title=f"{title} client ID",
                    description=f"{title}: Entra ID client ID (required with AzureCredentials)",
                    examples=["00000000-0000-0000-0000-000000000001"],
                ),
            )
            fields[answer_key(pid, "azure_tenant_id")] = (
                str,
                Field(
                    "",
                    title=f"{title} tenant ID",
                    description=f"{title}: Entra ID tenant ID (required with AzureCredentials)",
                    examples=["00000000-0000-0000-0000-000000000002"],
                ),
            )
        if preset.auth in ("APIKey", "AnthropicAPIKey", "AzureAPIKey"):
            fields[answer_key(pid, "secret_env")] = (
                EnvVarName,
                Field(
                    preset.secret_env or "",
                    title=f"{title} key variable",
                    description=f"{title}: environment variable holding the API key"
                    + (" (AzureCredentials: the client secret)" if pid == "azure-openai" else ""),
                ),
            )
        elif preset.auth == "AWSCredentials":
            fields[answer_key(pid, "aws_mode")] = (
                Literal["default-chain", "credentials-file"],
                Field(
                    "default-chain",
                    title=f"{title} credentials",
                    description=f"{title}: IRSA/Pod Identity (default-chain) or a credentials file",
                ),
            )
            fields[answer_key(pid, "secret_file")] = (
                str,
                Field(
                    "",
                    title=f"{title} credentials file",
                    description=f"{title}: credentials file path (required with credentials-file)",
                    examples=["~/.aws/credentials"],
                ),
            )
        elif preset.auth == "GCPCredentials":
            fields[answer_key(pid, "gcp_project")] = (
                str,
                Field(
                    title=f"{title} project",
                    description=f"{title}: GCP project ID",
                    examples=["my-gcp-project"],
                ),
            )
            fields[answer_key(pid, "gcp_mode")] = (
                Literal["credentials-file", "adc"],
                Field(
                    "credentials-file",
                    title=f"{title} credentials",
                    description=f"{title}: service-account key file, or ADC (GKE workload identity)",
                ),
            )
            fields[answer_key(pid, "secret_file")] = (
                str,
                Field(
                    "./service-account.json",
                    title=f"{title} key file",
                    description=f"{title}: service-account key file (required with credentials-file)",
                ),
            )
    return create_model("DetailsForm", __base__=Form, __doc__="Models and credentials per provider", **fields)


def shared_models(providers: list[str], details: dict[str, Any]) -> list[str]:
    """Client model names that more than one chosen provider serves."""
    seen: dict[str, int] = {}
    for pid in providers:
        for item in str(details.get(answer_key(pid, "models"), "")).split(","):
            client = item.split("=", 1)[0].strip()
            if client:
                seen[client] = seen.get(client, 0) + 1
    return sorted(m for m, count in seen.items() if count > 1)


def routing_form(providers: list[str]) -> type[Form]:
    """Round 4 (only when a model is served by several providers): failover order or weighted split."""
    fields: dict[str, Any] = {
        "strategy": (
            Literal["failover", "split"],
            Field(
                "failover",
                description="failover: providers in the order chosen; split: share by weight",
                json_schema_extra={
                    OPTION_TITLES: {
                        "failover": "Fail over in provider order",
                        "split": "Split traffic by weight",
                    }
                },
            ),
        ),
        "request_timeout": (
            Duration | Literal[""],
            Field("", description="Request timeout such as 120s (empty: AI Gateway's 60s)"),
        ),
    }
    for pid in providers:
        fields[answer_key(pid, "weight")] = (
            int,
            Field(
                1,
                ge=0,
                le=1000,
                title=f"{PRESETS[pid].title} weight",
                description=f"{PRESETS[pid].title}: weight for split",
            ),
        )
    return create_model("RoutingForm", __base__=Form, __doc__="How shared models are routed", **fields)


def _provider_entry(
    pid: str, details: dict[str, Any], env: dict[str, Any], routing: dict[str, Any]
) -> dict[str, Any]:
    preset = PRESETS[pid]
    get = lambda field: details.get(answer_key(pid, field))  # noqa: E731
    models = [m.strip() for m in str(get("models") or "").split(",") if m.strip()]
    entry: dict[str, Any] = {"provider": pid, "models": models}
    for field in ("region", "resource"):
        if get(field):
            entry[field] = get(field)
    if preset.in_cluster and get("service"):
        entry["service"] = {"name": get("service"), "port": get("port") or preset.port}
    # A credential field the chosen type or mode uses goes to the auth skill as answered, and left empty it goes
    # as missing, so aigw-auth's own required-field rules speak in the details round (the walker composes each
    # answer). Fields another choice uses stay out, as the example answers rely on (they fill every choice's).
    auth: dict[str, Any] = {}
    if get("secret_env"):
        auth["secret_env"] = get("secret_env")
    if get("auth") == "AzureCredentials":
        entry["auth_type"] = "AzureCredentials"
        auth |= {field: get(field) for field in ("azure_client_id", "azure_tenant_id") if get(field)}
    if preset.auth == "AWSCredentials":
        auth["aws_mode"] = get("aws_mode") or "default-chain"
        if auth["aws_mode"] == "credentials-file" and get("secret_file"):
            auth["secret_file"] = get("secret_file")
    if preset.auth == "GCPCredentials":
        auth["gcp_mode"] = get("gcp_mode") or "credentials-file"
        if get("gcp_project"):
            auth["gcp_project"] = get("gcp_project")
        if auth["gcp_mode"] == "credentials-file" and get("secret_file"):
            auth["secret_file"] = get("secret_file")
    if auth:
        entry["auth"] = auth
    weight = routing.get(answer_key(pid, "weight"))
    if routing.get("strategy") == "split" and weight is not None:
        entry["weight"] = weight
    return entry


def to_intake(
    environment: dict[str, Any],
    providers: list[str],
    details: dict[str, Any],
    routing: dict[str, Any] | None,
    production: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The answers of the rounds as raw Intake data (validated by Intake.parse); `production` is the optional
    round ({features: [...], <production form fields>}), None or no features: none of them."""
    env = environment
    routing = routing or {}
    data: dict[str, Any] = {
        "environment": {
            "namespace": env.get("namespace", "default"),
            "create_gateway": env.get("create_gateway", True),
            "gateway_name": env.get("gateway_name", "ai-gateway"),
        },
        "installation": {
            "envoy_gateway_installed": env.get("envoy_gateway_installed", False),
            "version": env.get("version", DEFAULT_VERSION),
        },
        "providers": [_provider_entry(pid, details, env, routing) for pid in providers],
    }
    if routing.get("strategy"):
        data["routing"] = {"strategy": routing["strategy"]}
        if routing.get("request_timeout"):
            data["routing"]["request_timeout"] = routing["request_timeout"]
    extra = production_intake(production) if production else {}
    if "routing" in extra:
        data["routing"] = data.get("routing", {}) | extra.pop("routing")
    return data | extra
