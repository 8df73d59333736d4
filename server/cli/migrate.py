"""`aigw-skills migrate PATH...`: rewrite older AI Gateway manifests for a target release, then validate them.

Output: the migrated manifests (``--format yaml``, default) or one JSON object with manifests, changes, warnings and
the validation report (``--format json``), on stdout or in ``-o FILE``. With YAML output the change report goes to
stderr. Exit 0 when the result validates without errors, 1 when it has error findings, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys

from skills.versions import DEFAULT_VERSION, PROFILES

CRDS_ENV = "AIGW_SKILLS_CRDS"
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "migrate",
        help="Rewrite manifests written for older AI Gateway releases (v0.2–v1.0) for a target release",
        description=(
            "Rewrite older AI Gateway manifests: AIGatewayRoute targetRefs → parentRefs, route schema and "
            "filterConfig (→ GatewayConfig) removed, backendSecurityPolicyRef → policy targetRefs, OpenAI "
            "schema.version → prefix, Service backendRefs → Envoy Gateway Backends, AIServiceBackend timeouts → "
            "route rule timeouts, BackendTLSPolicy v1alpha3 → v1, aigateway.envoyproxy.io v1alpha1 → v1beta1. "
            "Every change is reported (resource, path, before, after, why) and the result is validated."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (recursive), '-' for stdin")
    p.add_argument(
        "--target-version",
        default=DEFAULT_VERSION,
        choices=list(PROFILES),
        metavar="VERSION",
        help=f"AI Gateway release to migrate to ({', '.join(PROFILES)}) [%(default)s]",
    )
    p.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format [%(default)s]")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite an existing output FILE")
    p.add_argument("--crds", metavar="PATH", help=f"CRD directory or file [default: ${CRDS_ENV}, else cache]")
    p.add_argument(
        "--external-secret",
        action="append",
        default=[],
        metavar="NAME",
        help="a Secret created outside these manifests (name or namespace/name); repeatable",
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help="the files are part of a larger set: references to objects outside them are notes, not errors",
    )
    p.set_defaults(handler=run_migrate)


def _fail(message: str) -> int:
    print(f"aigw-skills migrate: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_migrate(args: argparse.Namespace) -> int:
    from orchestrator.analysis.migrate.report import migrate_and_validate, render, render_changes
    from orchestrator.engine.crds import CRDSourceError, resolve_crd_source
    from orchestrator.engine.lint.linter import LintContext
    from orchestrator.engine.validate import InputError, load_documents

    try:
        loaded = load_documents(args.paths)
    except InputError as exc:
        return _fail(str(exc))
    if loaded.findings:
        return _fail("cannot read the input: " + "; ".join(f.message for f in loaded.findings))
    if not loaded.documents:
        return _fail("no Kubernetes objects found in " + " ".join(args.paths))
    try:
        crds, note = resolve_crd_source(args.crds or os.environ.get(CRDS_ENV) or None, args.target_version)
    except CRDSourceError as exc:
        return _fail(f"CRDs: {exc}")
    result = migrate_and_validate(
        loaded.documents,
        args.target_version,
        crds=crds,
        crds_note=note,
        context=LintContext(external_secrets=frozenset(args.external_secret), partial=args.partial),
        sources=loaded.sources,
    )
    text = render(result, args.format)
    from server.safe_write import emit

    problem = emit(text, args.output, force=args.force)
    if problem:
        return _fail(problem)
    if args.format == "yaml" or args.output:
        sys.stderr.write(render_changes(result))
    return EXIT_OK if result.ok else EXIT_FINDINGS
