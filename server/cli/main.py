"""`aigw-skills`: the command-line front door. Each command module registers its own subcommands."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence

from orchestrator.engine.contract import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from skills import __version__

# The module that registers each command, so that a run builds only its own command's parser and imports only
# what that command uses (`serve` is started by MCP clients on every launch; `validate` runs in CI loops). The
# atomic skills' commands come from the catalog. tests/server/test_cli_parser.py checks this table against what
# every module registers.
COMMAND_MODULE: dict[str, str] = {
    "validate": "server.cli.validate",
    "crds": "server.cli.validate",
    "build": "server.cli.build",
    "init": "server.cli.build",
    "serve": "server.cli.serve",
    "index": "server.pack.commands",
    "skills": "server.pack.commands",
    "metrics": "server.cli.metrics",
    "migrate": "server.cli.migrate",
    "explain": "server.cli.explain",
    "trace": "server.cli.trace",
    "doctor": "server.cli.doctor",
    "plan": "server.cli.plan",
    "providers": "server.cli.providers",
}
# Modules that define register(subparsers), in the order `--help` lists their commands.
COMMAND_MODULES = ("server.cli.skill", *dict.fromkeys(COMMAND_MODULE.values()))


def module_for(command: str) -> str | None:
    """The module that registers ``command`` (None for an unknown command: the full parser reports it)."""
    if command in COMMAND_MODULE:
        return COMMAND_MODULE[command]
    from skills.catalog import SKILLS

    return "server.cli.skill" if any(s.atomic and s.command == command for s in SKILLS) else None


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
    module = module_for(argv[0]) if argv else None
    parser = build_parser((module,) if module else COMMAND_MODULES)
    args, extra = parser.parse_known_args(argv)
    if extra:
        _unrecognized(parser, argv, extra)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command != "serve":
        # A command is one short batch over JSON trees (no cycles): the default first threshold (700 allocations)
        # ran the cycle collector ~8% of the time validating 10,000 documents; the long-running server keeps it.
        gc.set_threshold(100_000, 20, 20)
    try:
        return int(handler(args))
    except KeyboardInterrupt:
        print("aigw-skills: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


def _command_parser(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.ArgumentParser:
    """The parser of the (sub)command ``argv`` names, e.g. ``crds pull``'s for ``crds pull --offline``."""
    found = parser
    for token in argv:
        if token.startswith("-"):
            continue
        choices = next((a.choices for a in found._actions if isinstance(a, argparse._SubParsersAction)), None)
        if not isinstance(choices, dict) or token not in choices:
            break
        found = choices[token]
    return found


def _unrecognized(parser: argparse.ArgumentParser, argv: Sequence[str], extra: Sequence[str]) -> None:
    """Report unknown arguments as the command's own error (its usage line, its name), with the closest options."""
    import difflib

    command = _command_parser(parser, argv)
    known = [o for a in command._actions for o in a.option_strings]
    hints = []
    for arg in extra:
        name = arg.split("=", 1)[0]
        if name.startswith("-"):
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            if close:
                hints.append(f"{name}: did you mean {close[0]}?")
    message = "unrecognized arguments: " + " ".join(extra)
    command.error(message + ("; " + "; ".join(hints) if hints else "") + f" (see {command.prog} --help)")


if __name__ == "__main__":
    sys.exit(main())
