"""`aigw-skills plan BUNDLE`: server-side dry run and diff of a bundle against the live cluster, per object.

Exit 0 when the API server accepts every object (whatever would change), 1 when the dry run rejects any, 2 for
usage errors and a cluster kubectl cannot reach. Nothing is written to the cluster.
"""

from __future__ import annotations

import argparse
import sys

from orchestrator.engine.contract import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from server.cli.options import OptionError, add_model_options, collect_fields
from server.cli.output import add_output_options, fail, write_output
from server.doors import BY_COMMAND

DOOR = BY_COMMAND["plan"]


def register(subparsers: argparse._SubParsersAction) -> None:
    from orchestrator.analysis.plan import PlanInput

    p = subparsers.add_parser(
        "plan",
        help="Dry-run a bundle against the cluster: created / changed (which fields) / unchanged per object",
        description=DOOR.description,
        epilog="Exit status: 0 when the dry run accepts every object, 1 when it rejects any, 2 for usage errors "
        "and an unreachable cluster.",
    )
    p.add_argument(
        "bundle_path", nargs="?", metavar="BUNDLE", help="bundle directory, manifest directory or file"
    )
    add_model_options(p, PlanInput)
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format [%(default)s]")
    add_output_options(p, "write the plan to FILE instead of stdout")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from orchestrator.analysis.kubectl import KubectlError
    from orchestrator.analysis.plan import PlanInput, render_plan, run_plan
    from skills.errors import InputError

    try:
        fields = collect_fields(args, PlanInput, sys.stdin)
        if args.bundle_path:
            fields["bundle"] = args.bundle_path
        inp = PlanInput.parse(fields, skill="plan")
    except (OptionError, InputError) as exc:
        return fail(DOOR.command, str(exc))
    try:
        report = run_plan(inp)
    except KubectlError as exc:
        return fail(DOOR.command, str(exc))
    text = report.model_dump_json(indent=2) + "\n" if args.format == "json" else render_plan(report)
    if not write_output(DOOR.command, text, args):
        return EXIT_USAGE
    return EXIT_OK if report.ok else EXIT_FINDINGS
