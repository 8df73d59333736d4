"""Each SKILL.md worked example, run exactly as written there from an installed copy of its skill folder in a
temporary directory (not from the repository root), produces the output shown there, and the manifests pass
the validation engine with the upstream CRDs."""

from __future__ import annotations

import re
import shlex
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.pack.installer import apply_plan, plan_install, read_existing, read_pack, target_root
from server.pack.skilldoc_examples import EXAMPLES, run_cli
from skills.catalog import SKILLS
from tests.conftest import shared_path

REPO = Path(__file__).resolve().parents[2]
_SECTION = re.compile(r"<!-- BEGIN GENERATED: example -->\n(.*?)<!-- END GENERATED: example -->", re.S)
_BLOCK = re.compile(
    r"^(?P<label>[^\n]+):\n\n(?P<fence>`{3,})(?P<lang>\w*)\n(?P<body>.*?)\n(?P=fence)$", re.S | re.M
)
WITH_EXAMPLES = [e.name for e in SKILLS if e.name in EXAMPLES]
ATOMIC_MANIFESTS = ["aigw-backend", "aigw-auth", "aigw-route"]
# Examples that attach policies to the Gateway the aigw-route example creates: validated with that setup.
ATTACHED_TO_THE_SETUP = ["aigw-clientauth", "aigw-observability", "aigw-ratelimit"]


def parse_example(skill: str) -> dict[str, Any]:
    """The example section of skills/<skill>/SKILL.md: command, inputs, output source, output, stderr."""
    text = (REPO / "skills" / skill / "SKILL.md").read_text(encoding="utf-8")
    section = _SECTION.search(text)
    assert section, f"{skill}/SKILL.md has no example section"
    parsed: dict[str, Any] = {"inputs": {}}
    for block in _BLOCK.finditer(section.group(1)):
        label, lang, body = block["label"].strip(), block["lang"], block["body"] + "\n"
        if label == "Command":
            parsed["command"] = body.strip()
        elif m := re.fullmatch(r"Input file `([^`]+)`", label):
            parsed["inputs"][m.group(1)] = body
        elif m := re.fullmatch(r"Intake of the built-in example `([^`]+)`", label):
            parsed["builtin"] = (m.group(1), body)
        elif m := re.fullmatch(r"Output \(`([^`]+)`\)", label):
            parsed |= {"source": m.group(1), "output": body, "language": lang}
        elif label == "On stderr":
            parsed["stderr"] = body
    assert {"command", "source", "output"} <= set(parsed), f"{skill}: example section is incomplete"
    return parsed


@cache
def run_as_written(skill: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """The command of the example, as written, run in `workdir`: the installed copy of the skill folder."""
    parsed = parse_example(skill)
    argv = shlex.split(parsed["command"])
    assert argv[0] == "aigw-skills"
    return run_cli(argv[1:], workdir)


@pytest.fixture(scope="module")
def workdirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The whole pack installed into a project in a temporary directory, as `skills install` writes it;
    each example runs in its skill's installed folder."""
    project = tmp_path_factory.mktemp("project")
    root = target_root("agents", project=project)
    sources = read_pack(REPO / "skills")
    apply_plan(plan_install(sources, root, read_existing(root, sources)), sources)
    return {skill: root / skill for skill in WITH_EXAMPLES}


def produced(skill: str, workdirs: dict[str, Path]) -> str:
    parsed = parse_example(skill)
    proc = run_as_written(skill, workdirs[skill])
    expected = EXAMPLES[skill].exit_code
    assert proc.returncode == expected, f"`{parsed['command']}` exited {proc.returncode}:\n{proc.stderr}"
    if parsed["source"] == "stdout":
        return proc.stdout
    return (workdirs[skill] / parsed["source"]).read_text(encoding="utf-8")


def test_every_skill_with_a_command_has_a_worked_example() -> None:
    assert set(WITH_EXAMPLES) == {e.name for e in SKILLS if e.command}


@pytest.mark.parametrize("skill", WITH_EXAMPLES)
def test_example_reproduces_the_output_shown(skill: str, workdirs: dict[str, Path]) -> None:
    parsed = parse_example(skill)
    assert produced(skill, workdirs) == parsed["output"], f"{skill}: run `aigw-skills index --skills`"
    if "stderr" in parsed:
        assert run_as_written(skill, workdirs[skill]).stderr == parsed["stderr"]
    for name, text in parsed["inputs"].items():
        assert (workdirs[skill] / name).read_text(encoding="utf-8") == text, (
            f"{name} is not in the installed copy"
        )
    if "builtin" in parsed:
        from server.cli.build import example_text

        name, text = parsed["builtin"]
        assert example_text(name) == text


def test_no_worked_example_names_a_path_outside_its_skill_folder() -> None:
    for skill in WITH_EXAMPLES:
        for arg in shlex.split(parse_example(skill)["command"])[1:]:
            leaves = arg.startswith(("skills/", "orchestrator/", "../")) or (
                arg.startswith("/") and Path(arg).exists()
            )
            assert not leaves, f"{skill}: {arg} leaves the skill folder"


def _secret_refs(docs: list[dict[str, Any]]) -> set[str]:
    """Secrets the policies read: created at apply time by the printed commands (or secrets.sh)."""
    refs: set[str] = set()

    def walk(value: Any, namespace: str) -> None:
        if isinstance(value, dict):
            ref = value.get("secretRef")
            if isinstance(ref, dict) and "name" in ref:
                refs.add(f"{ref.get('namespace', namespace)}/{ref['name']}")
            for item in value.values():
                walk(item, namespace)
        elif isinstance(value, list):
            for item in value:
                walk(item, namespace)

    for doc in docs:
        walk(doc.get("spec", {}), doc.get("metadata", {}).get("namespace", "default"))
    return refs


@pytest.mark.parametrize("skill", WITH_EXAMPLES)
def test_example_manifests_pass_the_validation_engine(skill: str, workdirs: dict[str, Path]) -> None:
    if not EXAMPLES[skill].manifests:
        pytest.skip(f"{skill}'s example output is a script, not manifests")
    crds_dir = shared_path("crds")
    try:
        from orchestrator.engine.crds import load_crds
        from orchestrator.engine.lint.linter import LintContext
        from orchestrator.engine.validate import validate_documents
    except ModuleNotFoundError as exc:
        pytest.skip(f"the validation engine is not available yet ({exc.name})")
    # The atomic skills' examples are one setup (openai backend, its key, a route to it): validate them
    # together so every cross-reference resolves.
    together = ATOMIC_MANIFESTS if skill in ATOMIC_MANIFESTS else [skill]
    if skill in ATTACHED_TO_THE_SETUP:
        together = [*ATOMIC_MANIFESTS, skill]
    docs = [d for s in together for d in yaml.safe_load_all(produced(s, workdirs)) if d]
    context = LintContext(external_secrets=frozenset(_secret_refs(docs)))
    report = validate_documents(docs, crds=load_crds(crds_dir), context=context)
    assert report.ok, [f"{f.severity}: {f.resource}: {f.path}: {f.message}" for f in report.findings]
