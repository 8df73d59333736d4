"""Nothing a bundle tells its reader is said twice: not in README.md, not in `aigw-skills build`'s output (QA L10:
the Notes named the x-api-key header twice, and the long "skipped" sentence was printed twice)."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import pytest
import yaml

from orchestrator.compose.bundle import build_bundle
from server.cli.build import example_text, examples, register
from tests.conftest import shared_path


@pytest.fixture(autouse=True)
def no_cached_crds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("AIGW_SKILLS_CRDS", raising=False)


def prose_lines(markdown: str) -> list[str]:
    """The README's lines outside code blocks and tables, without blank ones (a shell block may repeat a command
    on purpose; a table row separator repeats by design)."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif line.strip() and not fenced and not line.startswith("|"):
            out.append(line)
    return out


def repeated(lines: list[str]) -> list[str]:
    return [line for line, n in Counter(lines).items() if n > 1]


def section(markdown: str, title: str) -> list[str]:
    lines = markdown.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0].splitlines()
    return [line for line in lines if line.strip()]


@pytest.mark.parametrize("example", examples())
def test_no_readme_line_is_repeated_and_each_skipped_check_is_said_once(example: str) -> None:
    bundle = build_bundle(yaml.safe_load(example_text(example)), crds=None, crds_note="No CRDs: pull them.")
    readme = bundle.files["README.md"]
    assert repeated(prose_lines(readme)) == []
    for text in bundle.report.checks_skipped:
        assert readme.count(text) == 1, text


def test_the_anthropic_key_header_is_named_once_in_the_bundle_notes() -> None:
    bundle = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=None)
    notes = section(bundle.files["README.md"], "Notes")
    assert [line for line in notes if "x-api-key" in line] == [
        "- Native Messages API; the key is sent as x-api-key."
    ]
    assert "- The key is sent upstream as the Authorization: Bearer header." in notes  # the OpenAI backend's


def build_output(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    parser = argparse.ArgumentParser(prog="aigw-skills")
    register(parser.add_subparsers())
    args = parser.parse_args(["build", *argv])
    code = int(args.handler(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.parametrize("crds", [None, ("crds", "ai-gateway"), ("crds-releases", "v1.0.0")])
def test_build_output_prints_no_line_twice_and_each_skipped_check_once(
    crds: tuple[str, ...] | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["--crds", str(shared_path(*crds))] if crds else ["--offline"]
    out = build_output(["--example", "openai-anthropic", "-o", str(tmp_path / "b"), *extra], capsys)
    lines = [line for line in out.splitlines() if line.strip()]
    assert repeated(lines) == []
    skipped = [line.removeprefix("skipped: ") for line in lines if line.startswith("skipped: ")]
    assert skipped, "without the target's full CRDs the build says what was skipped"
    for text in skipped:
        assert out.count(text) == 1, text
