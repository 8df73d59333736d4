"""Fixtures for the MCP server specs: an in-memory server, both protocol eras, a private schema cache."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client

from orchestrator.engine.contract import CACHE_ENV
from server.mcp.app import create_server

REPO = Path(__file__).resolve().parents[2]
SERVE = [sys.executable, "-m", "server", "serve", "--tools", "all"]  # every tool (the default serves core)
MODES = ["legacy", "auto"]  # 2025-11-25 handshake, and 2026-07-28 (stateless) against our own server


@pytest.fixture(scope="session", autouse=True)
def private_schema_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the tool-schema cache of test servers (in-process and subprocesses) out of the user's home."""
    path = tmp_path_factory.mktemp("schema-cache")
    old = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(path)
    yield path
    if old is None:
        os.environ.pop(CACHE_ENV, None)
    else:
        os.environ[CACHE_ENV] = old


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    """The protocol era: every in-memory spec runs once per era."""
    return str(request.param)


def connect(mode: str, **options: str) -> Client:
    """A client of a fresh in-memory server (use as `async with connect(mode) as client`)."""
    return Client(create_server(**options), mode=mode)  # type: ignore[arg-type]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("AI_GATEWAY_API_KEY", "AIGW_SKILLS_CRDS")}
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env
