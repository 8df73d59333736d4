"""aigw-validate documents every lint rule the engine registers; aigw-troubleshoot covers every symptom the
skill pack issue lists, each entry citing where the knowledge comes from and pointing at `doctor`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TROUBLESHOOT = REPO / "skills" / "aigw-troubleshoot"
SYMPTOMS = (
    "401",
    "403",
    "404",
    "413",
    "429",
    "500",
    "503 no healthy upstream",
    "504",
    "TLS",
    "Extproc sidecar",
    "hooks",
)


def entries() -> dict[str, str]:
    text = (TROUBLESHOOT / "references" / "symptoms.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2) if parts[i].strip() != "Contents"}


def test_every_registered_lint_rule_is_in_the_rules_reference() -> None:
    from orchestrator.engine.lint.linter import RULES

    text = (REPO / "skills" / "aigw-validate" / "references" / "rules.md").read_text(encoding="utf-8")
    for rule_id, rule in RULES.items():
        assert f"### {rule_id}: {rule.title}" in text, f"run aigw-skills index --skills ({rule_id})"


@pytest.mark.parametrize("symptom", SYMPTOMS)
def test_each_listed_symptom_has_an_entry(symptom: str) -> None:
    assert any(symptom.lower() in title.lower() for title in entries()), symptom
    table = (TROUBLESHOOT / "SKILL.md").read_text(encoding="utf-8")
    assert symptom.split()[0].lower() in table.lower()


@pytest.mark.parametrize("title", list(entries()))
def test_each_entry_cites_upstream_and_points_at_doctor(title: str) -> None:
    body = entries()[title]
    for part in ("**You see**", "**Why**", "**Confirm**", "**Fix**", "**doctor**", "Sources:"):
        assert part in body, f"{title}: missing {part}"
    sources = body[body.index("Sources:") :]
    assert re.search(
        r"\(https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+\)|\(https://gateway\.envoyproxy\.io/",
        sources,
    )


def test_the_skill_starts_with_doctor_and_names_its_commands() -> None:
    text = (TROUBLESHOOT / "SKILL.md").read_text(encoding="utf-8")
    for command in ("aigw-skills doctor", "doctor --collect", "aigw-skills plan", "aigw_doctor", "egctl"):
        assert command in text
