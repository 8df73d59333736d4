"""aigw-backend: one provider endpoint as an EG Backend, an AIServiceBackend and (for HTTPS) a BackendTLSPolicy."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field, model_validator

from skills.errors import FieldValueError, InputError, Problem, show_value
from skills.model import InputModel
from skills.mutation import BodyMutation, HeaderMutation
from skills.providers import PRESETS, ProviderId, ProviderPreset
from skills.render import render_object
from skills.result import SkillResult
from skills.types import CloudRegion, DNSLabel, Hostname, PathPrefix, Port, SchemaName, SchemaVersion
from skills.versions import DEFAULT_VERSION, AIGatewayVersion, profile

SKILL = "aigw-backend"
PREFIX_SCHEMAS = ("OpenAI", "Anthropic")


class ServiceTarget(InputModel):
    """An in-cluster Kubernetes Service reached over plain HTTP through its cluster DNS name."""

    name: DNSLabel = Field(description="Service name")
    namespace: DNSLabel | None = Field(
        None, description="Service namespace (default: the backend's namespace)"
    )
    port: Port = Field(description="Service port, e.g. 11434 for Ollama or 8000 for vLLM")


class BackendInput(InputModel):
    """One upstream model provider or self-hosted server."""

    name: DNSLabel = Field(description="Name of the Backend and AIServiceBackend, e.g. openai")
    namespace: DNSLabel = Field(
        "default", description="Namespace of the backend objects (same as the route's)"
    )
    provider: ProviderId | None = Field(
        None,
        description="Provider preset that fills schema, hostname, port, prefix and version (see aigw_providers)",
    )
    schema_name: SchemaName | None = Field(
        None, description="API schema the provider speaks; required when no provider preset is given"
    )
    hostname: Hostname | None = Field(None, description="Provider hostname, overriding the preset")
    service: ServiceTarget | None = Field(None, description="In-cluster Service target instead of a hostname")
    port: Port | None = Field(None, description="Port (default: the preset's, else 443)")
    tls: bool | None = Field(
        None, description="Use TLS with system CAs (default: yes, except for in-cluster targets and port 80)"
    )
    prefix: PathPrefix | None = Field(
        None,
        description="Path prefix for OpenAI/Anthropic-compatible APIs, e.g. /v1beta/openai (default /v1)",
    )
    schema_version: SchemaVersion | None = Field(
        None, description="schema.version: Azure api-version, or the Anthropic version on Bedrock/Vertex"
    )
    region: CloudRegion | None = Field(
        None, description="Region for presets whose hostname has one (AWS, GCP)"
    )
    resource: DNSLabel | None = Field(
        None, description="Azure OpenAI resource name ({resource}.openai.azure.com)"
    )
    header_mutation: HeaderMutation | None = Field(
        None, description="Headers to set/remove towards the provider"
    )
    body_mutation: BodyMutation | None = Field(None, description="Top-level body fields to set/remove")
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version to generate for"
    )

    @model_validator(mode="after")
    def _one_target(self) -> BackendInput:
        if self.hostname and self.service:
            raise FieldValueError("service", "give either hostname or service, not both")
        if not self.provider and not self.schema_name:
            raise FieldValueError(
                "schema_name",
                "schema_name is required when no provider preset is given; pick a provider "
                f"({', '.join(PRESETS)}) or a schema name",
            )
        return self


@dataclass(frozen=True)
class ResolvedBackend:
    """A backend with every default applied: exactly what the templates render."""

    name: str
    namespace: str
    schema_name: str
    hostname: str
    port: int
    tls: bool
    prefix: str | None
    schema_version: str | None
    in_cluster: bool
    preset: ProviderPreset | None


def _preset_host(inp: BackendInput, preset: ProviderPreset, problems: list[Problem]) -> str:
    values = {
        "namespace": inp.namespace,
        "region": inp.region or preset.default_region,
        "resource": inp.resource,
    }
    if "{resource}" in preset.hostname and not inp.resource:
        problems.append(
            Problem(
                "resource",
                f"{preset.title} needs the resource name of your endpoint",
                None,
                "the part before .openai.azure.com, e.g. my-openai",
            )
        )
        return preset.hostname
    if "{region}" in preset.hostname and inp.region == "global":
        return preset.hostname.replace("{region}-", "")
    return preset.hostname.format(**{k: v for k, v in values.items() if v is not None})


def resolve_backend(inp: BackendInput) -> ResolvedBackend:
    """Apply the preset and defaults; raise InputError with every inconsistency found."""
    problems: list[Problem] = []
    preset = PRESETS[inp.provider] if inp.provider else None
    schema = inp.schema_name or (preset.schema if preset else "OpenAI")
    in_cluster = inp.service is not None
    if inp.service:
        hostname = f"{inp.service.name}.{inp.service.namespace or inp.namespace}.svc.cluster.local"
        port = inp.port or inp.service.port
    elif inp.hostname:
        hostname = inp.hostname
        port = inp.port or (preset.port if preset and not preset.in_cluster else 443)
        in_cluster = hostname.endswith((".svc", ".svc.cluster.local"))
    elif preset:
        hostname = _preset_host(inp, preset, problems)
        port = inp.port or preset.port
        in_cluster = preset.in_cluster
    else:
        problems.append(
            Problem("hostname", "no endpoint given", None, "hostname, service or a provider preset")
        )
        hostname, port = "", 443
    if preset is None or not {"region", "resource"} & set(preset.parameters) or inp.hostname or inp.service:
        for field in ("region", "resource"):
            if getattr(inp, field) is not None:
                problems.append(
                    Problem(
                        field,
                        "only used to build a preset's hostname",
                        show_value(getattr(inp, field)),
                        "no value here (or a provider preset that has this parameter)",
                    )
                )
    elif inp.region and "region" not in preset.parameters:
        problems.append(Problem("region", f"provider {preset.id} has no region", show_value(inp.region)))
    elif inp.resource and "resource" not in preset.parameters:
        problems.append(
            Problem("resource", f"provider {preset.id} has no resource name", show_value(inp.resource))
        )
    tls = inp.tls if inp.tls is not None else not (in_cluster or port == 80)
    prefix = (
        inp.prefix
        if inp.prefix is not None
        else (preset.prefix if preset and preset.schema == schema else None)
    )
    version = inp.schema_version
    if version is None and preset and preset.schema == schema:
        version = preset.schema_version
    prof = profile(inp.target_version)
    if prefix is not None and schema not in PREFIX_SCHEMAS:
        problems.append(
            Problem(
                "prefix",
                f"the {schema} schema ignores prefix",
                show_value(prefix),
                "no prefix, or schema OpenAI/Anthropic",
            )
        )
    if prefix is not None and schema == "Anthropic" and not prof.anthropic_prefix:
        problems.append(
            Problem(
                "prefix",
                f"AI Gateway {prof.ai_gateway} has no prefix for Anthropic",
                prefix,
                "v0.7.0 or later",
            )
        )
    if schema == "OpenAI" and inp.schema_version is not None:
        problems.append(
            Problem(
                "schema_version",
                "OpenAI ignores schema.version since v0.6 (upstream #1629); the path prefix goes in prefix",
                show_value(inp.schema_version),
                f"prefix: /{inp.schema_version.strip('/')}",
            )
        )
    if problems:
        raise InputError(problems, skill=SKILL)
    return ResolvedBackend(
        inp.name, inp.namespace, schema, hostname, port, tls, prefix, version, in_cluster, preset
    )


def build_backend(data: BackendInput | dict) -> SkillResult:
    """Backend + AIServiceBackend (+ BackendTLSPolicy for TLS) for one provider."""
    inp = BackendInput.parse(data, skill=SKILL)
    res = resolve_backend(inp)
    prof = profile(inp.target_version)
    rendered = [
        render_object(
            SKILL,
            "backend.yaml.j2",
            name=res.name,
            namespace=res.namespace,
            hostname=res.hostname,
            port=res.port,
            tls=res.tls,
        ),
        render_object(
            SKILL,
            "aiservicebackend.yaml.j2",
            api_version=prof.aigw_api_version,
            name=res.name,
            namespace=res.namespace,
            schema_name=res.schema_name,
            schema_version=res.schema_version,
            prefix=res.prefix,
            header_mutation=inp.header_mutation.to_spec() if inp.header_mutation else None,
            body_mutation=inp.body_mutation.to_spec() if inp.body_mutation else None,
        ),
    ]
    if res.tls:
        rendered.append(
            render_object(
                SKILL,
                "backendtlspolicy.yaml.j2",
                api_version=prof.backend_tls_policy_api_version,
                name=f"{res.name}-tls",
                namespace=res.namespace,
                backend=res.name,
                hostname=res.hostname,
            )
        )
    notes = []
    if res.preset and res.preset.notes:
        notes.append(res.preset.notes)
    if res.schema_name == "GCPVertexAI":
        notes.append(
            "GCPVertexAI needs a GCPCredentials BackendSecurityPolicy: project and region come from it."
        )
    if not res.tls and not res.in_cluster:
        notes.append(
            f"Traffic to {res.hostname}:{res.port} is plain HTTP; use tls=true for anything off-cluster."
        )
    return SkillResult.from_rendered(SKILL, rendered, notes=notes)
