"""`aigw-skills validate` and `aigw-skills crds pull|list`.

Exit codes: ``validate`` returns 0 when no finding is an error (with ``--strict``, warnings and checks that did not
run fail too), 1 when there are error findings, 2 for usage errors, unreadable input or CRDs, and input that holds
no Kubernetes object to check. ``crds pull`` returns 0 on success, 1 when a download or its content check fails,
2 for usage errors. Results go to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from orchestrator.engine.contract import CACHE_ENV, CRDS_ENV, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from server.cli.options import OptionError, add_model_options, read_options
from server.cli.output import add_output_options, fail, write_output
from server.doors import BY_COMMAND
from skills.versions import DEFAULT_VERSION, PULLABLE

if TYPE_CHECKING:
    from orchestrator.engine.inputs import ValidateInput

DOOR = BY_COMMAND["validate"]
PULL = "crds pull"  # the command name its errors start with, as validate's do


def register(subparsers: argparse._SubParsersAction) -> None:
    _register_validate(subparsers)
    _register_crds(subparsers)


def _register_validate(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "validate",
        help=DOOR.title,
        description=(
            f"{DOOR.description} CRDs come from --crds, ${CRDS_ENV}, --cluster, or the cache filled by "
            "`aigw-skills crds pull`."
        ),
        epilog=(
            "Exit status: 0 when no finding is an error, 1 when there are errors (with --strict: warnings, or a "
            "check that did not run), 2 for usage errors, unreadable input or CRDs, and input that holds no "
            "Kubernetes object to check (everything skipped)."
        ),
    )
    add_model_options(p, DOOR.load_model())
    p.add_argument("--crds", metavar="PATH", help=f"CRD directory or file [default: ${CRDS_ENV}, else cache]")
    p.add_argument(
        "--cluster", action="store_true", help="read the CRDs installed in the current kubectl context"
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="never fetch the pinned CRDs on first use (also env AIGW_SKILLS_OFFLINE=1; tests and CI set it)",
    )
    p.add_argument(
        "--format", choices=("text", "json", "junit"), default="text", help="output format [%(default)s]"
    )
    add_output_options(p, "write the report to FILE instead of stdout")
    p.add_argument(
        "--strict",
        action="store_true",
        help=(
            "exit 1 on warnings too, and when a check did not run (the report's 'not checked' lines: no CRDs, "
            "no schema for a kind, a kustomization's transformations, remote resources)"
        ),
    )
    p.set_defaults(handler=run_validate)


def _register_crds(subparsers: argparse._SubParsersAction) -> None:
    crds = subparsers.add_parser("crds", help="Fetch and list the CRD schemas validation uses")
    sub = crds.add_subparsers(dest="crds_command", metavar="SUBCOMMAND")
    pull = sub.add_parser(
        "pull",
        help="Download the CRDs for an AI Gateway version into the cache (the only network access)",
        description=(
            "Download the AI Gateway, Envoy Gateway, Gateway API (experimental channel) and Inference Extension "
            "CRDs pinned for an AI Gateway version (every file's size and sha256 are pinned in code and checked), and "
            "validate offline "
            f"afterwards. Cache: ${CACHE_ENV}, else $XDG_CACHE_HOME/aigw-skills, else ~/.cache/aigw-skills."
        ),
    )
    pull.add_argument("--version", default=DEFAULT_VERSION, help="AI Gateway version [%(default)s]")
    pull.add_argument(
        "--base-url",
        action="append",
        default=[],
        metavar="SOURCE=URL",
        help="override a source's base URL (ai-gateway, envoy-gateway, gateway-api, inference-extension)",
    )
    pull.add_argument(
        "--dest", metavar="DIR", help="write into DIR (new, empty or a previous pull) instead of the cache"
    )
    pull.add_argument(
        "--allow-http", action="store_true", help="accept plain http:// base URLs (a local mirror)"
    )
    pull.add_argument("--timeout", type=float, default=60.0, help="seconds per download [%(default)s]")
    pull.set_defaults(handler=run_crds_pull)
    listing = sub.add_parser("list", help="Show the cached CRD versions and where they came from")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=run_crds_list)
    crds.set_defaults(handler=lambda args: _usage(crds))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def run_validate(args: argparse.Namespace) -> int:
    from orchestrator.compose.report_file import with_bundle_secrets
    from orchestrator.engine.crd_cache import is_offline
    from orchestrator.engine.crds import CRDSourceError, configured_crds, resolve_crd_source
    from orchestrator.engine.findings import exit_code
    from orchestrator.engine.inputs import nothing_to_check, validate_loaded
    from orchestrator.engine.load import InputError, load_documents
    from orchestrator.engine.report_format import render, summary_line
    from skills.errors import InputError as OptionsError

    try:
        inp, paths = read_options(args, DOOR.load_model(), sys.stdin, skill="validate")
    except (OptionError, OptionsError) as exc:
        return fail(DOOR.command, str(exc))
    inp = with_bundle_secrets(inp, paths)  # a bundle directory's own Secrets: its secrets.sh creates them
    try:  # the input first: a missing file is reported before any CRD fetch
        loaded = load_documents(paths)
    except InputError as exc:
        return fail(DOOR.command, str(exc))
    loaded.notes[:] = [_with_options(n, args, inp) for n in loaded.notes]
    empty = nothing_to_check(loaded, paths)
    if empty:
        return fail(DOOR.command, empty)
    try:
        crds, note = resolve_crd_source(
            configured_crds(args.crds),
            inp.target_version,
            args.cluster,
            offline=is_offline(args.offline),
            on_fetch=lambda message: print(f"aigw-skills validate: {message}", file=sys.stderr),
        )
    except CRDSourceError as exc:
        return fail(DOOR.command, f"CRDs: {exc}")
    report = validate_loaded(loaded, inp, crds, note)
    if not write_output(DOOR.command, render(report, args.format), args):
        return EXIT_USAGE
    if args.output:
        print(f"{summary_line(report)}; report written to {args.output}", file=sys.stderr)
    code = exit_code(report, strict=args.strict)
    if args.strict and code == EXIT_OK and report.checks_skipped:
        count = len(report.checks_skipped)
        return fail(
            DOOR.command,
            f"--strict: {count} check{'s' if count > 1 else ''} did not run, so the run fails: "
            + " ".join(report.checks_skipped),
            EXIT_FINDINGS,
        )
    return code


def _with_options(note: str, args: argparse.Namespace, inp: ValidateInput) -> str:
    """A kustomization note's `kubectl kustomize DIR | aigw-skills validate -` with this run's options in it (the
    CRDs, what exists outside the manifests, lint and exit settings; not the output's), so the command checks the
    real output the same way. A bundle folder's own Secrets are in ``inp`` already: stdin does not find them."""
    import shlex

    from orchestrator.engine.kustomization import SAME_OPTIONS, VALIDATE_STDIN

    options: list[str] = []
    if args.crds:
        options += ["--crds", str(args.crds)]
    for flag, on in (("--cluster", args.cluster), ("--offline", args.offline), ("--strict", args.strict)):
        options += [flag] if on else []
    if inp.target_version != DEFAULT_VERSION:
        options += ["--target-version", inp.target_version]
    for flag, values in (
        ("--external-secret", inp.external_secrets),
        ("--existing-gateway", inp.existing_gateways),
        ("--existing-gateway-class", inp.existing_gateway_classes),
        ("--existing", inp.existing),
    ):
        for value in values:
            options += [flag, str(value)]
    options += [] if inp.lint else ["--no-lint"]
    options += ["--partial"] if inp.partial else []
    command = " ".join([VALIDATE_STDIN, *map(shlex.quote, options)])
    return note.replace(f"{VALIDATE_STDIN}`{SAME_OPTIONS}", f"{command}`")


def _base_urls(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        source, sep, url = pair.partition("=")
        if not sep or not source or not url:
            raise ValueError(f"--base-url expects SOURCE=URL, got {pair!r}")
        out[source] = url
    return out


def run_crds_pull(args: argparse.Namespace) -> int:
    from orchestrator.engine.crd_cache import pull_crds
    from orchestrator.engine.crds import CRDSourceError

    if args.version not in PULLABLE:
        return fail(PULL, f"no CRD pins for AI Gateway {args.version}; known: {', '.join(PULLABLE)}")
    try:
        urls = _base_urls(args.base_url)
        result = pull_crds(
            args.version,
            base_urls=urls,
            dest=Path(args.dest) if args.dest else None,
            timeout=args.timeout,
            allow_http=args.allow_http,
        )
    except ValueError as exc:
        return fail(PULL, str(exc))
    except CRDSourceError as exc:
        unknown_source = any(
            s in str(exc) for s in ("unknown CRD source", "base URL", "not part of a CRD pull")
        )
        return fail(PULL, str(exc), EXIT_USAGE if unknown_source else EXIT_FINDINGS)
    except OSError as exc:
        return fail(PULL, f"cannot write the cache: {exc}", EXIT_FINDINGS)
    for f in result.files:
        print(f"{f.source:<20} {f.crds:>2} CRDs  sha256:{f.sha256[:16]}  {f.url}")
    print(f"AI Gateway {result.version} CRDs cached in {result.dest}; validation now works offline.")
    return EXIT_OK


def run_crds_list(args: argparse.Namespace) -> int:
    from orchestrator.engine.crd_cache import cache_root, list_cached

    cached = list_cached()
    if args.format == "json":
        data = [
            {"version": c.version, "path": str(c.path), "fetched_at": c.fetched_at, "files": list(c.files)}
            for c in cached
        ]
        print(json.dumps({"cache": str(cache_root()), "versions": data, "known": list(PULLABLE)}, indent=2))
        return EXIT_OK
    if not cached:
        print(f"No CRDs cached in {cache_root()}; run `aigw-skills crds pull --version {DEFAULT_VERSION}`.")
    for c in cached:
        print(f"{c.version}  {c.path}  (fetched {c.fetched_at})")
        for f in c.files:
            print(
                f"  {f.get('source', '?'):<20} {f.get('crds', '?'):>2} CRDs  sha256:{str(f.get('sha256'))[:16]}  {f.get('url')}"
            )
    print("Versions with known pins: " + ", ".join(PULLABLE))
    return EXIT_OK
