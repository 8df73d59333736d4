"""aigw-observability: the upstream access-log, monitoring and gateway-config examples reproduced (names
normalised), golden outputs, validation under the upstream CRDs, and what cannot be checked said out loud."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orchestrator.engine.lint.linter import LintContext
from orchestrator.engine.validate import validate_documents
from skills.errors import InputError
from skills.observability import build_observability
from skills.route import build_route
from tests.conftest import shared_path

Docs = list[dict[str, Any]]


def upstream(*parts: str) -> Docs:
    return [d for d in yaml.safe_load_all(shared_path("upstream-examples", *parts).read_text()) if d]


def one(docs: Docs, kind: str) -> dict[str, Any]:
    (found,) = [d for d in docs if d["kind"] == kind]
    return found


def kinds(docs: Docs) -> set[tuple[str, str]]:
    return {(d["apiVersion"], d["kind"]) for d in docs}


def gateway_with(obs: dict[str, Any], route: dict[str, Any] | None = None) -> Docs:
    """What the orchestrator does: the observability objects plus a Gateway that names them."""
    result = build_observability(obs)
    proxy = next((d["metadata"]["name"] for d in result.manifests if d["kind"] == "EnvoyProxy"), None)
    config = next((d["metadata"]["name"] for d in result.manifests if d["kind"] == "GatewayConfig"), None)
    routed = build_route(
        {
            "rules": ["some-cool-self-hosted-model=testupstream"],
            "envoy_proxy": proxy,
            "gateway_config": config,
        }
        | (route or {})
    )
    return routed.manifests + result.manifests


ACCESS_LOG = {"access_logs": True, "metrics": "none"}
MONITORING = {"access_logs": False, "metrics": "prometheus", "scrape_interval": "3s", "token_costs": False}
TRACING = {
    "access_logs": False,
    "metrics": "none",
    "tracing_endpoint": "http://otel-collector.monitoring:4317",
    "tracing_service_name": "ai-gateway-production",
    "trace_sample_ratio": 0.1,
    "tracing_headers_env": "OTLP_HEADERS",
}


def test_access_log_example_is_reproduced():
    theirs = upstream("access-log", "basic.yaml")
    ours = gateway_with(ACCESS_LOG)
    wanted = {"GatewayClass", "Gateway", "EnvoyProxy", "AIGatewayRoute", "ClientTrafficPolicy"}
    assert {k for k in kinds(theirs) if k[1] in wanted} <= kinds(ours)
    their_log = one(theirs, "EnvoyProxy")["spec"]["telemetry"]["accessLog"]
    our_log = one(ours, "EnvoyProxy")["spec"]["telemetry"]["accessLog"]
    assert our_log == their_log  # matches, sink and every JSON field, byte for byte
    ref = one(ours, "Gateway")["spec"]["infrastructure"]["parametersRef"]
    assert ref | {"name": "x"} == one(theirs, "Gateway")["spec"]["infrastructure"]["parametersRef"] | {
        "name": "x"
    }
    assert ref["name"] == one(ours, "EnvoyProxy")["metadata"]["name"]
    # Upstream records the token counts on the route; we record the same keys for every route on the Gateway.
    their_costs = one(theirs, "AIGatewayRoute")["spec"]["llmRequestCosts"]
    assert one(ours, "GatewayConfig")["spec"]["globalLLMRequestCosts"] == their_costs
    assert one(ours, "ClientTrafficPolicy")["spec"]["connection"] == {"bufferLimit": "50Mi"}


def test_monitoring_example_is_reproduced():
    theirs = upstream("monitoring", "monitoring.yaml")
    ours = build_observability(MONITORING).manifests
    assert kinds(theirs) == kinds(ours)
    their_cfg = yaml.safe_load(one(theirs, "ConfigMap")["data"]["prometheus.yml"])
    our_cfg = yaml.safe_load(one(ours, "ConfigMap")["data"]["prometheus.yml"])
    assert our_cfg == their_cfg  # same job, discovery and relabelling (paths per port name)
    their_rules = one(theirs, "ClusterRole")["rules"]
    assert {r for rule in one(ours, "ClusterRole")["rules"] for r in rule.get("resources", [])} <= {
        r for rule in their_rules for r in rule.get("resources", [])
    }
    deployment = one(ours, "Deployment")["spec"]["template"]["spec"]
    assert deployment["serviceAccountName"] == "prometheus"
    assert deployment["containers"][0]["image"] == "prom/prometheus:v2.47.0"
    binding = one(ours, "ClusterRoleBinding")
    assert binding["roleRef"]["name"] == one(ours, "ClusterRole")["metadata"]["name"]
    assert binding["subjects"] == one(theirs, "ClusterRoleBinding")["subjects"]
    assert one(ours, "Service")["spec"]["ports"][0]["port"] == 9090


def test_gateway_config_example_tracing_is_reproduced_without_the_literal_header_secret():
    theirs = upstream("gateway-config", "comprehensive.yaml")
    ours = gateway_with(TRACING)
    assert kinds(ours) >= {(d["apiVersion"], d["kind"]) for d in theirs if d["kind"] == "GatewayConfig"}
    their_env = {e["name"]: e for e in one(theirs, "GatewayConfig")["spec"]["extProc"]["kubernetes"]["env"]}
    our_env = {e["name"]: e for e in one(ours, "GatewayConfig")["spec"]["extProc"]["kubernetes"]["env"]}
    for name in (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_SERVICE_NAME",
        "OTEL_TRACES_SAMPLER",
        "OTEL_TRACES_SAMPLER_ARG",
    ):
        assert our_env[name] == their_env[name]
    # Upstream inlines "api-key=your-secret-key"; we read it from a Secret created at apply time.
    assert "value" not in our_env["OTEL_EXPORTER_OTLP_HEADERS"]
    assert our_env["OTEL_EXPORTER_OTLP_HEADERS"]["valueFrom"]["secretKeyRef"]["key"] == "headers"
    annotation = "aigateway.envoyproxy.io/gateway-config"
    gateway = one(ours, "Gateway")
    assert gateway["metadata"]["annotations"][annotation] == one(ours, "GatewayConfig")["metadata"]["name"]
    assert annotation in next(d for d in theirs if d["kind"] == "Gateway")["metadata"]["annotations"]


def test_the_otlp_headers_secret_lives_where_the_extproc_runs():
    (secret,) = build_observability(TRACING).secrets
    assert (secret.namespace, secret.key, secret.source) == (
        "envoy-gateway-system",
        "headers",
        "env:OTLP_HEADERS",
    )
    assert secret.used_by == "GatewayConfig/default/ai-gateway-telemetry"


VARIANTS = {
    "access-log": (ACCESS_LOG, {}),
    "monitoring": (MONITORING, {}),
    "tracing": (TRACING, {}),
    "everything-with-user-header": (
        {"access_log_headers": ["x-user-id"], "tracing_endpoint": "http://otel.monitoring:4317"},
        {},
    ),
    "podmonitor": ({"access_logs": False, "metrics": "podmonitor"}, {}),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_matches_golden_and_is_clean_under_the_upstream_crds(variant, golden, crd_set):
    obs, route = VARIANTS[variant]
    result = build_observability(obs)
    # Core and prometheus-operator kinds have no CRD in ../shared/crds: their goldens live outside skills/.
    folder = "skills" if variant not in ("monitoring", "podmonitor") else "observability"
    golden(f"{folder}/observability/{variant}.yaml", result.yaml)
    docs = gateway_with(obs, route)
    context = LintContext(
        existing_resources=frozenset({"AIServiceBackend/default/testupstream"}),
        external_secrets=frozenset(f"{s.namespace}/{s.name}" for s in result.secrets),
    )
    report = validate_documents(docs, crds=crd_set, context=context)
    assert report.errors == [] and report.warnings == [], [f"{f.rule}: {f.message}" for f in report.findings]


def test_podmonitor_is_reported_as_unchecked_not_as_valid(crd_set):
    result = build_observability({"access_logs": False, "metrics": "podmonitor"})
    (monitor,) = result.manifests
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert {e["port"]: e["path"] for e in monitor["spec"]["podMetricsEndpoints"]} == {
        "metrics": "/stats/prometheus",
        "aigw-admin": "/metrics",
    }
    report = validate_documents(result.manifests, crds=crd_set)
    assert report.errors == []
    assert any("monitoring.coreos.com/v1 PodMonitor" in text for text in report.checks_skipped)
    assert any("prometheus-operator" in note for note in result.notes)


def test_annotations_point_at_the_extproc_metrics_and_say_what_they_miss():
    result = build_observability({"access_logs": False})
    (proxy,) = result.manifests
    annotations = proxy["spec"]["provider"]["kubernetes"]["envoyDeployment"]["pod"]["annotations"]
    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "1064",
        "prometheus.io/path": "/metrics",
    }
    assert any("19001" in note for note in result.notes)
    assert any("gen_ai_server_time_to_first_token" in note for note in result.notes)


def test_an_existing_gateway_gets_the_commands_that_link_it():
    result = build_observability({"tracing_endpoint": "http://otel.monitoring:4317"})
    (note,) = [n for n in result.notes if "kubectl annotate" in n]
    assert "aigateway.envoyproxy.io/gateway-config=ai-gateway-telemetry" in note
    assert '"kind":"EnvoyProxy","name":"ai-gateway-telemetry"' in note


def test_v0_5_has_no_global_token_costs_and_says_where_to_put_them():
    result = build_observability({"metrics": "none", "target_version": "v0.5.0"})
    assert [d["kind"] for d in result.manifests] == ["EnvoyProxy"]
    assert any("llmRequestCosts" in note for note in result.notes)


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"trace_sample_ratio": 0.5}, "trace_sample_ratio"),
        ({"otel_metrics": True}, "otel_metrics"),
        ({"access_logs": False, "access_log_headers": ["x-user-id"]}, "access_log_headers"),
        ({"access_logs": False, "metrics": "none"}, "access_logs"),
        (
            {"tracing_endpoint": "http://o:4317", "tracing_headers_env": "H", "tracing_headers_file": "./h"},
            "tracing_headers_file",
        ),
    ],
)
def test_inconsistent_inputs_are_refused_with_the_field_named(data, path):
    with pytest.raises(InputError) as info:
        build_observability(data)
    assert path in [p.path for p in info.value.problems]


def test_a_literal_otlp_header_secret_is_refused():
    with pytest.raises(InputError):
        build_observability(
            {"tracing_endpoint": "http://o:4317", "tracing_service_name": "sk-ant-" + "x1Y2" * 8}
        )
