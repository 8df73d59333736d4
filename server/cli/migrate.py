"""`aigw-skills migrate PATH...`: rewrite older AI Gateway manifests for a target release, then validate them.

Output: the migrated manifests (``--format yaml``, default) or one JSON object with manifests, changes, warnings and
the validation report (``--format json``), on stdout or in ``-o FILE``. With YAML output the change report goes to
stderr. Exit 0 when the result validates without errors, 1 when it has error findings, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import sys

from orchestrator.engine.contract import CRDS_ENV, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from server.cli.options import OptionError, add_model_options, read_options
from server.cli.output import add_output_options, fail, unusable, write_output
from server.doors import BY_COMMAND

DOOR = BY_COMMAND["migrate"]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("migrate", help=DOOR.title, description=DOOR.description)
    add_model_options(p, DOOR.load_model())
    p.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format [%(default)s]")
    add_output_options(p, "write the output to FILE instead of stdout")
    p.add_argument("--crds", metavar="PATH", help=f"CRD directory or file [default: ${CRDS_ENV}, else cache]")
    p.set_defaults(handler=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    from orchestrator.analysis.migrate.report import migrate_and_validate, render, render_changes
    from orchestrator.compose.report_file import with_bundle_secrets
    from orchestrator.engine.crds import CRDSourceError, configured_crds, resolve_crd_source
    from orchestrator.engine.lint.linter import LintContext
    from orchestrator.engine.load import InputError, load_documents
    from skills.errors import InputError as OptionsError

    try:
        inp, paths = read_options(args, DOOR.load_model(), sys.stdin, skill="migrate")
    except (OptionError, OptionsError) as exc:
        return fail(DOOR.command, str(exc))
    inp = with_bundle_secrets(inp, paths)  # a bundle directory's own Secrets, as validate reads them
    try:
        loaded = load_documents(paths)
    except InputError as exc:
        return fail(DOOR.command, str(exc))
    if (why := unusable(loaded, paths)) is not None:
        return fail(DOOR.command, why)
    try:
        crds, note = resolve_crd_source(configured_crds(args.crds), inp.target_version)
    except CRDSourceError as exc:
        return fail(DOOR.command, f"CRDs: {exc}")
    result = migrate_and_validate(
        loaded.documents,
        inp.target_version,
        crds=crds,
        crds_note=note,
        context=LintContext(external_secrets=frozenset(inp.external_secrets), partial=inp.partial),
        sources=loaded.sources,
    )
    text = render(result, args.format)
    if not write_output(DOOR.command, text, args):
        return EXIT_USAGE
    if args.format == "yaml" or args.output:
        sys.stderr.write(render_changes(result))
    return EXIT_OK if result.ok else EXIT_FINDINGS
