"""Streamable HTTP serving with the hardening a network-facing MCP server needs.

* Bearer token on every request (env AI_GATEWAY_API_KEY or --token-file), compared in constant time. Only
  `--no-auth` skips it, and only on a loopback address.
* DNS-rebinding protection: the SDK's transport security with an explicit Host/Origin allow-list.
* Request bodies above MAX_BODY_BYTES are refused with 413 before they are parsed.
* Misbehaving sockets cannot lock clients out: a request head must arrive within --header-timeout, sockets
  waiting for one are capped per address, and the 503 cap counts requests in progress, not sockets
  (server/mcp/http_guard.py). Query strings never reach the access log.
* Logs, including uvicorn's access log, go to stderr only.
"""

from __future__ import annotations

import copy
import hmac
import ipaddress
import logging
import os
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from server.mcp.http_guard import (
    HEAD_SECONDS,
    RequestLimit,
    guarded_protocol,
    install_log_filters,
    send_json_error,
)

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer
    from starlette.types import ASGIApp, Receive, Scope, Send

TOKEN_ENV = "AI_GATEWAY_API_KEY"
MAX_BODY_BYTES = 1024 * 1024
MIN_TOKEN_CHARS = 16
MCP_PATH = "/mcp"
LOOPBACK_NAMES = ("localhost",)


class ServeError(Exception):
    """A configuration the server refuses to start with; the message says what to do instead."""


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_token(token_file: str | None, environ: dict[str, str] | None = None) -> str | None:
    """The bearer token from --token-file (first) or AI_GATEWAY_API_KEY; None when neither is set."""
    environ = dict(os.environ) if environ is None else environ
    if token_file:
        from skills.yaml_input import YamlInputError, read_text

        try:
            token = read_text(token_file, 64 * 1024, source=f"--token-file {token_file}").strip()
        except YamlInputError as exc:
            raise ServeError(str(exc)) from None
        source = f"--token-file {token_file}"
    else:
        token = environ.get(TOKEN_ENV, "").strip()
        source = TOKEN_ENV
        if not token:
            return None
    if len(token) < MIN_TOKEN_CHARS or any(c.isspace() for c in token):
        raise ServeError(
            f"the token from {source} must be at least {MIN_TOKEN_CHARS} characters without spaces; "
            "generate one with: openssl rand -hex 32"
        )
    return token


MAX_CONNECTIONS = 128  # requests in progress (and, separately, open event streams) before new ones get 503
IDLE_SECONDS = 15  # an idle keep-alive connection is closed after this long
# MCP sessions: a client that never ends its session (the TypeScript SDK's close() sends no DELETE) keeps ~0.15 MiB
# until the idle timeout; these bound that memory. Defaults are the SDK's (StreamableHTTPSessionManager).
MAX_SESSIONS = 10_000
SESSION_IDLE_SECONDS = 1800.0


@dataclass(frozen=True)
class HttpSettings:
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    no_auth: bool = False
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    max_body_bytes: int = MAX_BODY_BYTES
    max_connections: int = MAX_CONNECTIONS
    head_seconds: float = HEAD_SECONDS
    metrics_hosts: tuple[str, ...] = field(default_factory=tuple)
    max_sessions: int = MAX_SESSIONS
    session_idle_seconds: float = SESSION_IDLE_SECONDS

    def check(self) -> None:
        """Refuse unsafe combinations before anything binds."""
        if self.max_connections < 2:
            raise ServeError(f"--max-connections must be at least 2, got {self.max_connections}")
        for entry in self.metrics_hosts:
            try:
                parsed = urllib.parse.urlsplit(f"//{entry}")
                ok = bool(parsed.hostname) and parsed.path == "" and (parsed.port is None or parsed.port > 0)
            except ValueError:
                ok = False
            if not ok:
                raise ServeError(f"--metrics-host {entry!r}: give HOST or HOST:PORT, e.g. localhost:1064")
        if self.max_sessions < 1:
            raise ServeError(f"--max-sessions must be at least 1, got {self.max_sessions}")
        if not 60 <= self.session_idle_seconds <= 86400:
            raise ServeError(
                f"--session-idle-timeout must be between 60 and 86400 seconds, got {self.session_idle_seconds:g}"
            )
        if not 0 < self.head_seconds <= 300:
            raise ServeError(f"--header-timeout must be between 0 and 300 seconds, got {self.head_seconds:g}")
        if self.token and self.no_auth:
            raise ServeError(
                f"--no-auth conflicts with a token ({TOKEN_ENV} or --token-file); drop one of them"
            )
        if self.token is None and not self.no_auth:
            where = "" if is_loopback(self.host) else f" (and {self.host} is not a loopback address)"
            raise ServeError(
                f"HTTP serving needs a bearer token{where}: set {TOKEN_ENV} or pass --token-file FILE "
                "(generate one with: openssl rand -hex 32); for local testing only, --no-auth is allowed on "
                "127.0.0.1, ::1 or localhost"
            )
        if self.no_auth and not is_loopback(self.host):
            raise ServeError(
                f"refusing to serve {self.host} without authentication: --no-auth is only allowed on a "
                f"loopback address; set {TOKEN_ENV} or pass --token-file FILE"
            )

    def host_allow_list(self) -> list[str]:
        """Host header values accepted (any port): loopback names, the bind address, and --allowed-host."""
        hosts = ["127.0.0.1", "localhost", "[::1]"]
        bind = f"[{self.host}]" if ":" in self.host else self.host
        if bind not in hosts and bind not in ("0.0.0.0", "[::]"):
            hosts.append(bind)
        hosts += [h for h in self.allowed_hosts if h not in hosts]
        return hosts


class BearerAuth:
    """ASGI middleware: 401 unless `Authorization: Bearer <token>` matches (constant-time comparison)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._authorized(scope):
            await self.app(scope, receive, send)
            return
        await send_json_error(
            send,
            401,
            "unauthorized",
            "send Authorization: Bearer <token>",
            (b"www-authenticate", b'Bearer realm="aigw-skills"'),
        )

    def _authorized(self, scope: Scope) -> bool:
        values = [v for k, v in scope.get("headers", []) if k.lower() == b"authorization"]
        if len(values) != 1:
            return False
        scheme, _, credentials = values[0].strip().partition(b" ")
        return scheme.lower() == b"bearer" and hmac.compare_digest(credentials.strip(), self.token)


def build_app(mcp: MCPServer, settings: HttpSettings) -> ASGIApp:
    """The Starlette app serving `mcp` at /mcp, behind the bearer check (unless --no-auth)."""
    from mcp.server.transport_security import TransportSecuritySettings

    hosts = settings.host_allow_list()
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[f"{h}:*" for h in hosts] + hosts,
        allowed_origins=[
            f"{scheme}://{h}{port}" for scheme in ("http", "https") for h in hosts for port in (":*", "")
        ],
    )
    app: ASGIApp = mcp.streamable_http_app(
        streamable_http_path=MCP_PATH,
        max_request_body_size=settings.max_body_bytes,
        session_idle_timeout=settings.session_idle_seconds,
        max_sessions=settings.max_sessions,
        transport_security=security,
        host=settings.host,
    )
    guarded = app if settings.token is None else BearerAuth(app, settings.token)
    return RequestLimit(guarded, settings.max_connections)


class DisconnectFilter(logging.Filter):
    """A client that goes away mid-request is routine on a network: log one line, not the SDK's traceback
    (~25 lines each), so a client that keeps disconnecting cannot flood the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and type(exc).__name__ in DISCONNECTS:
            record.msg = f"{record.getMessage()}: client disconnected ({type(exc).__name__})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


# Exception types that mean "the peer went away" (starlette, anyio, the OS).
DISCONNECTS = frozenset(
    {"ClientDisconnect", "ClosedResourceError", "BrokenResourceError", "ConnectionResetError"}
)
SDK_HTTP_LOGGER = "mcp.server.streamable_http"


def log_config() -> dict[str, Any]:
    """uvicorn's logging config with the access log moved from stdout to stderr."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    for handler in config["handlers"].values():
        handler["stream"] = "ext://sys.stderr"
    return config


def serve(mcp: MCPServer, settings: HttpSettings) -> None:
    """Run until interrupted. Call settings.check() first (serve does too)."""
    import sys

    import uvicorn

    settings.check()
    logging.getLogger(SDK_HTTP_LOGGER).addFilter(DisconnectFilter())
    install_log_filters()
    app = build_app(mcp, settings)
    auth = "no authentication (loopback only)" if settings.token is None else "bearer token required"
    print(
        f"aigw-skills: serving MCP at http://{settings.host}:{settings.port}{MCP_PATH} ({auth}; "
        f"Host allowed: {', '.join(settings.host_allow_list())})",
        file=sys.stderr,
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=log_config(),
        lifespan="on",
        # Sockets that have not sent a request head are timed out and capped per address (http_guard), so
        # they never count toward the cap; RequestLimit answers 503 only past max_connections requests.
        http=guarded_protocol(settings.head_seconds),
        timeout_keep_alive=IDLE_SECONDS,
    )
