"""`aigw-skills`: the command-line front door. Each command module registers its own subcommands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from skills import __version__

# Modules that define register(subparsers); imported lazily by main() so `--help` stays fast to change.
COMMAND_MODULES = (
    "server.skill_commands",
    "server.validate_command",
    "server.build_command",
    "server.serve_command",
    "server.pack_commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aigw-skills",
        description="Build, validate and serve Envoy AI Gateway configurations (skills, MCP server, CLI).",
    )
    parser.add_argument("--version", action="version", version=f"aigw-skills {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
