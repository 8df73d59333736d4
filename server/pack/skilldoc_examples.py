"""Worked examples for the SKILL.md files: what to run, and a runner that really runs it.

Each example is declared once here. The SKILL.md shows the command exactly as `command_line()` spells it,
and the output the runner captured, so the doc can only drift from the code by failing a test.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orchestrator.engine.contract import CACHE_ENV, CRDS_ENV

CLI = "aigw-skills"


class ExampleError(RuntimeError):
    """A worked example could not be run (its command failed): the docs cannot be generated."""


@dataclass(frozen=True)
class Example:
    """One worked example. Atomic skills give `fields` (the same input feeds the CLI and the MCP tool)."""

    skill: str
    command: str  # the CLI subcommand, e.g. "backend"
    fields: Mapping[str, Any] = field(default_factory=dict)
    positional: tuple[str, ...] = ()  # e.g. the intake file of `build`
    output_dir: str | None = None  # `-o DIR` for commands that write a directory
    output_file: str | None = None  # the file inside output_dir the doc shows
    input_files: tuple[str, ...] = ()  # files of the skill folder the command reads (relative to it), shown
    builtin_input: str | None = None  # a built-in intake example the command reads (`build --example`), shown
    exit_code: int = 0  # what the command exits with (validate exits 1 on the findings it shows)
    language: str = "yaml"  # fence language of the shown output
    manifests: bool = True  # the output is Kubernetes YAML the validation engine can check
    show_stderr: bool = True  # notes and Secret commands go to stderr; show them in the doc
    fields_are_inputs: bool = True  # the flags are the skill's input model fields (atomic skills)

    def argv(self) -> list[str]:
        args = [self.command, *self.positional, *cli_args(self.fields)]
        if self.output_dir:
            args += ["-o", self.output_dir]
        return args

    def command_line(self) -> str:
        return shlex.join([CLI, *self.argv()])

    def output_source(self) -> str:
        """'stdout', or the path (as the command names it) of the file the doc shows."""
        if self.output_dir and self.output_file:
            return f"{self.output_dir}/{self.output_file}"
        return "stdout"


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def cli_args(fields: Mapping[str, Any]) -> list[str]:
    """Flags for `fields`, as server/cli/options.py reads them: --x-y, --flag/--no-flag, repeated list flags."""
    args: list[str] = []
    for name, value in fields.items():
        if isinstance(value, bool):
            args.append(_flag(name) if value else "--no-" + name.replace("_", "-"))
        elif isinstance(value, list | tuple):
            singular = name[:-1] if name.endswith("s") and len(name) > 2 else name
            for item in value:
                text = item if isinstance(item, str) else json.dumps(item, separators=(",", ":"))
                args += [_flag(singular), text]
        elif isinstance(value, dict):
            args += [_flag(name), json.dumps(value, separators=(",", ":"))]
        else:
            args += [_flag(name), str(value)]
    return args


def first_variant(skill: str) -> dict[str, Any]:
    """The inputs of the skill's first variant in its YAML reference: the worked example shows the same."""
    from server.pack.skilldoc_variants import VARIANTS

    return dict(VARIANTS[skill][0].fields)


EXAMPLES: dict[str, Example] = {
    e.skill: e
    for e in (
        Example("aigw-install", "install", first_variant("aigw-install"), language="bash", manifests=False),
        Example("aigw-backend", "backend", first_variant("aigw-backend")),
        Example("aigw-auth", "auth", first_variant("aigw-auth")),
        Example("aigw-route", "route", {"rules": ["gpt-5.4-mini,gpt-5.5=openai"]}),
        Example("aigw-ratelimit", "ratelimit", first_variant("aigw-ratelimit")),
        Example("aigw-inferencepool", "inferencepool", first_variant("aigw-inferencepool")),
        Example("aigw-mcproute", "mcproute", first_variant("aigw-mcproute")),
        Example(
            "aigw-semantic-router",
            "semantic-router",
            first_variant("aigw-semantic-router"),
            # Its EnvoyPatchPolicy is not in ../shared/crds and its backend comes from aigw-backend; the
            # manifests are validated in tests/skills/test_semantic_router.py instead.
            manifests=False,
        ),
        Example(
            "aigw-clientauth",
            "clientauth",
            {
                "type": "jwt",
                "issuer": "https://auth.example.com",
                "jwks_uri": "https://auth.example.com/.well-known/jwks.json",
                "audiences": ["ai-gateway"],
            },
        ),
        Example("aigw-observability", "observability", first_variant("aigw-observability")),
        Example(
            "aigw-migrate",
            "migrate",
            {"external_secret": "gemini-apikey"},
            positional=("assets/v0.5-gemini.yaml",),
            input_files=("assets/v0.5-gemini.yaml",),
            fields_are_inputs=False,
        ),
        Example(
            "aigw-explain",
            "explain",
            positional=("assets/openai-anthropic.yaml",),
            input_files=("assets/openai-anthropic.yaml",),
            language="text",
            manifests=False,
            fields_are_inputs=False,
        ),
        Example(
            "aigw-trace",
            "trace",
            {"path": "/anthropic/v1/messages", "model": "claude-sonnet-4-6", "credentials": "api-key"},
            positional=("assets/apikey-anthropic.yaml",),
            input_files=("assets/apikey-anthropic.yaml",),
            language="text",
            manifests=False,
            fields_are_inputs=False,
        ),
        Example(
            "aigw-metrics",
            "metrics",
            positional=("assets/extproc-metrics.prom",),
            input_files=("assets/extproc-metrics.prom",),
            language="text",
            manifests=False,
            fields_are_inputs=False,
        ),
        Example(
            "aigw-validate",
            "validate",
            positional=("assets/route-missing-backend.yaml",),
            input_files=("assets/route-missing-backend.yaml",),
            language="text",
            manifests=False,
            fields_are_inputs=False,
            exit_code=1,
        ),
        Example(
            "aigw-orchestrator",
            "build",
            {"example": "openai-anthropic"},
            output_dir="bundle",
            output_file="manifests.yaml",
            builtin_input="openai-anthropic",
            show_stderr=False,
            fields_are_inputs=False,
        ),
    )
}


@dataclass(frozen=True)
class ExampleRun:
    """What running an example produced."""

    example: Example
    output: str  # stdout, or the shown file's text
    stderr: str
    produced: tuple[str, ...] = ()  # files in output_dir, sorted
    inputs: Mapping[str, str] = field(default_factory=dict)  # input file → its text


def cli_executable() -> list[str]:
    """The `aigw-skills` next to this interpreter (a venv), else on PATH, else `python -m server`."""
    local = Path(sys.executable).parent / CLI
    if local.exists():
        return [str(local)]
    found = shutil.which(CLI)
    return [found] if found else [sys.executable, "-m", "server"]


def install_skill(skill: str, repo: Path, into: Path) -> Path:
    """Copy skills/<skill> of `repo` into `into` the way `aigw-skills skills install` does; its new path."""
    from server.pack.installer import read_folder

    folder = into / skill
    for relative, data in read_folder(repo / "skills" / skill).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def hermetic_env(workdir: Path) -> dict[str, str]:
    """The caller's environment minus anything that changes what a command prints: no CRD directory, an empty
    CRD cache and no network (build and validate would fetch the CRDs on first use), so the docs read the same on
    every machine."""
    env = {k: v for k, v in os.environ.items() if k not in (CRDS_ENV, CACHE_ENV)}
    env[CACHE_ENV] = str(workdir / ".no-cache")
    env["AIGW_SKILLS_OFFLINE"] = "1"
    return env


def run_in(example: Example, workdir: Path) -> subprocess.CompletedProcess[str]:
    """Run the example's command with `workdir` (an installed copy of its skill folder) as the directory."""
    return run_cli(example.argv(), workdir)


def run_cli(args: list[str], workdir: Path) -> subprocess.CompletedProcess[str]:
    """`aigw-skills ARGS` in `workdir`, with the hermetic environment the docs are generated in."""
    return subprocess.run(
        [*cli_executable(), *args],
        cwd=workdir,
        env=hermetic_env(workdir),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_example(example: Example, repo: Path) -> ExampleRun:
    """Run the example from an installed copy of its skill folder (paths in the command are relative to the
    skill folder, as an agent with only the folder runs them); raise ExampleError if it fails."""
    folder = repo / "skills" / example.skill
    missing = [name for name in example.input_files if not (folder / name).is_file()]
    if missing:
        raise ExampleError(f"{example.skill}: example input(s) missing from {folder}: {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="aigw-skilldoc-") as tmp:
        workdir = install_skill(example.skill, repo, Path(tmp))
        proc = run_in(example, workdir)
        if proc.returncode != example.exit_code:
            raise ExampleError(
                f"{example.skill}: `{example.command_line()}` exited {proc.returncode} "
                f"(expected {example.exit_code}):\n{proc.stderr.strip()}"
            )
        produced: tuple[str, ...] = ()
        output = proc.stdout
        if example.output_dir:
            out = workdir / example.output_dir
            produced = tuple(sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()))
            if example.output_file:
                target = out / example.output_file
                if not target.is_file():
                    raise ExampleError(f"{example.skill}: `{example.command_line()}` wrote no {target.name}")
                output = target.read_text(encoding="utf-8")
        inputs = {name: (folder / name).read_text(encoding="utf-8") for name in example.input_files}
        return ExampleRun(example, output, proc.stderr, produced, inputs)


def yaml_documents(text: str) -> list[dict[str, Any]]:
    """The non-empty documents of a YAML stream."""
    return [d for d in yaml.safe_load_all(text) if d]
