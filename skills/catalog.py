"""The skill catalog: one entry per skill, the single source for tools, prompts, CLI commands and docs.

Entries name their input model and builder as import strings so that reading the catalog (e.g. to answer
`tools/list`) never imports the templates or the validation engine.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SkillEntry:
    """One skill: its folder under skills/, and the front doors that expose it."""

    name: str
    title: str
    description: str
    input_model: str | None = None  # "module:Class"
    builder: str | None = None  # "module:function"
    tool: str | None = None
    command: str | None = None
    # Arguments of the skill's prompt (slash command); the MCP server describes and completes them by name.
    prompt_arguments: tuple[str, ...] = ()

    @property
    def prompt(self) -> str:
        return self.name

    @property
    def atomic(self) -> bool:
        """A skill whose builder lives in skills/: served as a generic MCP tool and CLI subcommand."""
        return bool(
            self.tool
            and self.command
            and self.input_model
            and self.builder
            and self.builder.startswith("skills.")
        )

    def load_model(self) -> Any:
        return _load(self.input_model) if self.input_model else None

    def load_builder(self) -> Callable[..., Any]:
        if not self.builder:
            raise LookupError(f"skill {self.name} has no builder")
        return _load(self.builder)


def _load(ref: str) -> Any:
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


SKILLS: tuple[SkillEntry, ...] = (
    SkillEntry(
        name="aigw-install",
        title="Install Envoy AI Gateway",
        description=(
            "Plans an idempotent install of Envoy AI Gateway and the matching Envoy Gateway with pinned helm "
            "charts, waits and generated Envoy Gateway values (Backend API, extension-manager hooks). Use when "
            "setting up AI Gateway on a cluster, upgrading it, or checking why the extproc is not wired in."
        ),
        input_model="skills.install:InstallInput",
        builder="skills.install:build_install",
        tool="aigw_install",
        command="install",
        prompt_arguments=("version", "request"),
    ),
    SkillEntry(
        name="aigw-backend",
        title="Add a model provider backend",
        description=(
            "Generates the Envoy Gateway Backend, AIServiceBackend and BackendTLSPolicy for one model provider "
            "(OpenAI, Anthropic, AWS Bedrock, Azure OpenAI, Vertex AI, Gemini, Groq, Mistral, Ollama, vLLM and "
            "more) from a preset or explicit hostname, schema and prefix. Use when connecting AI Gateway to a "
            "provider or a self-hosted model server."
        ),
        input_model="skills.backend:BackendInput",
        builder="skills.backend:build_backend",
        tool="aigw_backend",
        command="backend",
        prompt_arguments=("provider", "schema_name", "request"),
    ),
    SkillEntry(
        name="aigw-auth",
        title="Authenticate to a provider",
        description=(
            "Generates the BackendSecurityPolicy (API key, Anthropic or Azure key, AWS, Azure or GCP "
            "credentials) for AIServiceBackends and the exact command that creates its Secret from an "
            "environment variable or file at apply time; never handles secret values. Use when a backend "
            "needs credentials or when switching to IRSA, Pod Identity, workload identity or OIDC."
        ),
        input_model="skills.auth:AuthInput",
        builder="skills.auth:build_auth",
        tool="aigw_auth",
        command="auth",
        prompt_arguments=("type", "provider", "request"),
    ),
    SkillEntry(
        name="aigw-route",
        title="Route models to backends",
        description=(
            "Generates the GatewayClass, Gateway, ClientTrafficPolicy (buffer limit) and AIGatewayRoute that "
            "send each model name (x-ai-eg-model) to its backends with weights, priorities and timeouts. Use "
            "when exposing models through a Gateway, adding a model, or splitting traffic between providers."
        ),
        input_model="skills.route:RouteInput",
        builder="skills.route:build_route",
        tool="aigw_route",
        command="route",
        prompt_arguments=("target_version", "request"),
    ),
    SkillEntry(
        name="aigw-ratelimit",
        title="Limit tokens per user and set model quotas",
        description=(
            "Generates token rate limits (llmRequestCosts on the AIGatewayRoute and a Global Envoy Gateway "
            "BackendTrafficPolicy charging input, output, total or CEL-computed tokens per user or tenant header "
            "per minute/hour/day) and per-model QuotaPolicies on AIServiceBackends. Use when users or tenants "
            "must not exceed a token budget, or a model needs a quota."
        ),
        input_model="skills.ratelimit:RateLimitInput",
        builder="skills.ratelimit:build_ratelimit",
        tool="aigw_ratelimit",
        command="ratelimit",
        prompt_arguments=("request",),
    ),
    SkillEntry(
        name="aigw-clientauth",
        title="Authenticate clients of the gateway",
        description=(
            "Generates the Envoy Gateway SecurityPolicy that makes callers authenticate, on the whole Gateway "
            "or one route: JWT from an identity provider (issuer, JWKS, audiences, claims copied to headers such "
            "as x-user-id) or API keys (one Secret per client, created at apply time). Use when the gateway must "
            "not be open, or when token limits should key on the caller."
        ),
        input_model="skills.clientauth:ClientAuthInput",
        builder="skills.clientauth:build_clientauth",
        tool="aigw_clientauth",
        command="clientauth",
        prompt_arguments=("target_version", "request"),
    ),
    SkillEntry(
        name="aigw-observability",
        title="Observe the gateway",
        description=(
            "Generates access logs with gen_ai fields (model, provider, tokens), metrics scraping (Prometheus "
            "annotations, a PodMonitor or a small Prometheus) and OpenTelemetry tracing through an EnvoyProxy and "
            "an AI Gateway GatewayConfig, and lists the metrics to watch. Use when you need to see token usage, "
            "latency or errors per model, or to send traces to a collector."
        ),
        input_model="skills.observability:ObservabilityInput",
        builder="skills.observability:build_observability",
        tool="aigw_observability",
        command="observability",
        prompt_arguments=("target_version", "request"),
    ),
    SkillEntry(
        name="aigw-inferencepool",
        title="Serve self-hosted models through InferencePools",
        description=(
            "Generates Gateway API Inference Extension InferencePools for self-hosted model servers (vLLM and "
            "others) with their endpoint picker (Deployment, Service, RBAC, plugins), InferenceObjectives, the "
            "AIGatewayRoute rules that send model names to them (one pool per rule) and a BackendSecurityPolicy "
            "on a pool that needs an API key. Use when routing to model servers running in the cluster with "
            "load-, KV-cache- and prefix-aware endpoint picking."
        ),
        input_model="skills.inferencepool:InferencePoolInput",
        builder="skills.inferencepool:build_inferencepool",
        tool="aigw_inferencepool",
        command="inferencepool",
        prompt_arguments=("target_version", "request"),
    ),
    SkillEntry(
        name="aigw-mcproute",
        title="Put MCP servers behind the gateway",
        description=(
            "Generates an MCPRoute that serves several MCP servers on one gateway path, with their Backends "
            "and TLS policies, tool selectors (include/exclude, regex), per-server API keys from Secrets created "
            "at apply time, OAuth for MCP clients and per-tool authorization rules. Use when agents should reach "
            "MCP tools (GitHub, internal servers) through Envoy AI Gateway."
        ),
        input_model="skills.mcproute:McpRouteInput",
        builder="skills.mcproute:build_mcproute",
        tool="aigw_mcproute",
        command="mcproute",
        prompt_arguments=("target_version", "request"),
    ),
    SkillEntry(
        name="aigw-semantic-router",
        title="Pick models per prompt with the vLLM Semantic Router",
        description=(
            "Wires the vLLM Semantic Router into a Gateway: the EnvoyPatchPolicy that runs its ExtProc before "
            "the AI Gateway filter and adds its cluster, the AIGatewayRoute rules for the model names it selects, "
            "its helm values and install steps. Use when clients should send the auto model name (MoM) and let "
            "the router choose a model or LoRA by the prompt's domain."
        ),
        input_model="skills.semantic_router:SemanticRouterInput",
        builder="skills.semantic_router:build_semantic_router",
        tool="aigw_semantic_router",
        command="semantic-router",
        prompt_arguments=("target_version", "request"),
    ),
    SkillEntry(
        name="aigw-orchestrator",
        title="Set up AI Gateway end to end",
        description=(
            "Asks a few intake questions and composes install plan, Gateway, backends, credentials and routes "
            "into one validated, apply-ready bundle (manifests, kustomization, install and secrets scripts). "
            "Use when someone says 'set up AI Gateway for OpenAI and Anthropic' or wants a complete deployment."
        ),
        input_model="orchestrator.intake.model:Intake",
        builder="orchestrator.compose.composer:compose_bundle",
        tool="aigw_orchestrate",
        command="build",
        prompt_arguments=("providers", "version", "request"),
    ),
    SkillEntry(
        name="aigw-migrate",
        title="Migrate manifests to a newer AI Gateway release",
        description=(
            "Rewrites manifests written for older Envoy AI Gateway releases (v0.2 to v1.0) for a target release "
            "(targetRefs to parentRefs, backendSecurityPolicyRef to policy targetRefs, schema.version to prefix, "
            "Service backendRefs to Backends, filterConfig to GatewayConfig, v1alpha1 to v1beta1, "
            "BackendTLSPolicy v1alpha3 to v1), reports every change with its reason and validates the result. "
            "Use when upgrading AI Gateway or when an old guide's YAML fails admission."
        ),
        input_model="server.mcp.analysis_models:MigrateInput",
        builder="orchestrator.analysis.migrate.report:migrate_and_validate",
        tool="aigw_migrate",
        command="migrate",
        prompt_arguments=("target_version", "request"),
    ),
    SkillEntry(
        name="aigw-explain",
        title="Explain an AI Gateway setup",
        description=(
            "Summarizes AI Gateway manifests and draws their topology as a Mermaid diagram: Gateway, route, "
            "rules (models), AIServiceBackends, Backends and provider endpoints, with the security, TLS, client "
            "and traffic policies attached. Use to review a bundle or existing YAML before applying or debugging it."
        ),
        input_model="server.mcp.analysis_models:ExplainInput",
        builder="orchestrator.analysis.explain:explain_documents",
        tool="aigw_explain",
        command="explain",
        prompt_arguments=("request",),
    ),
    SkillEntry(
        name="aigw-trace",
        title="Trace a request through an AI Gateway setup",
        description=(
            "Follows one request (path, model, headers, the caller's credential) through AI Gateway manifests the "
            "way the controllers build the data path: listener, route rule, backends by priority and weight, "
            "endpoint x schema translation, model override, provider credential, traffic policy (attached or "
            "Conflicted), client auth and the upstream host, port and path, each step with the object and the "
            "upstream reason that decide it. Use when a request 404s, 401s or never reaches its provider."
        ),
        input_model="server.mcp.analysis_models:TraceInput",
        builder="orchestrator.analysis.trace:trace_documents",
        tool="aigw_trace",
        command="trace",
        prompt_arguments=("request",),
    ),
    SkillEntry(
        name="aigw-metrics",
        title="Summarise a running gateway's metrics",
        description=(
            "Reads an Envoy AI Gateway's Prometheus endpoint (the extproc admin port's /metrics) and summarises "
            "token usage by type, request counts, errors and latency (mean, p50, p95, time to first token) per "
            "model and backend, as a table or JSON. Use to see what a running gateway is doing: which models "
            "and providers carry the traffic, what it costs in tokens, where errors and slow answers come from."
        ),
        input_model="server.cli.metrics:MetricsInput",
        builder="server.cli.metrics:run_metrics",
        tool="aigw_metrics",
        command="metrics",
        prompt_arguments=("request",),
    ),
    SkillEntry(
        name="aigw-fundamentals",
        title="Envoy AI Gateway fundamentals",
        description=(
            "Explains how Envoy AI Gateway fits together (Gateway, AIGatewayRoute, AIServiceBackend, Backend, "
            "BackendSecurityPolicy), the version matrix and the pitfalls users hit (413 buffer limit, missing "
            "extension hooks, Service backendRefs, 15-rule limit). Use before designing or debugging a setup."
        ),
        prompt_arguments=("request",),
    ),
)

BY_NAME = {s.name: s for s in SKILLS}
BY_TOOL = {s.tool: s for s in SKILLS if s.tool}
BY_COMMAND = {s.command: s for s in SKILLS if s.command}


def skill(name: str) -> SkillEntry:
    if name not in BY_NAME:
        raise KeyError(f"unknown skill {name!r}; known: {', '.join(BY_NAME)}")
    return BY_NAME[name]


def atomic_skills() -> list[SkillEntry]:
    """Catalog entries served by the generic tool and CLI front doors (the orchestrator registers its own)."""
    return [entry for entry in SKILLS if entry.atomic]
