"""`aigw-skills explain PATH...`: a text summary of AI Gateway manifests and a Mermaid diagram of their topology.

Exit 0 when something was explained, 2 for usage errors or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "explain",
        help="Summarize manifests and draw Gateway → route → rules → backends → providers as Mermaid",
        description=(
            "Read manifests and print what they set up: each Gateway, route and rule, the backends and provider "
            "endpoints behind them, and the policies attached (BackendSecurityPolicy, BackendTLSPolicy, "
            "ClientTrafficPolicy, BackendTrafficPolicy, GatewayConfig), followed by a Mermaid flowchart."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (recursive), '-' for stdin")
    p.add_argument(
        "--format",
        choices=("text", "mermaid", "json"),
        default="text",
        help="text: summary and fenced diagram; mermaid: the diagram only; json: both [%(default)s]",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    p.add_argument("--force", action="store_true", help="overwrite an existing output FILE")
    p.set_defaults(handler=run_explain)


def run_explain(args: argparse.Namespace) -> int:
    from orchestrator.analysis.explain import explain_documents
    from orchestrator.engine.validate import InputError, load_documents

    try:
        loaded = load_documents(args.paths)
    except InputError as exc:
        print(f"aigw-skills explain: {exc}", file=sys.stderr)
        return 2
    if loaded.findings or not loaded.documents:
        why = "; ".join(f.message for f in loaded.findings) or "no Kubernetes objects found"
        print(f"aigw-skills explain: {why}", file=sys.stderr)
        return 2
    explanation = explain_documents(loaded.documents)
    if args.format == "json":
        text = json.dumps(explanation.to_dict(), indent=2) + "\n"
    elif args.format == "mermaid":
        text = explanation.mermaid
    else:
        text = explanation.text()
    from server.safe_write import emit

    problem = emit(text, args.output, force=args.force)
    if problem:
        print(f"aigw-skills explain: {problem}", file=sys.stderr)
        return 2
    return 0
