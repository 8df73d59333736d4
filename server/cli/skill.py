"""CLI subcommands for the atomic skills: install, backend, auth, route (one generic handler, catalog-driven)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from orchestrator.engine.contract import EXIT_OK, EXIT_USAGE
from server.cli.options import OptionError, add_model_options, collect_fields
from server.cli.output import add_output_options, fail, write_output
from skills.catalog import SkillEntry, atomic_skills


def register(subparsers: argparse._SubParsersAction) -> None:
    for entry in atomic_skills():
        if not entry.command:  # atomic entries always have one; this keeps the type checker informed
            continue
        parser = subparsers.add_parser(entry.command, help=entry.title, description=entry.description)
        add_model_options(parser, entry.load_model())
        parser.add_argument(
            "--format",
            choices=["yaml", "json"],
            default="yaml",
            help="yaml: manifests (install: a runnable script); json: the full result",
        )
        add_output_options(parser, "write to FILE instead of stdout (atomically)")
        parser.set_defaults(handler=lambda args, entry=entry: run_skill(entry, args))


def render_result(result: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result.model_dump(mode="json"), indent=2, sort_keys=False) + "\n"
    if result.skill == "aigw-install":
        from skills.install import render_script

        return render_script(result)
    return str(result.yaml)


def run_skill(entry: SkillEntry, args: argparse.Namespace) -> int:
    from skills.errors import InputError

    command = entry.command or entry.name  # register() gives a handler only to entries with a command
    try:
        data = collect_fields(args, entry.load_model(), sys.stdin)
        result = entry.load_builder()(data)
    except (OptionError, InputError) as exc:
        fail(command, str(exc))
        print(f"See `aigw-skills {command} --help` for the fields and formats.", file=sys.stderr)
        return EXIT_USAGE
    text = render_result(result, args.format)
    if not write_output(command, text, args):
        return EXIT_USAGE
    if args.format == "yaml":
        for secret in result.secrets:
            print(
                f"# Secret {secret.namespace}/{secret.name} (key {secret.key}) from {secret.source}:\n"
                f"#   {secret.command}",
                file=sys.stderr,
            )
        for note in result.notes:
            print(f"# note: {note}", file=sys.stderr)
    return EXIT_OK
