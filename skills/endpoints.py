"""Which API endpoints each AIServiceBackend schema can serve, per AI Gateway release.

The gateway accepts a request on one of its endpoint paths and translates it for the backend's schema; when the
schema has no translator for that endpoint the request fails, whatever the route says. The table below is
read from upstream: the ``GetTranslator`` switch of each endpoint spec in ``internal/endpointspec/endpointspec.go``
(one ``case`` per schema that has a translator) and the paths registered in ``cmd/extproc/mainlib/main.go``, at
the tags v0.5.0, v0.6.0, v0.7.0, v1.0.0 and v1.1.0 of envoyproxy/ai-gateway. Upstream paths come from
``internal/translator/*.go`` and ``internal/backendauth/gcp.go`` at v1.1.0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skills.versions import PROFILES

SCHEMAS = (
    "OpenAI",
    "Cohere",
    "AWSBedrock",
    "AzureOpenAI",
    "GCPVertexAI",
    "GCPAnthropic",
    "Anthropic",
    "AWSAnthropic",
)
RELEASES = tuple(PROFILES)  # oldest first
TRANSLATOR_SOURCE = "internal/endpointspec/endpointspec.go"
PATHS_SOURCE = "cmd/extproc/mainlib/main.go"
# Schemas whose chat traffic can stand in for each other in a cross-provider failover: they all translate
# /v1/chat/completions (Anthropic's own OpenAI-compatible API is reached with the OpenAI schema).
CHAT_SCHEMAS_HINT = (
    "OpenAI (e.g. Anthropic's OpenAI-compatible API, preset anthropic-openai), AWSAnthropic or GCPAnthropic"
)

# Upstream path templates: {prefix} is schema.prefix (default v1), {model} the model sent upstream,
# {version} schema.version, {gcp} the Vertex AI path prefix /v1/projects/{project}/locations/{region}.
_GCP = "{gcp}/publishers/{publisher}/models/{model}:{method}"


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of the gateway: its path, the first release serving it, and which schemas translate it."""

    id: str
    path: str
    title: str
    since: str
    schemas: dict[str, str]  # schema -> first release with a translator for this endpoint
    upstream: dict[str, str] = field(default_factory=dict)  # schema -> upstream path template
    routed: bool = True  # False: answered by the gateway itself (model lists), never sent to a backend
    body: str = ""  # a minimal JSON body for this endpoint, with {model} in it

    def served_in(self, version: str) -> bool:
        return _at_least(version, self.since)

    def serves(self, schema: str, version: str) -> bool:
        """Whether a backend of ``schema`` can take this endpoint's requests in ``version``."""
        since = self.schemas.get(schema)
        return since is not None and self.served_in(version) and _at_least(version, since)

    def schemas_in(self, version: str) -> list[str]:
        return [s for s in SCHEMAS if self.serves(s, version)]


def _at_least(version: str, since: str) -> bool:
    return RELEASES.index(_norm(version)) >= RELEASES.index(since)


def _norm(version: str) -> str:
    key = version if version.startswith("v") else f"v{version}"
    if key not in RELEASES:
        raise KeyError(f"unsupported AI Gateway version {version!r}; supported: {', '.join(RELEASES)}")
    return key


_CHAT_BODY = '{"model": "{model}", "messages": [{"role": "user", "content": "Hello"}]}'
_MESSAGES_BODY = '{"model": "{model}", "max_tokens": 256, "messages": [{"role": "user", "content": "Hello"}]}'
_V05, _V06, _V07, _V11 = "v0.5.0", "v0.6.0", "v0.7.0", "v1.1.0"

ENDPOINTS: dict[str, Endpoint] = {
    e.id: e
    for e in (
        Endpoint(
            "chat-completions",
            "/v1/chat/completions",
            "OpenAI chat completions",
            _V05,
            {
                "OpenAI": _V05,
                "AWSBedrock": _V05,
                "AzureOpenAI": _V05,
                "GCPVertexAI": _V05,
                "GCPAnthropic": _V05,
                "AWSAnthropic": _V06,
            },
            {
                "OpenAI": "/{prefix}/chat/completions",
                "AWSBedrock": "/model/{model}/converse",
                "AzureOpenAI": "/openai/deployments/{model}/chat/completions?api-version={version}",
                "GCPVertexAI": _GCP.replace("{publisher}", "google").replace("{method}", "generateContent"),
                "GCPAnthropic": _GCP.replace("{publisher}", "anthropic").replace("{method}", "rawPredict"),
                "AWSAnthropic": "/model/{model}/invoke",
            },
            body=_CHAT_BODY,
        ),
        Endpoint(
            "messages",
            "/anthropic/v1/messages",
            "Anthropic messages",
            _V05,
            {
                "Anthropic": _V05,
                "GCPAnthropic": _V05,
                "AWSAnthropic": _V05,
                "OpenAI": _V06,
                "AWSBedrock": _V07,
            },
            {
                "Anthropic": "/{prefix}/messages",
                "GCPAnthropic": _GCP.replace("{publisher}", "anthropic").replace("{method}", "rawPredict"),
                "AWSAnthropic": "/model/{model}/invoke",
                "OpenAI": "/{prefix}/chat/completions",
                "AWSBedrock": "/model/{model}/converse",
            },
            body=_MESSAGES_BODY,
        ),
        Endpoint(
            "embeddings",
            "/v1/embeddings",
            "OpenAI embeddings",
            _V05,
            {"OpenAI": _V05, "AzureOpenAI": _V05, "GCPVertexAI": _V06, "AWSBedrock": _V06},
            {
                "OpenAI": "/{prefix}/embeddings",
                "AzureOpenAI": "/openai/deployments/{model}/embeddings?api-version={version}",
                "GCPVertexAI": _GCP.replace("{publisher}", "google").replace("{method}", "predict"),
                "AWSBedrock": "/model/{model}/invoke",
            },
            body='{"model": "{model}", "input": "Hello"}',
        ),
        Endpoint(
            "responses",
            "/v1/responses",
            "OpenAI responses",
            _V05,
            {"OpenAI": _V05, "AzureOpenAI": _V07},
            {"OpenAI": "/{prefix}/responses", "AzureOpenAI": "/openai/responses?api-version={version}"},
            body='{"model": "{model}", "input": "Hello"}',
        ),
        Endpoint(
            "completions",
            "/v1/completions",
            "OpenAI (legacy) completions",
            _V05,
            {"OpenAI": _V05},
            {"OpenAI": "/{prefix}/completions"},
            body='{"model": "{model}", "prompt": "Hello", "max_tokens": 16}',
        ),
        Endpoint(
            "images-generations",
            "/v1/images/generations",
            "OpenAI image generation",
            _V05,
            {"OpenAI": _V05},
            {"OpenAI": "/{prefix}/images/generations"},
            body='{"model": "{model}", "prompt": "a lighthouse at dawn"}',
        ),
        Endpoint(
            "rerank",
            "/cohere/v2/rerank",
            "Cohere rerank",
            _V05,
            {"Cohere": _V05},
            {"Cohere": "/{version}/rerank"},
            body='{"model": "{model}", "query": "capital of France", "documents": ["Paris", "Berlin"]}',
        ),
        Endpoint(
            "audio-speech",
            "/v1/audio/speech",
            "OpenAI text to speech",
            _V06,
            {"OpenAI": _V06},
            {"OpenAI": "/{prefix}/audio/speech"},
            body='{"model": "{model}", "input": "Hello", "voice": "alloy"}',
        ),
        Endpoint(
            "audio-transcriptions",
            "/v1/audio/transcriptions",
            "OpenAI transcription",
            _V07,
            {"OpenAI": _V07},
            {"OpenAI": "/{prefix}/audio/transcriptions"},
        ),
        Endpoint(
            "audio-translations",
            "/v1/audio/translations",
            "OpenAI translation",
            _V07,
            {"OpenAI": _V07},
            {"OpenAI": "/{prefix}/audio/translations"},
        ),
        Endpoint(
            "responses-input-tokens",
            "/v1/responses/input_tokens",
            "OpenAI responses token count",
            _V11,
            {"OpenAI": _V11, "AzureOpenAI": _V11},
            {
                "OpenAI": "/{prefix}/responses/input_tokens",
                "AzureOpenAI": "/openai/responses/input_tokens?api-version={version}",
            },
        ),
        Endpoint(
            "messages-count-tokens",
            "/anthropic/v1/messages/count_tokens",
            "Anthropic token count",
            _V11,
            {"GCPAnthropic": _V11, "AWSAnthropic": _V11, "AWSBedrock": _V11, "Anthropic": _V11},
            {
                "Anthropic": "/v1/messages/count_tokens",
                "GCPAnthropic": _GCP.replace("{publisher}", "anthropic").replace("{method}", "rawPredict"),
                "AWSAnthropic": "/model/{model}/count-tokens",
                "AWSBedrock": "/model/{model}/count-tokens",
            },
        ),
        Endpoint(
            "tokenize",
            "/tokenize",
            "tokenize (vLLM style)",
            _V11,
            {
                "OpenAI": _V11,
                "GCPVertexAI": _V11,
                "GCPAnthropic": _V11,
                "AWSAnthropic": _V11,
                "AWSBedrock": _V11,
            },
            {
                "OpenAI": "/tokenize",
                "GCPVertexAI": _GCP.replace("{publisher}", "google").replace("{method}", "countTokens"),
                "GCPAnthropic": _GCP.replace("{publisher}", "anthropic").replace("{method}", "rawPredict"),
                "AWSAnthropic": "/model/{model}/count-tokens",
                "AWSBedrock": "/model/{model}/count-tokens",
            },
        ),
        Endpoint("models", "/v1/models", "model list (OpenAI style)", _V05, {}, routed=False),
        Endpoint(
            "anthropic-models", "/anthropic/v1/models", "model list (Anthropic style)", _V11, {}, routed=False
        ),
    )
}
# The order a README prefers when it picks one endpoint every backend of a rule serves.
PREFERENCE = ("chat-completions", "messages", "embeddings", "responses", "completions", "rerank")


def endpoint_at(path: str) -> Endpoint | None:
    """The endpoint registered at ``path`` (query string ignored; default root and endpoint prefixes)."""
    bare = path.split("?", 1)[0].rstrip("/") or "/"
    return next((e for e in ENDPOINTS.values() if e.path == bare), None)


def served_endpoints(schema: str, version: str) -> list[str]:
    """Ids of the endpoints a backend of ``schema`` can serve in ``version``, in table order."""
    return [e.id for e in ENDPOINTS.values() if e.routed and e.serves(schema, version)]


def shared_endpoint(schemas: list[str], version: str) -> Endpoint | None:
    """The preferred endpoint every schema in ``schemas`` serves (None when they share none)."""
    for key in PREFERENCE:
        if all(ENDPOINTS[key].serves(s, version) for s in schemas):
            return ENDPOINTS[key]
    shared = [e for e in ENDPOINTS.values() if e.routed and all(e.serves(s, version) for s in schemas)]
    return shared[0] if shared else None


def citation(version: str) -> str:
    """Where the translator table for ``version`` comes from (file and tag)."""
    return f"envoyproxy/ai-gateway {TRANSLATOR_SOURCE}@{_norm(version)}"
