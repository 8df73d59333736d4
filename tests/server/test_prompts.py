"""Prompts (slash commands): one per catalog skill, a short preamble that says what to ask, which tool to call
and what to do next, with skill:// links; arguments checked before anything is generated."""

from __future__ import annotations

import re

import pytest
from mcp import MCPError

from server.mcp.prompts import FIELD_ARGUMENT, argument_description, required_inputs
from skills.catalog import SKILLS, skill
from tests.server.conftest import connect

pytestmark = pytest.mark.anyio


async def test_there_is_one_prompt_per_catalog_skill_with_the_catalog_arguments(mode: str) -> None:
    async with connect(mode) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert set(prompts) == {e.prompt for e in SKILLS}
    for entry in SKILLS:
        prompt = prompts[entry.prompt]
        assert prompt.title == entry.title and prompt.description == entry.description
        # `request` first: Claude Code fills prompt arguments in order, and the request is what the user typed.
        assert [a.name for a in prompt.arguments or []] == list(entry.prompt_arguments)
        assert all(a.description and not a.required for a in prompt.arguments or [])


@pytest.mark.parametrize("entry", SKILLS, ids=[e.name for e in SKILLS])
async def test_prompt_text_is_a_short_imperative_preamble_with_skill_links(mode: str, entry: object) -> None:
    name = entry.name  # type: ignore[attr-defined]
    async with connect(mode) as client:
        result = await client.get_prompt(name, {})
        uris = {str(r.uri) for r in (await client.list_resources()).resources}
    [message] = result.messages
    assert message.role == "user"
    text = message.content.text  # type: ignore[union-attr]
    assert len(text) <= 2500, f"{name}: {len(text)} characters: a prompt is a preamble, not the skill"
    assert "<!--" not in text and "](references/" not in text, "no generator comments, no file-relative links"
    assert "1. Ask" in text and "2. " in text and "3. " in text
    entry_ = skill(name)
    if entry_.tool:
        assert f"`{entry_.tool}`" in text, "says which tool to call"
    assert entry_.next_steps in text
    links = re.findall(r"skill://[^\s)]+", text)
    assert f"skill://{name}" in links
    assert set(links) <= uris, "every link resolves as a resource"


@pytest.mark.parametrize("entry", [e for e in SKILLS if e.tool], ids=lambda e: e.name)
def test_every_prompt_has_the_tools_required_inputs_as_arguments(entry: object) -> None:
    required = [FIELD_ARGUMENT.get(n, n) for n in required_inputs(entry)]  # type: ignore[arg-type]
    assert set(required) <= set(entry.prompt_arguments)  # type: ignore[attr-defined]


def test_argument_names_are_consistent_and_described() -> None:
    for entry in SKILLS:
        assert entry.prompt_arguments[0] == "request", f"{entry.name}: request comes first"
        assert "version" not in entry.prompt_arguments, "the release is target_version everywhere"
        for arg in entry.prompt_arguments:
            assert argument_description(entry, arg)
    assert {"path"} <= set(skill("aigw-migrate").prompt_arguments) & set(
        skill("aigw-explain").prompt_arguments
    )
    assert "url" in skill("aigw-metrics").prompt_arguments


async def test_arguments_given_are_listed_in_the_preamble(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.get_prompt(
            "aigw-backend", {"provider": "anthropic", "request": "claude for the team"}
        )
    text = result.messages[0].content.text  # type: ignore[union-attr]
    assert "Given so far:\n- request: claude for the team\n- provider: anthropic\n" in text
    assert "`name` (required)" in text, "asks for the required input still missing"


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("aigw-backend", {"provider": "opanai"}, "provider opanai is not one of: openai, "),
        ("aigw-route", {"target_version": "v2.0.0"}, "target_version v2.0.0 is not one of: v0.5.0, "),
        ("aigw-clientauth", {"type": "oauth"}, "type oauth is not one of: jwt, apikey"),
        ("aigw-orchestrator", {"providers": "openai,antropic"}, "providers antropic is not one of: "),
        ("aigw-backend", {"name": "Open_AI"}, "name 'Open_AI' is invalid: "),
        ("aigw-troubleshoot", {"namespace": "not a name"}, "namespace 'not a name' is invalid: "),
    ],
)
async def test_a_bad_argument_value_is_refused_with_the_choices(
    mode: str, name: str, arguments: dict[str, str], message: str
) -> None:
    async with connect(mode) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt(name, arguments)
    assert message in str(caught.value)


async def test_a_credential_looking_prompt_argument_is_refused(mode: str) -> None:
    key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2
    async with connect(mode) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("aigw-auth", {"request": key})
    assert "request looks like " in str(caught.value) and key not in str(caught.value)


async def test_an_unknown_prompt_argument_is_refused_listing_the_known_ones(mode: str) -> None:
    async with connect(mode) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("aigw-route", {"colour": "blue"})
    assert (
        str(caught.value)
        == "prompt aigw-route has no argument colour; its arguments: request, rules, target_version"
    )


async def test_an_unknown_prompt_is_invalid_params_naming_the_prompts(mode: str) -> None:
    async with connect(mode) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("aigw-nope", {})
    assert caught.value.error.code == -32602
    assert (
        "unknown prompt 'aigw-nope'" in caught.value.error.message
        and "aigw-backend" in caught.value.error.message
    )


async def test_the_trace_prompt_takes_the_manifests_file_as_path_and_keeps_it_apart_from_the_request_path(
    mode: str,
) -> None:
    """aigw-trace's prompt argument `path` is the manifests file, while aigw_trace's `path` field is the request
    path: a file path was refused against the request-path pattern, and the prompt said to call the tool 'with those
    values', so an agent would have sent the file's path as the request path."""
    from orchestrator.analysis.inputs import TraceInput

    request_path = TraceInput.model_fields["path"]
    async with connect(mode) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        result = await client.get_prompt(
            "aigw-trace", {"path": "./aigw-bundle/manifests.yaml", "model": "gpt-5.4"}
        )
        validate = await client.get_prompt("aigw-validate", {"path": "./aigw-bundle/manifests.yaml"})
    [argument] = [a for a in prompts["aigw-trace"].arguments or [] if a.name == "path"]
    assert "manifests" in str(argument.description) and "not the request path" in str(argument.description)
    text = result.messages[0].content.text  # type: ignore[union-attr]
    assert "- path (the manifests file): ./aigw-bundle/manifests.yaml\n- model: gpt-5.4\n" in text
    assert "read the file at `path` and pass its text as `manifests`" in text
    # the tool's field, described from its input model: what it is, its default, and that the file is not it
    assert (
        f"the tool's `path` field is a different value, the request path as the client sends it "
        f"(default {request_path.default}): never the file's path"
    ) in text
    assert str(request_path.description).startswith("Request path as the client sends it")
    other = validate.messages[0].content.text  # type: ignore[union-attr]
    assert "pass its text as `manifests`" in other and "a different value" not in other
