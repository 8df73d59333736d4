"""Provider presets: what a Backend, AIServiceBackend and BackendSecurityPolicy need for each provider.

Hostnames, prefixes and schema versions follow the providers' own docs and the upstream AI Gateway
examples (examples/basic at v1.1.0). A preset is a default, never a lock-in: every field can be
overridden in the backend input.

Example models are ids each provider serves, checked against its model list and deprecation page in
December 2026 (several ids in upstream's own examples are retired: claude-3-5-sonnet, the Gemini 2.5 models
since 2026-12-01, deepseek-chat since 2026-07-24, Groq's llama-3.3-70b-versatile since 2026-08-16). AWS
Bedrock serves Claude 4.x only through inference profiles (the us. prefix). Review them with each release.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

AuthKind = Literal[
    "APIKey", "AnthropicAPIKey", "AzureAPIKey", "AWSCredentials", "AzureCredentials", "GCPCredentials", "none"
]


@dataclass(frozen=True)
class ProviderPreset:
    """Defaults for one provider. `hostname` may hold {region} or {resource} placeholders."""

    id: str
    title: str
    schema: str
    hostname: str
    auth: AuthKind
    docs: str
    example_models: tuple[str, ...]
    port: int = 443
    prefix: str | None = None
    schema_version: str | None = None
    secret_env: str | None = None
    in_cluster: bool = False
    default_region: str | None = None
    notes: str = ""
    parameters: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["example_models"] = list(self.example_models)
        data["parameters"] = list(self.parameters)
        return data


_P = ProviderPreset

PRESETS: dict[str, ProviderPreset] = {
    p.id: p
    for p in (
        _P(
            "openai",
            "OpenAI",
            "OpenAI",
            "api.openai.com",
            "APIKey",
            "https://platform.openai.com/docs/api-reference",
            ("gpt-5.4-mini", "gpt-5.5"),
            secret_env="OPENAI_API_KEY",
        ),
        _P(
            "aws-bedrock",
            "AWS Bedrock",
            "AWSBedrock",
            "bedrock-runtime.{region}.amazonaws.com",
            "AWSCredentials",
            "https://docs.aws.amazon.com/bedrock/latest/userguide/endpoints.html",
            ("us.amazon.nova-pro-v1:0", "us.amazon.nova-micro-v1:0"),
            default_region="us-east-1",
            parameters=("region",),
            notes="Bedrock runtime endpoint of the region; model ids are Bedrock model ids.",
        ),
        _P(
            "azure-openai",
            "Azure OpenAI",
            "AzureOpenAI",
            "{resource}.openai.azure.com",
            "AzureAPIKey",
            "https://learn.microsoft.com/azure/ai-services/openai/reference",
            ("gpt-5.4-mini",),
            schema_version="2025-01-01-preview",
            secret_env="AZURE_OPENAI_API_KEY",
            parameters=("resource",),
            notes="schema.version is the Azure api-version; the model name is your deployment name.",
        ),
        _P(
            "gemini",
            "Gemini (Google AI Studio, OpenAI-compatible)",
            "OpenAI",
            "generativelanguage.googleapis.com",
            "APIKey",
            "https://ai.google.dev/gemini-api/docs/openai",
            ("gemini-3.5-flash", "gemini-3.5-flash-lite"),
            prefix="/v1beta/openai",
            secret_env="GEMINI_API_KEY",
        ),
        _P(
            "gcp-vertex-ai",
            "GCP Vertex AI (Gemini)",
            "GCPVertexAI",
            "{region}-aiplatform.googleapis.com",
            "GCPCredentials",
            "https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference",
            ("gemini-3.5-flash",),
            default_region="us-central1",
            parameters=("region",),
            notes="Project and region come from the attached GCPCredentials policy, which is required. "
            "region=global uses aiplatform.googleapis.com.",
        ),
        _P(
            "gcp-anthropic",
            "Anthropic on GCP Vertex AI",
            "GCPAnthropic",
            "{region}-aiplatform.googleapis.com",
            "GCPCredentials",
            "https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude",
            ("claude-sonnet-4-6", "claude-haiku-4-5@20251001"),
            schema_version="vertex-2023-10-16",
            default_region="us-east5",
            parameters=("region",),
            notes="schema.version is the Anthropic API version Vertex AI expects.",
        ),
        _P(
            "groq",
            "Groq",
            "OpenAI",
            "api.groq.com",
            "APIKey",
            "https://console.groq.com/docs/openai",
            ("openai/gpt-oss-120b",),
            prefix="/openai/v1",
            secret_env="GROQ_API_KEY",
        ),
        _P(
            "grok",
            "Grok (xAI)",
            "OpenAI",
            "api.x.ai",
            "APIKey",
            "https://docs.x.ai/docs/api-reference",
            ("grok-4.7", "grok-4-1-fast-reasoning"),
            prefix="/v1",
            secret_env="XAI_API_KEY",
        ),
        _P(
            "together-ai",
            "Together AI",
            "OpenAI",
            "api.together.xyz",
            "APIKey",
            "https://docs.together.ai/docs/openai-api-compatibility",
            ("meta-llama/Llama-3.3-70B-Instruct-Turbo",),
            prefix="/v1",
            secret_env="TOGETHER_API_KEY",
        ),
        _P(
            "cohere",
            "Cohere (chat, OpenAI-compatible)",
            "OpenAI",
            "api.cohere.ai",
            "APIKey",
            "https://docs.cohere.com/docs/compatibility-api",
            ("command-a-03-2025",),
            prefix="/compatibility/v1",
            secret_env="COHERE_API_KEY",
            notes="Chat goes through Cohere's OpenAI-compatible API; AI Gateway's native Cohere schema only "
            "translates rerank (preset cohere-rerank).",
        ),
        _P(
            "cohere-rerank",
            "Cohere rerank (native v2 API)",
            "Cohere",
            "api.cohere.com",
            "APIKey",
            "https://docs.cohere.com/reference/rerank",
            ("rerank-v3.5",),
            schema_version="v2",
            secret_env="COHERE_API_KEY",
            notes="Native Cohere v2 schema, served by the gateway at /cohere/v2/rerank.",
        ),
        _P(
            "mistral",
            "Mistral",
            "OpenAI",
            "api.mistral.ai",
            "APIKey",
            "https://docs.mistral.ai/api/",
            ("mistral-large-latest",),
            prefix="/v1",
            secret_env="MISTRAL_API_KEY",
        ),
        _P(
            "deepinfra",
            "DeepInfra",
            "OpenAI",
            "api.deepinfra.com",
            "APIKey",
            "https://deepinfra.com/docs/openai_api",
            ("meta-llama/Llama-3.3-70B-Instruct-Turbo",),
            prefix="/v1/openai",
            secret_env="DEEPINFRA_API_KEY",
        ),
        _P(
            "deepseek",
            "DeepSeek",
            "OpenAI",
            "api.deepseek.com",
            "APIKey",
            "https://api-docs.deepseek.com/",
            ("deepseek-v4-flash", "deepseek-v4-pro"),
            prefix="/v1",
            secret_env="DEEPSEEK_API_KEY",
        ),
        _P(
            "hunyuan",
            "Tencent Hunyuan",
            "OpenAI",
            "api.hunyuan.cloud.tencent.com",
            "APIKey",
            "https://cloud.tencent.com/document/product/1729/111007",
            ("hunyuan-turbos-latest",),
            prefix="/v1",
            secret_env="HUNYUAN_API_KEY",
        ),
        _P(
            "tencent-lke",
            "Tencent LLM Knowledge Engine",
            "OpenAI",
            "api.lkeap.cloud.tencent.com",
            "APIKey",
            "https://cloud.tencent.com/document/product/1772/115969",
            ("deepseek-v3",),
            prefix="/v1",
            secret_env="LKEAP_API_KEY",
            notes="China endpoint; international accounts use api.lkeap.tencentcloud.com (set hostname).",
        ),
        _P(
            "tetrate-ars",
            "Tetrate Agent Router Service",
            "OpenAI",
            "api.router.tetrate.ai",
            "APIKey",
            "https://router.tetrate.ai/docs",
            ("gpt-5.4-mini", "claude-sonnet-4-6"),
            prefix="/v1",
            secret_env="TARS_API_KEY",
        ),
        _P(
            "sambanova",
            "SambaNova",
            "OpenAI",
            "api.sambanova.ai",
            "APIKey",
            "https://docs.sambanova.ai/cloud/docs/get-started/overview",
            ("Meta-Llama-3.3-70B-Instruct", "gpt-oss-120b"),
            prefix="/v1",
            secret_env="SAMBANOVA_API_KEY",
        ),
        _P(
            "anthropic",
            "Anthropic",
            "Anthropic",
            "api.anthropic.com",
            "AnthropicAPIKey",
            "https://docs.anthropic.com/en/api/messages",
            ("claude-sonnet-4-6", "claude-haiku-4-5"),
            secret_env="ANTHROPIC_API_KEY",
            notes="Native Messages API; the key is sent as x-api-key.",
        ),
        _P(
            "anthropic-openai",
            "Anthropic (OpenAI-compatible chat completions)",
            "OpenAI",
            "api.anthropic.com",
            "APIKey",
            "https://docs.anthropic.com/en/api/openai-sdk",
            ("claude-sonnet-4-6", "claude-haiku-4-5"),
            prefix="/v1",
            secret_env="ANTHROPIC_API_KEY",
            notes="Anthropic's OpenAI SDK compatibility layer: /v1/chat/completions with the key as Authorization: "
            "Bearer. Use it to fail over chat between providers: AI Gateway's native Anthropic schema has no "
            "/v1/chat/completions translator (internal/endpointspec/endpointspec.go@v1.1.0).",
        ),
        _P(
            "aws-anthropic",
            "Anthropic on AWS Bedrock",
            "AWSAnthropic",
            "bedrock-runtime.{region}.amazonaws.com",
            "AWSCredentials",
            "https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-claude.html",
            ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
            schema_version="bedrock-2023-05-31",
            default_region="us-east-1",
            parameters=("region",),
        ),
        _P(
            "ollama",
            "Ollama (self-hosted, in cluster)",
            "OpenAI",
            "ollama.{namespace}.svc.cluster.local",
            "none",
            "https://github.com/ollama/ollama/blob/main/docs/openai.md",
            ("llama3.2",),
            port=11434,
            prefix="/v1",
            in_cluster=True,
            notes="Plain HTTP to the in-cluster Service; no credentials.",
        ),
        _P(
            "vllm",
            "vLLM (self-hosted, in cluster)",
            "OpenAI",
            "vllm.{namespace}.svc.cluster.local",
            "none",
            "https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html",
            ("meta-llama/Llama-3.1-8B-Instruct",),
            port=8000,
            prefix="/v1",
            in_cluster=True,
            notes="Plain HTTP to the in-cluster Service; add an APIKey policy if vLLM runs with --api-key.",
        ),
    )
}


if TYPE_CHECKING:
    ProviderId = str  # at run time: a Literal of the PRESETS keys (pydantic validates and lists them)
else:
    ProviderId = Literal[tuple(PRESETS)]


def preset(provider_id: str) -> ProviderPreset:
    if provider_id not in PRESETS:
        raise KeyError(f"unknown provider {provider_id!r}; known: {', '.join(PRESETS)}")
    return PRESETS[provider_id]


def catalog() -> list[dict[str, Any]]:
    """Every preset as plain data, in a stable order."""
    return [p.to_dict() for p in PRESETS.values()]
