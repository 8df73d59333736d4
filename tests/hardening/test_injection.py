"""Hostile strings in every string input of every atomic tool: refused naming that field, or carried as data.

For each string place in each skill's input model (nested models and list items included), each payload of the
injection corpus (newlines, ': ', '#', '{{ }}', '!!python/object', anchors and aliases, U+2028/2029/0085, NUL,
shell syntax, 5,000 characters) goes through the MCP tool (the default run sends the CORE dozen; with
AIGW_SKILLS_PROPERTY_EXAMPLES set, all of INJECTIONS, as typed and inside other text). A refusal must name the field's path; an acceptance
must leave the YAML's keys and nesting exactly as a plain value there does, keep the value intact, and leave
any shell command's operators as they were.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from skills.catalog import SkillEntry
from tests.hardening.doors import McpDoor, Outcome, call_mcp
from tests.hardening.inputs import (
    BENIGN_STRINGS,
    INJECTIONS,
    Path_,
    benign_string,
    entries,
    field_path,
    string_paths,
    strings_in,
    structure,
    with_value,
)

CASES = [
    pytest.param(entry, path, node, id=f"{entry.command}:{field_path(path)}")
    for entry in entries()
    for path, node in string_paths(entry)
]
_SHELL_EXPANSION = re.compile(r"\$\(|\$\{|`")


@pytest.fixture(scope="module")
def mcp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[McpDoor]:
    door = McpDoor(None)
    yield door
    door.close()


def _documents(outcome: Outcome) -> list[Any]:
    docs = list(yaml.safe_load_all(outcome.text))
    assert [d for d in docs if d is not None] == outcome.result["manifests"]
    return docs


def _commands(result: dict[str, Any]) -> list[str]:
    items = result.get("secrets", []) + result.get("steps", []) + result.get("uninstall", [])
    return [str(item.get("command", "")) for item in items]


def _unquoted_expansions(command: str) -> int:
    """$(...), ${...} and backticks outside single quotes: what a shell would expand."""
    outside = re.sub(r"'[^']*'", "''", command)
    return len(_SHELL_EXPANSION.findall(outside.replace('"$HOME"', "")))


def _operators(command: str) -> list[str]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    return [token for token in lexer if token and all(c in "();<>|&" for c in token)]


def _check_accepted(outcome: Outcome, baseline: Outcome, payload: str, where: str) -> None:
    docs = _documents(outcome)
    assert len(docs) == len(_documents(baseline)), f"{where}: the number of YAML documents changed"
    assert structure(docs) == structure(_documents(baseline)), f"{where}: keys or nesting changed"
    found = any(payload in text for text in strings_in(outcome.result))
    assert found, f"{where}: accepted, but the value is not carried intact anywhere in the result"
    for text in (outcome.text, *(outcome.result.get("files") or {}).values()):
        assert "!!python" not in text or "!!python" in payload, f"{where}: a YAML tag was emitted"
    for command, before in zip(_commands(outcome.result), _commands(baseline.result), strict=True):
        assert _operators(command) == _operators(before), f"{where}: shell operators changed: {command[:200]}"
        assert _unquoted_expansions(command) == _unquoted_expansions(before), f"{where}: unquoted expansion"


def _baseline(entry: SkillEntry, path: Path_, node: dict[str, Any], mcp: McpDoor) -> tuple[str, Outcome]:
    """The first plain value the tool accepts at `path` (a JSON-valued field needs JSON text)."""
    try:
        first = [benign_string(node)]
    except LookupError:
        first = []
    outcome = None
    for plain in [*first, *BENIGN_STRINGS, '"a"', "1"]:
        outcome = call_mcp(mcp, entry, with_value(entry, path, plain))
        if outcome.ok:
            return plain, outcome
    assert outcome is not None
    return plain, outcome


# The default run sends these (as typed, and inside 'a...a' when the full corpus runs).
CORE = (
    "a\nb: c",
    "x\n---\nkind: Secret",
    "a #comment",
    "{{ 7 * 7 }}",
    "!!python/object/apply:os.system ['id']",
    "&anchor value",
    "*alias",
    "a\u2028b: c",
    "a\u0085b: c",
    "a\x00b",
    "$(touch /tmp/aigw-pwned)",
    "x" * 5000,
)
FULL = os.environ.get("AIGW_SKILLS_PROPERTY_EXAMPLES") is not None


def payloads() -> list[str]:
    if not FULL:
        return list(CORE)
    return [variant for payload in INJECTIONS for variant in (payload, f"a{payload}a")]


@pytest.mark.parametrize(("entry", "path", "node"), CASES)
def test_every_injection_is_refused_naming_the_field_or_carried_verbatim(
    entry: SkillEntry, path: Path_, node: dict[str, Any], mcp: McpDoor
) -> None:
    where = field_path(path)
    plain, baseline = _baseline(entry, path, node, mcp)
    for payload in payloads():
        outcome = call_mcp(mcp, entry, with_value(entry, path, payload))
        if not outcome.ok:
            assert "Traceback" not in outcome.text
            assert outcome.paths, f"{where}: refusal without field paths: {outcome.text[:300]}"
            assert any(p == where or p.startswith(where) or where.startswith(p) for p in outcome.paths), (
                f"{where}: {payload[:40]!r} refused, but the error names {outcome.paths}"
            )
            continue

        assert baseline.ok, f"{where}: {payload[:40]!r} accepted where the plain value {plain!r} is refused"
        _check_accepted(outcome, baseline, payload, f"{where} = {payload[:40]!r}")


def test_every_atomic_skill_has_string_inputs_under_test() -> None:
    covered = {case.values[0].name for case in CASES}  # type: ignore[attr-defined]
    assert covered == {e.name for e in entries()}


def test_a_yaml_document_separator_in_a_free_text_field_stays_one_value(tmp_path: Path) -> None:
    from skills.api import auth

    payload = "./keys/a\n---\nkind: Secret"
    result = auth(type="APIKey", targets=["openai"], secret_file="./x: y z ~a,=b@c%d+e")
    assert result.secrets[0].source.endswith("./x: y z ~a,=b@c%d+e")
    with pytest.raises(Exception, match="secret_file"):
        auth(type="APIKey", targets=["openai"], secret_file=payload)
