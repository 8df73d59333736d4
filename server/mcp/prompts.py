"""MCP prompts (slash commands): one per catalog skill, a short imperative preamble that acts.

A prompt tells the model what to ask the user, which tool to call with which fields, and what to do with the
result, then links the skill's documents as `skill://` resources for depth (the SKILL.md itself is a
resource, not pasted in). Arguments are the same names across prompts (`request` first, `target_version`
for the release), each described; values with a fixed set of choices (presets, schemas, policy types,
versions) and constrained fields (names, namespaces) are checked, and a bad value is refused with the
choices, before anything is generated.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any

from mcp import MCPError
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument, UserMessage
from mcp.types import INVALID_PARAMS
from pydantic import BaseModel, TypeAdapter, ValidationError

from server.doors import input_model_of
from server.mcp.resources import folder_files
from skills.catalog import SKILLS, SkillEntry
from skills.versions import DEFAULT_VERSION

ARGUMENT_HELP = {
    "request": "What you want, in your own words, e.g. 'OpenAI and Anthropic behind one Gateway'",
    "providers": "Comma-separated provider preset ids, e.g. openai,anthropic",
    "target_version": f"Envoy AI Gateway version to generate for (default {DEFAULT_VERSION})",
    "path": "Path of a YAML file (or directory) holding the manifests, e.g. ./aigw-bundle/manifests.yaml",
    # aigw_trace has a `path` field of its own (the request path); the prompt's `path` is still the file.
    "aigw-trace:path": "Path of the YAML file (or directory) holding the manifests to trace through, e.g. "
    "./aigw-bundle/manifests.yaml (a file, not the request path)",
    "url": "The gateway's Prometheus metrics URL, e.g. http://localhost:1064/metrics through a port-forward",
    "symptom": "What the client sees, e.g. '503 no healthy upstream' or '404 No matching route found'",
    "namespace": "Namespace of the gateway's objects, e.g. default",
    "rules": "Model-to-backend rules, e.g. 'gpt-4o-mini=openai' or 'gpt-4o=openai@0,azure-openai@1' (failover)",
    "targets": "AIServiceBackend name(s) the credentials are for, comma-separated, e.g. openai",
    "pools": "Model servers to pool: pool name, the model names it serves and its pods' label, in words",
    "backends": "MCP servers: name and URL of each, e.g. github=https://api.githubcopilot.com/mcp/",
    "name": "Name of the Backend and AIServiceBackend, e.g. openai",
    "provider": "Provider preset id, e.g. openai or aws-bedrock (aigw_providers lists them)",
    "schema_name": "API schema when no preset fits, e.g. OpenAI or AWSBedrock",
    "route_name": "AIGatewayRoute whose traffic the limits apply to, e.g. ai-gateway",
    "model": "Model name the request sends, e.g. gpt-4o-mini",
    "aigw-auth:type": "BackendSecurityPolicy type, e.g. APIKey or AWSCredentials",
    "aigw-clientauth:type": "How callers authenticate: jwt (tokens from an identity provider) or apikey",
}
# Prompt arguments that supply a tool input under another name (the tool reads the file's text).
FIELD_ARGUMENT = {"manifests": "path"}
# Model field a prompt argument is checked against, when the names differ.
ARGUMENT_FIELD = {"target_version": ("target_version", "version")}


def _field(entry: SkillEntry, argument: str) -> Any:
    """The model field a prompt argument supplies; None for free text, and for the file argument (`path`), which
    supplies `manifests` by its text even when the tool has a field of the same name (aigw_trace's request path)."""
    if argument in FIELD_ARGUMENT.values():
        return None
    model = input_model_of(entry)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    for name in ARGUMENT_FIELD.get(argument, (argument,)):
        if name in model.model_fields:
            return model.model_fields[name]
    return None


def _literals(annotation: Any) -> list[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return [str(v) for v in typing.get_args(annotation)]
    return [v for arg in typing.get_args(annotation) for v in _literals(arg)]


def argument_choices(entry: SkillEntry, argument: str) -> list[str]:
    """Every value `argument` of `entry`'s prompt accepts, or [] for free text."""
    if argument == "target_version":
        from skills.versions import PROFILES

        return list(PROFILES)
    if argument == "providers":
        from skills.providers import PRESETS

        return list(PRESETS)
    field = _field(entry, argument)
    return _literals(field.annotation) if field is not None else []


def argument_description(entry: SkillEntry, argument: str) -> str:
    """From ARGUMENT_HELP, not the input models: listing prompts must not import every model (cold start)."""
    text = ARGUMENT_HELP.get(f"{entry.name}:{argument}") or ARGUMENT_HELP.get(argument)
    if text is None:
        raise LookupError(f"prompt {entry.prompt}: argument {argument} has no description in ARGUMENT_HELP")
    return text


def check_argument(entry: SkillEntry, argument: str, value: str) -> None:
    """Refuse a value the tool would refuse, naming the choices (or the rule) so the caller can fix it."""
    choices = argument_choices(entry, argument)
    if choices:
        items = [v.strip() for v in value.split(",")] if argument == "providers" else [value]
        bad = [v for v in items if v not in choices]
        if bad:
            raise MCPError(
                code=INVALID_PARAMS,
                message=f"prompt {entry.prompt}: {argument} {', '.join(bad)!s} is not one of: {', '.join(choices)}",
            )
        return
    field = _field(entry, argument)
    if field is not None and typing.get_origin(field.annotation) not in (list, tuple):
        annotation: Any = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
    elif argument == "namespace":
        from skills.types import DNSLabel

        annotation = DNSLabel
    else:
        return
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError as exc:
        problem = exc.errors()[0]["msg"]
        raise MCPError(
            code=INVALID_PARAMS, message=f"prompt {entry.prompt}: {argument} {value!r} is invalid: {problem}"
        ) from None


def required_inputs(entry: SkillEntry) -> list[str]:
    model = input_model_of(entry)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return []
    return [n for n, f in model.model_fields.items() if f.is_required()]


def core_tools() -> tuple[str, ...]:
    from server.mcp.tools import CORE_TOOLS

    return CORE_TOOLS


def links(entry: SkillEntry) -> list[str]:
    out = [f"skill://{entry.name} (the whole skill)"]
    out += [f"skill://{entry.name}/references/{doc}" for doc in folder_files(entry.name, "references")]
    return out


def file_arguments(entry: SkillEntry) -> dict[str, str]:
    """The prompt's arguments that name a file whose text is a tool field: argument -> field (`path` ->
    `manifests`)."""
    fields = set(required_inputs(entry))
    return {
        arg: field
        for field, arg in FIELD_ARGUMENT.items()
        if field in fields and arg in entry.prompt_arguments
    }


def file_call(entry: SkillEntry, argument: str, field: str) -> str:
    """How to pass a file argument: its text as `field`; and, when the tool has a field of the argument's own name
    (aigw_trace's `path` is the request path), that the file's path is not that field's value."""
    text = f"read the file at `{argument}` and pass its text as `{field}`"
    model = input_model_of(entry)
    clash = (
        model.model_fields.get(argument) if isinstance(model, type) and issubclass(model, BaseModel) else None
    )
    if clash is None:
        return text
    what = (clash.description or "").split(", e.g.", 1)[0].rstrip(".")
    return (
        f"{text}; the tool's `{argument}` field is a different value, the {what[:1].lower()}{what[1:]} "
        f"(default {clash.default}): never the file's path"
    )


def preamble(entry: SkillEntry, given: dict[str, str]) -> str:
    first = entry.description.split(". ", 1)[0].rstrip(".")
    lines = [f"# {entry.title}", "", f"{first}. Work through these steps with the user:", ""]
    files = file_arguments(entry) if entry.tool else {}
    if entry.tool:
        required = [FIELD_ARGUMENT.get(n, n) for n in required_inputs(entry)]
        unknown = [n for n in required if n not in given]
        ask = (
            "Ask only for what is still unknown, one short question at a time, offering the default: "
            + (
                ", ".join(f"`{n}`" + (", the manifests file" if n in files else "") for n in unknown)
                + " (required); "
                if unknown
                else ""
            )
            + "anything else the request implies."
        )
        call = f"Call the MCP tool `{entry.tool}` with those values"
        if entry.tool not in core_tools():
            call += (
                " (served by `aigw-skills serve --tools all`; if it is not listed, write the YAML from "
                f"skill://{entry.name}/references/yaml.md instead)"
                if "references/yaml.md" in " ".join(links(entry))
                else " (served by `aigw-skills serve --tools all`)"
            )
        for argument, field in files.items():
            call += f" ({file_call(entry, argument, field)})"
        lines += [
            f"1. {ask}",
            f"2. {call}; a result with problems says which field to fix: fix it and call again.",
        ]
    else:
        lines += [
            "1. Ask what the user sees or wants to know, in their words.",
            f"2. Read skill://{entry.name} and answer from it, quoting the commands to run.",
        ]
    lines.append(f"3. {entry.next_steps or 'Say what to do next.'} Never ask for or accept a secret value.")
    lines += ["", "Given so far:"]
    lines += [f"- {k}{' (the manifests file)' if k in files else ''}: {v}" for k, v in given.items()] or [
        "- nothing yet: start by asking what they need"
    ]
    lines += ["", "Read for depth, only when needed:", *[f"- {link}" for link in links(entry)]]
    return "\n".join(lines) + "\n"


def render(entry: SkillEntry, arguments: dict[str, Any]) -> str:
    """The prompt text for `entry` with `arguments` checked and filled in."""
    from skills.credentials import REFUSAL_HINT, describe_credential

    unknown = sorted(set(arguments) - set(entry.prompt_arguments))
    if unknown:
        known = ", ".join(entry.prompt_arguments) or "none"
        raise MCPError(
            code=INVALID_PARAMS,
            message=f"prompt {entry.prompt} has no argument {', '.join(unknown)}; its arguments: {known}",
        )
    given = {k: str(v).strip() for k, v in arguments.items() if v is not None and str(v).strip()}
    for key, value in given.items():
        kind = describe_credential(value)
        if kind:
            raise MCPError(code=INVALID_PARAMS, message=f"{key} looks like {kind}. {REFUSAL_HINT}")
        check_argument(entry, key, value)
    ordered = {k: given[k] for k in entry.prompt_arguments if k in given}
    return preamble(entry, ordered)


def build_prompt(entry: SkillEntry) -> Prompt:
    def fn(**arguments: Any) -> list[UserMessage]:
        return [UserMessage(render(entry, arguments))]

    return Prompt(
        name=entry.prompt,
        title=entry.title,
        description=entry.description,
        arguments=[  # `request` first (catalog order): clients such as Claude Code fill arguments in order
            PromptArgument(name=arg, description=argument_description(entry, arg), required=False)
            for arg in entry.prompt_arguments
        ],
        fn=fn,
    )


def register(mcp: MCPServer) -> None:
    for entry in SKILLS:
        mcp.add_prompt(build_prompt(entry))
    known = [entry.prompt for entry in SKILLS]
    serve = mcp.get_prompt

    async def get_prompt(name: str, arguments: dict[str, Any] | None = None, context: Any = None) -> Any:
        # The SDK answers an unknown name with a bare ValueError (JSON-RPC code 0 or -32603): the client
        # asked for something that does not exist, which is invalid params.
        if name not in known:
            raise MCPError(
                code=INVALID_PARAMS, message=f"unknown prompt {name!r}; prompts: {', '.join(known)}"
            )
        return await serve(name, arguments, context)

    mcp.get_prompt = get_prompt  # type: ignore[method-assign]
