"""Argument completions: provider presets, schema names, policy types and versions for the prompts' arguments,
and skill names and file names for the skill:// resource templates."""

from __future__ import annotations

from collections.abc import Iterable

from mcp.server.mcpserver import MCPServer
from mcp.types import (
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
)

from server.mcp.resources import FOLDERS, folder_files
from skills.catalog import BY_NAME

MAX_VALUES = 100  # the protocol's limit per completion response


def prompt_values(prompt: str, argument: str) -> list[str]:
    """Every value the argument of that prompt accepts, or [] for free text (server.mcp.prompts decides)."""
    from server.mcp.prompts import argument_choices
    from skills.catalog import BY_NAME

    entry = BY_NAME.get(prompt)
    return argument_choices(entry, argument) if entry else []


def template_values(uri_template: str, argument: str, context: CompletionContext | None) -> list[str]:
    """Skill names, or the files of the chosen skill (of every skill when none is chosen yet)."""
    if argument == "name":
        return list(BY_NAME)
    chosen = (context.arguments or {}).get("name") if context else None
    names: Iterable[str] = [chosen] if chosen else BY_NAME
    for folder in FOLDERS:
        if f"/{folder}/" in uri_template:
            return sorted({f for n in names for f in folder_files(n, folder)})
    return []


def matching(values: list[str], typed: str) -> Completion:
    hits = [v for v in values if v.lower().startswith(typed.lower())]
    return Completion(values=hits[:MAX_VALUES], total=len(hits), has_more=len(hits) > MAX_VALUES)


def complete(
    ref: PromptReference | ResourceTemplateReference,
    argument: CompletionArgument,
    context: CompletionContext | None,
) -> Completion | None:
    if isinstance(ref, PromptReference):
        if argument.name == "providers":
            # A comma-separated list: complete the item being typed, keep the ones before it.
            done, _, typed = argument.value.rpartition(",")
            head = done + "," if done else ""
            picked = {p.strip() for p in done.split(",")}
            values = [head + v for v in prompt_values(ref.name, "providers") if v not in picked]
            return matching(values, head + typed.strip())
        return matching(prompt_values(ref.name, argument.name), argument.value)
    return matching(template_values(ref.uri, argument.name, context), argument.value)


def register(mcp: MCPServer) -> None:
    @mcp.completion()
    async def handle(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        return complete(ref, argument, context)
