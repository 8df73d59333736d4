"""aigw-semantic-router: the EnvoyPatchPolicy that runs the router before the AI Gateway filter, the routes for
the names it selects (never the auto name), its values and install steps, as the upstream integration does."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orchestrator.engine.lint.index import LintContext
from orchestrator.engine.validate import validate_documents
from skills.api import install
from skills.errors import InputError
from skills.semantic_router import build_semantic_router

SELECTED = [
    "math-expert",
    "science-expert",
    "social-expert",
    "humanities-expert",
    "law-expert",
    "general-expert",
]
UPSTREAM_LIKE: dict[str, Any] = {
    "rules": [
        {
            "models": [m],
            "backends": [{"name": "vllm-llama3-8b-instruct"}],
            "request_timeout": "60s",
            "backend_request_timeout": "60s",
        }
        for m in SELECTED
    ]
}


def _patch(result: Any) -> dict[str, Any]:
    (patch,) = [m for m in result.manifests if m["kind"] == "EnvoyPatchPolicy"]
    return patch


def test_upstream_like_input_matches_its_golden_file(golden) -> None:
    result = build_semantic_router(UPSTREAM_LIKE)
    golden("addons/semantic-router/upstream-gwapi-resources.yaml", result.yaml)
    golden("addons/semantic-router/semantic-router.values.yaml", result.files["semantic-router-values.yaml"])
    assert list(yaml.safe_load_all(result.yaml)) == result.manifests


def test_router_extproc_is_inserted_first_on_the_gateway_listener_and_its_cluster_added() -> None:
    patch = _patch(build_semantic_router(UPSTREAM_LIKE))["spec"]
    assert patch["type"] == "JSONPatch"
    assert patch["targetRef"] == {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "name": "semantic-router",
    }
    listener, cluster = patch["jsonPatches"]
    assert listener["type"] == "type.googleapis.com/envoy.config.listener.v3.Listener"
    assert listener["name"] == "default/semantic-router/http"
    assert listener["operation"]["path"] == "/default_filter_chain/filters/0/typed_config/http_filters/0"
    extproc = listener["operation"]["value"]["typed_config"]
    assert extproc["grpc_service"]["envoy_grpc"] == {
        "cluster_name": "semantic-router",
        "authority": "semantic-router.vllm-semantic-router-system:50051",
    }
    assert extproc["processing_mode"]["request_body_mode"] == "BUFFERED"
    assert "failure_mode_allow" not in extproc  # fail closed, as upstream
    value = cluster["operation"]["value"]
    assert (value["type"], value["lb_policy"], value["http2_protocol_options"]) == (
        "STRICT_DNS",
        "ROUND_ROBIN",
        {},
    )
    address = value["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"][
        "socket_address"
    ]
    assert address == {
        "address": "semantic-router.vllm-semantic-router-system.svc.cluster.local",
        "port_value": 50051,
    }


def test_routes_match_the_selected_names_and_never_the_auto_name() -> None:
    result = build_semantic_router(UPSTREAM_LIKE)
    (route,) = [m for m in result.manifests if m["kind"] == "AIGatewayRoute"]
    values = [h["value"] for r in route["spec"]["rules"] for m in r["matches"] for h in m["headers"]]
    assert values == SELECTED
    assert all(r["timeouts"] == {"request": "60s", "backendRequest": "60s"} for r in route["spec"]["rules"])
    (ctp,) = [m for m in result.manifests if m["kind"] == "ClientTrafficPolicy"]
    assert ctp["spec"]["connection"]["bufferLimit"] == "50Mi"
    assert any("'MoM'" in n and "Mixture-of-Models" in n for n in result.notes)
    assert "Clients send model MoM (the auto model name, Mixture-of-Models)" in result.yaml
    renamed = build_semantic_router({**UPSTREAM_LIKE, "auto_model_name": "vllm-sr/auto"})
    assert "Clients send model vllm-sr/auto (" in renamed.yaml
    with pytest.raises(InputError, match="auto model name"):
        build_semantic_router({"rules": ["MoM=vllm"]})


def test_streamed_bodies_set_the_processing_mode_and_the_values_flag() -> None:
    result = build_semantic_router(
        {**UPSTREAM_LIKE, "request_body_mode": "STREAMED", "failure_mode_allow": True}
    )
    extproc = _patch(result)["spec"]["jsonPatches"][0]["operation"]["value"]["typed_config"]
    assert extproc["processing_mode"]["request_body_mode"] == "STREAMED"
    assert extproc["failure_mode_allow"] is True
    values = yaml.safe_load(result.files["semantic-router-values.yaml"])
    assert values["config"]["global"]["router"]["streamed_body"] == {"enabled": True}


def test_every_manifest_including_the_patch_policy_is_clean_under_the_validation_engine(crd_set) -> None:
    result = build_semantic_router(UPSTREAM_LIKE)
    assert any(doc["kind"] == "EnvoyPatchPolicy" for doc in result.manifests)
    context = LintContext(existing_resources=frozenset({"AIServiceBackend/default/vllm-llama3-8b-instruct"}))
    report = validate_documents(result.manifests, crds=crd_set, context=context)
    # ../shared/crds carries Envoy Gateway's EnvoyPatchPolicy CRD, so the patch policy is schema-checked too.
    assert [(f.kind, f.message) for f in report.findings] == []


def test_install_addon_installs_the_router_before_envoy_gateway_and_uninstalls_it() -> None:
    plan = install(addons=["semantic-router"])
    commands = [s.command for s in plan.steps]
    assert commands[0].startswith(
        "helm upgrade -i semantic-router oci://ghcr.io/vllm-project/charts/semantic-router"
    )
    assert "deployment/semantic-router" in commands[1]
    assert any("helm uninstall semantic-router" in s.command for s in plan.uninstall)
    values = yaml.safe_load(plan.files["envoy-gateway-values.yaml"])
    assert values["config"]["envoyGateway"]["extensionApis"]["enableEnvoyPatchPolicy"] is True
