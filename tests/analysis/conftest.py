"""A fake API server on 127.0.0.1 for the real kubectl, with kubectl's discovery cache kept in the test's tmp dir."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.analysis.fake_apiserver import FakeAPIServer, Running


def require_kubectl() -> None:
    """Skip without kubectl, except in CI, where its absence is a failure."""
    if shutil.which("kubectl") is None:
        message = "kubectl is not installed; the live doctor and plan specs drive the real kubectl"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def api_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Running]]:
    """api_server(objects, reject=, unavailable=, forbidden=, deny_all=) starts a server; all are stopped after the test."""
    require_kubectl()
    monkeypatch.setenv("KUBECACHEDIR", str(tmp_path / "kube-cache"))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    started: list[Running] = []

    def start(
        objects: list[dict[str, Any]],
        reject: dict[str, str] | None = None,
        unavailable: tuple[str, ...] = (),
        forbidden: tuple[str, ...] = (),
        deny_all: bool = False,
    ) -> Running:
        api = FakeAPIServer(
            objects, reject=reject or {}, unavailable=unavailable, forbidden=forbidden, deny_all=deny_all
        )
        running = Running(api, tmp_path / f"server-{len(started)}")
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()
