"""Version profiles: every builder writes what the target release serves, refuses what it lacks, and its output
validates against that release's CRDs: the default release's from ../shared/crds, every older one's from
../shared/crds-releases/<version>, so no release in the table goes unvalidated (CI fails if a folder is
missing; locally the test skips with the reason)."""

from __future__ import annotations

import copy
import functools
from typing import Any

import pytest
import yaml

from skills.api import auth, backend, route
from skills.endpoints import shared_endpoint
from skills.errors import InputError
from skills.versions import DEFAULT_VERSION, PROFILES, profile
from tests.conftest import shared_path

VERSIONS = list(PROFILES)


@functools.cache
def release_crds(version: str) -> Any:
    from orchestrator.engine.crds import load_crds

    return load_crds(shared_path("crds-releases", version))


def crds_for(version: str, request: pytest.FixtureRequest) -> Any:
    """The CRDs `version` was released with (loaded once per session)."""
    if version == DEFAULT_VERSION:
        return request.getfixturevalue("crd_set")
    return release_crds(version)


def build_all(version: str) -> list[dict[str, Any]]:
    prof = profile(version)
    parts = [
        backend(name="openai", provider="openai", target_version=version),
        backend(
            name="anthropic",
            provider="anthropic",
            target_version=version,
            **({"prefix": "/v1"} if prof.anthropic_prefix else {}),
        ),
        auth(type="APIKey", targets=["openai"], secret_env="OPENAI_API_KEY", target_version=version),
        auth(
            type="AnthropicAPIKey",
            targets=["anthropic"],
            secret_env="ANTHROPIC_API_KEY",
            target_version=version,
        ),
        route(
            rules=[
                {
                    "models": ["gpt-4o-mini"],
                    # Fall back to Anthropic where the release translates a shared endpoint for both schemas
                    # (v0.5.0 serves the Anthropic schema on /anthropic/v1/messages only: AIGW-L072).
                    "backends": [{"name": "openai"}]
                    + (
                        [{"name": "anthropic", "priority": 1}]
                        if shared_endpoint(["OpenAI", "Anthropic"], version)
                        else []
                    ),
                    **({"name": "chat"} if prof.rule_names else {}),
                },
                {"models": ["claude-sonnet-4"], "backends": [{"name": "anthropic"}]},
            ],
            hostnames=["ai.example.com"] if prof.route_hostnames else [],
            target_version=version,
        ),
    ]
    return [m for p in parts for m in yaml.safe_load_all(p.yaml) if m]


@pytest.mark.parametrize("version", VERSIONS)
def test_builders_write_the_api_versions_of_the_target_release(version: str) -> None:
    prof = profile(version)
    for doc in build_all(version):
        if doc["apiVersion"].startswith("aigateway.envoyproxy.io/"):
            assert doc["apiVersion"] == prof.api_version_for(doc["kind"]), doc["kind"]
        if doc["kind"] == "BackendTLSPolicy":
            assert doc["apiVersion"] == prof.backend_tls_policy_api_version


@pytest.mark.parametrize("version", VERSIONS)
def test_output_for_each_target_validates_against_that_release_crds(
    version: str, request: pytest.FixtureRequest
) -> None:
    from orchestrator.engine.lint.linter import LintContext
    from orchestrator.engine.validate import validate_documents

    docs = build_all(version)
    crds = crds_for(version, request)
    secrets = frozenset({"default/openai-apikey", "default/anthropic-apikey"})
    report = validate_documents(
        docs, crds=crds, context=LintContext(external_secrets=secrets), target_version=version
    )
    assert [f"{f.resource}: {f.path}: {f.message}" for f in report.errors] == []
    # Checked against that release's schemas, not waved through: every kind written has its CRD there.
    unchecked = {d["kind"] for d in docs if crds.get(d["apiVersion"], d["kind"]) is None}
    assert unchecked <= {"Namespace"} and report.checks_skipped == []


def refused(builder: Any, **fields: Any) -> str:
    with pytest.raises(InputError) as exc:
        builder(**fields)
    return str(exc.value)


def test_features_a_release_lacks_are_refused_with_the_release_that_has_them() -> None:
    one_rule = [{"models": ["m"], "backends": [{"name": "b"}]}]
    assert "v0.7.0+" in refused(route, rules=one_rule, hostnames=["a.example.com"], target_version="v0.6.0")
    named = [{"models": ["m"], "backends": [{"name": "b"}], "name": "r"}]
    assert "v1.1.0+" in refused(route, rules=named, target_version="v1.0.0")
    assert "v0.7.0 or later" in refused(
        backend, name="a", provider="anthropic", prefix="/v1", target_version="v0.6.0"
    )
    assert "v0.6.0 or later" in refused(
        auth,
        type="GCPCredentials",
        targets=["v"],
        gcp_project="p",
        gcp_region="us-central1",
        gcp_mode="adc",
        target_version="v0.5.0",
    )


def httproute_max_rules(version: str) -> set[int]:
    """spec.rules maxItems of every served HTTPRoute version in the Gateway API CRDs `version` ships with."""
    folder = shared_path("crds", "gateway-api") if version == DEFAULT_VERSION else None
    folder = folder or shared_path("crds-releases", version, "gateway-api")
    limits = set()
    for path in sorted(folder.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not doc or doc.get("kind") != "CustomResourceDefinition":
                continue
            if doc["spec"]["names"]["kind"] != "HTTPRoute":
                continue
            for served in doc["spec"]["versions"]:
                spec = served["schema"]["openAPIV3Schema"]["properties"]["spec"]
                limits.add(spec["properties"]["rules"]["maxItems"])
    return limits


@pytest.mark.parametrize("version", VERSIONS)
def test_rule_limit_leaves_one_httproute_rule_for_the_controllers_route_not_found_rule(version: str) -> None:
    # Every profiled release appends `route-not-found` to the HTTPRoute it generates (ai_gateway_route.go
    # newHTTPRoute), so the route works with one rule fewer than that release's HTTPRoute allows.
    assert httproute_max_rules(version) == {profile(version).max_rules + 1}


@pytest.mark.parametrize("version", VERSIONS)
def test_route_and_validate_agree_on_the_rule_limit_of_each_release(
    version: str, request: pytest.FixtureRequest
) -> None:
    from orchestrator.engine.lint.linter import LintContext, lint_documents
    from orchestrator.engine.validate import validate_documents

    limit = profile(version).max_rules
    rules = [{"models": [f"m{i}"], "backends": [{"name": "openai"}]} for i in range(limit + 1)]
    context = LintContext(target_version=version)
    at_limit = [m for m in yaml.safe_load_all(route(rules=rules[:limit], target_version=version).yaml) if m]
    assert "AIGW-L012" not in {f.rule for f in lint_documents(at_limit, context)}

    message = refused(route, rules=rules, target_version=version)
    assert (
        f"{limit + 1} rules, but an AIGatewayRoute holds at most {limit} in AI Gateway {version}" in message
    )
    assert "route-not-found" in message

    over = copy.deepcopy(at_limit)
    (aigw_route,) = [d for d in over if d["kind"] == "AIGatewayRoute"]
    extra = copy.deepcopy(aigw_route["spec"]["rules"][-1])
    extra["matches"][0]["headers"][0]["value"] = f"m{limit}"
    aigw_route["spec"]["rules"].append(extra)
    report = validate_documents(
        over, crds=crds_for(version, request), context=context, target_version=version
    )
    (finding,) = [f for f in report.errors if f.rule == "AIGW-L012"]
    assert f"{limit + 1} rules; AI Gateway {version} works with at most {limit}" in finding.message


def test_profiles_say_which_kinds_each_release_serves() -> None:
    assert profile("v0.5.0").refusal("QuotaPolicy") == (
        "QuotaPolicy needs AI Gateway v0.6.0 or later; target v0.5.0 does not serve it"
    )
    assert all(profile(v).refusal("QuotaPolicy") is None for v in VERSIONS[1:])
    assert all(
        profile(v).serves_kind("GatewayConfig") and profile(v).serves_kind("MCPRoute") for v in VERSIONS
    )
    assert {profile(v).api_version_for("QuotaPolicy") for v in VERSIONS} == {
        "aigateway.envoyproxy.io/v1alpha1"
    }
    assert [profile(v).route_filter_config for v in VERSIONS] == [True, False, False, False, False]
    assert [profile(v).gateway_api for v in VERSIONS] == ["v1.4.0", "v1.4.1", "v1.5.1", "v1.5.1", "v1.5.1"]
    assert [profile(v).forward_proxy for v in VERSIONS] == [False, False, False, False, True]


def test_when_a_field_arrived_is_read_from_the_table() -> None:
    from skills.versions import first_release

    assert first_release("route_hostnames") == "v0.7.0"
    assert first_release("route_filter_config", False) == "v0.6.0"
    with pytest.raises(KeyError):
        first_release("gateway_config", False)


def build_platform(version: str) -> tuple[list[dict[str, Any]], frozenset[str]]:
    """InferencePool, MCPRoute and Semantic Router output for `version`, and the Secrets created at apply time."""
    from skills.inferencepool import build_inferencepool
    from skills.mcproute import build_mcproute
    from skills.semantic_router import build_semantic_router

    prof = profile(version)
    pools = build_inferencepool(
        {
            "pools": [
                {
                    "name": "llama",
                    "models": ["meta-llama/Llama-3.1-8B-Instruct"],
                    "selector": {"app": "vllm-llama"},
                    "objective_priority": 10,
                    "api_key_env": "VLLM_API_KEY",
                    **({"rule_name": "llama"} if prof.rule_names else {}),
                }
            ],
            "gateway_name": "platform",
            "route_name": "pools",
            "target_version": version,
        }
    )
    mcp = build_mcproute(
        {
            "gateway_name": "platform",
            "backends": [
                {
                    "name": "github",
                    "hostname": "api.githubcopilot.com",
                    "path": "/mcp/readonly",
                    "include_regex": [".*issues?.*"],
                    "api_key_env": "GITHUB_TOKEN",
                },
                {
                    "name": "tools",
                    "service": "internal-tools",
                    "port": 8080,
                    **(
                        {"exclude": ["delete_everything"], "forward_headers": ["x-team"]}
                        if prof.mcp_backend_extras
                        else {"include": ["search"]}
                    ),
                },
            ],
            "oauth_issuer": "https://idp.example.com",
            "oauth_jwks_uri": "https://idp.example.com/jwks",
            "oauth_resource": "https://gw.example.com/mcp",
            "authorization_rules": [{"scopes": ["read"], "tools": ["github/list_issues"]}],
            **({"hostnames": ["mcp.example.com"]} if prof.rule_names else {}),
            "target_version": version,
        }
    )
    router = build_semantic_router(
        {
            "rules": ["math-expert=vllm-base", "general-expert=vllm-base"],
            "router_models": ["math-expert=math"],
            "target_version": version,
        }
    )
    base = backend(
        name="vllm-base",
        schema_name="OpenAI",
        service={"name": "vllm-base", "port": 8000},
        target_version=version,
    )
    parts = (pools, mcp, router, base)
    docs = [m for p in parts for m in p.manifests]
    secrets = frozenset(f"{s.namespace}/{s.name}" for p in parts for s in p.secrets)
    return docs, secrets


@pytest.mark.parametrize("version", VERSIONS)
def test_inferencepool_mcproute_and_semantic_router_output_validates_against_that_release_crds(
    version: str, request: pytest.FixtureRequest
) -> None:
    from orchestrator.engine.lint.linter import LintContext
    from orchestrator.engine.validate import validate_documents

    docs, secrets = build_platform(version)
    assert {d["kind"] for d in docs} >= {"InferencePool", "MCPRoute", "EnvoyPatchPolicy", "AIGatewayRoute"}
    prof = profile(version)
    for doc in docs:
        if doc["apiVersion"].startswith("aigateway.envoyproxy.io/"):
            assert doc["apiVersion"] == prof.api_version_for(doc["kind"]), doc["kind"]
        if doc["kind"] == "BackendTLSPolicy":
            assert doc["apiVersion"] == prof.backend_tls_policy_api_version
    crds = crds_for(version, request)
    report = validate_documents(
        docs, crds=crds, context=LintContext(external_secrets=secrets), target_version=version
    )
    errors = [f"{f.resource}: {f.path}: {f.message}" for f in report.errors]
    assert errors == []


def test_mcproute_fields_of_v0_6_are_refused_for_v0_5_naming_the_field() -> None:
    from skills.mcproute import build_mcproute

    server = {"name": "kiwi", "hostname": "mcp.kiwi.com"}
    for extra, field in (
        ({"exclude": ["x"]}, "exclude"),
        ({"exclude_regex": ["x.*"]}, "exclude_regex"),
        ({"forward_headers": ["x-team"]}, "forward_headers"),
        ({"api_key_env": "KEY", "api_key_query_param": "key"}, "api_key_query_param"),
    ):
        with pytest.raises(InputError) as exc:
            build_mcproute({"backends": [{**server, **extra}], "target_version": "v0.5.0"})
        assert [p.path for p in exc.value.problems] == [f"backends[0].{field}"]
        assert "needs AI Gateway v0.6.0+" in str(exc.value)
        assert build_mcproute({"backends": [{**server, **extra}], "target_version": "v0.6.0"}).manifests
    (route,) = [
        m
        for m in build_mcproute({"backends": [server], "target_version": "v0.5.0"}).manifests
        if m["kind"] == "MCPRoute"
    ]
    assert route["apiVersion"] == "aigateway.envoyproxy.io/v1alpha1"


def test_mcproute_hostnames_follow_their_own_column_of_the_table() -> None:
    from skills.mcproute import build_mcproute

    assert [profile(v).mcp_hostnames for v in VERSIONS] == [False, False, False, False, True]
    server = {"name": "kiwi", "hostname": "mcp.kiwi.com"}
    for version in VERSIONS:
        data = {"backends": [server], "hostnames": ["mcp.example.com"], "target_version": version}
        if profile(version).mcp_hostnames:
            (route,) = [m for m in build_mcproute(data).manifests if m["kind"] == "MCPRoute"]
            assert route["spec"]["hostnames"] == ["mcp.example.com"]
        else:
            with pytest.raises(InputError) as exc:
                build_mcproute(data)
            assert [p.path for p in exc.value.problems] == ["hostnames"]
