"""`aigw-skills metrics URL`: read a gateway's Prometheus endpoint and summarise it; also the aigw_metrics tool.

The only network this product does besides `crds pull`, and only when asked: one GET of the given URL.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import Field

from orchestrator.analysis.metrics import (
    MetricsError,
    MetricsSummary,
    read_summary,
    render_table,
    summarise_text,
)
from skills.errors import InputError, Problem
from skills.model import InputModel
from skills.types import HttpUrl

TOOL_DESCRIPTION = (
    "Reads an Envoy AI Gateway's Prometheus metrics endpoint (the extproc admin port's /metrics, e.g. "
    "http://localhost:1064/metrics via a port-forward) and summarises token usage, request counts, errors and "
    "latency (mean, p50, p95, time to first token) per model and backend, from the gen_ai.* OpenTelemetry "
    "metrics. Use to check what a running gateway is doing; this is the only tool that makes a network request. "
    "Next: aigw_explain on the gateway's manifests to see which route and provider each backend is."
)


class MetricsInput(InputModel):
    """Where the gateway's Prometheus metrics are served."""

    url: HttpUrl = Field(description="Prometheus endpoint, e.g. http://localhost:1064/metrics")
    timeout_seconds: float = Field(10.0, gt=0, le=120, description="How long to wait for the answer")


def run_metrics(inp: MetricsInput) -> MetricsSummary:
    """The tool body: fetch and summarise, with fetch failures reported as an input problem on url."""
    try:
        return read_summary(inp.url, inp.timeout_seconds)
    except MetricsError as exc:
        raise InputError([Problem("url", str(exc), inp.url)], skill="aigw_metrics") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "metrics",
        help="Summarise a gateway's token usage, requests, errors and latency per model and backend",
        description=TOOL_DESCRIPTION,
    )
    parser.add_argument(
        "url",
        metavar="URL|FILE",
        help="Prometheus endpoint, e.g. http://localhost:1064/metrics, or a saved scrape (a file, - for stdin)",
    )
    parser.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait (default 10)")
    parser.set_defaults(handler=handle)


def _saved_scrape(source: str) -> str | None:
    """The text of a saved scrape when `source` is `-` or a path (no URL scheme), else None."""
    if source == "-":
        return sys.stdin.read()
    if "://" in source:
        return None
    path = Path(source)
    if not path.is_file():
        problem = Problem("url", "no such file: give an http:// or https:// URL, or a saved scrape", source)
        raise InputError([problem], skill="aigw_metrics")
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise MetricsError(f"{source}: cannot read: {exc.strerror}") from None


def handle(args: argparse.Namespace) -> int:
    try:
        text = _saved_scrape(args.url)
        if text is not None:
            summary = summarise_text(text, "stdin" if args.url == "-" else args.url)
        else:
            inp = MetricsInput.parse({"url": args.url, "timeout_seconds": args.timeout})
            summary = read_summary(inp.url, inp.timeout_seconds)
    except InputError as exc:
        print(f"aigw-skills metrics: {exc}", file=sys.stderr)
        return 2
    except MetricsError as exc:
        print(f"aigw-skills metrics: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        sys.stdout.write(summary.model_dump_json(indent=2) + "\n")
    else:
        sys.stdout.write(render_table(summary))
    return 0
