"""The tracer on upstream's examples (../shared/upstream-examples, AI Gateway v1.1.0 examples/): every request
an example documents — a curl in its README or in the v1.1 docs (site/docs at tag v1.1.0) — is traced to the
backend the example routes it to, or flagged where the documentation and the manifests disagree.

Where a documented request cannot work, the test says why (the upstream file or doc that disagrees): that is the
tracer doing its job, not a tolerance.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orchestrator.analysis.trace import Trace, trace_documents
from tests.conftest import shared_path

TESTUPSTREAM = "AIServiceBackend/default/envoy-ai-gateway-basic-testupstream"
# The vLLM InferencePool the inference-pool README creates from the Inference Extension's release manifests
# (not part of examples/): written here so the example's manifests are complete.
VLLM_POOL = {
    "apiVersion": "inference.networking.k8s.io/v1",
    "kind": "InferencePool",
    "metadata": {"name": "vllm-llama3-8b-instruct", "namespace": "default"},
    "spec": {
        "selector": {"matchLabels": {"app": "vllm-llama3-8b-instruct"}},
        "targetPorts": [{"number": 8000}],
        "endpointPickerRef": {"name": "vllm-llama3-8b-instruct-epp", "port": {"number": 9002}},
    },
}


def load(*files: str) -> list[dict[str, Any]]:
    root = shared_path("upstream-examples")
    return [d for f in files for d in yaml.safe_load_all((root / f).read_text(encoding="utf-8")) if d]


# (example files, where the request is documented, request, backend the first attempt reaches)
REACHES: list[tuple[tuple[str, ...], str, dict[str, Any], str]] = [
    (
        ("basic/basic.yaml",),
        "docs getting-started/basic-usage.md chat",
        {"model": "some-cool-self-hosted-model"},
        TESTUPSTREAM,
    ),
    (
        ("basic/basic.yaml",),
        "docs getting-started/basic-usage.md completions",
        {"path": "/v1/completions", "model": "some-cool-self-hosted-model"},
        TESTUPSTREAM,
    ),
    (
        ("basic/basic.yaml",),
        "docs getting-started/basic-usage.md embeddings",
        {"path": "/v1/embeddings", "model": "some-cool-self-hosted-model"},
        TESTUPSTREAM,
    ),
    (
        ("basic/openai.yaml",),
        "docs connect-providers/openai.md chat",
        {"model": "gpt-4o-mini"},
        "AIServiceBackend/default/envoy-ai-gateway-basic-openai",
    ),
    (
        ("basic/anthropic.yaml",),
        "docs llm-integrations/supported-endpoints.md messages",
        {"path": "/anthropic/v1/messages", "model": "claude-sonnet-4-5"},
        "AIServiceBackend/default/envoy-ai-gateway-basic-anthropic",
    ),
    (
        ("basic/aws.yaml",),
        "docs connect-providers/aws-bedrock.md messages",
        {"path": "/anthropic/v1/messages", "model": "anthropic.claude-3-5-sonnet-20241022-v2:0"},
        "AIServiceBackend/default/envoy-ai-gateway-basic-aws-bedrock-anthropic",
    ),
    (
        ("basic/gcp_vertex.yaml",),
        "docs connect-providers/gcp-vertexai.md gemini chat",
        {"model": "gemini-2.5-flash"},
        "AIServiceBackend/default/envoy-ai-gateway-basic-gcp",
    ),
    (
        ("basic/gcp_vertex.yaml",),
        "docs connect-providers/gcp-vertexai.md claude chat",
        {"model": "claude-3-7-sonnet@20250219"},
        "AIServiceBackend/default/envoy-ai-gateway-basic-gcp-anthropic",
    ),
    (
        ("basic/gcp_vertex.yaml",),
        "docs connect-providers/gcp-vertexai.md claude messages",
        {"path": "/anthropic/v1/messages", "model": "claude-3-7-sonnet@20250219"},
        "AIServiceBackend/default/envoy-ai-gateway-basic-gcp-anthropic",
    ),
    (
        ("basic/tars.yaml",),
        "docs connect-providers/tars.md chat",
        {"model": "gpt-4o-mini"},
        "AIServiceBackend/default/envoy-ai-gateway-basic-tars",
    ),
    (
        ("basic/tars.yaml",),
        "docs connect-providers/tars.md completions",
        {"path": "/v1/completions", "model": "babbage-002"},
        "AIServiceBackend/default/envoy-ai-gateway-basic-tars",
    ),
    (
        ("basic/cohere.yaml",),
        "docs llm-integrations/supported-endpoints.md rerank",
        {"path": "/cohere/v2/rerank", "model": "rerank-english-v3.0"},
        "AIServiceBackend/default/envoy-ai-gateway-basic-cohere",
    ),
    (
        ("inference-pool/base.yaml", "inference-pool/aigwroute.yaml"),
        "examples/inference-pool/README.md Llama (the README's key header, given as *)",
        {"model": "meta-llama/Llama-3.1-8B-Instruct", "headers": ["Authorization: *"], "extra": [VLLM_POOL]},
        "InferencePool/default/vllm-llama3-8b-instruct",
    ),
    (
        ("inference-pool/base.yaml", "inference-pool/aigwroute.yaml"),
        "examples/inference-pool/README.md Mistral",
        {"model": "mistral:latest"},
        "InferencePool/default/mistral",
    ),
    (
        ("inference-pool/base.yaml", "inference-pool/aigwroute.yaml", "basic/basic.yaml"),
        "examples/inference-pool/README.md fallback backend",
        {"model": "some-cool-self-hosted-model"},
        TESTUPSTREAM,
    ),
    (
        ("inference-pool/base.yaml", "inference-pool/httproute.yaml"),
        "docs inference/httproute-inferencepool.md",
        {"model": "meta-llama/Llama-3.1-8B-Instruct", "extra": [VLLM_POOL]},
        "InferencePool/default/vllm-llama3-8b-instruct",
    ),
    (
        ("stream_idle_timeout/base.yaml", "stream_idle_timeout/backends.yaml"),
        "examples/stream_idle_timeout/README.md silent",
        {"model": "stream-idle-timeout-silent-demo"},
        "AIServiceBackend/default/stream-idle-timeout-silent",
    ),
    (
        ("stream_idle_timeout/base.yaml", "stream_idle_timeout/backends.yaml"),
        "examples/stream_idle_timeout/README.md semi-silent",
        {"model": "stream-idle-timeout-semi-silent-demo"},
        "AIServiceBackend/default/stream-idle-timeout-semi-silent",
    ),
    (
        ("aigw/ollama.yaml",),
        "docs cli/run.md (aigw run, model regex .*)",
        {"model": "qwen2.5:0.5b"},
        "AIServiceBackend/default/openai",
    ),
]


def trace(files: tuple[str, ...], request: dict[str, Any]) -> Trace:
    request = dict(request)
    extra = request.pop("extra", [])
    return trace_documents([*load(*files), *extra], request)


@pytest.mark.parametrize(
    ("files", "where", "request_", "backend"), [pytest.param(*case, id=case[1]) for case in REACHES]
)
def test_documented_request_reaches_the_documented_backend(
    files: tuple[str, ...], where: str, request_: dict[str, Any], backend: str
) -> None:
    t = trace(files, request_)
    assert t.reaches_backend, f"{where}: {t.verdict()}"
    assert t.backend == backend


def test_native_anthropic_example_doc_curl_on_chat_completions_is_flagged() -> None:
    # docs connect-providers/anthropic.md@v1.1.0 sends claude-sonnet-4-5 to /v1/chat/completions, but
    # examples/basic/anthropic.yaml uses schema Anthropic, which has no chat translator (endpointspec.go@v1.1.0).
    t = trace(("basic/anthropic.yaml",), {"model": "claude-sonnet-4-5"})
    assert t.backend == "AIServiceBackend/default/envoy-ai-gateway-basic-anthropic"
    assert [s.stage for s in t.failures] == ["translation"]


def test_basic_usage_rerank_on_an_openai_schema_backend_is_flagged() -> None:
    # docs getting-started/basic-usage.md@v1.1.0 sends /cohere/v2/rerank to the OpenAI-schema testupstream.
    t = trace(("basic/basic.yaml",), {"path": "/cohere/v2/rerank", "model": "some-cool-self-hosted-model"})
    assert [s.stage for s in t.failures] == ["translation"] and "Cohere" in t.failures[0].reason


@pytest.mark.parametrize(
    ("files", "model", "path"),
    [
        (("basic/aws.yaml",), "us.meta.llama3-2-1b-instruct-v1:0", "/v1/chat/completions"),  # aws-bedrock.md
        (
            ("basic/azure_openai.yaml",),
            "gpt-4o",
            "/v1/chat/completions",
        ),  # azure-openai.md; route has gpt-4.5-preview
        (("basic/openai.yaml",), "babbage-002", "/v1/completions"),  # openai.md; route has gpt-4o-mini only
    ],
)
def test_doc_models_the_example_does_not_route_get_route_not_found(
    files: tuple[str, ...], model: str, path: str
) -> None:
    t = trace(files, {"model": model, "path": path})
    assert [s.stage for s in t.failures] == ["route"] and "route-not-found" in t.failures[0].summary


def test_the_routed_models_of_those_examples_do_reach_their_backends() -> None:
    assert trace(("basic/aws.yaml",), {"model": "us.amazon.nova-micro-v1:0"}).reaches_backend
    assert trace(("basic/azure_openai.yaml",), {"model": "gpt-4.5-preview"}).upstream.endswith(
        "/openai/deployments/gpt-4.5-preview/chat/completions?api-version=2025-01-01-preview"
    )


def test_inference_pool_example_without_the_key_header_matches_no_rule() -> None:
    # examples/inference-pool/aigwroute.yaml matches the Llama rule on model AND an Authorization value.
    t = trace(
        ("inference-pool/base.yaml", "inference-pool/aigwroute.yaml"),
        {"model": "meta-llama/Llama-3.1-8B-Instruct"},
    )
    assert [s.stage for s in t.failures] == ["route"]


def test_every_upstream_example_traces_any_endpoint_without_crashing() -> None:
    from orchestrator.analysis.trace import to_json, to_mermaid, to_text
    from skills.endpoints import ENDPOINTS

    root = shared_path("upstream-examples")
    for path in sorted(root.rglob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
        for endpoint in ENDPOINTS.values():
            t = trace_documents(docs, {"path": endpoint.path, "model": "x", "credentials": "none"})
            assert t.steps and to_text(t) and to_mermaid(t) and to_json([t]), path
