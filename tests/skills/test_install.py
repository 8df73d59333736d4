"""aigw-install: golden install plans and Envoy Gateway values per variant, and the invariants of the plan."""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

import pytest
import yaml

from skills.api import install
from skills.errors import InputError
from skills.install import VALUES_FILE
from skills.versions import PROFILES

GOLDEN_DIR = "skills/install"

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "envoy-gateway-already-installed": {"envoy_gateway_installed": True},
    "custom-namespaces": {
        "envoy_gateway_namespace": "eg",
        "ai_gateway_namespace": "ai-gw",
        "wait_timeout": "5m",
    },
    "inference-pool-addon": {"addons": ["inference-pool"]},
    "older-version-v0.5.0": {"version": "v0.5.0"},
}


def _plan_json(result: Any) -> str:
    data = result.model_dump(mode="json", include={"steps", "uninstall", "notes"})
    return json.dumps(data, indent=2) + "\n"


@pytest.mark.parametrize("case", sorted(VARIANTS))
def test_install_variant_matches_its_golden_plan_and_values(case: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = install(**VARIANTS[case])
    assert result.manifests == []
    assert set(result.files) == {VALUES_FILE}
    golden(f"{GOLDEN_DIR}/{case}.values.yaml", result.files[VALUES_FILE])
    golden(f"{GOLDEN_DIR}/{case}.plan.json", _plan_json(result))


def _values(result: Any) -> dict[str, Any]:
    data = yaml.safe_load(result.files[VALUES_FILE])
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("case", sorted(VARIANTS))
def test_values_enable_backend_and_point_the_extension_hook_at_the_controller(case: str) -> None:
    inp = VARIANTS[case]
    eg = _values(install(**inp))["config"]["envoyGateway"]
    assert eg["extensionApis"] == {"enableEnvoyPatchPolicy": True, "enableBackend": True}
    assert eg["gateway"]["controllerName"] == "gateway.envoyproxy.io/gatewayclass-controller"
    manager = eg["extensionManager"]
    ns = inp.get("ai_gateway_namespace", "envoy-ai-gateway-system")
    assert manager["service"]["fqdn"] == {
        "hostname": f"ai-gateway-controller.{ns}.svc.cluster.local",
        "port": 1063,
    }
    translation = manager["hooks"]["xdsTranslator"]["translation"]
    assert translation == {k: {"includeAll": True} for k in ("listener", "route", "cluster", "secret")}
    assert manager["hooks"]["xdsTranslator"]["post"] == ["Translation", "Cluster", "Route"]
    if "inference-pool" in inp.get("addons", []):
        assert manager["backendResources"] == [
            {"group": "inference.networking.k8s.io", "kind": "InferencePool", "version": "v1"}
        ]
    else:
        assert "backendResources" not in manager


@pytest.mark.parametrize("version", sorted(PROFILES))
def test_plan_installs_eg_then_crds_then_controller_with_pinned_versions(version: str) -> None:
    result = install(version=version)
    prof = PROFILES[version]
    commands = [s.command for s in result.steps]
    helm = [shlex.split(c) for c in commands if c.startswith("helm ")]
    assert [(h[3], h[4], h[6]) for h in helm] == [
        ("eg", "oci://docker.io/envoyproxy/gateway-helm", prof.envoy_gateway),
        ("aieg-crd", "oci://docker.io/envoyproxy/ai-gateway-crds-helm", prof.ai_gateway),
        ("aieg", "oci://docker.io/envoyproxy/ai-gateway-helm", prof.ai_gateway),
    ]
    assert all(re.fullmatch(r"v[0-9]+\.[0-9]+\.[0-9]+", h[6]) for h in helm), "no floating chart versions"
    waits = [i for i, c in enumerate(commands) if c.startswith("kubectl wait")]
    assert len(waits) == 2
    assert (
        commands.index(next(c for c in commands if " eg " in c))
        < waits[0]
        < commands.index(next(c for c in commands if "aieg-crd" in c))
    )
    assert waits[1] == len(commands) - 1
    assert f"-f {VALUES_FILE}" in commands[0]


def test_existing_envoy_gateway_is_upgraded_in_place_and_kept_on_uninstall() -> None:
    result = install(envoy_gateway_installed=True)
    first = shlex.split(result.steps[0].command)
    assert first[:3] == ["helm", "upgrade", "eg"] and "-i" not in first
    # --reuse-values would keep the old chart's defaults on a version upgrade; this resets them to the new
    # chart's and keeps only the user's own values (Helm 3.14+).
    assert "--reset-then-reuse-values" in first and "--reuse-values" not in first
    assert not any("uninstall eg " in s.command for s in result.uninstall)
    assert any("helm uninstall eg " in s.command for s in install().uninstall)


def test_inference_pool_crds_are_installed_before_envoy_gateway_and_removed_last() -> None:
    result = install(addons=["inference-pool"])
    assert (
        "gateway-api-inference-extension/releases/download/v1.0.2/manifests.yaml" in result.steps[0].command
    )
    assert result.steps[0].command.startswith("kubectl apply --server-side -f ")
    assert result.uninstall[-1].command.startswith("kubectl delete --ignore-not-found -f ")


def test_custom_namespaces_reach_every_command() -> None:
    result = install(**VARIANTS["custom-namespaces"])
    text = "\n".join(s.command for s in result.steps + result.uninstall)
    assert "envoy-gateway-system" not in text and "envoy-ai-gateway-system" not in text
    assert "--timeout=5m -n eg deployment/envoy-gateway" in text
    assert "-n ai-gw deployment/ai-gateway-controller" in text


def test_custom_envoy_gateway_namespace_reaches_the_ai_gateway_chart() -> None:
    # ai-gateway internal/controller/gateway.go (v1.1.0) finds a Gateway's Envoy pods in the Gateway's namespace
    # and in --envoyGatewayNamespace, which the chart sets from envoyGateway.namespace.
    custom = [s.command for s in install(envoy_gateway_namespace="eg").steps]
    (controller,) = [c for c in custom if c.startswith("helm upgrade -i aieg ")]
    assert "envoyGateway.namespace=eg" in shlex.split(controller)
    (crds,) = [c for c in custom if c.startswith("helm upgrade -i aieg-crd ")]
    assert "envoyGateway" not in crds
    default = [s.command for s in install().steps]
    assert not any("envoyGateway.namespace" in c for c in default)  # the chart's default already matches


def test_duplicate_addons_are_applied_once() -> None:
    assert install(addons=["inference-pool", "inference-pool"]) == install(addons=["inference-pool"])


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"version": "v9.9.9"}, "version"),
        ({"version": "latest"}, "version"),
        ({"addons": ["rate-limit-redis"]}, "addons[0]"),
        ({"envoy_gateway_namespace": "Envoy_Gateway"}, "envoy_gateway_namespace"),
        ({"ai_gateway_namespace": "ns; rm -rf /"}, "ai_gateway_namespace"),
        ({"wait_timeout": "2 minutes"}, "wait_timeout"),
        ({"envoy_gateway_installed": "maybe"}, "envoy_gateway_installed"),
    ],
)
def test_invalid_install_input_names_the_field(data: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as exc:
        install(**data)
    assert path in [p.path for p in exc.value.problems], str(exc.value)
