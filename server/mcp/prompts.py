"""MCP prompts (slash commands): one per catalog skill, whose text is that skill's SKILL.md body.

The body is read when the prompt is requested (frontmatter stripped). A `$ARGUMENTS` placeholder in the body
receives the arguments given; otherwise they are appended in an "Arguments given" section.
"""

from __future__ import annotations

from typing import Any

from mcp import MCPError
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.prompts.base import Prompt, PromptArgument, UserMessage
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS

from server.mcp.resources import MissingSkillFile, skill_md
from skills.catalog import SKILLS, SkillEntry

ARGUMENT_HELP = {
    "request": "What you want, in your own words, e.g. 'OpenAI and Anthropic behind one Gateway'",
    "provider": "Provider preset id, e.g. openai or aws-bedrock (aigw_providers lists them)",
    "providers": "Comma-separated provider preset ids, e.g. openai,anthropic",
    "schema_name": "API schema when no preset fits, e.g. OpenAI or AWSBedrock",
    "type": "BackendSecurityPolicy type, e.g. APIKey or AWSCredentials",
    "version": "Envoy AI Gateway version, e.g. v1.1.0",
    "target_version": "Envoy AI Gateway version to generate for, e.g. v1.1.0",
}
PLACEHOLDER = "$ARGUMENTS"


def strip_frontmatter(text: str) -> str:
    """The Markdown body after a leading `---` YAML frontmatter block (the text itself when there is none)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return text
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            return "".join(lines[index + 1 :]).lstrip("\n")
    return text


def render(entry: SkillEntry, arguments: dict[str, Any]) -> str:
    """The prompt text for `entry` with `arguments` filled in."""
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
    try:
        body = strip_frontmatter(skill_md(entry.name)).rstrip() + "\n"
    except MissingSkillFile as exc:
        raise MCPError(code=INTERNAL_ERROR, message=f"prompt {entry.prompt}: {exc}") from None
    lines = "\n".join(f"- {key}: {value}" for key, value in given.items())
    if PLACEHOLDER in body:
        return body.replace(PLACEHOLDER, lines or "(none given: ask the user what they need)")
    if not given:
        return body
    return f"{body}\n## Arguments given\n\n{lines}\n"


def build_prompt(entry: SkillEntry) -> Prompt:
    def fn(**arguments: Any) -> list[UserMessage]:
        return [UserMessage(render(entry, arguments))]

    return Prompt(
        name=entry.prompt,
        title=entry.title,
        description=entry.description,
        arguments=[  # `request` first: clients such as Claude Code fill prompt arguments in order
            PromptArgument(name=arg, description=ARGUMENT_HELP.get(arg), required=False)
            for arg in sorted(entry.prompt_arguments, key=lambda arg: arg != "request")
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
