"""MCP tools: one per atomic skill in the catalog, plus one per command registered in server/doors.py.

Each tool publishes its input model's JSON schema as its inputSchema, receives the arguments as they came
and validates them with `Model.parse`, so any bad argument comes back as one ToolError that names the field,
the bad value and the fix (the SDK's own argument validation would answer with pydantic's raw text).
Models, builders, YAML and the validation engine are imported on first use, not at startup.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, ConfigDict

from server.doors import DOORS, Door, in_tool_names, load
from server.mcp import schema_cache
from server.mcp.schema_shape import compact, outline
from skills.catalog import SkillEntry, atomic_skills

ANNOTATIONS = ToolAnnotations(
    read_only_hint=True, idempotent_hint=True, destructive_hint=False, open_world_hint=False
)

# The tools a first conversation needs (serve's default, `--tools core`): set up, check, look up providers. The
# atomic and day-two tools come with `--tools all`, so clients that load tools/list into every conversation pay
# for three tools, not sixteen.
CORE_TOOLS = ("aigw_orchestrate", "aigw_validate", "aigw_providers")
WHOLE_SETUP = "For a complete setup in one call, use aigw_orchestrate instead."


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
        description=in_tool_names(f"{entry.description}\n\n{entry.next_steps} {WHOLE_SETUP}".strip()),
        input_model=entry.input_model,
        output_model="skills.result:SkillResult",
        run=run,
        skill=entry.name,
    )


def atomic_entries() -> list[SkillEntry]:
    """Catalog entries served by a generic skill tool. The orchestrator's tool registers itself."""
    return atomic_skills()


# A tool whose answer must fit a chat context takes how much of it to list, which its command does not need (the
# command line writes the whole report, with --format and -o FILE): its input model extends the command's with
# that field (tests/server/test_front_doors.py allows exactly these).
TOOL_INPUT_MODELS = {
    "aigw_validate": "server.mcp.tool_models:ValidateToolInput",
    "aigw_doctor": "server.mcp.tool_models:DoctorToolInput",
}


def door_spec(door: Door, crds_path: str | None, metrics_hosts: tuple[str, ...] | None = None) -> ToolSpec:
    """The MCP tool of a registered command: its input model, its one description, its body. A body that fetches
    URLs (it takes ``allowed_hosts``: aigw_metrics) is also given the hosts it may fetch from (HTTP serving;
    None: any, for stdio)."""
    assert door.run and door.output_model
    run = door.run

    def body(inp: Any) -> Any:
        fn = load(run)
        fetches = "allowed_hosts" in inspect.signature(fn).parameters
        return fn(inp, crds_path, allowed_hosts=metrics_hosts) if fetches else fn(inp, crds_path)

    return ToolSpec(
        name=door.tool,
        title=door.title,
        description=door.tool_description,
        input_model=TOOL_INPUT_MODELS.get(door.tool, door.input_model),
        output_model=door.output_model,
        run=body,
        skill=door.skill,
        annotations=ToolAnnotations(
            read_only_hint=True,
            idempotent_hint=door.idempotent,
            destructive_hint=False,
            open_world_hint=door.online,
        ),
    )


def tool_specs(crds_path: str | None = None, metrics_hosts: tuple[str, ...] | None = None) -> list[ToolSpec]:
    """Every tool of this server except aigw_orchestrate."""
    specs = [_skill_spec(e) for e in atomic_entries()]
    specs += [door_spec(d, crds_path, metrics_hosts) for d in DOORS if d.run]
    return specs


def compute_schemas() -> dict[str, Any]:
    """Every tool's input and output schema, built from the models (what schema_cache stores)."""
    return {s.name: {"input": s.input_schema(), "output": s.output_schema()} for s in tool_specs()}


def skill_tools(
    crds_path: str | None = None,
    only: tuple[str, ...] | None = None,
    metrics_hosts: tuple[str, ...] | None = None,
) -> list[Tool]:
    """Every tool of this server except aigw_orchestrate (`only`: just these names; `metrics_hosts`: see
    door_spec)."""
    specs = tool_specs(crds_path, metrics_hosts)
    schemas = schema_cache.load("tool-schemas")
    return [build_tool(s, schemas[s.name]) for s in specs if only is None or s.name in only]
