"""aigw-backend: golden output per provider preset and per input variant, plus the rules behind the defaults."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from skills.api import auth, backend
from skills.backend import BackendInput, resolve_backend
from skills.errors import InputError
from skills.providers import PRESETS
from skills.types import SCHEMA_NAMES, EnvVarName, Hostname, ModelName, PathPrefix

GOLDEN_DIR = "skills/backend"


def _preset_input(provider: str) -> dict[str, Any]:
    data: dict[str, Any] = {"name": provider, "provider": provider}
    if "resource" in PRESETS[provider].parameters:
        data["resource"] = "my-openai"
    return data


def _problems(exc: pytest.ExceptionInfo[InputError]) -> dict[str, str]:
    return {p.path: p.render() for p in exc.value.problems}


@pytest.mark.parametrize("provider", sorted(PRESETS))
def test_every_provider_preset_matches_its_golden_file(provider: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = backend(**_preset_input(provider))
    golden(f"{GOLDEN_DIR}/preset-{provider}.yaml", result.yaml)


VARIANTS: dict[str, dict[str, Any]] = {
    # The OpenAI + Anthropic pair used across the skills (see also test_route and test_auth).
    "openai": {"name": "openai", "provider": "openai"},
    "anthropic": {"name": "anthropic", "provider": "anthropic"},
    "explicit-hostname-and-schema": {
        "name": "corp-llm",
        "namespace": "llm",
        "schema_name": "OpenAI",
        "hostname": "llm.example.com",
        "port": 8443,
        "prefix": "/api/v2",
    },
    "in-cluster-service": {
        "name": "vllm",
        "namespace": "serving",
        "schema_name": "OpenAI",
        "service": {"name": "vllm-server", "namespace": "models", "port": 8000},
    },
    "preset-with-region": {"name": "bedrock", "provider": "aws-bedrock", "region": "eu-west-1"},
    "vertex-global-region": {"name": "vertex", "provider": "gcp-vertex-ai", "region": "global"},
    "preset-hostname-override": {
        "name": "lke-intl",
        "provider": "tencent-lke",
        "hostname": "api.lkeap.tencentcloud.com",
    },
    "mutations": {
        "name": "openai-flex",
        "provider": "openai",
        "header_mutation": {
            "set": [{"name": "OpenAI-Beta", "value": "assistants=v2"}],
            "remove": ["x-debug"],
        },
        "body_mutation": {"set": [{"path": "service_tier", "value": '"flex"'}], "remove": ["user"]},
    },
    "plain-http-port-80": {"name": "local", "schema_name": "OpenAI", "hostname": "llm.internal", "port": 80},
    "older-version-v0.5.0": {"name": "openai", "provider": "openai", "target_version": "v0.5.0"},
}


@pytest.mark.parametrize("case", sorted(VARIANTS))
def test_backend_variant_matches_its_golden_file(case: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = backend(**VARIANTS[case])
    golden(f"{GOLDEN_DIR}/{case}.yaml", result.yaml)


@pytest.mark.parametrize("provider", sorted(PRESETS))
def test_backend_ref_is_always_an_envoy_gateway_backend_and_tls_hostname_equals_fqdn(provider: str) -> None:
    result = backend(**_preset_input(provider))
    by_kind = {m["kind"]: m for m in result.manifests}
    ref = by_kind["AIServiceBackend"]["spec"]["backendRef"]
    assert (ref["group"], ref["kind"], ref["name"]) == ("gateway.envoyproxy.io", "Backend", provider)
    fqdn = by_kind["Backend"]["spec"]["endpoints"][0]["fqdn"]
    if PRESETS[provider].in_cluster:
        assert "BackendTLSPolicy" not in by_kind
    else:
        tls = by_kind["BackendTLSPolicy"]["spec"]
        assert tls["validation"] == {"wellKnownCACertificates": "System", "hostname": fqdn["hostname"]}
        assert tls["targetRefs"] == [{"group": "gateway.envoyproxy.io", "kind": "Backend", "name": provider}]
        assert fqdn["port"] == 443
    assert list(yaml.safe_load_all(result.yaml)) == result.manifests


# Model ids the providers no longer serve (their deprecation pages, checked December 2026), some of them still in
# upstream's examples. A preset's example must be something a user can call today.
RETIRED_MODELS = {
    "claude-3-5-sonnet",  # never an API id; the family is retired
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "claude-3-7-sonnet@20250219",
    "claude-sonnet-4@20250514",
    "gpt-4o-mini",
    "gpt-4.1",
    "gemini-2.5-flash",  # Gemini API shutdown 2026-12-01
    "gemini-2.5-pro",
    "deepseek-chat",  # retired 2026-07-24 for deepseek-v4-flash
    "deepseek-reasoner",
    "llama-3.3-70b-versatile",  # Groq, decommissioned 2026-08-16
    "us.meta.llama3-2-1b-instruct-v1:0",
}


def test_preset_example_models_are_ids_the_provider_still_serves() -> None:
    examples = {(p.id, m) for p in PRESETS.values() for m in p.example_models}
    assert {(pid, m) for pid, m in examples if m in RETIRED_MODELS} == set()
    assert PRESETS["anthropic"].example_models[0] == "claude-sonnet-4-6"
    # Bedrock serves Claude 4.x on demand only through a cross-region inference profile (us./eu./global. prefix).
    assert all(m.startswith(("us.", "eu.", "global.")) for m in PRESETS["aws-anthropic"].example_models)
    # Vertex AI names a Claude version with @date, or the undated 4.6 alias.
    assert all("@" in m or m.endswith("-4-6") for m in PRESETS["gcp-anthropic"].example_models)


@pytest.mark.parametrize("provider", sorted(PRESETS))
def test_preset_values_are_well_formed(provider: str) -> None:
    p = PRESETS[provider]
    res = resolve_backend(BackendInput.parse(_preset_input(provider)))
    TypeAdapter(Hostname).validate_python(res.hostname)
    assert not re.search(r"[{}]", res.hostname), "a placeholder was left in the hostname"
    assert p.schema in SCHEMA_NAMES
    assert p.docs.startswith("https://")
    for model in p.example_models:
        TypeAdapter(ModelName).validate_python(model)
    if p.prefix is not None:
        assert p.schema in ("OpenAI", "Anthropic"), "prefix is ignored by every other schema"
        TypeAdapter(PathPrefix).validate_python(p.prefix)
        assert not p.prefix.rstrip("/").endswith(("/chat/completions", "/messages")), "prefix is a base path"
    if p.schema_version is not None:
        assert p.schema in ("AzureOpenAI", "Cohere", "GCPAnthropic", "AWSAnthropic")
    if p.secret_env is not None:
        TypeAdapter(EnvVarName).validate_python(p.secret_env)
    assert (p.auth == "none") == p.in_cluster
    assert p.id == provider


@pytest.mark.parametrize("provider", sorted(p for p in PRESETS if PRESETS[p].auth != "none"))
def test_every_preset_auth_kind_builds_a_policy(provider: str) -> None:
    p = PRESETS[provider]
    extra: dict[str, Any] = {
        "AWSCredentials": {"aws_region": p.default_region or "us-east-1"},
        "AzureCredentials": {"azure_client_id": "client", "azure_tenant_id": "tenant"},
        "GCPCredentials": {
            "gcp_project": "proj",
            "gcp_region": p.default_region or "us-central1",
            "gcp_mode": "adc",
        },
    }.get(p.auth, {})
    if p.secret_env:
        extra["secret_env"] = p.secret_env
    result = auth(type=p.auth, targets=[provider], **extra)
    assert result.manifests[0]["spec"]["type"] == p.auth


def test_region_fills_the_hostname_placeholder() -> None:
    res = resolve_backend(
        BackendInput.parse({"name": "b", "provider": "aws-bedrock", "region": "ap-south-1"})
    )
    assert res.hostname == "bedrock-runtime.ap-south-1.amazonaws.com"
    default = resolve_backend(BackendInput.parse({"name": "b", "provider": "aws-bedrock"}))
    assert default.hostname == "bedrock-runtime.us-east-1.amazonaws.com"


def test_azure_preset_without_resource_names_the_missing_field() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="azure", provider="azure-openai")
    assert "resource" in _problems(exc)


def test_region_is_refused_for_a_preset_without_one() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="openai", provider="openai", region="us-east-1")
    assert "region" in _problems(exc)


def test_prefix_is_refused_for_schemas_that_ignore_it() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="b", provider="aws-bedrock", prefix="/v1")
    assert "prefix" in _problems(exc)


def test_anthropic_prefix_needs_v0_7() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="a", provider="anthropic", prefix="/v1", target_version="v0.6.0")
    assert "prefix" in _problems(exc)
    assert backend(name="a", provider="anthropic", prefix="/v1", target_version="v0.7.0").manifests


def test_openai_schema_version_is_refused_with_the_prefix_as_the_fix() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="o", provider="openai", schema_version="v1")
    assert "prefix: /v1" in _problems(exc)["schema_version"]


def test_hostname_and_service_together_are_refused() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="x", schema_name="OpenAI", hostname="a.example.com", service={"name": "s", "port": 80})
    assert "not both" in str(exc.value)


def test_schema_or_provider_is_required() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="x", hostname="a.example.com")
    assert "schema_name" in str(exc.value)


def test_in_cluster_target_is_plain_http_without_tls_policy() -> None:
    result = backend(name="x", schema_name="OpenAI", service={"name": "s", "port": 8000})
    assert [m["kind"] for m in result.manifests] == ["Backend", "AIServiceBackend"]
    assert result.manifests[0]["spec"]["endpoints"][0]["fqdn"] == {
        "hostname": "s.default.svc.cluster.local",
        "port": 8000,
    }


def test_tls_can_be_forced_on_for_a_custom_port() -> None:
    result = backend(name="x", schema_name="OpenAI", hostname="llm.example.com", port=80, tls=True)
    assert [m["kind"] for m in result.manifests][-1] == "BackendTLSPolicy"


def test_target_version_selects_the_ai_gateway_api_version() -> None:
    old = backend(name="o", provider="openai", target_version="v0.5.0").manifests
    new = backend(name="o", provider="openai").manifests
    assert old[1]["apiVersion"] == "aigateway.envoyproxy.io/v1alpha1"
    assert new[1]["apiVersion"] == "aigateway.envoyproxy.io/v1beta1"
    assert old[2]["apiVersion"] == new[2]["apiVersion"] == "gateway.networking.k8s.io/v1"


def test_unknown_provider_is_refused_with_the_choices() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="x", provider="openia")
    assert "openai" in str(exc.value)


def test_body_mutation_value_must_be_json_text() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="x", provider="openai", body_mutation={"set": [{"path": "tier", "value": "flex"}]})
    assert '"\\"flex\\""' in str(exc.value) or "JSON" in str(exc.value)


def test_backend_input_rejects_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        BackendInput.model_validate({"name": "x", "provider": "openai", "hostnme": "a.example.com"})
