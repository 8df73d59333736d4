"""Skill descriptions fit the skill-list budget agents load at every session start (Codex shortens the list
past about 8,000 characters, and the pack shares that budget with every other skill the user has): each one
names Envoy AI Gateway, says when to use it, and no two share a trigger."""

from __future__ import annotations

import re

import pytest

from skills.catalog import SKILLS, SkillEntry

MAX_EACH = 300
MAX_TOTAL = 4000


@pytest.mark.parametrize("entry", SKILLS, ids=lambda e: e.name)
def test_each_description_is_short_names_the_product_and_says_when_to_use_it(entry: SkillEntry) -> None:
    assert len(entry.description) <= MAX_EACH, f"{entry.name}: {len(entry.description)} characters"
    assert "Envoy AI Gateway" in entry.description
    assert re.search(r"\bUse (when|for|on|to|before)\b", entry.description), "say when to use it"


def test_all_descriptions_together_stay_within_half_the_skill_list_budget() -> None:
    total = sum(len(e.description) for e in SKILLS)
    assert total <= MAX_TOTAL, f"{total} characters for {len(SKILLS)} skills"


def test_no_two_skills_share_a_trigger() -> None:
    triggers = [e.description[e.description.index(" Use ") :] for e in SKILLS]
    assert len(set(triggers)) == len(triggers)
    first_sentences = [e.description.split(". ", 1)[0] for e in SKILLS]
    assert len(set(first_sentences)) == len(first_sentences)


@pytest.mark.parametrize("entry", SKILLS, ids=lambda e: e.name)
def test_every_skill_says_how_to_get_the_cli_and_what_to_do_without_it(entry: SkillEntry) -> None:
    from pathlib import Path

    import yaml

    text = (Path(__file__).resolve().parents[2] / "skills" / entry.name / "SKILL.md").read_text(
        encoding="utf-8"
    )
    meta = yaml.safe_load(text.split("---\n", 2)[1])
    assert "uvx --from git+" in meta["compatibility"] and "Python 3.11" in meta["compatibility"]
    assert len(meta["compatibility"]) <= 500
    setup = text[text.index("<!-- BEGIN GENERATED: setup -->") : text.index("<!-- END GENERATED: setup -->")]
    assert "uvx --from git+" in setup
    if entry.command:
        assert "**No CLI?**" in setup and (
            "references/" in setup or "`kubectl apply --dry-run=server" in setup
        )
