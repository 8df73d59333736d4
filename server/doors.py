"""Every command that is not an atomic skill, registered once for both front doors: the CLI subcommand and the
MCP tool take their options from the same input model and show the same description.

The atomic skills are registered in skills/catalog.py (their builders live there); a command here that serves
a catalog skill takes its title, description and next steps from that entry. To add a command: one `Door`
below, its input model in the layer that owns the logic, a CLI module that derives its options with
server/cli/options.py and renders the result, and the MCP body (`run`) taking (input, crds_path).
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from skills.catalog import BY_NAME, SKILLS, SkillEntry


@dataclass(frozen=True)
class Door:
    """One command: CLI `aigw-skills <command>` and MCP tool `<tool>`, both from `input_model`."""

    command: str
    tool: str
    input_model: str  # "module:Class", an skills.model.InputModel
    run: (
        str | None
    )  # "module:function" MCP body (input, crds_path) -> output; None: the tool registers itself
    output_model: str | None = None  # "module:Class" of the MCP structured output (with `run`)
    title: str = ""
    description: str = ""
    next_steps: str = ""
    skill: str | None = None  # the catalog entry whose title, description and next steps these are
    online: bool = False  # reads something it is pointed at: a URL or a cluster (open world)
    idempotent: bool = True  # False: the same call may answer differently (a URL's live metrics)

    def __post_init__(self) -> None:
        if self.skill:  # the catalog is the one place a skill's facts are written
            entry = BY_NAME[self.skill]
            object.__setattr__(self, "title", entry.title)
            object.__setattr__(self, "description", entry.description)
            object.__setattr__(self, "next_steps", entry.next_steps)

    @property
    def tool_description(self) -> str:
        return in_tool_names(f"{self.description}\n\n{self.next_steps}".strip())

    def load_model(self) -> Any:
        return load(self.input_model)


def in_tool_names(text: str) -> str:
    """`text` with each skill that has an MCP tool named by its tool (aigw-validate -> aigw_validate): the catalog
    writes next steps once, in skill names; a tool description speaks the names an MCP client calls."""
    for entry in SKILLS:
        if entry.tool:
            text = re.sub(rf"(?<![\w/-]){re.escape(entry.name)}(?![\w-])", entry.tool, text)
    return text


def load(ref: str) -> Any:
    """Import "module:attr" (first use only: later calls hit the module cache)."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


DOORS: tuple[Door, ...] = (
    Door(
        command="validate",
        tool="aigw_validate",
        skill="aigw-validate",
        input_model="orchestrator.engine.inputs:ValidateInput",
        output_model="server.mcp.tool_models:FindingsReport",
        run="server.mcp.tool_models:run_validate",
    ),
    Door(
        command="providers",
        tool="aigw_providers",
        title="List provider presets",
        description=(
            "Lists the model-provider presets (OpenAI, Anthropic, AWS Bedrock, Azure OpenAI, Vertex AI, Gemini, "
            "Groq, Mistral, Ollama, vLLM and more) with their API schema, hostname, port, prefix and auth type."
        ),
        next_steps="Use to pick the provider= value for aigw_backend or aigw_orchestrate.",
        input_model="skills.providers_input:ProvidersInput",
        output_model="server.mcp.tool_models:ProviderCatalog",
        run="server.mcp.tool_models:run_providers",
    ),
    Door(
        command="migrate",
        tool="aigw_migrate",
        skill="aigw-migrate",
        input_model="orchestrator.analysis.inputs:MigrateInput",
        output_model="server.mcp.analysis_models:MigrationOut",
        run="server.mcp.analysis_models:run_migrate",
    ),
    Door(
        command="explain",
        tool="aigw_explain",
        skill="aigw-explain",
        input_model="orchestrator.analysis.inputs:ExplainInput",
        output_model="server.mcp.analysis_models:ExplanationOut",
        run="server.mcp.analysis_models:run_explain",
    ),
    Door(
        command="trace",
        tool="aigw_trace",
        skill="aigw-trace",
        input_model="orchestrator.analysis.inputs:TraceInput",
        output_model="server.mcp.analysis_models:TraceOut",
        run="server.mcp.analysis_models:run_trace",
    ),
    Door(
        command="metrics",
        tool="aigw_metrics",
        skill="aigw-metrics",
        input_model="orchestrator.analysis.inputs:MetricsInput",
        output_model="orchestrator.analysis.metrics:MetricsSummary",
        run="server.mcp.analysis_models:run_metrics",
        online=True,
        idempotent=False,
    ),
    Door(
        command="doctor",
        tool="aigw_doctor",
        title="Diagnose a running AI Gateway",
        description=(
            "Diagnoses a running Envoy AI Gateway, read-only: through kubectl (current or given context) or from "
            "a dump directory written by `aigw-skills doctor --collect` or `kubectl get … -o yaml`, plus optional "
            "Envoy config dumps. Checks object status (not Accepted, unresolved refs, Conflicted policies, not "
            "Programmed), Envoy Gateway's extension manager and Backend API, the extproc sidecar in Envoy pods, the "
            "ext_proc filter and its socket, Secrets policies read (names and key names only), CRD and controller "
            "versions, and where a request for each routed model goes (lint and tracer over the live objects). "
            "Each finding has a stable id (AIGW-Dxxx), the object, why (upstream file@tag or issue) and a command "
            "that fixes or confirms it; `summary` lists what to fix first, `findings` holds the max_findings most "
            "urgent (errors first) and `more` says what was left out and how to see it. Use when requests fail on a cluster ('No matching route found', 401/404/413, limits not "
            "enforced)."
        ),
        next_steps="Next: run the first fix, then call aigw_doctor again.",
        input_model="orchestrator.analysis.doctor.options:DoctorInput",
        output_model="orchestrator.analysis.doctor.report:DoctorReport",
        run="server.mcp.cluster_tools:run_doctor",
        online=True,
    ),
    Door(
        command="plan",
        tool="aigw_plan",
        title="Plan applying a bundle",
        description=(
            "Shows what `kubectl apply` of a bundle directory would do on the cluster, without doing it: a "
            "server-side dry run (the API server's schema, CEL and admission checks run) and `kubectl diff`. Each "
            "object is created, changed (field paths only, never values) or unchanged, and lists the apply "
            "replaces wholesale (a route's rules, a Gateway's listeners) are called out with the entries it would "
            "remove. Use after aigw_orchestrate wrote a bundle, before applying it."
        ),
        next_steps="Next: apply with the command in `next`, then aigw_doctor.",
        input_model="orchestrator.analysis.plan:PlanInput",
        output_model="orchestrator.analysis.plan:PlanReport",
        run="server.mcp.cluster_tools:run_plan",
        online=True,
    ),
    Door(
        command="build",
        tool="aigw_orchestrate",
        skill="aigw-orchestrator",
        input_model="orchestrator.intake.model:Intake",
        run=None,  # a conversation (elicitation), registered by server.mcp.orchestrate and server.cli.build
    ),
)

BY_COMMAND = {d.command: d for d in DOORS}
BY_TOOL = {d.tool: d for d in DOORS}


def model_ref(entry: SkillEntry) -> str | None:
    """The input model ("module:Class") of a catalog skill's front doors: its own for an atomic skill, else the
    one its registered command takes; None for a skill without a command (aigw-fundamentals)."""
    if entry.input_model:
        return entry.input_model
    door = BY_TOOL.get(entry.tool or "")
    return door.input_model if door else None


def input_model_of(entry: SkillEntry) -> Any:
    """The input model class of a catalog skill's front doors (None for a skill without a command)."""
    ref = model_ref(entry)
    return load(ref) if ref else None
