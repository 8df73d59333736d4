"""Prompts (slash commands): one per catalog skill, its SKILL.md body with the arguments filled in."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import MCPError

from server.mcp import resources
from server.mcp.prompts import render, strip_frontmatter
from skills.catalog import SKILLS, skill
from tests.server.conftest import REPO, connect

pytestmark = pytest.mark.anyio
WRITTEN = [e for e in SKILLS if (REPO / "skills" / e.name / "SKILL.md").is_file()]


def body_of(name: str) -> str:
    return strip_frontmatter((REPO / "skills" / name / "SKILL.md").read_text(encoding="utf-8")).rstrip()


async def test_there_is_one_prompt_per_catalog_skill_with_the_catalog_arguments(mode: str) -> None:
    async with connect(mode) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
    assert set(prompts) == {e.prompt for e in SKILLS}
    for entry in SKILLS:
        prompt = prompts[entry.prompt]
        assert prompt.title == entry.title and prompt.description == entry.description
        # `request` first: Claude Code fills prompt arguments in order, and the request is what the user typed.
        expected = sorted(entry.prompt_arguments, key=lambda arg: arg != "request")
        assert [a.name for a in prompt.arguments or []] == expected
        assert all(a.description and not a.required for a in prompt.arguments or [])


@pytest.mark.parametrize("entry", WRITTEN, ids=[e.name for e in WRITTEN])
async def test_prompt_text_is_the_skill_md_body_without_frontmatter(mode: str, entry: object) -> None:
    name = entry.name  # type: ignore[attr-defined]
    async with connect(mode) as client:
        result = await client.get_prompt(name, {})
    [message] = result.messages
    assert message.role == "user"
    text = message.content.text  # type: ignore[union-attr]
    assert not text.startswith("---"), "frontmatter is stripped"
    assert text.rstrip() == body_of(name).replace("$ARGUMENTS", "(none given: ask the user what they need)")


async def test_arguments_given_are_appended_to_the_body(mode: str) -> None:
    if not (REPO / "skills" / "aigw-backend" / "SKILL.md").is_file():
        pytest.skip("skills/aigw-backend/SKILL.md is not written yet")
    async with connect(mode) as client:
        result = await client.get_prompt(
            "aigw-backend", {"provider": "anthropic", "request": "claude for the team"}
        )
    text = result.messages[0].content.text  # type: ignore[union-attr]
    assert text.startswith(body_of("aigw-backend")[:200])
    assert text.endswith("## Arguments given\n\n- provider: anthropic\n- request: claude for the team\n")


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
        == "prompt aigw-route has no argument colour; its arguments: target_version, request"
    )


def test_a_missing_skill_md_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "skill_dir", lambda name: tmp_path / name)
    with pytest.raises(MCPError) as caught:
        render(skill("aigw-route"), {})
    assert str(caught.value) == (
        "prompt aigw-route: skills/aigw-route/SKILL.md is missing from this installation of aigw-skills; "
        "reinstall the package (or, in a checkout, write that file)"
    )


def test_placeholder_in_the_body_receives_the_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "aigw-route").mkdir()
    (tmp_path / "aigw-route" / "SKILL.md").write_text(
        "---\nname: aigw-route\n---\n\n# Route\n\nDo: $ARGUMENTS\n"
    )
    monkeypatch.setattr(resources, "skill_dir", lambda name: tmp_path / name)
    assert (
        render(skill("aigw-route"), {"request": "split 80/20"}) == "# Route\n\nDo: - request: split 80/20\n"
    )


def test_frontmatter_is_only_stripped_when_the_file_starts_with_it() -> None:
    assert strip_frontmatter("---\na: 1\n---\n\nbody\n") == "body\n"
    assert strip_frontmatter("body\n---\nmore\n") == "body\n---\nmore\n"
    assert strip_frontmatter("---\nunterminated\n") == "---\nunterminated\n"


async def test_an_unknown_prompt_is_invalid_params_naming_the_prompts(mode: str) -> None:
    async with connect(mode) as client:
        with pytest.raises(MCPError) as caught:
            await client.get_prompt("aigw-nope", {})
    assert caught.value.error.code == -32602
    assert (
        "unknown prompt 'aigw-nope'" in caught.value.error.message
        and "aigw-backend" in caught.value.error.message
    )
