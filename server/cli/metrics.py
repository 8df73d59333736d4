"""`aigw-skills metrics URL|FILE`: read a gateway's Prometheus endpoint (or a saved scrape) and summarise it.

The only network this product does besides `crds pull`, and only when asked: one GET of the given URL.
Exit 0 with a summary, 1 when the endpoint cannot be read, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestrator.engine.contract import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from server.cli.options import OptionError, add_model_options, collect_fields
from server.cli.output import fail
from server.doors import BY_COMMAND

DOOR = BY_COMMAND["metrics"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("metrics", help=DOOR.title, description=DOOR.description)
    add_model_options(parser, DOOR.load_model())
    parser.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    parser.set_defaults(handler=handle)


def _saved_scrape(source: str) -> str | None:
    """The text of a saved scrape when `source` is `-` or a path (no URL scheme), else None."""
    from orchestrator.analysis.metrics import MAX_BODY_BYTES, MetricsError
    from skills.errors import InputError, Problem
    from skills.yaml_input import YamlInputError, read_stream, read_text

    try:
        if source == "-":
            return read_stream(getattr(sys.stdin, "buffer", sys.stdin), "stdin", MAX_BODY_BYTES)
        if "://" in source:
            return None
        if not Path(source).exists():
            problem = Problem(
                "url", "no such file: give an http:// or https:// URL, or a saved scrape", source
            )
            raise InputError([problem], skill="aigw_metrics")
        return read_text(source, MAX_BODY_BYTES)  # capped: /dev/zero or a FIFO cannot exhaust memory
    except YamlInputError as exc:
        raise MetricsError(str(exc), unreadable=True) from None


def handle(args: argparse.Namespace) -> int:
    from orchestrator.analysis.metrics import MetricsError, read_summary, render_table, summarise_text
    from skills.errors import InputError

    model = DOOR.load_model()
    try:
        fields = collect_fields(args, model, sys.stdin)
        text = _saved_scrape(str(fields.get("url", "")))
        if text is not None:
            summary = summarise_text(text, "stdin" if fields["url"] == "-" else fields["url"])
        else:
            inp = model.parse(fields, skill="aigw_metrics")
            summary = read_summary(inp.url, inp.timeout_seconds)
    except (OptionError, InputError) as exc:
        return fail(DOOR.command, str(exc))
    except MetricsError as exc:
        return fail(DOOR.command, str(exc), EXIT_USAGE if exc.unreadable else EXIT_FINDINGS)
    if args.format == "json":
        sys.stdout.write(summary.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_table(summary))
    return EXIT_OK
