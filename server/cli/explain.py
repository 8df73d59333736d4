"""`aigw-skills explain PATH...`: a text summary of AI Gateway manifests and a Mermaid diagram of their topology.

Exit 0 when something was explained, 2 for usage errors or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys

from orchestrator.engine.contract import EXIT_OK, EXIT_USAGE
from server.cli.options import OptionError, add_model_options, read_options
from server.cli.output import add_output_options, fail, unusable, write_output
from server.doors import BY_COMMAND

DOOR = BY_COMMAND["explain"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("explain", help=DOOR.title, description=DOOR.description)
    add_model_options(p, DOOR.load_model())
    p.add_argument(
        "--format",
        choices=("text", "mermaid", "json"),
        default="text",
        help="text: summary and fenced diagram; mermaid: the diagram only; json: both [%(default)s]",
    )
    add_output_options(p)
    p.set_defaults(handler=run_explain)


def run_explain(args: argparse.Namespace) -> int:
    from orchestrator.analysis.explain import explain_documents
    from orchestrator.engine.load import InputError, load_documents
    from skills.errors import InputError as OptionsError

    try:
        _, paths = read_options(args, DOOR.load_model(), sys.stdin, skill="explain")
        loaded = load_documents(paths)
    except (OptionError, OptionsError, InputError) as exc:
        return fail(DOOR.command, str(exc))
    if (why := unusable(loaded, paths)) is not None:
        return fail(DOOR.command, why)
    explanation = explain_documents(loaded.documents)
    if args.format == "json":
        text = json.dumps(explanation.to_dict(), indent=2) + "\n"
    elif args.format == "mermaid":
        text = explanation.mermaid
    else:
        text = explanation.text()
    return EXIT_OK if write_output(DOOR.command, text, args) else EXIT_USAGE
