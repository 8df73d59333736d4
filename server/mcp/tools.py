"""MCP tools: one per atomic skill in the catalog, plus aigw_validate and aigw_providers.

Each tool publishes its input model's JSON schema as its inputSchema, receives the arguments as they came
and validates them with `Model.parse`, so any bad argument comes back as one ToolError that names the field,
the bad value and the fix (the SDK's own argument validation would answer with pydantic's raw text).
Models, builders, YAML and the validation engine are imported on first use, not at startup.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, ConfigDict

from server.mcp import schema_cache
from server.mcp.schema_shape import compact, outline
from skills.catalog import SkillEntry, atomic_skills

ANNOTATIONS = ToolAnnotations(
    read_only_hint=True, idempotent_hint=True, destructive_hint=False, open_world_hint=False
)

# What a model should do with each tool's output: the order of the atomic skills.
NEXT_STEPS = {
    "aigw_install": (
        "Next: add providers with aigw_backend, their credentials with aigw_auth and the routes with "
        "aigw_route, then check everything with aigw_validate."
    ),
    "aigw_backend": (
        "Next: aigw_auth for this backend's credentials (unless the provider needs none), then aigw_route "
        "to send model names to it, then aigw_validate on all the YAML together. aigw_providers lists presets."
    ),
    "aigw_auth": (
        "Never pass secret values: name the env var or file that holds them. Next: aigw_route, then "
        "aigw_validate on all the YAML together (list the Secret in external_secrets)."
    ),
    "aigw_route": (
        "Next: aigw_validate on the backend, auth and route YAML together, before anyone applies them."
    ),
    "aigw_clientauth": (
        "Never pass client keys: name the env var or file per client. Next: aigw_validate with the Gateway or "
        "route YAML (list the client Secrets in external_secrets)."
    ),
    "aigw_observability": (
        "Next: name the outputs from the Gateway (aigw_route envoy_proxy and gateway_config), then "
        "aigw_validate on all the YAML together."
    ),
}
WHOLE_SETUP = "For a complete setup in one call, use aigw_orchestrate instead."


def load(ref: str) -> Any:
    """Import "module:attr" (first use only: later calls hit the module cache)."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


class RawArguments(ArgModelBase):
    """Accepts any arguments and hands them to the tool body as one dict; the body validates them itself."""

    model_config = ConfigDict(extra="allow", arbitrary_types_allowed=True)

    def model_dump_one_level(self) -> dict[str, Any]:
        return {"arguments": dict(self.model_extra or {})}


@dataclass(frozen=True)
class ToolSpec:
    """A tool whose input is one InputModel and whose output is one pydantic model, both as import refs."""

    name: str
    title: str
    description: str
    input_model: str  # "module:Class", an skills.model.InputModel
    output_model: str  # "module:Class", a pydantic BaseModel
    run: Callable[[Any], BaseModel]  # parsed input -> output
    skill: str | None = None  # name used in InputError messages
    annotations: ToolAnnotations | None = None  # default ANNOTATIONS; aigw_metrics reads a URL (open world)

    def input_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = compact(load(self.input_model).model_json_schema())
        return schema

    def output_schema(self) -> dict[str, Any]:
        return outline(load(self.output_model).model_json_schema(mode="serialization"))


def input_problem_text(exc: Exception, tool: str) -> str:
    """The InputError's problems (path, bad value, expected) plus what to do next."""
    return (
        f"{exc}\nFix the field(s) above and call {tool} again; its input schema describes every field "
        "and format."
    )


def coerce_json_strings(arguments: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """Some clients send objects and arrays as JSON text; decode those for fields that are not strings."""
    out = dict(arguments)
    for key, value in arguments.items():
        info = model.model_fields.get(key)
        if info is None or not isinstance(value, str) or info.annotation is str:
            continue
        if value.lstrip().startswith(("{", "[")):
            try:
                decoded = json.loads(value)
            except ValueError:
                continue
            if isinstance(decoded, dict | list):
                out[key] = decoded
    return out


def structured(result: BaseModel) -> CallToolResult:
    """The result as structured content, and the same JSON as text for clients that only read text."""
    data = result.model_dump(mode="json")
    return CallToolResult(
        content=[TextContent(type="text", text=json.dumps(data, indent=2))], structured_content=data
    )


def build_tool(spec: ToolSpec, schemas: dict[str, Any]) -> Tool:
    """An SDK Tool with the given input/output schemas, whose body parses, runs and maps errors."""

    def call(arguments: dict[str, Any]) -> CallToolResult:
        from skills.errors import InputError

        model = load(spec.input_model)
        try:
            parsed = model.parse(coerce_json_strings(arguments, model), skill=spec.skill or spec.name)
            return structured(spec.run(parsed))
        except InputError as exc:
            raise ToolError(input_problem_text(exc, spec.name)) from None

    call.__name__ = spec.name
    return Tool(
        fn=call,
        name=spec.name,
        title=spec.title,
        description=spec.description,
        parameters=schemas["input"],
        fn_metadata=FuncMetadata(arg_model=RawArguments, output_schema=schemas["output"]),
        is_async=False,
        annotations=spec.annotations or ANNOTATIONS,
    )


def _skill_spec(entry: SkillEntry) -> ToolSpec:
    assert entry.tool and entry.input_model and entry.builder
    builder = entry.builder

    def run(parsed: Any) -> BaseModel:
        result: BaseModel = load(builder)(parsed)
        return result

    return ToolSpec(
        name=entry.tool,
        title=entry.title,
        description=f"{entry.description}\n\n{NEXT_STEPS.get(entry.tool, '')} {WHOLE_SETUP}".strip(),
        input_model=entry.input_model,
        output_model="skills.result:SkillResult",
        run=run,
        skill=entry.name,
    )


def atomic_entries() -> list[SkillEntry]:
    """Catalog entries served by a generic skill tool. The orchestrator's tool registers itself."""
    return atomic_skills()


def tool_specs(crds_path: str | None = None) -> list[ToolSpec]:
    """Every tool of this server except aigw_orchestrate."""
    specs = [_skill_spec(e) for e in atomic_entries()]
    specs += [validate_spec(crds_path), providers_spec(), metrics_spec()]
    from server.mcp.analysis_tools import analysis_specs  # aigw_migrate, aigw_explain (imports this module)

    specs += analysis_specs(crds_path)
    from server.mcp.cluster_tools import cluster_specs  # aigw_doctor, aigw_plan

    return specs + cluster_specs()


def compute_schemas() -> dict[str, Any]:
    """Every tool's input and output schema, built from the models (what schema_cache stores)."""
    return {s.name: {"input": s.input_schema(), "output": s.output_schema()} for s in tool_specs()}


def skill_tools(crds_path: str | None = None, only: tuple[str, ...] | None = None) -> list[Tool]:
    """Every tool of this server except aigw_orchestrate (`only`: just these names)."""
    specs = tool_specs(crds_path)
    schemas = schema_cache.load("tool-schemas")
    return [build_tool(s, schemas[s.name]) for s in specs if only is None or s.name in only]


# --- aigw_validate and aigw_providers (models and bodies in server.mcp.tool_models) -----------------------------


def validate_spec(crds_path: str | None) -> ToolSpec:
    return ToolSpec(
        name="aigw_validate",
        title="Validate AI Gateway manifests",
        description=(
            "Checks Kubernetes manifests (YAML text) for an Envoy AI Gateway setup: CRD schemas and CEL rules "
            "when CRDs are available, and cross-object rules (routes point at existing backends, policies at "
            "existing targets, Secrets exist, buffer limits, rule counts). Use after aigw_backend, aigw_auth and "
            "aigw_route (pass all their YAML together) or on hand-written manifests, before applying. Returns "
            "findings with a hint each; fix them and validate again. Secrets created outside the manifests go "
            "in external_secrets."
        ),
        input_model="server.mcp.tool_models:ValidateInput",
        output_model="server.mcp.tool_models:FindingsReport",
        run=lambda inp: load("server.mcp.tool_models:run_validate")(inp, crds_path),
    )


def metrics_spec() -> ToolSpec:
    return ToolSpec(
        name="aigw_metrics",
        title="Summarise gateway metrics",
        description=(
            "Reads an Envoy AI Gateway's Prometheus metrics endpoint (the extproc admin port's /metrics, e.g. "
            "http://localhost:1064/metrics through a port-forward) and summarises token usage, request counts, "
            "errors and latency (mean, p50, p95, time to first token) per model and backend from the gen_ai.* "
            "OpenTelemetry metrics. Use to see what a running gateway is doing; the only tool that goes online. "
            "Next: aigw_explain on the gateway's manifests to see which route and provider each backend is."
        ),
        input_model="server.cli.metrics:MetricsInput",
        output_model="orchestrator.analysis.metrics:MetricsSummary",
        run=lambda inp: load("server.cli.metrics:run_metrics")(inp),
        annotations=ToolAnnotations(
            read_only_hint=True, idempotent_hint=False, destructive_hint=False, open_world_hint=True
        ),
    )


def providers_spec() -> ToolSpec:
    return ToolSpec(
        name="aigw_providers",
        title="List provider presets",
        description=(
            "Lists the model-provider presets (OpenAI, Anthropic, AWS Bedrock, Azure OpenAI, Vertex AI, Gemini, "
            "Groq, Mistral, Ollama, vLLM and more) with their API schema, hostname, port, prefix and auth type. "
            "Use to pick the provider= value for aigw_backend or aigw_orchestrate."
        ),
        input_model="server.mcp.tool_models:ProvidersInput",
        output_model="server.mcp.tool_models:ProviderCatalog",
        run=lambda inp: load("server.mcp.tool_models:run_providers")(inp),
    )
