"""The endpoint x schema matrix, per release, as read from envoyproxy/ai-gateway
internal/endpointspec/endpointspec.go (GetTranslator cases) and cmd/extproc/mainlib/main.go (registered paths)."""

from __future__ import annotations

import pytest

from skills.endpoints import ENDPOINTS, SCHEMAS, endpoint_at, served_endpoints, shared_endpoint
from skills.versions import PROFILES


def test_native_anthropic_has_no_chat_completions_translator_in_v1_1() -> None:
    # endpointspec.go@v1.1.0: ChatCompletionsEndpointSpec.GetTranslator has no APISchemaAnthropic case.
    chat = ENDPOINTS["chat-completions"]
    assert not chat.serves("Anthropic", "v1.1.0")
    assert {"OpenAI", "AWSAnthropic", "GCPAnthropic"} <= set(chat.schemas_in("v1.1.0"))


@pytest.mark.parametrize(("version", "served"), [("v0.6.0", False), ("v0.7.0", True), ("v1.1.0", True)])
def test_azure_serves_responses_from_v0_7(version: str, served: bool) -> None:
    # envoyproxy/ai-gateway#2110: AzureOpenAI behind /v1/responses was "unsupported API schema" until v0.7.
    assert ENDPOINTS["responses"].serves("AzureOpenAI", version) is served


def test_aws_anthropic_chat_and_openai_messages_arrive_in_v0_6() -> None:
    assert not ENDPOINTS["chat-completions"].serves("AWSAnthropic", "v0.5.0")
    assert ENDPOINTS["chat-completions"].serves("AWSAnthropic", "v0.6.0")
    assert not ENDPOINTS["messages"].serves("OpenAI", "v0.5.0")
    assert ENDPOINTS["messages"].serves("OpenAI", "v0.6.0")


def test_paths_registered_after_a_release_are_not_served_before_it() -> None:
    assert not ENDPOINTS["tokenize"].served_in("v1.0.0") and ENDPOINTS["tokenize"].served_in("v1.1.0")
    assert not ENDPOINTS["audio-speech"].serves("OpenAI", "v0.5.0")


def test_every_schema_serves_something_in_every_release() -> None:
    for version in PROFILES:
        for schema in SCHEMAS:
            assert served_endpoints(schema, version), (schema, version)


def test_model_lists_are_never_routed_to_a_backend() -> None:
    assert "models" not in served_endpoints("OpenAI", "v1.1.0")
    assert endpoint_at("/v1/models") is ENDPOINTS["models"] and not ENDPOINTS["models"].routed


def test_lookup_ignores_query_and_trailing_slash_and_knows_unregistered_paths() -> None:
    assert endpoint_at("/v1/chat/completions?x=1") is ENDPOINTS["chat-completions"]
    assert endpoint_at("/anthropic/v1/messages/") is ENDPOINTS["messages"]
    assert endpoint_at("/v1/chat") is None


@pytest.mark.parametrize(
    ("schemas", "expected"),
    [
        (["OpenAI", "AWSBedrock"], "chat-completions"),
        (["OpenAI", "Anthropic"], "messages"),
        (["Anthropic"], "messages"),
        (["Cohere"], "rerank"),
        (["Cohere", "Anthropic"], None),
    ],
)
def test_shared_endpoint_prefers_chat_then_messages(schemas: list[str], expected: str | None) -> None:
    found = shared_endpoint(schemas, "v1.1.0")
    assert (found.id if found else None) == expected
