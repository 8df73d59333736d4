"""`aigw-skills serve --http` with its default limits, driven by several official TypeScript SDK clients at once
(tests/ts/http_clients.mjs): each keeps the event stream the SDK opens while it lists tools and calls them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.conftest import in_ci, npm_ci
from tests.server.conftest import subprocess_env
from tests.server.test_http import TOKEN, start, stop
from tests.server.ts_http import CALLS, SDK, TS_DIR, ClientSeen, run_ts_clients

pytestmark = pytest.mark.slow
CLIENTS = 5


def install_client() -> None:
    """The SDK from tests/ts's committed lockfile. Without node, npm or the install: skip with the reason, except
    in CI (CI=true), where these clients must run (as kubectl must, tests/analysis/conftest.py)."""
    try:
        if shutil.which("node") is None:
            pytest.skip("node is not installed: the TypeScript SDK clients cannot run")
        npm_ci(TS_DIR, SDK, "the TypeScript SDK")
    except pytest.skip.Exception as skipped:
        if in_ci():
            pytest.fail(f"CI=true needs the TypeScript SDK clients: {skipped}", pytrace=False)
        raise


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ClientSeen]]:
    install_client()
    log_path = tmp_path_factory.mktemp("http-ts") / "server.log"
    with log_path.open("wb") as log:  # a file, not a pipe: many clients log more than a pipe buffers
        proc, port = start(env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN), stderr=log)
        try:
            yield run_ts_clients(f"http://127.0.0.1:{port}/mcp", TOKEN, CLIENTS)
        finally:
            stop(proc)


def test_concurrent_ts_sdk_clients_all_get_their_expected_results(seen: list[ClientSeen]) -> None:
    assert len(seen) == CLIENTS
    assert [client.errors for client in seen] == [[]] * CLIENTS
    assert [client.calls for client in seen] == [len(CALLS)] * CLIENTS


def test_each_ts_sdk_client_held_its_event_stream_and_was_never_refused(seen: list[ClientSeen]) -> None:
    assert all(client.stream for client in seen), "every client's GET event stream was open"
    for client in seen:
        assert client.statuses.get("GET 200") == 1
        assert set(client.statuses) <= {"GET 200", "POST 200", "POST 202"}, client.statuses
        # initialize, tools/list and each call answered 200; the initialized notification 202
        assert client.statuses["POST 200"] == 2 + len(CALLS)
        assert client.statuses["POST 202"] == 1


@pytest.mark.parametrize("ci", ["true", ""])
def test_without_node_these_clients_skip_locally_and_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if ci == "true" else pytest.skip.Exception
    with pytest.raises(expected, match="node is not installed"):
        install_client()
