"""The skill catalog: one entry per skill, the single source of every per-skill fact (title, description, next
steps, tool, prompt and CLI names, doc facts) for the tools, prompts, CLI commands and docs.

Atomic skills (built here in skills/) name their input model and builder as import strings, so that reading the
catalog (e.g. to answer `tools/list`) never imports the templates. The other skills are served by commands of
the upper layers, which register their own models and bodies (server/doors.py) under the tool and command
names given here; this bottom layer names nothing above it.
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
    input_model: str | None = None  # "skills.module:Class", atomic skills only
    builder: str | None = None  # "skills.module:function", atomic skills only
    tool: str | None = None
    command: str | None = None
    # What to do with the result, one sentence: the prompt (slash command) and the docs end with it.
    next_steps: str = ""
    # Arguments of the skill's prompt (slash command), `request` first; the MCP server describes, checks and
    # completes them by name (server.mcp.prompts).
    prompt_arguments: tuple[str, ...] = ()

    @property
    def prompt(self) -> str:
        return self.name

    @property
    def atomic(self) -> bool:
        """A skill built here in skills/: served as a generic MCP tool and CLI subcommand."""
        return bool(self.tool and self.command and self.input_model and self.builder)

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
            "Installs Envoy AI Gateway and the matching Envoy Gateway with pinned helm charts and the values "
            "AI Gateway needs (Backend API, extension hooks). Use when setting up or upgrading Envoy AI "
            "Gateway on a cluster."
        ),
        input_model="skills.install:InstallInput",
        builder="skills.install:build_install",
        tool="aigw_install",
        command="install",
        next_steps="Run the printed helm steps in order (Envoy Gateway first); then add providers with aigw-backend.",
        prompt_arguments=("request", "target_version"),
    ),
    SkillEntry(
        name="aigw-backend",
        title="Add a model provider backend",
        description=(
            "Connects Envoy AI Gateway to one model provider: the Backend, AIServiceBackend and "
            "BackendTLSPolicy for OpenAI, Anthropic, Bedrock, Azure, Vertex AI, Gemini, vLLM and more. Use "
            "when adding a provider or a self-hosted model server."
        ),
        input_model="skills.backend:BackendInput",
        builder="skills.backend:build_backend",
        tool="aigw_backend",
        command="backend",
        next_steps="Give the backend its credentials with aigw-auth, then route a model to it with aigw-route.",
        prompt_arguments=("request", "name", "provider", "schema_name"),
    ),
    SkillEntry(
        name="aigw-auth",
        title="Authenticate to a provider",
        description=(
            "Gives Envoy AI Gateway its provider credentials: the BackendSecurityPolicy (API key, AWS, Azure, "
            "GCP, workload identity) and the command that creates its Secret at apply time. Use when a "
            "backend needs a key or cloud identity."
        ),
        input_model="skills.auth:AuthInput",
        builder="skills.auth:build_auth",
        tool="aigw_auth",
        command="auth",
        next_steps="Run the Secret command it prints when you apply (never paste a key into the chat); validate with aigw-validate.",
        prompt_arguments=("request", "type", "targets", "provider"),
    ),
    SkillEntry(
        name="aigw-route",
        title="Route models to backends",
        description=(
            "Routes model names to backends on Envoy AI Gateway: Gateway, buffer-limit policy and "
            "AIGatewayRoute with weighted splits, failover with retries, timeouts and model name overrides. "
            "Use when exposing, adding or splitting models."
        ),
        input_model="skills.route:RouteInput",
        builder="skills.route:build_route",
        tool="aigw_route",
        command="route",
        next_steps="Validate the route together with its backends (aigw-validate); when adding a model to a live route, pass every existing rule too.",
        prompt_arguments=("request", "rules", "target_version"),
    ),
    SkillEntry(
        name="aigw-ratelimit",
        title="Limit tokens per user and set model quotas",
        description=(
            "Limits tokens on Envoy AI Gateway: per-user or per-tenant token budgets (llmRequestCosts plus a "
            "global rate limit) and per-model QuotaPolicies. Use when users, teams or models must stay within "
            "a token budget."
        ),
        input_model="skills.ratelimit:RateLimitInput",
        builder="skills.ratelimit:build_ratelimit",
        tool="aigw_ratelimit",
        command="ratelimit",
        next_steps="Install the rate-limit addon (aigw-install with the ratelimit addon and Redis), then apply and test with real traffic.",
        prompt_arguments=("request", "route_name", "target_version"),
    ),
    SkillEntry(
        name="aigw-clientauth",
        title="Authenticate clients of the gateway",
        description=(
            "Makes callers of Envoy AI Gateway authenticate: an Envoy Gateway SecurityPolicy with JWT from an "
            "identity provider or per-client API keys, on the Gateway or one route. Use when the gateway must "
            "not be open."
        ),
        input_model="skills.clientauth:ClientAuthInput",
        builder="skills.clientauth:build_clientauth",
        tool="aigw_clientauth",
        command="clientauth",
        next_steps="Create the client key Secrets it lists at apply time; test with and without a token (expect 401 without).",
        prompt_arguments=("request", "type", "target_version"),
    ),
    SkillEntry(
        name="aigw-observability",
        title="Observe the gateway",
        description=(
            "Sets up observability for Envoy AI Gateway: access logs with token fields, Prometheus scraping "
            "and OpenTelemetry tracing through EnvoyProxy and GatewayConfig. Use when wiring logs, metrics or "
            "traces, not to read live numbers."
        ),
        input_model="skills.observability:ObservabilityInput",
        builder="skills.observability:build_observability",
        tool="aigw_observability",
        command="observability",
        next_steps="Point the Gateway at the EnvoyProxy and GatewayConfig it emits (aigw-route envoy_proxy, gateway_config); read live numbers with aigw-metrics.",
        prompt_arguments=("request", "target_version"),
    ),
    SkillEntry(
        name="aigw-inferencepool",
        title="Serve self-hosted models through InferencePools",
        description=(
            "Serves self-hosted models (vLLM and others) through Envoy AI Gateway with Gateway API Inference "
            "Extension InferencePools and their endpoint picker. Use when routing to model servers in the "
            "cluster with load- and cache-aware picking."
        ),
        input_model="skills.inferencepool:InferencePoolInput",
        builder="skills.inferencepool:build_inferencepool",
        tool="aigw_inferencepool",
        command="inferencepool",
        next_steps="Install Envoy Gateway with the InferencePool addon (aigw-install) and the Inference Extension CRDs, then apply.",
        prompt_arguments=("request", "pools", "target_version"),
    ),
    SkillEntry(
        name="aigw-mcproute",
        title="Put MCP servers behind the gateway",
        description=(
            "Puts MCP servers behind Envoy AI Gateway with an MCPRoute: one path for several servers, tool "
            "filters, per-server API keys, OAuth and per-tool authorization. Use when agents should reach MCP "
            "tools through the gateway."
        ),
        input_model="skills.mcproute:McpRouteInput",
        builder="skills.mcproute:build_mcproute",
        tool="aigw_mcproute",
        command="mcproute",
        next_steps="Create the per-server key Secrets it lists at apply time; point MCP clients at the gateway path it prints.",
        prompt_arguments=("request", "backends", "target_version"),
    ),
    SkillEntry(
        name="aigw-semantic-router",
        title="Pick models per prompt with the vLLM Semantic Router",
        description=(
            "Adds the vLLM Semantic Router to Envoy AI Gateway so clients send one auto model name and the "
            "router picks a model or LoRA by the prompt's domain. Use when the model should be chosen per "
            "prompt."
        ),
        input_model="skills.semantic_router:SemanticRouterInput",
        builder="skills.semantic_router:build_semantic_router",
        tool="aigw_semantic_router",
        command="semantic-router",
        next_steps="Install the router with the helm values it prints, then apply the EnvoyPatchPolicy and route.",
        prompt_arguments=("request", "rules", "target_version"),
    ),
    SkillEntry(
        name="aigw-orchestrator",
        title="Set up AI Gateway end to end",
        description=(
            "Sets up Envoy AI Gateway end to end: asks a few questions (providers, models, credentials, "
            "routing, limits) and produces one validated bundle to apply. Use for 'set up AI Gateway for "
            "OpenAI and Anthropic' or any complete deployment."
        ),
        tool="aigw_orchestrate",
        command="build",
        next_steps="Apply the bundle: ./install.sh, ./secrets.sh, kubectl apply -k . ; then check it with aigw-troubleshoot if requests fail.",
        prompt_arguments=("request", "providers", "target_version"),
    ),
    SkillEntry(
        name="aigw-migrate",
        title="Migrate manifests to a newer AI Gateway release",
        description=(
            "Upgrades manifests written for older Envoy AI Gateway releases (v0.2 to v1.0) to the target "
            "release, explaining each change and validating the result. Use when upgrading AI Gateway or when "
            "an old guide's YAML fails admission."
        ),
        tool="aigw_migrate",
        command="migrate",
        next_steps="Review every change and warning, then apply the rewritten YAML and re-check with aigw-validate.",
        prompt_arguments=("request", "path", "target_version"),
    ),
    SkillEntry(
        name="aigw-explain",
        title="Explain an AI Gateway setup",
        description=(
            "Explains existing Envoy AI Gateway manifests: a summary and a Mermaid topology of Gateway, "
            "routes, models, backends and attached policies. Use to review a bundle or YAML before applying "
            "it or while debugging."
        ),
        tool="aigw_explain",
        command="explain",
        next_steps="Check the same manifests with aigw-validate.",
        prompt_arguments=("request", "path"),
    ),
    SkillEntry(
        name="aigw-trace",
        title="Trace a request through an AI Gateway setup",
        description=(
            "Traces one request through Envoy AI Gateway manifests as the controllers would: listener, route "
            "rule, backend, schema translation, credential, policies and the upstream URL. Use to see where a "
            "request would go, before applying or when one 404s."
        ),
        tool="aigw_trace",
        command="trace",
        next_steps="Fix the step the trace stops at (it names the object), then trace again; validate with aigw-validate.",
        prompt_arguments=("request", "path", "model"),
    ),
    SkillEntry(
        name="aigw-metrics",
        title="Summarise a running gateway's metrics",
        description=(
            "Reads a running Envoy AI Gateway's Prometheus metrics and summarises tokens, requests, errors "
            "and latency per model and backend. Use to see live usage and cost, or where errors and slow "
            "answers come from."
        ),
        tool="aigw_metrics",
        command="metrics",
        next_steps="For failing requests, follow aigw-troubleshoot for the status code you see.",
        prompt_arguments=("request", "url"),
    ),
    SkillEntry(
        name="aigw-validate",
        title="Validate AI Gateway manifests",
        description=(
            "Validates Envoy AI Gateway manifests before they are applied: CRD schemas, CEL rules and "
            "cross-object lint (missing backends or Secrets, policy conflicts, the 15-rule limit), each finding "
            "with a fix. Use on generated or hand-written YAML."
        ),
        tool="aigw_validate",
        command="validate",
        next_steps="Fix every error (warnings when they apply to you) and validate again until it exits 0.",
        prompt_arguments=("request", "path", "target_version"),
    ),
    SkillEntry(
        name="aigw-troubleshoot",
        title="Troubleshoot a running AI Gateway",
        description=(
            "Diagnoses a running Envoy AI Gateway by symptom: 401, 403, 404, 413, 429, 500, 503 no healthy "
            "upstream, 504, TLS errors, missing extproc or hooks; the cause, the command that confirms it and "
            "the fix. Use when requests through the gateway fail."
        ),
        next_steps=(
            "Run `aigw-skills doctor` (MCP tool `aigw_doctor`) on the cluster or a dump and fix its findings in "
            "the order it lists."
        ),
        prompt_arguments=("request", "symptom", "namespace"),
    ),
    SkillEntry(
        name="aigw-fundamentals",
        title="Envoy AI Gateway fundamentals",
        description=(
            "Explains how Envoy AI Gateway works: every resource kind and how they connect, which aigw skill "
            "builds what, versions, production sizing and the pitfalls. Use before designing a setup or to "
            "understand one."
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
    """Catalog entries served by the generic tool and CLI front doors (the others are registered above)."""
    return [entry for entry in SKILLS if entry.atomic]
