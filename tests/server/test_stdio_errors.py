"""`aigw-skills serve` over stdio answers a malformed message with a JSON-RPC error instead of silence.

Issue 16: invalid JSON, a batch, a lone surrogate and 1,000-deep JSON got no answer at all, so the client waited
for its timeout (over HTTP the same inputs get -32700). Each case here is a real server process fed raw lines.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from queue import Empty, Queue
from typing import Any

import pytest

from tests.server.conftest import SERVE, subprocess_env
from tests.server.test_http import INITIALIZE


class StdioServer:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            SERVE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=subprocess_env(),
        )
        self.lines: Queue[bytes] = Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def send(self, raw: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(raw + b"\n")
        self.proc.stdin.flush()

    def answer(self, bound: float = 60.0) -> dict[str, Any]:
        """The next message from the server; ``bound`` only keeps a silent server from hanging the test."""
        try:
            return dict(json.loads(self.lines.get(timeout=bound)))
        except Empty:
            raise AssertionError("the server did not answer") from None

    def close(self) -> str:
        try:
            _, err = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err.decode(errors="replace")


@pytest.fixture(scope="module")
def server() -> Iterator[StdioServer]:
    srv = StdioServer()
    srv.send(json.dumps(INITIALIZE).encode())
    assert srv.answer()["id"] == 1
    srv.send(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')
    yield srv
    srv.close()


@pytest.mark.parametrize(
    ("raw", "code", "msg_id"),
    [
        (b'{"jsonrpc": "2.0", "id": 7, "method": "ping"', -32700, None),
        (b"not json at all", -32700, None),
        (b'[{"jsonrpc": "2.0", "id": 8, "method": "ping"}]', -32600, None),
        (b'{"jsonrpc": "2.0", "id": 9, "method": "ping", "params": {"x": "\\ud800"}}', -32600, 9),
        (b'{"jsonrpc": "2.0", "id": 10, "params": ' + b"[" * 1000 + b"]" * 1000 + b"}", None, None),
        (b'{"jsonrpc": "2.0", "id": 11}', -32600, 11),
        (b'"just a string"', -32600, None),
        (b"\xff\xfe not utf-8", -32700, None),
    ],
    ids=["truncated", "garbage", "batch", "lone-surrogate", "deep", "no-method", "string", "not-utf8"],
)
def test_a_malformed_message_gets_a_json_rpc_error(
    server: StdioServer, raw: bytes, code: int | None, msg_id: int | None
) -> None:
    server.send(raw)
    answer = server.answer()
    assert "error" in answer, answer
    if code is not None:
        assert answer["error"]["code"] == code
    else:
        assert answer["error"]["code"] in (-32700, -32600)
    assert answer.get("id") == msg_id
    server.send(b'{"jsonrpc": "2.0", "id": 99, "method": "ping"}')
    assert server.answer() == {"jsonrpc": "2.0", "id": 99, "result": {}}, "the server still serves"


def test_each_malformed_message_is_one_log_line() -> None:
    srv = StdioServer()
    srv.send(json.dumps(INITIALIZE).encode())
    srv.answer()
    srv.send(b"{broken")
    srv.answer()
    err = srv.close()
    assert "answered -32700 to a malformed message" in err
    assert "Traceback" not in err
