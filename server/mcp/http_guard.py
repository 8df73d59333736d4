"""What keeps misbehaving sockets from locking clients out of ``serve --http``.

uvicorn counts every open socket toward ``limit_concurrency`` and times out only idle keep-alives, so 128
sockets that never send a byte (or trickle header lines) locked every client out (503). Here:

* **Request-head timeout**: a connection has ``head_seconds`` from opening (or from the first byte of a later
  request) to finish its request head; otherwise it is closed. Idle keep-alives still close after the idle
  timeout.
* **Waiting sockets per address**: past ``waiting_per_address`` connections from one address waiting for
  their first request head, a new one closes the oldest that has waited a second and has sent nothing the
  server has not read yet (FIONREAD), so a flood from one place cannot hold the server while a burst of real
  clients on a loaded server loses nothing.
* **Concurrency counts work, not sockets**: :class:`RequestLimit` answers 503 only when more than ``limit``
  requests are in progress, and counts long-lived event streams (GET) separately, so a client's open stream
  does not take a slot from its own requests.
* **Query strings never logged**: the access log shows the path only (a token sent as ``?token=`` stays out of
  the log).
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import logging
import struct
import termios
from typing import TYPE_CHECKING

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

HEAD_SECONDS = 10.0
WAITING_PER_ADDRESS = 64
# A waiting socket younger than this is never closed for the cap: a burst of real clients (or a loaded server
# that has not read their heads yet) must not lose connections; the head timeout still bounds them all.
EVICT_AFTER_SECONDS = 1.0
LOG = logging.getLogger("aigw_skills.http")


def guarded_protocol(
    head_seconds: float = HEAD_SECONDS, waiting_per_address: int = WAITING_PER_ADDRESS
) -> type:
    """An H11Protocol class with the head timeout and per-address cap; one class (and table) per server."""
    waiting: dict[str, dict[GuardedH11, float]] = {}

    class GuardedH11(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None
        _address = ""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._address = self.client[0] if self.client else ""
            queue = waiting.setdefault(self._address, {})
            queue[self] = self.loop.time()
            self._arm()
            if len(queue) > waiting_per_address:
                now = self.loop.time()
                for other, since in list(queue.items()):
                    if now - since < EVICT_AFTER_SECONDS:
                        break  # the rest are younger still
                    if not other._has_unread_bytes():  # a loaded server may not have read a real head yet
                        other._close(
                            f"more than {waiting_per_address} connections from one address sent nothing"
                        )
                        break

        def data_received(self, data: bytes) -> None:
            if self._head_timer is None and self.conn.their_state is h11.IDLE:
                self._arm()  # a later request on a keep-alive connection: its head is timed too
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._head_done()

        def connection_lost(self, exc: Exception | None) -> None:
            self._head_done()
            super().connection_lost(exc)

        def _has_unread_bytes(self) -> bool:
            """Bytes the client sent that this process has not read yet (FIONREAD); unknown counts as yes."""
            sock = self.transport.get_extra_info("socket")
            try:
                pending = fcntl.ioctl(sock.fileno(), termios.FIONREAD, b"\0\0\0\0")
                return bool(struct.unpack("i", pending)[0])
            except (AttributeError, OSError, ValueError):
                return True

        def _arm(self) -> None:
            self._head_timer = self.loop.call_later(head_seconds, self._head_timeout)

        def _head_done(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None
            queue = waiting.get(self._address)
            if queue is not None:
                queue.pop(self, None)
                if not queue:
                    waiting.pop(self._address, None)

        def _head_timeout(self) -> None:
            self._head_timer = None
            if self.conn.their_state is h11.IDLE:
                self._close(f"no complete request head within {head_seconds:g} s")

        def _close(self, why: str) -> None:
            self._head_done()
            if not self.transport.is_closing():
                LOG.info("closing connection from %s: %s", self._address or "?", why)
                self.transport.close()

    return GuardedH11


async def send_json_error(
    send: Send, status: int, error: str, description: str, *headers: tuple[bytes, bytes]
) -> None:
    """A small JSON error response (401, 503, ...) sent straight from an ASGI middleware."""
    body = json.dumps({"error": error, "error_description": description}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestLimit:
    """ASGI middleware: 503 (with Retry-After) when ``limit`` requests, or ``limit`` event streams, are open."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.active = {"request": 0, "stream": 0}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        kind = "stream" if scope.get("method") == "GET" else "request"
        if self.active[kind] >= self.limit:
            LOG.warning("503: %d %ss already in progress", self.limit, kind)
            description = f"{self.limit} {kind}s in progress; retry shortly"
            await send_json_error(send, 503, "busy", description, (b"retry-after", b"1"))
            return
        self.active[kind] += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active[kind] -= 1


class QueryStringFilter(logging.Filter):
    """Drop the query string from uvicorn's access-log lines (a token in ``?token=`` must never be logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?<query not logged>", *args[3:])
        return True


def install_log_filters() -> None:
    logging.getLogger("uvicorn.access").addFilter(QueryStringFilter())
