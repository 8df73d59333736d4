"""`aigw-skills trace PATH... [--model M] [--path P] [--header 'Name: value']...`: where a request goes.

Walks the request through the manifests the way the controllers would (see orchestrator.analysis.trace) and
prints each step with what decided it. The request options come from the core's TraceRequest model.
Exit 0 when the request reaches a backend (or the gateway answers it itself), 1 when a step would fail it,
2 for usage errors or unreadable input.
"""

from __future__ import annotations

import argparse
import sys

EXIT_OK, EXIT_FAILS, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    from orchestrator.analysis.trace.model import TraceRequest
    from server.cli.options import add_model_options

    p = subparsers.add_parser(
        "trace",
        help="Follow one request through manifests: listener, rule, backend, translation, credentials, policies",
        description=(
            "Walk a request through AI Gateway manifests as the controllers would build the data path: Gateway "
            "listener, AIGatewayRoute rule, backends with priority and weight, endpoint x schema translation, "
            "model name override, BackendSecurityPolicy, BackendTrafficPolicy (attached or Conflicted), client "
            "SecurityPolicy, and the upstream host, port and path. Each step says what decided it and why; a "
            "failing step says what to change. Exit 0 when the request reaches a backend, 1 when it would fail."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (recursive), '-' for stdin")
    add_model_options(p, TraceRequest)
    p.add_argument(
        "--format",
        choices=("text", "json", "mermaid"),
        default="text",
        help="text: one line per step; json: the trace as data; mermaid: a sequence diagram [%(default)s]",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite an existing output FILE")
    p.set_defaults(handler=run_trace)


def run_trace(args: argparse.Namespace) -> int:
    from orchestrator.analysis.trace import TraceRequest, to_json, to_mermaid, to_text, trace_documents
    from orchestrator.engine.validate import InputError as LoadError
    from orchestrator.engine.validate import load_documents
    from server.cli.options import OptionError, collect_fields
    from server.safe_write import emit
    from skills.errors import InputError

    def fail(message: str) -> int:
        print(f"aigw-skills trace: {message}", file=sys.stderr)
        return EXIT_USAGE

    try:
        request = TraceRequest.parse(collect_fields(args, TraceRequest, sys.stdin), skill="aigw-skills trace")
    except (OptionError, InputError) as exc:
        return fail(str(exc))
    try:
        loaded = load_documents(args.paths)
    except LoadError as exc:
        return fail(str(exc))
    if loaded.findings or not loaded.documents:
        return fail("; ".join(f.message for f in loaded.findings) or "no Kubernetes objects found")
    trace = trace_documents(loaded.documents, request, loaded.sources)
    if args.format == "json":
        text = to_json([trace])
    elif args.format == "mermaid":
        text = to_mermaid(trace)
    else:
        text = to_text(trace)
    problem = emit(text, args.output, force=args.force)
    if problem:
        return fail(problem)
    return EXIT_FAILS if trace.failures else EXIT_OK
