"""Every command has two front doors, the CLI subcommand and the MCP tool, and both take their options from one
input model: the option sets are compared here for every tool the server lists, so the twins cannot drift
(no `--target-version` on one side and `version` on the other, no CLI-only inputs, one description)."""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from server.cli.main import build_parser
from server.doors import BY_TOOL, DOORS
from skills.catalog import BY_TOOL as SKILL_TOOLS
from skills.catalog import atomic_skills
from tests.server.conftest import connect

pytestmark = pytest.mark.anyio

# What a CLI command may add besides its model's fields: presentation (format, output file) and environment
# (where CRDs come from, and whether they may be fetched). Anything else would be an input the MCP tool cannot take.
PRESENTATION = {"help", "input", "format", "output", "force", "strict", "crds", "cluster", "offline"}
# A model field the command line also takes positionally (`doctor DUMP...`, `plan BUNDLE`): argument -> field.
POSITIONAL_ALIASES = {"doctor": {"paths": "dump"}, "plan": {"bundle_path": "bundle"}}
# Command-line actions with no tool twin: doctor --collect writes a dump of the live cluster for later.
CLI_ACTIONS = {"doctor": {"collect"}}
# What a tool may add besides its command's fields: how much of the answer to list, which a chat context needs and a
# command writing the whole report to a terminal or file (--format, -o) does not (server/mcp/tools.py
# TOOL_INPUT_MODELS). The twin of PRESENTATION above.
TOOL_PRESENTATION: dict[str, set[str]] = {"aigw_validate": {"max_findings"}, "aigw_doctor": set()}


# aigw_orchestrate is a conversation, registered by its own modules (server.mcp.orchestrate, server.cli.build):
# over MCP the intake comes as a mapping or as prefill arguments (one per intake question), on the command line
# as a file or answered in the terminal; these are the only differences allowed.
def conversation_differences() -> tuple[set[str], set[str]]:
    from orchestrator.intake.prefill import prefill_fields

    mcp_only = {*prefill_fields(), "output_dir"}  # the questions (asked in a terminal, or --answers); -o DIR
    cli_only = {"intake", "example", "target_version", "questions", "output"}
    return mcp_only, cli_only


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def field_options(sub: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """(model fields the command takes, the other options it adds)."""
    dests = {a.dest for a in sub._actions}
    fields = {d.removeprefix("field__") for d in dests if d.startswith("field__")}
    return fields, {d for d in dests if not d.startswith("field__")}


def command_of(tool: str) -> str:
    door = BY_TOOL.get(tool)
    if door:
        return door.command
    entry = SKILL_TOOLS[tool]
    assert entry.command, f"{tool} has no CLI command"
    return entry.command


async def listed_tools(mode: str) -> dict[str, Any]:
    async with connect(mode) as client:
        return {t.name: t for t in (await client.list_tools()).tools}


async def test_every_tool_has_a_cli_command_with_the_same_options(mode: str) -> None:
    tools = await listed_tools(mode)
    commands = subcommands()
    assert set(tools) == {e.tool for e in atomic_skills()} | {d.tool for d in DOORS}
    for name, tool in sorted(tools.items()):
        command = command_of(name)
        assert command in commands, f"{name}: no `aigw-skills {command}`"
        cli_fields, other = field_options(commands[command])
        mcp_fields = set(tool.input_schema["properties"])
        if not (BY_TOOL.get(name) is None or BY_TOOL[name].run):
            mcp_only, cli_only = conversation_differences()
            cli = cli_fields | other
            assert mcp_fields - cli <= mcp_only, f"{name}: {mcp_fields - cli - mcp_only}"
            extra = cli - PRESENTATION - mcp_fields
            assert extra <= cli_only, f"aigw-skills {command}: {extra - cli_only}"
            continue
        aliases = POSITIONAL_ALIASES.get(command, {})
        assert set(aliases.values()) <= cli_fields, f"{command}: an alias of a field the CLI lacks"
        assert cli_fields == mcp_fields - TOOL_PRESENTATION.get(name, set()), (
            f"{name} vs aigw-skills {command}"
        )
        outside = other - PRESENTATION - set(aliases) - CLI_ACTIONS.get(command, set())
        assert not outside, f"aigw-skills {command} has options outside its model: {outside}"


async def test_each_command_has_one_description_on_both_doors(mode: str) -> None:
    tools = await listed_tools(mode)
    commands = subcommands()
    for door in DOORS:
        cli = " ".join((commands[door.command].description or "").split())  # doctor wraps its lines
        assert cli.startswith(" ".join(door.description.split())), door.command
        if door.run:  # aigw_orchestrate words its own description for the model that calls it
            assert tools[door.tool].description == door.tool_description, door.tool
            assert door.description and door.next_steps, door.tool
    for entry in atomic_skills():
        assert commands[str(entry.command)].description == entry.description
        assert str(tools[str(entry.tool)].description).startswith(entry.description)


def test_the_drifts_between_the_twins_are_gone() -> None:
    """The spellings that used to differ: aigw_validate's `version`, the CLI-only --existing* options, metrics'
    --timeout (still accepted: argparse takes the unambiguous prefix of --timeout-seconds)."""
    commands = subcommands()
    validate, _ = field_options(commands["validate"])
    assert {"target_version", "existing_gateways", "existing_gateway_classes", "existing"} <= validate
    metrics, _ = field_options(commands["metrics"])
    assert metrics == {"url", "timeout_seconds"}
    args = commands["metrics"].parse_args(["http://localhost:1064/metrics", "--timeout", "3"])
    assert args.field__timeout_seconds == "3"


def test_a_cli_option_outside_the_model_is_caught() -> None:
    """The check above fails for a command that grows an input only the CLI has."""
    sub = argparse.ArgumentParser()
    sub.add_argument("--field__name", dest="field__name")
    sub.add_argument("--existing-gateway", dest="existing_gateway")
    fields, other = field_options(sub)
    assert fields == {"name"} and other - PRESENTATION == {"existing_gateway"}


ROUTE_ON_A_RUNNING_GATEWAY = """\
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: chat, namespace: default}
spec:
  parentRefs: [{name: shared, kind: Gateway, group: gateway.networking.k8s.io}]
  rules: []
"""


async def test_both_doors_take_the_objects_that_already_exist(mode: str, tmp_path: Any) -> None:
    """aigw_validate used to lack the CLI's --existing-gateway: a route on a running Gateway could not be
    validated clean over MCP."""
    import contextlib
    import io

    from server.cli.main import main

    async with connect(mode) as client:
        alone = await client.call_tool("aigw_validate", {"manifests": ROUTE_ON_A_RUNNING_GATEWAY})
        declared = await client.call_tool(
            "aigw_validate",
            {"manifests": ROUTE_ON_A_RUNNING_GATEWAY, "existing_gateways": ["default/shared"], "lint": True},
        )
    rules = [{f["rule"] for f in r.structured_content["findings"]} for r in (alone, declared)]  # type: ignore[index]
    assert "AIGW-L003" in rules[0] and "AIGW-L003" not in rules[1]

    path = tmp_path / "route.yaml"
    path.write_text(ROUTE_ON_A_RUNNING_GATEWAY)
    outputs = []
    for extra in ([], ["--existing-gateway", "default/shared"]):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            main(["validate", str(path), "--format", "json", *extra])
        outputs.append(out.getvalue())
    assert '"AIGW-L003"' in outputs[0] and '"AIGW-L003"' not in outputs[1]


async def test_a_malformed_existing_object_is_refused_naming_the_field_and_format(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool(
            "aigw_validate", {"manifests": ROUTE_ON_A_RUNNING_GATEWAY, "existing": ["not a reference"]}
        )
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    assert result.is_error and "existing[0]" in text and "Kind/name or Kind/namespace/name" in text


def test_a_tool_adds_only_presentation_fields_to_its_commands_model() -> None:
    """The tool-only input models extend their command's model with exactly TOOL_PRESENTATION, nothing else."""
    from server.doors import load
    from server.mcp.tools import TOOL_INPUT_MODELS

    assert set(TOOL_INPUT_MODELS) == set(TOOL_PRESENTATION)
    for tool, ref in TOOL_INPUT_MODELS.items():
        model, base = load(ref), BY_TOOL[tool].load_model()
        assert issubclass(model, base)
        assert set(model.model_fields) - set(base.model_fields) == TOOL_PRESENTATION[tool]


def test_doctor_over_mcp_lists_the_most_urgent_findings_by_default_and_the_cli_lists_them_all() -> None:
    """A large cluster's diagnosis came back whole over MCP (QA follow-up): the tool caps it like aigw_validate."""
    from server.doors import load
    from server.mcp.tool_models import MCP_MAX_FINDINGS

    tool = load("server.mcp.tool_models:DoctorToolInput")
    assert tool.model_fields["max_findings"].default == MCP_MAX_FINDINGS
    assert BY_TOOL["aigw_doctor"].load_model().model_fields["max_findings"].default is None
