"""Upstream examples/gateway-config (comprehensive.yaml): a GatewayConfig that sets the extproc's OpenTelemetry
env and its CPU/memory, a Gateway that opts in by annotation, and a route on that Gateway. An equivalent input
(aigw-observability for the GatewayConfig, aigw-route for the Gateway and route) gives the same specs, a golden
file, and is clean under the validation engine. Upstream inlines the OTLP header value; ours comes from a Secret."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orchestrator.engine.lint.linter import LintContext
from orchestrator.engine.validate import validate_documents
from skills.backend import build_backend
from skills.errors import InputError
from skills.observability import build_observability
from skills.route import build_route
from tests.conftest import shared_path

Docs = list[dict[str, Any]]
OBSERVABILITY: dict[str, Any] = {
    "name": "comprehensive-config",
    "gateway_name": "production-ai-gateway",
    "access_logs": False,
    "metrics": "none",
    "tracing_endpoint": "http://otel-collector.monitoring:4317",
    "tracing_service_name": "ai-gateway-production",
    "trace_sample_ratio": 0.1,
    "tracing_headers_env": "OTLP_HEADERS",
    "extproc_resources": {
        "cpu_request": "100m",
        "memory_request": "128Mi",
        "cpu_limit": "500m",
        "memory_limit": "512Mi",
    },
}


def upstream() -> Docs:
    text = shared_path("upstream-examples", "gateway-config", "comprehensive.yaml").read_text(
        encoding="utf-8"
    )
    return [d for d in yaml.safe_load_all(text) if d]


def one(docs: Docs, kind: str, name: str | None = None) -> dict[str, Any]:
    (found,) = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    return found


def ours() -> tuple[Docs, Any]:
    obs = build_observability(OBSERVABILITY)
    route = build_route(
        {
            "name": "example-route",
            "gateway_name": "production-ai-gateway",
            "gateway_class": "envoy-gateway",
            "listener_port": 8080,
            "gateway_config": "comprehensive-config",
            "rules": [
                {"models": ["gpt-4o-mini"], "backends": [{"name": "example-backend"}]}
            ],  # upstream: catch-all
        }
    )
    backend = build_backend({"name": "example-backend", "provider": "openai"})
    return route.manifests + obs.manifests + backend.manifests, obs


def test_equivalent_input_matches_its_golden_file(golden: Any) -> None:
    golden("skills/observability/gateway-config.yaml", build_observability(OBSERVABILITY).yaml)


def test_gateway_config_sets_the_same_extproc_resources_and_otel_env_as_upstream() -> None:
    docs, _ = ours()
    theirs = one(upstream(), "GatewayConfig")["spec"]["extProc"]["kubernetes"]
    mine = one(docs, "GatewayConfig")["spec"]["extProc"]["kubernetes"]
    assert mine["resources"] == theirs["resources"]
    their_env = {e["name"]: e.get("value") for e in theirs["env"]}
    my_env = {e["name"]: e.get("value") for e in mine["env"]}
    for name in (
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_SERVICE_NAME",
        "OTEL_TRACES_SAMPLER",
        "OTEL_TRACES_SAMPLER_ARG",
    ):
        assert my_env[name] == their_env[name], name
    assert (
        "OTEL_EXPORTER_OTLP_HEADERS" in my_env and my_env["OTEL_EXPORTER_OTLP_HEADERS"] is None
    )  # a Secret ref


def test_gateway_opts_in_by_annotation_and_the_route_attaches_as_upstream() -> None:
    docs, _ = ours()
    theirs, mine = upstream(), docs
    annotation = "aigateway.envoyproxy.io/gateway-config"
    gateway = one(mine, "Gateway", "production-ai-gateway")
    assert gateway["metadata"]["annotations"][annotation] == "comprehensive-config"
    their_gateway = one(theirs, "Gateway", "production-ai-gateway")
    assert gateway["spec"]["listeners"][0]["port"] == their_gateway["spec"]["listeners"][0]["port"]
    assert gateway["spec"]["gatewayClassName"] == their_gateway["spec"]["gatewayClassName"]
    assert (
        one(mine, "AIGatewayRoute")["spec"]["parentRefs"]
        == one(theirs, "AIGatewayRoute")["spec"]["parentRefs"]
    )


def test_equivalent_setup_is_clean_under_the_validation_engine(crd_set: Any) -> None:
    docs, obs = ours()
    secrets = frozenset(f"{s.namespace}/{s.name}" for s in obs.secrets) | {"default/example-backend-apikey"}
    report = validate_documents(docs, crds=crd_set, context=LintContext(external_secrets=secrets))
    assert [f"{f.resource}: {f.path}: {f.message}" for f in report.findings] == []


@pytest.mark.parametrize(
    ("resources", "path"),
    [({}, "extproc_resources"), ({"cpu_request": "lots"}, "extproc_resources.cpu_request")],
)
def test_bad_extproc_resources_are_refused_naming_the_field(resources: dict[str, str], path: str) -> None:
    with pytest.raises(InputError) as err:
        build_observability({**OBSERVABILITY, "extproc_resources": resources})
    assert [p.path for p in err.value.problems] == [path]


def test_extproc_resources_alone_make_a_gateway_config_with_only_them() -> None:
    result = build_observability(
        {"access_logs": False, "metrics": "none", "extproc_resources": {"memory_limit": "1Gi"}}
    )
    assert [m["kind"] for m in result.manifests] == ["GatewayConfig"]
    assert result.manifests[0]["spec"] == {
        "extProc": {"kubernetes": {"resources": {"limits": {"memory": "1Gi"}}}}
    }
