"""aigw-orchestrator's agent-led intake (references/intake-script.md) is generated from the intake round
declarations: every round in order, asks of at most four questions with options and defaults, and each answer
mapped to a field the Intake model really has."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from orchestrator.intake.model import Intake
from orchestrator.intake.rounds import ROUNDS

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "skills" / "aigw-orchestrator" / "references" / "intake-script.md"
SKILL = REPO / "skills" / "aigw-orchestrator" / "SKILL.md"
ROW = re.compile(
    r"^\| \*\*(?P<title>[^*]+)\*\*: .* \| (?P<answer>.+?) \| `(?P<default>[^`]*)` \| `(?P<key>[a-z0-9_]+)` → (?P<intake>.+) \|$"
)


def tables(text: str) -> list[list[re.Match[str]]]:
    out: list[list[re.Match[str]]] = []
    for block in re.split(r"^Ask [^\n]+:\n", text, flags=re.M)[1:]:
        rows = [m for line in block.splitlines() if (m := ROW.match(line))]
        out.append(rows)
    return out


def resolves(model: type[BaseModel], path: str) -> bool:
    """Whether `path` (e.g. providers[i].auth.secret_env) names a field of `model`, through nested models."""
    current: Any = model
    for part in re.sub(r"\[[^\]]*\]", "", path).split("."):
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return False
        annotation = fields[part].annotation
        nested = [
            a for a in getattr(annotation, "__args__", ()) if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        for arg in getattr(annotation, "__args__", ()):  # list[X] | None
            nested += [
                a for a in getattr(arg, "__args__", ()) if isinstance(a, type) and issubclass(a, BaseModel)
            ]
        current = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else (nested or [None])[0]
        )
    return True


def test_the_script_has_every_round_in_asking_order() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    headings = re.findall(r"^### Round (\d+): (.+)$", text, flags=re.M)
    assert [title for _n, title in headings] == [r.title for r in ROUNDS]
    for r in ROUNDS:
        assert r.message in text
    assert "[references/intake-script.md](references/intake-script.md)" in SKILL.read_text(encoding="utf-8")


def test_each_ask_has_at_most_four_questions_with_a_default_among_its_options() -> None:
    asks = tables(SCRIPT.read_text(encoding="utf-8"))
    assert asks and all(1 <= len(rows) <= 4 for rows in asks)
    for rows in asks:
        for row in rows:
            if row["answer"].startswith("one of: "):
                options = [o.split(" (")[0] for o in row["answer"].removeprefix("one of: ").split(", ")]
                assert row["default"] in options, row.group(0)


def test_every_answer_maps_to_a_field_of_the_intake_model() -> None:
    rows = [row for rows in tables(SCRIPT.read_text(encoding="utf-8")) for row in rows]
    mapped = [row for row in rows if row["intake"].startswith("`")]
    assert len(mapped) >= len(rows) - 1, "at most the features choice only decides which questions follow"
    for row in mapped:
        for path in re.findall(r"`([^`]+)`", row["intake"]):
            assert resolves(Intake, path), f"{row['key']} → {path} is not an Intake field"


def test_the_environment_round_asks_every_field_of_its_form() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    keys = {row["key"] for rows in tables(text) for row in rows}
    environment = ROUNDS[0].form({})
    assert set(environment.model_fields) <= keys
