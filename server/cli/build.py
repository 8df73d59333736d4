"""`aigw-skills build` and `aigw-skills init`: the orchestrator from a script, CI or a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from orchestrator.engine.contract import CRDS_ENV, EXIT_FINDINGS, EXIT_OK
from server.cli.output import fail
from server.doors import BY_COMMAND
from skills.versions import DEFAULT_VERSION, PROFILES


def examples() -> list[str]:
    folder = resources.files("orchestrator.intake") / "examples"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def example_text(name: str) -> str:
    return (resources.files("orchestrator.intake") / "examples" / f"{name}.yaml").read_text(encoding="utf-8")


def register(subparsers: argparse._SubParsersAction) -> None:
    build = subparsers.add_parser(
        "build",
        help="Build a validated, apply-ready bundle from an intake file (or answer questions in a terminal)",
        description=BY_COMMAND["build"].description,
    )
    build.add_argument(
        "intake", nargs="?", help="intake YAML file, or - for stdin (omit in a terminal to be asked)"
    )
    build.add_argument("--example", choices=examples(), help="build a built-in example intake instead")
    build.add_argument("-o", "--output", help="output directory [default: aigw-bundle]")
    build.add_argument(
        "--force",
        action="store_true",
        help="replace a previous bundle in the output directory (a directory holding other files is refused)",
    )
    build.add_argument(
        "--crds", metavar="PATH", help=f"CRD directory or file for schema checks (env {CRDS_ENV})"
    )
    build.add_argument("--cluster", action="store_true", help="read CRDs from the current kubectl context")
    build.add_argument(
        "--offline",
        action="store_true",
        help="never fetch the pinned CRDs on first use (also env AIGW_SKILLS_OFFLINE=1; tests and CI set it)",
    )
    build.add_argument(
        "--target-version",
        choices=list(PROFILES),
        metavar="VERSION",
        help=f"AI Gateway release to build for ({', '.join(PROFILES)}); overrides the intake's installation.version",
    )
    build.add_argument("--format", choices=["text", "json"], default="text", help="summary format on stdout")
    build.add_argument(
        "--questions",
        action="store_true",
        help="print the next intake question (rounds, fields, choices, defaults, example answers) as JSON and "
        "exit; with --answers, what is still open after those answers and every problem they have. Exits 0 "
        "whenever it prints that JSON (its `complete` and `problems` say where the answers stand), 2 when "
        "FILE cannot be read as a mapping of round ids",
    )
    build.add_argument(
        "--answers",
        metavar="FILE",
        help="answers to the intake questions, by round id (JSON or YAML, as --questions describes); builds "
        "when they are complete. When they are not, or have problems, nothing is written: exit 1 with the "
        "--questions JSON on stdout",
    )
    build.set_defaults(handler=run_build)

    init = subparsers.add_parser("init", help="Write a commented example intake file to start from")
    init.add_argument("-o", "--output", default="intake.yaml", help="file to write, or - for stdout")
    init.add_argument("--example", choices=examples(), default="openai-anthropic", help="which example")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=run_init)


def _load_intake(args: argparse.Namespace) -> dict[str, Any]:
    from orchestrator.intake.build_check import to_intake
    from orchestrator.intake.walker import walk
    from skills.yaml_input import MAX_INTAKE_BYTES, YamlInputError, load_one, read_stream, read_text

    if sum(bool(x) for x in (args.example, args.intake, args.answers)) > 1:
        raise ValueError("give one of: an intake file, --example, --answers")
    if args.answers:
        state = walk(_load_answers(args.answers), refuse=False)
        if not state.complete:
            raise OpenQuestions(state)
        if state.ignored:  # left out of the bundle: said, never silently
            from orchestrator.intake.questions_text import ignored_line

            print(f"aigw-skills build: {ignored_line(state.ignored)}", file=sys.stderr)
        return to_intake(state.answers)
    if args.example:
        text, where = example_text(args.example), f"example {args.example}"
    elif args.intake == "-":
        where = "stdin"
        try:
            text = read_stream(getattr(sys.stdin, "buffer", sys.stdin), where, MAX_INTAKE_BYTES)
        except YamlInputError as exc:
            raise ValueError(str(exc)) from None
    elif args.intake:
        where = args.intake
        try:
            text = read_text(args.intake, MAX_INTAKE_BYTES)
        except YamlInputError as exc:
            raise ValueError(f"cannot read {exc}") from None
    elif sys.stdin.isatty():
        from server.cli.terminal_intake import ask_intake

        return to_intake(ask_intake(sys.stdin, sys.stderr))
    else:
        raise ValueError(
            "no intake: give a file (or - for stdin), --example NAME, or --answers FILE (`aigw-skills build "
            "--questions` prints what to answer), or run in a terminal to be asked"
        )
    try:
        data = load_one(text, where)  # aliases refused: an intake is a person's answers, written out
    except YamlInputError as exc:
        raise ValueError(str(exc)) from None
    if not isinstance(data, dict):
        raise ValueError(f"{where}: an intake is a mapping with at least 'providers'; see `aigw-skills init`")
    return data


class OpenQuestions(Exception):
    """--answers did not answer every round that applies."""

    def __init__(self, state: Any) -> None:
        super().__init__("the answers are not complete")
        self.state = state


def _load_answers(path: str) -> dict[str, Any]:
    from skills.yaml_input import MAX_INTAKE_BYTES, YamlInputError, load_one, read_stream, read_text

    where = "stdin" if path == "-" else path
    try:  # the one YAML loader: size cap, no aliases, depth cap, file and line in every error
        if path == "-":
            text = read_stream(getattr(sys.stdin, "buffer", sys.stdin), where, MAX_INTAKE_BYTES)
        else:
            text = read_text(path, MAX_INTAKE_BYTES)
        data = load_one(text, where) if text.strip() else {}
    except YamlInputError as exc:
        raise ValueError(f"cannot read answers: {exc}") from None
    if not isinstance(data, dict) or not all(v is None or isinstance(v, dict) for v in data.values()):
        raise ValueError(
            f"{path}: answers are a mapping of round id to that round's fields, e.g. "
            '{"providers": {"providers": ["openai"]}}; see `aigw-skills build --questions`'
        )
    return data


def _questions(state: Any, answers_file: str | None) -> dict[str, Any]:
    from orchestrator.intake.questions_text import open_questions

    data = open_questions(state)
    where = answers_file or "answers.json"
    if state.refused:  # an answer no question asks now (unknown round or field, a pasted key): fixed first
        data["complete"] = False
        data["command"] = (
            f"fix the `problems` in {where} (the other answers are kept as they are; `answers` above is what "
            f"is valid so far), then: aigw-skills build --questions --answers {where}"
        )
    elif data["next"] is None:
        data["complete"] = True
        data["command"] = f"aigw-skills build --answers {where} -o aigw-bundle"
    else:
        data["complete"] = False
        data["command"] = (
            f"ask the user, add the round(s) {', '.join(data['next']['rounds'])} to {where} (keep the answers so "
            f"far), then: aigw-skills build --questions --answers {where}"
        )
    return data


def _answers_problems(exc: Exception, answers_file: str) -> str:
    """Every problem of an answers file (the walker reports them all at once) and what to do next."""
    return (
        f"{answers_file}: {exc}\nFix all of these in {answers_file} (the other answers are kept as they are) and "
        f"run again; `aigw-skills build --questions` lists the round ids and their fields."
    )


def run_build(args: argparse.Namespace) -> int:
    from orchestrator.compose.bundle import BundleExistsError, build_bundle, write_bundle
    from orchestrator.engine.crd_cache import is_offline
    from orchestrator.engine.crds import CRDSourceError, configured_crds, resolve_crd_source
    from orchestrator.intake.walker import walk
    from skills.errors import InputError

    if args.questions:
        if args.intake or args.example:
            return fail(
                "build",
                "--questions walks the intake questions; give --answers FILE, not an intake file or --example",
            )
        if args.output:
            return fail(
                "build",
                "--questions prints the next question and builds nothing; drop -o, or drop "
                "--questions to build from --answers FILE",
            )
        try:
            state = walk(_load_answers(args.answers) if args.answers else {}, refuse=False)
        except ValueError as exc:
            return fail("build", str(exc))
        print(json.dumps(_questions(state, args.answers), indent=2))
        return EXIT_OK
    output = args.output or "aigw-bundle"
    try:
        data = _load_intake(args)
    except OpenQuestions as exc:
        print(json.dumps(_questions(exc.state, args.answers), indent=2))
        found = len(exc.state.problems)
        why = f"has {found} problem(s)" if found else "does not answer every question yet"
        return fail(
            "build",
            f"{args.answers} {why}; nothing written, stdout shows them and the next question",
            EXIT_FINDINGS,
        )
    except InputError as exc:
        return fail("build", _answers_problems(exc, args.answers) if args.answers else str(exc))
    except (ValueError, EOFError) as exc:
        return fail("build", str(exc))
    if args.target_version:
        installation = data.get("installation")
        data = data | {"installation": ({**installation} if isinstance(installation, dict) else {})}
        data["installation"]["version"] = args.target_version
    version = str((data.get("installation") or {}).get("version") or DEFAULT_VERSION)
    try:
        crds, note = resolve_crd_source(
            configured_crds(args.crds),
            version,
            args.cluster,
            offline=is_offline(args.offline),
            on_fetch=lambda message: print(f"aigw-skills build: {message}", file=sys.stderr),
        )
    except CRDSourceError as exc:
        return fail("build", f"CRDs: {exc}")
    try:
        bundle = build_bundle(data, crds=crds, crds_note=note)
    except InputError as exc:
        return fail(
            "build", f"{exc}\nFix the intake (see `aigw-skills init` for a commented example) and run again."
        )
    try:
        written = write_bundle(bundle, output, force=args.force)
    except (BundleExistsError, OSError, ValueError) as exc:
        return fail("build", str(exc))
    if args.format == "json":
        print(
            json.dumps(
                {
                    "output": str(Path(output).resolve()),
                    "files": [p.name for p in written],
                    "valid": bundle.valid,
                    "report": json.loads(bundle.files["report.json"]),
                },
                indent=2,
            )
        )
    else:
        print(bundle.summary())
        for item in bundle.checklist:
            print(item.markdown())
        for finding in bundle.report.findings:
            print(f"{finding.severity}: {finding.resource}: {finding.path}: {finding.message}")
        for text in bundle.report.checks_skipped:
            print(f"skipped: {text}")
        print(f"Wrote {len(written)} files to {Path(output)}: {', '.join(p.name for p in written)}")
        print(
            f"Next: cd {Path(output)} && ./install.sh && ./secrets.sh && aigw-skills plan . && kubectl apply -k ."
        )
    return EXIT_OK if bundle.valid else EXIT_FINDINGS


def run_init(args: argparse.Namespace) -> int:
    text = example_text(args.example)
    if args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    from skills.safe_write import WriteRefused, write_text_atomic

    path = Path(args.output)
    if path.exists() and not args.force:
        return fail("init", f"{path} exists; use --force to overwrite")
    try:
        write_text_atomic(path, text, force=args.force)
    except OSError as exc:
        reason = str(exc) if isinstance(exc, WriteRefused) else f"{path}: {exc.strerror}"
        return fail("init", f"cannot write {reason}")
    print(f"Wrote {path}. Edit it, then: aigw-skills build {path} -o aigw-bundle")
    return EXIT_OK
