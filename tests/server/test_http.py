"""`aigw-skills serve --http`: a real server in a subprocess on 127.0.0.1 and a free port."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from server.mcp.http_guard import EVICT_AFTER_SECONDS, WAITING_PER_ADDRESS
from tests.server.conftest import SERVE, subprocess_env

TOKEN = "test-token-" + "4f9c2a7e1b8d3c6f" * 2
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}
MCP_HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Running:
    url: str
    port: int


def start(
    *args: str, env: dict[str, str], stderr: IO[bytes] | int = subprocess.PIPE
) -> tuple[subprocess.Popen[bytes], int]:
    """The server on a free port, once it listens. Its stderr goes to a pipe read at stop(), or to `stderr`
    (a file) for a test that makes it log more than a pipe buffers: a full pipe would block the server."""
    port = free_port()
    proc = subprocess.Popen(
        [*SERVE, "--http", "--port", str(port), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise AssertionError("server did not listen within 20 s")


def stop(proc: subprocess.Popen[bytes]) -> bytes:
    proc.terminate()
    try:
        _out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
    assert _out == b"", "nothing but MCP (here: nothing at all) is written to stdout"
    return err or b""


@pytest.fixture(scope="module")
def server() -> Iterator[Running]:
    proc, port = start(env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN))
    yield Running(f"http://127.0.0.1:{port}/mcp", port)
    stop(proc)


def post(running: Running, body: bytes, **headers: str) -> httpx2.Response:
    return httpx2.post(running.url, content=body, headers={**MCP_HEADERS, **headers}, timeout=10)


def authed_client(url: str, mode: str = "legacy", token: str = TOKEN) -> Client:
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
    return Client(streamable_http_client(url, http_client=http), mode=mode)  # type: ignore[arg-type]


def test_no_token_is_401_with_a_bearer_challenge(server: Running) -> None:
    response = post(server, json.dumps(INITIALIZE).encode())
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert TOKEN not in response.text


@pytest.mark.parametrize(
    "header", [f"Bearer {TOKEN}x", "Bearer", f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN[:-1]}"]
)
def test_a_wrong_token_is_401(server: Running, header: str) -> None:
    assert post(server, json.dumps(INITIALIZE).encode(), authorization=header).status_code == 401


def test_the_right_token_is_served(server: Running) -> None:
    response = post(server, json.dumps(INITIALIZE).encode(), authorization=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert "aigw-skills" in response.text


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_an_authenticated_client_lists_and_calls_tools(server: Running, mode: str) -> None:
    async with authed_client(server.url, mode) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        result = await client.call_tool("aigw_backend", {"name": "openai", "provider": "openai"})
    assert {"aigw_backend", "aigw_validate"} <= tools
    assert not result.is_error and result.structured_content["skill"] == "aigw-backend"  # type: ignore[index]


@pytest.mark.parametrize("host", ["evil.example.com", "evil.example.com:8765", "127.0.0.1.nip.io"])
def test_a_host_header_not_on_the_allow_list_is_rejected(server: Running, host: str) -> None:
    response = post(server, json.dumps(INITIALIZE).encode(), authorization=f"Bearer {TOKEN}", host=host)
    assert response.status_code == 421


def test_a_foreign_origin_is_rejected(server: Running) -> None:
    response = post(
        server,
        json.dumps(INITIALIZE).encode(),
        authorization=f"Bearer {TOKEN}",
        origin="http://evil.example.com",
    )
    assert response.status_code == 403


def test_a_body_over_one_mebibyte_is_refused_with_413(server: Running) -> None:
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "x", "arguments": {}}}
    call["params"]["arguments"] = {"manifests": "a" * (1024 * 1024 + 10)}  # type: ignore[index]
    response = post(server, json.dumps(call).encode(), authorization=f"Bearer {TOKEN}")
    assert response.status_code == 413


async def run_clients(url: str, count: int, calls: int = 2) -> list[str]:
    """``count`` well-behaved SDK clients at once, each listing tools and making ``calls`` tool calls; the
    failures (exceptions, tool errors) in words."""
    failures: list[str] = []

    async def one(index: int) -> None:
        mode = "legacy" if index % 2 else "auto"
        try:
            async with authed_client(url, mode) as client:
                await client.list_tools()
                for call in range(calls):
                    arguments = {"name": f"b{index}-{call}", "provider": "anthropic"}
                    result = await client.call_tool("aigw_backend", arguments)
                    if result.is_error:
                        failures.append(f"client {index}: tool error")
        except Exception as exc:  # every failure is collected and reported below
            failures.append(f"client {index}: {exc!r}")

    with anyio.fail_after(300):  # a bound against hanging, not a timing spec
        async with anyio.create_task_group() as group:
            for index in range(count):
                group.start_soon(one, index)
    return failures


@pytest.mark.anyio
async def test_a_hundred_concurrent_clients_below_the_cap_see_no_errors(server: Running) -> None:
    """Issue 16: 100 well-behaved clients (below the 128 cap) got 31-44 503s out of 800 requests: each
    client's open event stream and every idle keep-alive counted toward the cap."""
    assert await run_clients(server.url, 100) == []


def run_serve(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SERVE, *args],
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )


def test_a_non_loopback_address_without_a_token_is_refused_before_binding() -> None:
    done = run_serve("--http", "--host", "0.0.0.0", "--port", str(free_port()))
    assert done.returncode == 2
    assert "HTTP serving needs a bearer token (and 0.0.0.0 is not a loopback address)" in done.stderr
    assert done.stdout == ""


def test_no_auth_is_refused_on_a_non_loopback_address() -> None:
    done = run_serve("--http", "--no-auth", "--host", "0.0.0.0", "--port", str(free_port()))
    assert done.returncode == 2
    assert "--no-auth is only allowed on a loopback address" in done.stderr


def test_loopback_without_a_token_still_needs_one_unless_no_auth_is_explicit() -> None:
    done = run_serve("--http", "--port", str(free_port()))
    assert done.returncode == 2
    assert "set AI_GATEWAY_API_KEY or pass --token-file FILE" in done.stderr


def test_a_short_token_is_refused() -> None:
    done = run_serve("--http", "--port", str(free_port()), AI_GATEWAY_API_KEY="short")
    assert done.returncode == 2
    assert "must be at least 16 characters" in done.stderr


@pytest.mark.anyio
async def test_no_auth_on_loopback_serves_without_a_token() -> None:
    proc, port = start("--no-auth", env=subprocess_env())
    try:
        async with Client(f"http://127.0.0.1:{port}/mcp", mode="legacy") as client:
            assert (await client.list_tools()).tools
    finally:
        err = stop(proc)
    assert b"no authentication (loopback only)" in err


def test_a_token_file_replaces_the_environment_variable(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("file-token-0123456789abcdef\n", encoding="utf-8")
    proc, port = start("--token-file", str(token_file), env=subprocess_env())
    try:
        running = Running(f"http://127.0.0.1:{port}/mcp", port)
        body = json.dumps(INITIALIZE).encode()
        assert post(running, body, authorization="Bearer file-token-0123456789abcdef").status_code == 200
        assert post(running, body, authorization=f"Bearer {TOKEN}").status_code == 401
    finally:
        stop(proc)


def test_max_sessions_bounds_the_sessions_clients_leave_open() -> None:
    """Clients that never end their session (the TypeScript SDK's close() sends no DELETE) each hold memory until
    the idle timeout: --max-sessions caps them; the next new session gets the SDK's 503 until one ends."""
    proc, port = start("--max-sessions", "2", env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN))
    try:
        running = Running(f"http://127.0.0.1:{port}/mcp", port)
        body = json.dumps(INITIALIZE).encode()
        codes = [post(running, body, authorization=f"Bearer {TOKEN}").status_code for _ in range(3)]
        assert codes == [200, 200, 503]
    finally:
        stop(proc)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--crds", "/nonexistent/crds"], "--crds /nonexistent/crds: no such file or directory"),
        (
            ["--no-auth"],
            "--no-auth, --token-file, --allowed-host, --max-connections, --header-timeout, --max-sessions, "
            "--session-idle-timeout and --metrics-host only apply with --http",
        ),
        (["--max-connections", "8"], "only apply with --http"),
        (["--max-sessions", "8"], "only apply with --http"),
        (["--http", "--no-auth", "--max-connections", "1"], "--max-connections must be at least 2, got 1"),
        (["--http", "--no-auth", "--max-sessions", "0"], "--max-sessions must be at least 1, got 0"),
        (
            ["--http", "--no-auth", "--session-idle-timeout", "5"],
            "--session-idle-timeout must be between 60 and 86400 seconds, got 5",
        ),
    ],
)
def test_serve_refuses_options_that_cannot_work(args: list[str], message: str) -> None:
    done = run_serve(*args)
    assert done.returncode == 2
    assert message in done.stderr and done.stdout == ""


# --- misbehaving clients next to well-behaved ones ----------------------------------------------------------


def raw_request(port: int, body: bytes, token: str = TOKEN) -> tuple[bytes, bytes]:
    """The head and body of an authorized POST /mcp, as bytes a raw socket can dribble out."""
    head = (
        f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head, body


class Misbehaving:
    """Clients that hold the server's attention badly, each an anyio task running until `stop` is set."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.stop = anyio.Event()
        self.slow_body_responses: list[bytes] = []
        self.disconnects = 0

    async def slow_headers(self) -> None:
        """Slowloris: the request head, one byte every 50 ms, never finished while the test runs."""
        head, _ = raw_request(self.port, json.dumps(INITIALIZE).encode())
        async with await anyio.connect_tcp("127.0.0.1", self.port) as stream:
            for byte in head[:-4]:
                if self.stop.is_set():
                    return
                await stream.send(bytes([byte]))
                await anyio.sleep(0.05)

    async def slow_body(self) -> None:
        """A complete head, then the body in 8-byte pieces every 100 ms; reads the answer at the end."""
        head, body = raw_request(self.port, json.dumps(INITIALIZE).encode())
        async with await anyio.connect_tcp("127.0.0.1", self.port) as stream:
            await stream.send(head)
            for start in range(0, len(body), 8):
                await stream.send(body[start : start + 8])
                await anyio.sleep(0.1)
            with anyio.fail_after(10):
                self.slow_body_responses.append(await stream.receive())

    async def disconnect_mid_request(self) -> None:
        """Over and over: the head and half the body, then the connection is dropped."""
        head, body = raw_request(self.port, json.dumps(INITIALIZE).encode())
        while not self.stop.is_set():
            stream = await anyio.connect_tcp("127.0.0.1", self.port)
            await stream.send(head + body[: len(body) // 2])
            await anyio.sleep(0.02)
            await stream.aclose()
            self.disconnects += 1

    async def disconnect_before_the_response(self) -> None:
        """Over and over: a whole request, then the connection is dropped without reading the answer."""
        head, body = raw_request(self.port, json.dumps(INITIALIZE).encode())
        while not self.stop.is_set():
            stream = await anyio.connect_tcp("127.0.0.1", self.port)
            await stream.send(head + body)
            await stream.aclose()
            self.disconnects += 1
            await anyio.sleep(0.02)

    async def never_reads(self) -> None:
        """Pipelines 300 requests with a tiny receive buffer and never reads a byte of the answers."""
        head, body = raw_request(self.port, json.dumps(INITIALIZE).encode())
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        sock.settimeout(5)
        sock.connect(("127.0.0.1", self.port))
        sock.setblocking(False)
        try:
            pending = (head + body) * 300
            while pending and not self.stop.is_set():
                try:
                    sent = sock.send(pending)
                    pending = pending[sent:]
                except BlockingIOError:
                    await anyio.sleep(0.05)
            await self.stop.wait()
        finally:
            sock.close()


CALLS_EACH = 4


@pytest.mark.anyio
async def test_slow_stalled_and_disconnecting_clients_do_not_break_other_clients(
    tmp_path: Path,
) -> None:
    log = (tmp_path / "server.log").open("wb")
    proc, port = start(env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN), stderr=log)
    url = f"http://127.0.0.1:{port}/mcp"
    bad = Misbehaving(port)
    failures: list[str] = []
    calls_per_client: list[int] = []

    async def well_behaved(index: int) -> None:
        calls = 0
        try:
            async with authed_client(url, "legacy" if index % 2 else "auto") as client:
                for _ in range(CALLS_EACH):
                    result = await client.call_tool(
                        "aigw_backend", {"name": f"c{index}", "provider": "openai"}
                    )
                    calls += 1
                    if result.is_error:
                        failures.append(f"client {index}: tool error")
        except Exception as exc:  # every failure is collected and reported below
            failures.append(f"client {index}: {exc!r}")
        calls_per_client.append(calls)

    try:
        with anyio.fail_after(240):  # a bound against hanging, not a timing spec
            async with anyio.create_task_group() as outer:
                outer.start_soon(bad.slow_headers)
                outer.start_soon(bad.disconnect_mid_request)
                outer.start_soon(bad.disconnect_before_the_response)
                outer.start_soon(bad.never_reads)
                async with anyio.create_task_group() as good:
                    good.start_soon(bad.slow_body)
                    await anyio.sleep(0.3)  # the misbehaving clients are connected before the others start
                    for index in range(8):
                        good.start_soon(well_behaved, index)
                bad.stop.set()
        assert proc.poll() is None, "the server is still running"
    finally:
        stop(proc)
        log.close()
    assert failures == []
    assert calls_per_client == [CALLS_EACH] * 8, "every well-behaved client made all its calls"
    assert bad.disconnects >= 8, "the disconnecting clients really ran alongside"
    assert bad.slow_body_responses and bad.slow_body_responses[0].startswith(b"HTTP/1.1 200")
    logged = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in logged, "a disconnecting client is one log line, not a traceback"
    assert "client disconnected (ClientDisconnect)" in logged


def test_idle_sockets_past_the_cap_are_held_while_a_valid_client_still_gets_through() -> None:
    """Issue 16: 128 sockets that never send a byte locked every client out (503)."""
    proc, port = start("--max-connections", "4", env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN))
    running = Running(f"http://127.0.0.1:{port}/mcp", port)
    body = json.dumps(INITIALIZE).encode()
    idle: list[socket.socket] = []
    try:
        for _ in range(12):  # stalled clients, three times the cap: connected, never send a byte
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        head, _ = raw_request(port, body)
        trickling = socket.create_connection(("127.0.0.1", port), timeout=5)
        trickling.sendall(head[:20])  # and one that trickles a few header bytes
        idle.append(trickling)
        assert post(running, body, authorization=f"Bearer {TOKEN}").status_code == 200
        for sock in idle:  # every stalled socket is still open: held, not refused
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
    finally:
        for sock in idle:
            sock.close()
        stop(proc)


def _closed_by_server(sock: socket.socket, bound: float = 30.0) -> bool:
    """True once the server closes ``sock`` (recv gives EOF); ``bound`` only keeps a broken server from hanging
    the test."""
    sock.settimeout(bound)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_a_socket_that_sends_no_complete_request_head_is_closed_after_the_header_timeout() -> None:
    proc, port = start("--header-timeout", "0.5", env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN))
    head, _ = raw_request(port, json.dumps(INITIALIZE).encode())
    silent = socket.create_connection(("127.0.0.1", port), timeout=5)
    trickle = socket.create_connection(("127.0.0.1", port), timeout=5)
    try:
        trickle.sendall(head[:30])
        assert _closed_by_server(silent), "a silent socket stays open"
        assert _closed_by_server(trickle), "a socket trickling its head stays open"
    finally:
        silent.close()
        trickle.close()
        stop(proc)


def test_waiting_sockets_from_one_address_are_capped_by_closing_the_oldest() -> None:
    # The head timeout (60 s) is longer than the wait below (30 s), so a close can only come from the cap.
    proc, port = start("--header-timeout", "60", env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN))
    running = Running(f"http://127.0.0.1:{port}/mcp", port)
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(WAITING_PER_ADDRESS)]
    try:
        time.sleep(EVICT_AFTER_SECONDS + 0.5)  # the first ones are now old enough to be closed for the cap
        sockets += [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(8)]
        assert _closed_by_server(sockets[0]), "the oldest waiting socket is closed past the per-address cap"
        assert not _closed_by_server(sockets[-1], bound=0.2), "the newest one is kept"
        body = json.dumps(INITIALIZE).encode()
        assert post(running, body, authorization=f"Bearer {TOKEN}").status_code == 200
    finally:
        for sock in sockets:
            sock.close()
        stop(proc)


@pytest.mark.anyio
async def test_past_max_connections_requests_in_progress_get_503_and_service_returns() -> None:
    proc, port = start("--max-connections", "2", env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN))
    running = Running(f"http://127.0.0.1:{port}/mcp", port)
    body = json.dumps(INITIALIZE).encode()
    head, _ = raw_request(port, body)
    slow = []
    try:
        for _ in range(2):  # two requests in progress: heads sent, bodies held back
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(head + body[:5])
            slow.append(sock)
        status = 0
        for _ in range(50):  # the server reads the heads asynchronously; poll a bounded number of times
            status = post(running, body, authorization=f"Bearer {TOKEN}").status_code
            if status == 503:
                break
            await anyio.sleep(0.1)
        assert status == 503
        for sock in slow:
            sock.sendall(body[5:])
            assert sock.recv(12).startswith(b"HTTP/1.1 200")
        assert post(running, body, authorization=f"Bearer {TOKEN}").status_code == 200
    finally:
        for sock in slow:
            sock.close()
        stop(proc)


def test_a_token_in_the_query_string_is_never_logged(tmp_path: Path) -> None:
    log = (tmp_path / "server.log").open("wb")
    proc, port = start(env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN), stderr=log)
    try:
        url = f"http://127.0.0.1:{port}/mcp?token=query-secret-value-123&access_token=other-secret-456"
        httpx2.post(url, content=json.dumps(INITIALIZE).encode(), headers=MCP_HEADERS, timeout=10)
        httpx2.post(
            url,
            content=json.dumps(INITIALIZE).encode(),
            headers={**MCP_HEADERS, "authorization": f"Bearer {TOKEN}"},
            timeout=10,
        )
    finally:
        stop(proc)
        log.close()
    logged = (tmp_path / "server.log").read_text(errors="replace")
    assert "POST /mcp?<query not logged>" in logged
    assert "query-secret-value-123" not in logged and "other-secret-456" not in logged
