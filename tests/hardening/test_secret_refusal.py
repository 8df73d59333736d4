"""Values that look like real keys (sk-…, sk-ant-…, AKIA…, PEM, JWT, 32-hex, GitHub and Slack tokens) are refused
at every door, naming the field, and are never echoed back: every atomic MCP tool and CLI subcommand (in every
string input), the intake file of `build`, and aigw_orchestrate's `answers` and accepted elicitation content."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from mcp import Client
from mcp.types import ElicitResult

from orchestrator.intake.model import Intake
from server.mcp.app import create_server
from skills.catalog import SkillEntry
from skills.errors import InputError
from tests.hardening.doors import McpDoor, call_cli, call_mcp
from tests.hardening.inputs import (
    FAKE_KEYS,
    HEX_KEY,
    entries,
    field_path,
    keys_refused_at,
    schema_string_paths,
    schema_with_value,
    string_paths,
    with_value,
)

REPO = Path(__file__).resolve().parents[2]
INTAKE = yaml.safe_load((REPO / "orchestrator" / "intake" / "examples" / "openai-anthropic.yaml").read_text())
INTAKE_SCHEMA = Intake.model_json_schema()
INTAKE_FIELDS = list(schema_string_paths(INTAKE_SCHEMA))
INTAKE_PATHS = [path for path, _ in INTAKE_FIELDS]
KEY_IDS = ["sk", "sk-proj", "sk-ant", "akia", "pem", "jwt", "hex32", "github", "slack"]


def leaked(key: str, text: str) -> bool:
    """The key, or any 16-character piece of it, appears in the text."""
    flat = key.replace("\n", "")
    return key in text or any(flat[i : i + 16] in text for i in range(0, max(1, len(flat) - 15), 4))


@pytest.fixture(scope="module")
def mcp() -> Iterator[McpDoor]:
    door = McpDoor(None)
    yield door
    door.close()


def _tool_cases() -> list[Any]:
    return [
        pytest.param(entry, path, keys_refused_at(node), id=f"{entry.command}:{field_path(path)}")
        for entry in entries()
        for path, node in string_paths(entry)
    ]


@pytest.mark.parametrize(("entry", "path", "keys"), _tool_cases())
def test_every_atomic_tool_refuses_a_key_in_every_string_input_without_echoing_it(
    entry: SkillEntry, path: tuple[str | int, ...], keys: tuple[str, ...], mcp: McpDoor
) -> None:
    for key in keys:
        outcome = call_mcp(mcp, entry, with_value(entry, path, key))
        assert not outcome.ok, f"{field_path(path)}: a key was accepted"
        assert field_path(path) in outcome.paths, outcome.text[:300]
        assert "looks like" in outcome.text
        assert not leaked(key, outcome.text), f"{field_path(path)}: the key is echoed back"


@pytest.mark.parametrize("entry", entries(), ids=[e.command or e.name for e in entries()])
def test_every_cli_subcommand_refuses_a_key_in_every_string_input_with_exit_2(
    entry: SkillEntry, tmp_path: Path
) -> None:
    fields = list(string_paths(entry))
    # Every key the first input refuses, then the keys in turn through every input.
    cases = [(fields[0][0], key) for key in keys_refused_at(fields[0][1])] + [
        (p, keys[i % len(keys)]) for i, (p, node) in enumerate(fields) for keys in [keys_refused_at(node)]
    ]
    for path, key in cases:
        code, out, err = call_cli(entry, with_value(entry, path, key), tmp_path)
        assert code == 2, f"{field_path(path)}: exit {code}"
        assert out == "" and field_path(path) in err, err[:300]
        assert not leaked(key, out + err), f"{field_path(path)}: the key is echoed back"


@pytest.mark.parametrize("key", FAKE_KEYS, ids=KEY_IDS)
def test_the_intake_refuses_a_key_in_every_string_field(key: str) -> None:
    from orchestrator.compose.bundle import build_bundle

    for path, node in INTAKE_FIELDS:
        if key not in keys_refused_at(node, path):
            continue
        with pytest.raises(InputError) as refused:
            build_bundle(schema_with_value(INTAKE_SCHEMA, INTAKE, path, key))
        assert field_path(path) in [p.path for p in refused.value.problems], str(refused.value)
        assert not leaked(key, str(refused.value))


@pytest.mark.parametrize(
    ("index", "path"), list(enumerate(INTAKE_PATHS)), ids=[field_path(p) for p in INTAKE_PATHS]
)
def test_build_refuses_an_intake_file_holding_a_key_and_never_prints_it(
    index: int, path: tuple[str | int, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from server.cli.main import main

    keys = keys_refused_at(INTAKE_FIELDS[index][1])
    key = keys[index % len(keys)]
    intake = tmp_path / "intake.yaml"
    intake.write_text(json.dumps(schema_with_value(INTAKE_SCHEMA, INTAKE, path, key)), encoding="utf-8")
    code = main(["build", str(intake), "-o", str(tmp_path / "bundle")])
    out, err = capsys.readouterr()
    assert code == 2 and field_path(path) in err
    assert not leaked(key, out + err)
    assert not (tmp_path / "bundle").exists()


ANSWERS = {
    "environment": {"namespace": "default", "gateway_name": "ai-gateway"},
    "providers": {"providers": ["openai", "anthropic"]},
    "details": {
        "openai__models": "gpt-4o-mini",
        "openai__secret_env": "OPENAI_API_KEY",
        "anthropic__models": "claude-3-5-sonnet",
        "anthropic__secret_env": "ANTHROPIC_API_KEY",
    },
}
ANSWER_FIELDS = [(r, f) for r, fields in ANSWERS.items() for f, v in fields.items() if isinstance(v, str)]


def _text(result: Any) -> str:
    return "\n".join(getattr(c, "text", "") for c in result.content) + json.dumps(result.structured_content)


@pytest.mark.anyio
@pytest.mark.parametrize(("round_", "name"), ANSWER_FIELDS)
async def test_orchestrate_answers_holding_a_key_are_refused_and_not_echoed(round_: str, name: str) -> None:
    async with Client(create_server(None), mode="auto") as client:
        for key in (
            FAKE_KEYS if not name.endswith("__models") else tuple(k for k in FAKE_KEYS if k != HEX_KEY)
        ):
            answers = json.loads(json.dumps(ANSWERS))
            answers[round_][name] = key
            result = await client.call_tool("aigw_orchestrate", {"answers": answers})
            assert result.is_error, f"answers.{round_}.{name}: a key was accepted"
            assert not leaked(key, _text(result))


@pytest.mark.anyio
@pytest.mark.parametrize(("round_", "name"), ANSWER_FIELDS)
async def test_elicited_answers_holding_a_key_are_refused_and_not_echoed(round_: str, name: str) -> None:
    # A models field takes model ids, which may be hex digests: there only the other key shapes are refused.
    for key in (FAKE_KEYS[2], FAKE_KEYS[6]) if not name.endswith("__models") else (FAKE_KEYS[2],):

        async def answer(ctx: Any, params: Any, key: str = key) -> ElicitResult:
            properties = params.requested_schema["properties"]
            asked = next((r for r in ANSWERS if set(properties) & set(ANSWERS[r])), None)
            if asked is None:  # the optional production round: its defaults (no feature)
                return ElicitResult(action="accept", content={})
            content = {k: v for k, v in ANSWERS[asked].items() if k in properties}
            if asked == round_:
                content[name] = key
            return ElicitResult(action="accept", content=content)

        async with Client(create_server(None), mode="legacy", elicitation_callback=answer) as client:
            result = await client.call_tool("aigw_orchestrate", {})
        # Refused in its round: asked again with the problem, then handed to the chat, never built.
        refused = result.is_error or result.structured_content["status"] == "needs_input"
        assert refused, f"{round_}.{name}: an elicited key was accepted"
        assert not leaked(key, _text(result))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
