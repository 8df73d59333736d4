"""`aigw-skills providers [--provider ID]`: the model-provider presets aigw-skills backend and build accept.

Exit 0, or 2 for usage errors (an unknown preset id).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from orchestrator.engine.contract import EXIT_OK
from server.cli.options import OptionError, add_model_options, collect_fields
from server.cli.output import fail
from server.doors import BY_COMMAND

DOOR = BY_COMMAND["providers"]
COLUMNS = ("id", "title", "schema", "hostname", "auth", "secret_env")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("providers", help=DOOR.title, description=DOOR.description)
    add_model_options(p, DOOR.load_model())
    p.add_argument("--format", choices=("table", "json"), default="table", help="output format [%(default)s]")
    p.set_defaults(handler=run_providers)


def render_table(entries: list[dict[str, Any]]) -> str:
    """One row per preset, columns padded to their widest cell."""
    rows = [list(COLUMNS), *([str(e.get(c) or "-") for c in COLUMNS] for e in entries)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    return "".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() + "\n" for r in rows
    )


def run_providers(args: argparse.Namespace) -> int:
    from skills.errors import InputError
    from skills.providers_input import select

    model = DOOR.load_model()
    try:
        entries = select(model.parse(collect_fields(args, model, sys.stdin), skill="providers"))
    except (OptionError, InputError) as exc:
        return fail(DOOR.command, str(exc))
    if args.format == "json":
        sys.stdout.write(json.dumps({"providers": entries}, indent=2) + "\n")
    else:
        sys.stdout.write(render_table(entries))
    return EXIT_OK
