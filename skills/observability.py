"""aigw-observability: access logs with gen_ai fields, metrics scraping and OpenTelemetry tracing.

- Access logs and scrape annotations live on an Envoy Gateway `EnvoyProxy` that the Gateway names in
  `spec.infrastructure.parametersRef`.
- Tracing (and the token counts the access log reads) live on an AI Gateway `GatewayConfig` that the Gateway
  names in its `aigateway.envoyproxy.io/gateway-config` annotation. OTEL_* variables configure the extproc
  sidecar in the Envoy pods, so a Secret they read (OTLP headers) lives in the proxies' namespace.
- Metrics: pod annotations, a prometheus-operator PodMonitor, or a small Prometheus like upstream's example.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field

from skills import shell
from skills.errors import InputError, Problem
from skills.extproc_resources import ExtProcResources
from skills.model import InputModel
from skills.render import render_object
from skills.result import SecretShape, SkillResult
from skills.secret_command import secret_command
from skills.types import (
    ContainerImage,
    DNSLabel,
    Duration,
    EnvVarName,
    FilePath,
    HttpUrl,
    Identifier,
    LoggedHeader,
)
from skills.versions import DEFAULT_VERSION, METADATA_NAMESPACE, MODEL_HEADER, AIGatewayVersion, profile

SKILL = "aigw-observability"
GATEWAY_CONFIG_ANNOTATION = "aigateway.envoyproxy.io/gateway-config"
EXTPROC_ADMIN_PORT = 1064  # container port "aigw-admin" of the extproc sidecar: gen_ai metrics at /metrics
ENVOY_METRICS_PORT = 19001  # container port "metrics" of Envoy: /stats/prometheus

# Token counts the access log reads from dynamic metadata (io.envoy.ai_gateway:<key>).
TOKEN_COSTS: tuple[tuple[str, str], ...] = (
    ("llm_input_token", "InputToken"),
    ("llm_output_token", "OutputToken"),
    ("llm_reasoning_token", "ReasoningToken"),
    ("llm_total_token", "TotalToken"),
)


def _meta(key: str) -> str:
    return f"%DYNAMIC_METADATA({METADATA_NAMESPACE}:{key})%"


ACCESS_LOG_FIELDS: dict[str, str] = {
    "gen_ai.request.model": f"%REQ({MODEL_HEADER.upper()})%",
    "gen_ai.response.model": _meta("response_model"),
    "gen_ai.provider.name": _meta("backend_name"),
    "gen_ai.usage.input_tokens": _meta("llm_input_token"),
    "gen_ai.usage.output_tokens": _meta("llm_output_token"),
    "gen_ai.usage.reasoning_tokens": _meta("llm_reasoning_token"),
    "session.id": _meta("session.id"),
    "start_time": "%START_TIME%",
    "method": "%REQ(:METHOD)%",
    "request.path": "%REQ(:PATH)%",
    "x-envoy-origin-path": "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
    "response_code": "%RESPONSE_CODE%",
    "connection_termination_details": "%CONNECTION_TERMINATION_DETAILS%",
    "upstream_transport_failure_reason": "%UPSTREAM_TRANSPORT_FAILURE_REASON%",
    "bytes_received": "%BYTES_RECEIVED%",
    "bytes_sent": "%BYTES_SENT%",
    "duration": "%DURATION%",
    "x-envoy-upstream-service-time": "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%",
    "x-forwarded-for": "%REQ(X-FORWARDED-FOR)%",
    "user-agent": "%REQ(USER-AGENT)%",
    "x-request-id": "%REQ(X-REQUEST-ID)%",
    "upstream_host": "%UPSTREAM_HOST%",
    "upstream_cluster": "%UPSTREAM_CLUSTER%",
    "upstream_local_address": "%UPSTREAM_LOCAL_ADDRESS%",
    "downstream_local_address": "%DOWNSTREAM_LOCAL_ADDRESS%",
    "downstream_remote_address": "%DOWNSTREAM_REMOTE_ADDRESS%",
}
ACCESS_LOG_MATCH = f"request.headers['{MODEL_HEADER}'] != ''"

# The short list to put on a dashboard first (AI Gateway metrics docs; OpenTelemetry gen_ai conventions).
METRICS_TO_WATCH: tuple[tuple[str, str], ...] = (
    ("gen_ai_client_token_usage", "tokens per request by gen_ai_token_type (input, output, total) and model"),
    (
        "gen_ai_server_request_duration",
        "end-to-end latency seen by the gateway filter, per model and backend",
    ),
    ("gen_ai_server_time_to_first_token", "streaming: time until the first token arrives"),
    ("gen_ai_server_time_per_output_token", "streaming: gap between tokens (generation speed)"),
    ("envoy_cluster_upstream_rq_xx", "Envoy: upstream responses by status class (5xx = provider errors)"),
    (
        "envoy_http_downstream_rq_xx",
        "Envoy: responses to clients by status class (401 auth, 413 buffer, 429)",
    ),
)


class ObservabilityInput(InputModel):
    """Access logs, metrics scraping and tracing for one Gateway."""

    gateway_name: DNSLabel = Field("ai-gateway", description="Gateway to observe")
    namespace: DNSLabel = Field(
        "default", description="The Gateway's namespace (EnvoyProxy and GatewayConfig)"
    )
    name: DNSLabel | None = Field(
        None, description="Name of the EnvoyProxy and GatewayConfig (default: <gateway_name>-telemetry)"
    )
    access_logs: bool = Field(True, description="JSON access logs on stdout with model, provider and tokens")
    access_log_headers: list[LoggedHeader] = Field(
        default_factory=list, max_length=16, description="Extra request headers to log, e.g. x-user-id"
    )
    token_costs: bool = Field(
        True, description="Record input/output/reasoning/total tokens for every route (globalLLMRequestCosts)"
    )
    metrics: Literal["none", "annotations", "podmonitor", "prometheus"] = Field(
        "annotations",
        description="annotations: prometheus.io/* on proxy pods; podmonitor: prometheus-operator; prometheus: "
        "a small in-cluster Prometheus",
    )
    scrape_interval: Duration = Field("15s", description="Scrape interval (podmonitor, prometheus)")
    prometheus_namespace: DNSLabel = Field(
        "monitoring", description="Namespace of the Prometheus (prometheus)"
    )
    prometheus_image: ContainerImage = Field("prom/prometheus:v2.47.0", description="Prometheus image")
    envoy_gateway_namespace: DNSLabel = Field(
        "envoy-gateway-system",
        description="Where Envoy Gateway runs the proxy pods (PodMonitor, OTLP Secret)",
    )
    envoy_service_account: DNSLabel | None = Field(
        None,
        description="ServiceAccount the proxy pods run as, in envoy_gateway_namespace (e.g. for AWS IRSA or "
        "Pod Identity); default: the one Envoy Gateway generates",
    )
    tracing_endpoint: HttpUrl | None = Field(
        None, description="OTLP collector for traces, e.g. http://otel-collector.monitoring:4317"
    )
    tracing_service_name: Identifier | None = Field(
        None, description="OTEL_SERVICE_NAME (default ai-gateway)"
    )
    trace_sample_ratio: float | None = Field(
        None, ge=0.0, le=1.0, description="Share of new traces sampled, e.g. 0.1 (default: all)"
    )
    tracing_headers_env: EnvVarName | None = Field(
        None, description="Env var holding OTEL_EXPORTER_OTLP_HEADERS (e.g. api-key=...) at apply time"
    )
    tracing_headers_file: FilePath | None = Field(None, description="File holding OTEL_EXPORTER_OTLP_HEADERS")
    otel_metrics: bool | None = Field(
        None,
        description="OTEL_METRICS_EXPORTER: true=otlp (push metrics to tracing_endpoint too), false=none (for "
        "trace-only collectors), unset: AI Gateway's default",
    )
    extproc_resources: ExtProcResources | None = Field(
        None,
        description="Requests/limits of the extproc sidecar (GatewayConfig extProc.kubernetes.resources)",
    )
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version to generate for"
    )


def _check(inp: ObservabilityInput) -> list[Problem]:
    problems: list[Problem] = []
    prof = profile(inp.target_version)
    tracing_fields = (
        "tracing_service_name",
        "trace_sample_ratio",
        "tracing_headers_env",
        "tracing_headers_file",
    )
    if inp.tracing_endpoint is None:
        problems += [
            Problem(f, "only used with tracing_endpoint")
            for f in tracing_fields
            if getattr(inp, f) is not None
        ]
        if inp.otel_metrics is not None:
            problems.append(Problem("otel_metrics", "needs tracing_endpoint (the OTLP collector)"))
    if inp.tracing_headers_env and inp.tracing_headers_file:
        problems.append(
            Problem("tracing_headers_file", "give tracing_headers_env or tracing_headers_file, not both")
        )
    if inp.access_log_headers and not inp.access_logs:
        problems.append(Problem("access_log_headers", "only used with access_logs"))
    if not (inp.access_logs or inp.metrics != "none" or inp.tracing_endpoint or inp.extproc_resources):
        problems.append(
            Problem(
                "access_logs",
                "nothing to generate: enable access_logs, metrics, tracing or extproc_resources",
            )
        )
    if inp.extproc_resources is not None and not inp.extproc_resources.block():
        problems.append(Problem("extproc_resources", "set at least one of cpu/memory request/limit"))
    wants_config = inp.tracing_endpoint is not None or (inp.token_costs and inp.access_logs)
    if inp.extproc_resources is not None and not prof.gateway_config:
        problems.append(
            Problem("extproc_resources", f"GatewayConfig needs AI Gateway v0.5.0+ ({prof.ai_gateway})")
        )
    if wants_config and not prof.gateway_config:
        problems.append(
            Problem("tracing_endpoint", f"GatewayConfig needs AI Gateway v0.5.0+ ({prof.ai_gateway})")
        )
    return problems


def _env(inp: ObservabilityInput, secret: SecretShape | None) -> list[dict[str, Any]]:
    if inp.tracing_endpoint is None:
        return []
    env: list[dict[str, Any]] = [{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": inp.tracing_endpoint}]
    if secret is not None:
        env.append({"name": "OTEL_EXPORTER_OTLP_HEADERS", "secret": secret.name, "key": secret.key})
    env.append({"name": "OTEL_SERVICE_NAME", "value": inp.tracing_service_name or "ai-gateway"})
    if inp.trace_sample_ratio is not None:
        env.append({"name": "OTEL_TRACES_SAMPLER", "value": "parentbased_traceidratio"})
        env.append({"name": "OTEL_TRACES_SAMPLER_ARG", "value": repr(inp.trace_sample_ratio)})
    if inp.otel_metrics is not None:
        env.append({"name": "OTEL_METRICS_EXPORTER", "value": "otlp" if inp.otel_metrics else "none"})
    return env


def _access_log_fields(inp: ObservabilityInput) -> dict[str, str]:
    fields = dict(ACCESS_LOG_FIELDS)
    for header in inp.access_log_headers:
        fields[header] = f"%REQ({header.upper()})%"
    return fields


def _prometheus(inp: ObservabilityInput) -> list[tuple[dict[str, Any], str]]:
    ns = inp.prometheus_namespace
    cluster_name = f"prometheus-{ns}"[:63]
    return [
        render_object(SKILL, "prometheus-namespace.yaml.j2", namespace=ns),
        render_object(SKILL, "prometheus-config.yaml.j2", namespace=ns, interval=inp.scrape_interval),
        render_object(SKILL, "prometheus-clusterrole.yaml.j2", name=cluster_name),
        render_object(SKILL, "prometheus-serviceaccount.yaml.j2", namespace=ns),
        render_object(SKILL, "prometheus-clusterrolebinding.yaml.j2", name=cluster_name, namespace=ns),
        render_object(SKILL, "prometheus-deployment.yaml.j2", namespace=ns, image=inp.prometheus_image),
        render_object(SKILL, "prometheus-service.yaml.j2", namespace=ns),
    ]


def gateway_links(inp: ObservabilityInput) -> tuple[str | None, str | None]:
    """(EnvoyProxy name for parametersRef, GatewayConfig name for the annotation) this input produces."""
    name = inp.name or f"{inp.gateway_name}-telemetry"
    envoy_proxy = (
        name if inp.access_logs or inp.metrics == "annotations" or inp.envoy_service_account else None
    )
    config = (
        name
        if inp.tracing_endpoint or (inp.token_costs and inp.access_logs) or inp.extproc_resources
        else None
    )
    return envoy_proxy, config


def build_observability(data: ObservabilityInput | dict[str, Any]) -> SkillResult:
    """EnvoyProxy (access logs, scrape annotations) + GatewayConfig (tracing, token costs) + metrics objects."""
    inp = ObservabilityInput.parse(data, skill=SKILL)
    problems = _check(inp)
    if problems:
        raise InputError(problems, skill=SKILL)
    prof = profile(inp.target_version)
    envoy_proxy, config = gateway_links(inp)
    secrets: list[SecretShape] = []
    if inp.tracing_endpoint and (inp.tracing_headers_env or inp.tracing_headers_file):
        source = (
            f"file:{inp.tracing_headers_file}"
            if inp.tracing_headers_file
            else f"env:{inp.tracing_headers_env}"
        )
        secret_name = f"{config}-otlp-headers"
        ns = inp.envoy_gateway_namespace
        secrets.append(
            SecretShape(
                name=secret_name,
                namespace=ns,
                key="headers",
                source=source,
                command=secret_command(secret_name, ns, "headers", source),
                used_by=f"GatewayConfig/{inp.namespace}/{config}",
            )
        )
    rendered = []
    if envoy_proxy:
        annotations = (
            {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": str(EXTPROC_ADMIN_PORT),
                "prometheus.io/path": "/metrics",
            }
            if inp.metrics == "annotations"
            else {}
        )
        rendered.append(
            render_object(
                SKILL,
                "envoyproxy.yaml.j2",
                name=envoy_proxy,
                namespace=inp.namespace,
                pod_annotations=annotations,
                service_account=inp.envoy_service_account,
                access_log_fields=_access_log_fields(inp) if inp.access_logs else {},
                access_log_match=ACCESS_LOG_MATCH,
            )
        )
    costs = [
        {"metadataKey": key, "type": kind}
        for key, kind in TOKEN_COSTS
        if inp.token_costs and inp.access_logs and prof.global_llm_request_costs
    ]
    env = _env(inp, secrets[0] if secrets else None)
    resources = inp.extproc_resources.block() if inp.extproc_resources else {}
    if config and (env or costs or resources):
        rendered.append(
            render_object(
                SKILL,
                "gatewayconfig.yaml.j2",
                api_version=prof.api_version_for("GatewayConfig"),
                name=config,
                namespace=inp.namespace,
                env=env,
                resources=resources,
                costs=costs,
            )
        )
    if inp.metrics == "podmonitor":
        rendered.append(
            render_object(
                SKILL,
                "podmonitor.yaml.j2",
                name=f"{inp.namespace}-{inp.gateway_name}-proxy"[:63].rstrip("-"),
                namespace=inp.envoy_gateway_namespace,
                gateway=inp.gateway_name,
                gateway_namespace=inp.namespace,
                interval=inp.scrape_interval,
            )
        )
    if inp.metrics == "prometheus":
        rendered += _prometheus(inp)
    return SkillResult.from_rendered(SKILL, rendered, secrets=secrets, notes=_notes(inp, envoy_proxy, config))


def attach_commands(inp: ObservabilityInput, envoy_proxy: str | None, config: str | None) -> list[str]:
    """kubectl commands that link an existing Gateway to the generated EnvoyProxy and GatewayConfig."""
    gw = (f"gateway/{inp.gateway_name}", "-n", inp.namespace)
    out = []
    if envoy_proxy:
        ref = {"group": "gateway.envoyproxy.io", "kind": "EnvoyProxy", "name": envoy_proxy}
        patch = json.dumps({"spec": {"infrastructure": {"parametersRef": ref}}}, separators=(",", ":"))
        out.append(shell.command("kubectl", "patch", *gw, "--type", "merge", "-p", patch))
    if config:
        annotation = f"{GATEWAY_CONFIG_ANNOTATION}={config}"
        out.append(shell.command("kubectl", "annotate", *gw, "--overwrite", annotation))
    return out


def _notes(inp: ObservabilityInput, envoy_proxy: str | None, config: str | None) -> list[str]:
    notes = []
    commands = attach_commands(inp, envoy_proxy, config)
    if commands:
        notes.append(
            "The Gateway must name these objects (aigw-route does it with envoy_proxy and gateway_config); for an "
            "existing Gateway run: " + " && ".join(commands)
        )
    if inp.access_logs:
        notes.append(
            f"Access logs: kubectl logs -n {inp.envoy_gateway_namespace} -l "
            f"gateway.envoyproxy.io/owning-gateway-name={inp.gateway_name} -c envoy | grep gen_ai"
        )
        if not inp.token_costs or not profile(inp.target_version).global_llm_request_costs:
            notes.append(
                "Token fields in the access log stay empty unless the routes set llmRequestCosts with metadataKeys "
                + ", ".join(k for k, _ in TOKEN_COSTS)
            )
    if inp.metrics == "annotations":
        notes.append(
            f"The prometheus.io annotations point at the extproc's gen_ai metrics (port {EXTPROC_ADMIN_PORT}, "
            f"/metrics); Envoy's own stats are on port {ENVOY_METRICS_PORT} at /stats/prometheus, which one "
            "annotation cannot also name: use metrics=podmonitor or prometheus to scrape both."
        )
    if inp.metrics == "podmonitor":
        notes.append(
            "PodMonitor is a prometheus-operator kind (monitoring.coreos.com/v1), not part of the AI Gateway or "
            "Envoy Gateway CRDs: validation only checks its metadata, and the operator must be installed."
        )
    if inp.metrics == "prometheus":
        notes.append(
            f"Prometheus UI: kubectl port-forward -n {inp.prometheus_namespace} svc/prometheus 9090:9090"
        )
    if inp.metrics != "none" or inp.otel_metrics:
        notes.append("Metrics to watch: " + "; ".join(f"{m}: {why}" for m, why in METRICS_TO_WATCH))
    if inp.tracing_endpoint:
        notes.append(
            "OTEL_* settings configure the extproc sidecar inside the Envoy pods, which run in "
            f"{inp.envoy_gateway_namespace}: the collector address must resolve from there."
        )
    return notes
