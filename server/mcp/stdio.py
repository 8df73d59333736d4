"""The stdio transport with answers for malformed messages.

The SDK's stdio reader drops a line it cannot parse (invalid JSON, a batch, a lone surrogate, JSON nested too
deep), so the client waits for its timeout; over HTTP the same input gets a JSON-RPC error. Here every line is
checked first: unparseable JSON gets -32700, a JSON value that is not one JSON-RPC message gets -32600 (with
the message's ``id`` when it can be read), a line longer than the cap is drained and answered -32600, and each
case is one line on stderr. Good lines go to the SDK unchanged.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import AsyncIterator
from typing import IO, Any

import anyio
import mcp_types as types
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage

MAX_LINE_BYTES = 4 * 1024 * 1024  # one JSON-RPC message; the HTTP front caps bodies lower
MAX_JSON_DEPTH = 256
PARSE_ERROR, INVALID_REQUEST = -32700, -32600
LOG = logging.getLogger("aigw_skills.stdio")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _shape(value: Any) -> tuple[int, bool]:
    """(nesting depth, whether any string or key holds a lone surrogate), without recursion."""
    deepest, surrogate, stack = 0, False, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        if isinstance(item, str):
            surrogate = surrogate or _SURROGATE.search(item) is not None
        elif isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest, surrogate


def check_line(line: bytes) -> tuple[int, str, Any] | None:
    """None when ``line`` is one well-formed JSON-RPC message; else (code, message, id) for the answer."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return PARSE_ERROR, f"Parse error: not UTF-8 (byte {exc.start})", None
    try:
        value = json.loads(text)
    except RecursionError:
        return PARSE_ERROR, f"Parse error: JSON nested deeper than {MAX_JSON_DEPTH} levels", None
    except ValueError as exc:
        return PARSE_ERROR, f"Parse error: {exc}", None
    if isinstance(value, list):
        return INVALID_REQUEST, "Invalid Request: batches are not supported; send one message per line", None
    if not isinstance(value, dict):
        return INVALID_REQUEST, "Invalid Request: a JSON-RPC message is a JSON object", None
    raw_id = value.get("id")
    msg_id = raw_id if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
    depth, surrogate = _shape(value)
    if depth > MAX_JSON_DEPTH:
        return INVALID_REQUEST, f"Invalid Request: JSON nested deeper than {MAX_JSON_DEPTH} levels", msg_id
    if surrogate:
        return INVALID_REQUEST, "Invalid Request: a string holds a lone surrogate (\\ud800-\\udfff)", msg_id
    try:
        types.jsonrpc_message_adapter.validate_json(text, by_name=False)
    except Exception as exc:  # pydantic's ValidationError and anything else the adapter raises
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return INVALID_REQUEST, f"Invalid Request: not a JSON-RPC 2.0 message ({first[:200]})", msg_id
    return None


def error_line(code: int, message: str, msg_id: Any) -> SessionMessage:
    error = types.JSONRPCError(jsonrpc="2.0", id=msg_id, error=types.ErrorData(code=code, message=message))
    return SessionMessage(error)


class CheckedLines:
    """An async iterator of good lines from a binary stream; bad ones are answered on ``answer``."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.ready = anyio.Event()
        self.answer: Any = None  # the SDK's write stream, set once the transport is up

    def __aiter__(self) -> AsyncIterator[str]:
        return self._lines()

    async def _lines(self) -> AsyncIterator[str]:
        while True:
            line = await anyio.to_thread.run_sync(self.stream.readline, MAX_LINE_BYTES + 1)
            if not line:
                return
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while True:  # drain the rest of the oversized line
                    rest = await anyio.to_thread.run_sync(self.stream.readline, MAX_LINE_BYTES)
                    if not rest or rest.endswith(b"\n"):
                        break
                await self._refuse(
                    (INVALID_REQUEST, f"Invalid Request: a message over {MAX_LINE_BYTES} bytes", None)
                )
                continue
            if not line.strip():
                continue
            problem = check_line(line)
            if problem is None:
                yield line.decode("utf-8")
            else:
                await self._refuse(problem)

    async def _refuse(self, problem: tuple[int, str, Any]) -> None:
        code, message, msg_id = problem
        LOG.warning("stdio: answered %d to a malformed message (id %s): %s", code, msg_id, message)
        await self.ready.wait()
        await self.answer.send(error_line(code, message, msg_id))


async def run_stdio(mcp: Any, stdin: IO[bytes] | None = None) -> None:
    """Serve ``mcp`` (an MCPServer) over stdin/stdout like ``run_stdio_async``, answering malformed lines."""
    lines = CheckedLines(stdin or sys.stdin.buffer)
    async with stdio_server(stdin=lines) as (read_stream, write_stream):  # type: ignore[arg-type]
        lines.answer = write_stream
        lines.ready.set()
        server = mcp._lowlevel_server
        await server.run(read_stream, write_stream, server.create_initialization_options())
