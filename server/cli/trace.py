"""`aigw-skills trace PATH... [--model M] [--path P] [--header 'Name: value']...`: where a request goes.

Walks the request through the manifests the way the controllers would (see orchestrator.analysis.trace) and
prints each step with what decided it. The options come from the command's one input model (TraceInput).
Exit 0 when the request reaches a backend (or the gateway answers it itself), 1 when a step would fail it,
2 for usage errors or unreadable input.
"""

from __future__ import annotations

import argparse
import sys

from orchestrator.engine.contract import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from server.cli.options import OptionError, add_model_options, read_options
from server.cli.output import add_output_options, fail, unusable, write_output
from server.doors import BY_COMMAND

DOOR = BY_COMMAND["trace"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "trace",
        help=DOOR.title,
        description=f"{DOOR.description} Exit 0 when the request reaches a backend, 1 when it would fail.",
    )
    add_model_options(p, DOOR.load_model())
    p.add_argument(
        "--format",
        choices=("text", "json", "mermaid"),
        default="text",
        help="text: one line per step; json: the trace as data; mermaid: a sequence diagram [%(default)s]",
    )
    add_output_options(p)
    p.set_defaults(handler=run_trace)


def run_trace(args: argparse.Namespace) -> int:
    from orchestrator.analysis.trace import to_json, to_mermaid, to_text, trace_documents
    from orchestrator.engine.load import InputError as LoadError
    from orchestrator.engine.load import load_documents
    from skills.errors import InputError

    try:
        request, paths = read_options(args, DOOR.load_model(), sys.stdin, skill="aigw-skills trace")
        loaded = load_documents(paths)
    except (OptionError, InputError, LoadError) as exc:
        return fail(DOOR.command, str(exc))
    if (why := unusable(loaded, paths)) is not None:
        return fail(DOOR.command, why)
    trace = trace_documents(loaded.documents, request.model_dump(exclude={"manifests"}), loaded.sources)
    if args.format == "json":
        text = to_json([trace])
    elif args.format == "mermaid":
        text = to_mermaid(trace)
    else:
        text = to_text(trace)
    if not write_output(DOOR.command, text, args):
        return EXIT_USAGE
    return EXIT_FINDINGS if trace.failures else EXIT_OK
