"""`aigw-skills doctor [DUMP...]`: diagnose a running AI Gateway, live through kubectl or from a dump.

Exit codes as `validate`: 0 when no finding is an error (warnings too fail with --strict), 1 when there are
errors, 2 for usage errors, unreadable dumps and a cluster kubectl cannot reach. `--collect DIR` writes the
dump the live diagnosis reads (Secrets reduced to name, type and key names) and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from orchestrator.engine.contract import EXIT_OK, EXIT_USAGE
from server.cli.options import OptionError, add_model_options, collect_fields
from server.cli.output import add_output_options, fail, write_output
from server.doors import BY_COMMAND

DOOR = BY_COMMAND["doctor"]


def epilog() -> str:
    from orchestrator.analysis.doctor.catalog import describe_checks

    return (
        "Finding ids (stable; AIGW-Lxxx are lint rules, see validate --help):\n"
        + describe_checks()
        + "\n\nExit status: 0 when no finding is an error (warnings too with --strict), 1 when there are errors, "
        "2 for usage errors, unreadable dumps and an unreachable cluster.\n"
        "Offline: aigw-skills doctor --collect DIR (writes the dump), then aigw-skills doctor DIR anywhere."
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    from orchestrator.analysis.doctor.options import DoctorInput

    p = subparsers.add_parser(
        "doctor",
        help="Diagnose a running gateway (live via kubectl, or from a dump) and say what to fix first",
        description=textwrap.fill(DOOR.description, width=100),
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths", nargs="*", metavar="DUMP", help="dump files or directories (none: the live cluster)"
    )
    add_model_options(p, DoctorInput)
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format [%(default)s]")
    add_output_options(p, "write the report to FILE instead of stdout")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument(
        "--collect",
        metavar="DIR",
        help="write the live cluster's dump to DIR (a new or empty directory) instead of diagnosing it",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from orchestrator.analysis.doctor.report import exit_code, render_json, render_text
    from orchestrator.analysis.doctor.run import DoctorInput, run_doctor
    from orchestrator.analysis.doctor.snapshot import DumpError
    from orchestrator.analysis.kubectl import ClusterError, KubectlError
    from skills.errors import InputError

    try:
        fields = collect_fields(args, DoctorInput, sys.stdin)
        fields["dump"] = list(fields.get("dump") or []) + list(args.paths)
        inp = DoctorInput.parse(fields, skill="doctor")
    except (OptionError, InputError) as exc:
        return fail(DOOR.command, str(exc))
    if args.collect:
        if inp.dump:
            return fail(
                DOOR.command,
                "--collect reads the live cluster; drop the DUMP paths (or diagnose them without --collect)",
            )
        return _collect(inp, Path(args.collect))
    try:
        report = run_doctor(inp)
    except ClusterError as exc:  # a dump is the way round a cluster this machine cannot reach
        return fail(DOOR.command, exc.explain(dump=True))
    except (DumpError, KubectlError) as exc:
        return fail(DOOR.command, str(exc))
    text = render_json(report) if args.format == "json" else render_text(report)
    if not write_output(DOOR.command, text, args):
        return EXIT_USAGE
    return exit_code(report, strict=args.strict)


def _collect(inp: object, dest: Path) -> int:
    from orchestrator.analysis.doctor.run import DoctorInput, snapshot_for
    from orchestrator.analysis.doctor.snapshot import DumpError, dump_files
    from orchestrator.analysis.kubectl import KubectlError
    from skills import __version__
    from skills.safe_write import write_text_atomic

    assert isinstance(inp, DoctorInput)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        return fail(
            DOOR.command, f"--collect {dest}: exists and is not an empty directory; name a new directory"
        )
    try:
        snapshot = snapshot_for(inp)
    except (DumpError, KubectlError) as exc:
        return fail(DOOR.command, str(exc))
    try:
        dest.mkdir(parents=True, exist_ok=True)
        files = dump_files(snapshot, tool_version=__version__)
        for name, text in files.items():
            write_text_atomic(dest / name, text)
    except OSError as exc:
        return fail(DOOR.command, f"--collect {dest}: cannot write ({exc})")
    print(
        f"Collected {len(snapshot.objects)} objects and {len(snapshot.config_dumps)} config dump(s) into {dest} "
        f"(Secrets: names and key names only). Diagnose it with: aigw-skills doctor {dest}",
        file=sys.stderr,
    )
    return EXIT_OK
