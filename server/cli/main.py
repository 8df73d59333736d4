"""`aigw-skills`: the command-line front door. Each command module registers its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from skills import __version__

# Modules that define register(subparsers). Every listed module must exist.
COMMAND_MODULES = (
    "server.cli.skill",
    "server.cli.validate",
    "server.cli.build",
    "server.cli.serve",
    "server.pack.commands",
    "server.cli.metrics",
    "server.cli.migrate",
    "server.cli.explain",
)


# `serve` is started by MCP clients on every launch: its parser alone keeps cold start close to a bare server
# (the skill commands' options are derived from the input models, which are costly to import).
FAST_PATHS = {"serve": ("server.cli.serve",)}


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aigw-skills",
        description="Build, validate and serve Envoy AI Gateway configurations (skills, MCP server, CLI).",
    )
    parser.add_argument("--version", action="version", version=f"aigw-skills {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(FAST_PATHS.get(argv[0], COMMAND_MODULES) if argv else COMMAND_MODULES)
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        print("aigw-skills: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
