"""Every command that is not an atomic skill, registered once for both front doors: the CLI subcommand and the
MCP tool take their options from the same input model and show the same description.

The atomic skills are registered in skills/catalog.py (their builders live there); a command here that serves
a catalog skill takes its title, description and next steps from that entry. To add a command: one `Door`
below, its input model in the layer that owns the logic, a CLI module that derives its options with
server/cli/options.py and renders the result, and the MCP body (`run`) taking (input, crds_path).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from skills.catalog import BY_NAME, SkillEntry


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
    online: bool = False  # reads something it is pointed at (open world; answers change over time)

    def __post_init__(self) -> None:
        if self.skill:  # the catalog is the one place a skill's facts are written
            entry = BY_NAME[self.skill]
            object.__setattr__(self, "title", entry.title)
            object.__setattr__(self, "description", entry.description)
            object.__setattr__(self, "next_steps", entry.next_steps)

    @property
    def tool_description(self) -> str:
        return f"{self.description}\n\n{self.next_steps}".strip()

    def load_model(self) -> Any:
        return load(self.input_model)


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
