"""Every output the product writes is scanned for credentials, and the scan provably trips on a planted key.

Outputs: each skill's worked example (server/pack/skilldoc_examples.py) run through the CLI in process (stdout,
stderr and every file it writes) and, for atomic skills, through its MCP tool; every bundle file of every
orchestrator/intake/examples/*.yaml intake (and the intake itself, as `init` writes it), built in process; every golden file under tests/golden; every file of the
skill pack (skills/*/ and SKILL_INDEX.md). Each line goes through the product's own detector
(skills.credentials.describe_credential) and through independent common key patterns. Findings name the output,
the line and the kind of credential, never the value.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.pack.skilldoc_examples import EXAMPLES, Example
from skills.credentials import describe_credential
from tests.hardening.doors import McpDoor
from tests.hardening.inputs import FAKE_KEYS

REPO = Path(__file__).resolve().parents[2]

# Independent of skills/credentials.py, so a regression in the product's detector cannot hide a leak.
COMMON_KEYS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sk- secret key", re.compile(r"\bsk-[A-Za-z0-9_-]{16,}")),
    ("AWS access key id", re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}")),
    ("Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("PEM private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+")),
)


@dataclass(frozen=True)
class Finding:
    where: str
    line: int
    kind: str


def scan(outputs: Mapping[str, str]) -> list[Finding]:
    """Credential-shaped text in any output, line by line (a PEM block is caught by its armour line)."""
    found: list[Finding] = []
    for where, text in outputs.items():
        for number, line in enumerate(text.splitlines(), 1):
            kinds = [label for label, pattern in COMMON_KEYS if pattern.search(line)]
            product = describe_credential(line)
            if product:
                kinds.append(product)
            found += [Finding(where, number, kind) for kind in kinds]
    return found


def report(findings: list[Finding]) -> str:
    return "\n".join(f"{f.where}:{f.line}: {f.kind}" for f in findings)


# --- producing the outputs ---------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    from server.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def example_argv(example: Example, workdir: Path) -> list[str]:
    """The example's command with its skill-folder paths made absolute and -o inside `workdir`."""
    folder = REPO / "skills" / example.skill
    positional = [str(folder / p) if (folder / p).exists() else p for p in example.positional]
    argv = [example.command, *positional, *example.argv()[1 + len(example.positional) :]]
    if example.output_dir:
        argv[argv.index("-o") + 1] = str(workdir / example.output_dir)
    return argv


def cli_example_outputs(workdir: Path) -> Iterator[tuple[str, str]]:
    for skill, example in EXAMPLES.items():
        code, out, err = run_cli(example_argv(example, workdir / skill))
        assert code == example.exit_code, f"{example.command_line()} exited {code}: {err[-2000:]}"
        yield f"{skill} (CLI stdout)", out
        yield f"{skill} (CLI stderr)", err
        if example.output_dir:
            for path in sorted((workdir / skill / example.output_dir).rglob("*")):
                if path.is_file():
                    yield f"{skill} (CLI file {path.name})", path.read_text(encoding="utf-8")


def mcp_example_outputs() -> Iterator[tuple[str, str]]:
    from skills.catalog import atomic_skills

    tools = {e.name: e.tool for e in atomic_skills() if e.tool}
    door = McpDoor(None)
    try:
        for skill, example in EXAMPLES.items():
            if skill not in tools or not example.fields_are_inputs:
                continue
            result = door.call(tools[skill], dict(example.fields))
            assert not result.is_error, f"{tools[skill]}: {result.content}"
            yield f"{skill} (MCP text)", "\n".join(getattr(c, "text", "") for c in result.content)
            yield f"{skill} (MCP structured)", yaml.safe_dump(result.structured_content)
    finally:
        door.close()


def bundle_outputs() -> Iterator[tuple[str, str]]:
    from orchestrator.compose.bundle import build_bundle

    for intake in sorted((REPO / "orchestrator" / "intake" / "examples").glob("*.yaml")):
        text = intake.read_text(encoding="utf-8")
        yield f"intake {intake.stem} (what `init --example` writes)", text
        bundle = build_bundle(yaml.safe_load(text))
        for name, text in bundle.files.items():
            yield f"bundle {intake.stem}/{name}", text


def tree_outputs(*roots: Path, suffixes: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    for root in roots:
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in suffixes:
                yield str(path.relative_to(REPO)), path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return dict(cli_example_outputs(tmp_path_factory.mktemp("examples")))


# --- the scans ---------------------------------------------------------------------------------------------


def test_every_worked_example_run_through_the_cli_writes_no_credential(
    example_outputs: dict[str, str],
) -> None:
    assert {w.split(" ")[0] for w in example_outputs} == set(EXAMPLES), "every worked example ran"
    assert any("(CLI file manifests.yaml)" in w for w in example_outputs), "the written bundle was read"
    assert scan(example_outputs) == [], report(scan(example_outputs))


def test_every_atomic_tool_answers_its_worked_example_without_a_credential() -> None:
    outputs = dict(mcp_example_outputs())
    assert len(outputs) >= 2 * 9, sorted(outputs)
    assert scan(outputs) == [], report(scan(outputs))


def test_every_example_intake_and_every_file_of_its_bundle_are_free_of_credentials() -> None:
    outputs = dict(bundle_outputs())
    intakes = list((REPO / "orchestrator" / "intake" / "examples").glob("*.yaml"))
    assert len({w.split("/")[0] for w in outputs if w.startswith("bundle ")}) == len(intakes) > 0
    assert scan(outputs) == [], report(scan(outputs))


def test_every_golden_file_is_free_of_credentials() -> None:
    outputs = {
        str(p.relative_to(REPO)): p.read_text(encoding="utf-8")
        for p in sorted((REPO / "tests" / "golden").rglob("*"))
        if p.is_file()
    }
    assert len(outputs) > 100
    assert scan(outputs) == [], report(scan(outputs))


def test_the_skill_pack_ships_no_credential() -> None:
    outputs = dict(
        tree_outputs(
            *sorted(p for p in (REPO / "skills").iterdir() if p.is_dir() and p.name.startswith("aigw-")),
            REPO / "SKILL_INDEX.md",
            suffixes=(".md", ".yaml", ".yml", ".json", ".sh", ".j2", ".txt"),
        )
    )
    assert any(w.endswith("SKILL.md") for w in outputs)
    assert scan(outputs) == [], report(scan(outputs))


# --- the scanner itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", FAKE_KEYS, ids=lambda k: k[:8].strip("-"))
def test_the_scan_trips_on_a_key_planted_in_a_real_bundle_and_names_only_where(key: str) -> None:
    manifests = next(
        text for where, text in bundle_outputs() if where.endswith("openai-anthropic/manifests.yaml")
    )
    assert scan({"manifests.yaml": manifests}) == []
    lines = manifests.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("name:"))
    planted = "\n".join([*lines[: at + 1], f"  apiKey: {key}", *lines[at + 1 :]])
    findings = scan({"manifests.yaml": planted})
    key_lines = range(at + 2, at + 2 + len(key.splitlines()))
    assert findings and findings[0].line == at + 2 and all(f.line in key_lines for f in findings)
    assert key.splitlines()[0] not in report(findings)


def test_the_common_patterns_alone_catch_each_planted_key_kind_they_cover() -> None:
    covered = [k for k in FAKE_KEYS if any(p.search(k) for _, p in COMMON_KEYS)]
    assert len(covered) >= 7, "sk-, sk-proj, sk-ant, AKIA, PEM, JWT, GitHub and Slack keys"


def test_a_bundle_file_with_an_env_var_reference_is_not_a_finding() -> None:
    outputs: dict[str, Any] = {
        "secrets.sh": 'kubectl create secret generic x --from-literal=apiKey="$OPENAI_API_KEY"'
    }
    assert scan(outputs) == []
