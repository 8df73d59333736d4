"""Version profiles: every builder writes what the target release serves, refuses what it lacks, and its output
validates against that release's CRDs (v1.1.0 from ../shared/crds; older ones from the `crds pull` cache or
$AIGW_SKILLS_TEST_CRDS_<VERSION>, e.g. AIGW_SKILLS_TEST_CRDS_V0_5_0=/path; skipped with the reason otherwise)."""

from __future__ import annotations

import os
from typing import Any

import pytest
import yaml

from skills.api import auth, backend, route
from skills.errors import InputError
from skills.versions import PROFILES, profile

VERSIONS = list(PROFILES)


def crds_for(version: str, shared: Any) -> Any:
    from orchestrator.crd_cache import load_cached_crds, version_dir
    from orchestrator.crds import load_crds

    env = f"AIGW_SKILLS_TEST_CRDS_{version.upper().replace('.', '_')}"
    if os.environ.get(env):
        return load_crds(os.environ[env])
    if version == "v1.1.0":
        return shared
    cached = load_cached_crds(version)
    if cached is None:
        pytest.skip(
            f"no CRDs for AI Gateway {version}: not in {version_dir(version)} and ${env} is unset; run "
            f"`aigw-skills crds pull --version {version}` (needs network) to enable this check"
        )
    return cached


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
                    "backends": [{"name": "openai"}, {"name": "anthropic", "priority": 1}],
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
def test_output_for_each_target_validates_against_that_release_crds(version: str, request: Any) -> None:
    from orchestrator.lint import LintContext
    from orchestrator.validate import validate_documents

    crds = crds_for(version, request.getfixturevalue("crd_set") if version == "v1.1.0" else None)
    secrets = frozenset({"default/openai-apikey", "default/anthropic-apikey"})
    report = validate_documents(
        build_all(version), crds=crds, context=LintContext(external_secrets=secrets), target_version=version
    )
    assert [f"{f.resource}: {f.path}: {f.message}" for f in report.errors] == []


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


def test_rule_limit_follows_the_release_128_until_v0_6_then_15() -> None:
    rules = [{"models": [f"m{i}"], "backends": [{"name": "b"}]} for i in range(16)]
    assert route(rules=rules, target_version="v0.6.0").manifests
    assert "at most 15" in refused(route, rules=rules, target_version="v0.7.0")


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
