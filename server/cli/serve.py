"""`aigw-skills serve`: the MCP server over stdio (default) or streamable HTTP (--http)."""

from __future__ import annotations

import argparse
from pathlib import Path

from orchestrator.engine.contract import CRDS_ENV, EXIT_OK
from server.cli.output import fail

TOKEN_HELP = "bearer token for --http in FILE (default: env AI_GATEWAY_API_KEY)"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="Run the MCP server (stdio, or --http)",
        description=(
            "Serve the aigw-skills tools, prompts and resources over MCP: stdio by default (for Claude Code, "
            "Cursor, VS Code, ...), or streamable HTTP at /mcp with --http (a bearer token is required)."
        ),
    )
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP at /mcp instead of stdio")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind with --http [default: 127.0.0.1]"
    )
    parser.add_argument("--port", type=int, default=8765, help="port for --http [default: 8765]")
    parser.add_argument("--token-file", metavar="FILE", help=TOKEN_HELP)
    parser.add_argument(
        "--no-auth",
        action="store_true",
        help="serve --http without a token (only allowed on a loopback address; for local testing)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="HOST",
        help="extra Host header value to accept with --http, e.g. mcp.example.internal (repeatable)",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=None,
        metavar="N",
        help="with --http: requests in progress (and, separately, open event streams) before new ones get 503; "
        "idle sockets do not count [default: 128]",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="with --http: close a connection that has not sent a complete request head in time [default: 10]",
    )
    parser.add_argument(
        "--max-sessions",
        type=int,
        default=None,
        metavar="N",
        help="with --http: open MCP sessions before a new client gets 503 (each holds ~0.15 MiB until it ends or "
        "idles out) [default: 10000]",
    )
    parser.add_argument(
        "--session-idle-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="with --http: end a session after this long without a request (clients that never end their "
        "session, e.g. the TypeScript SDK's close(), keep it until then) [default: 1800]",
    )
    parser.add_argument(
        "--metrics-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="with --http: a host aigw_metrics may fetch from (repeatable); without one it fetches nothing",
    )
    parser.add_argument(
        "--crds",
        metavar="PATH",
        help=f"CRD schemas (file or directory) for aigw_validate [default: env {CRDS_ENV}, else cached]",
    )
    parser.add_argument(
        "--tools",
        choices=["core", "all"],
        default="core",
        help="core: aigw_orchestrate, aigw_validate, aigw_providers (small tools/list for clients that load it "
        "into every conversation); all: also the atomic and day-two tools [default: core]",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from server.mcp.http import HttpSettings, ServeError, read_token

    settings = None
    if args.http:
        try:
            settings = HttpSettings(
                host=args.host,
                port=args.port,
                token=None if args.no_auth and not args.token_file else read_token(args.token_file),
                no_auth=args.no_auth,
                allowed_hosts=tuple(args.allowed_host),
                **({"max_connections": args.max_connections} if args.max_connections is not None else {}),
                **({"head_seconds": args.header_timeout} if args.header_timeout is not None else {}),
                **({"max_sessions": args.max_sessions} if args.max_sessions is not None else {}),
                **(
                    {"session_idle_seconds": args.session_idle_timeout}
                    if args.session_idle_timeout is not None
                    else {}
                ),
                metrics_hosts=tuple(args.metrics_host),
            )
            settings.check()
        except ServeError as exc:
            return fail("serve", str(exc))
    elif (
        args.no_auth
        or args.token_file
        or args.allowed_host
        or args.max_connections is not None
        or args.header_timeout is not None
        or args.max_sessions is not None
        or args.session_idle_timeout is not None
        or args.metrics_host
    ):
        return fail(
            "serve",
            "--no-auth, --token-file, --allowed-host, --max-connections, --header-timeout, --max-sessions, "
            "--session-idle-timeout and --metrics-host only apply with --http",
        )

    if args.crds and not Path(args.crds).exists():
        return fail("serve", f"--crds {args.crds}: no such file or directory")

    from orchestrator.engine.crds import configured_crds
    from server.mcp.app import create_server

    mcp = create_server(
        crds_path=configured_crds(args.crds),
        tool_set=args.tools,
        metrics_hosts=settings.metrics_hosts if settings is not None else None,
    )
    if settings is None:
        import anyio

        from server.mcp.stdio import run_stdio

        anyio.run(run_stdio, mcp)
    else:
        from server.mcp.http import serve

        serve(mcp, settings)
    return EXIT_OK
