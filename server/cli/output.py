"""Where a command's result and its errors go: `-o/--output FILE` with `--force`, else stdout; errors on stderr
as one line `aigw-skills COMMAND: what went wrong`, exit 2.

Every command module imports this at start-up, so it imports nothing heavy at the top (see COMMAND_MODULE in
server/cli/main.py): the writer is loaded when a result is written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from orchestrator.engine.contract import EXIT_USAGE

OUTPUT_HELP = "write to FILE instead of stdout"


def add_output_options(parser: argparse.ArgumentParser, output_help: str = OUTPUT_HELP) -> None:
    """`-o/--output FILE` and `--force` (overwrite an existing FILE), as every command that writes a file has."""
    parser.add_argument("-o", "--output", metavar="FILE", help=output_help)
    parser.add_argument("--force", action="store_true", help="overwrite an existing output FILE")


def fail(command: str, message: str, code: int = EXIT_USAGE) -> int:
    """Print `aigw-skills COMMAND: message` to stderr and return the exit code (2, usage, unless told)."""
    print(f"aigw-skills {command}: {message}", file=sys.stderr)
    return code


def unusable(loaded: Any, paths: Sequence[str | Path]) -> str | None:
    """Why the manifests a day-two command read cannot be used (each YAML error with its file and line, or no
    object in them), or None: the one sentence trace, explain and migrate fail with."""
    if loaded.findings:
        return "cannot read the input: " + "; ".join(f"{f.source}: {f.message}" for f in loaded.findings)
    if not loaded.documents:
        return (
            "no Kubernetes objects found in "
            + " ".join(str(p) for p in paths)
            + "; give the manifests (files, a folder, or - for stdin)"
        )
    return None


def write_output(command: str, text: str, args: argparse.Namespace) -> bool:
    """Write `text` to `-o FILE` (atomically; an existing FILE only with `--force`) or to stdout. False when it
    could not be written, after printing why with `fail`."""
    from skills.safe_write import emit

    problem = emit(text, args.output, force=args.force)
    if problem:
        fail(command, problem)
        return False
    return True
