"""`aigw-skills serve --http`: a real server in a subprocess on 127.0.0.1 and a free port."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

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


def start(*args: str, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [*SERVE, "--http", "--port", str(port), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
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
    return err


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


@pytest.mark.anyio
async def test_fifty_concurrent_clients_calling_tools_see_no_errors(server: Running) -> None:
    failures: list[str] = []

    async def one(index: int) -> None:
        mode = "legacy" if index % 2 else "auto"
        try:
            async with authed_client(server.url, mode) as client:
                await client.list_tools()
                providers = await client.call_tool("aigw_providers", {})
                backend = await client.call_tool(
                    "aigw_backend", {"name": f"b{index}", "provider": "anthropic"}
                )
                if providers.is_error or backend.is_error:
                    failures.append(f"client {index}: tool error")
        except Exception as exc:  # every failure is collected and reported below
            failures.append(f"client {index}: {exc!r}")

    started = time.monotonic()
    with anyio.fail_after(45):
        async with anyio.create_task_group() as group:
            for index in range(50):
                group.start_soon(one, index)
    assert failures == []
    assert time.monotonic() - started < 45


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--crds", "/nonexistent/crds"], "--crds /nonexistent/crds: no such file or directory"),
        (["--no-auth"], "--no-auth, --token-file and --allowed-host only apply with --http"),
    ],
)
def test_serve_refuses_options_that_cannot_work(args: list[str], message: str) -> None:
    done = run_serve(*args)
    assert done.returncode == 2
    assert message in done.stderr and done.stdout == ""
