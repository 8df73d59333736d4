"""Shared test fixtures: where ../shared lives, and golden files that regenerate with one flag.

Run `pytest --update-golden` to rewrite every golden file from the current output; review the diff.

Tests that read ../shared (upstream CRDs, examples, conformance cases) get it through `shared_path` (or
`shared_params` for parametrized ones): without it they skip with the reason locally, and fail in CI
(`CI=true`), where ../shared is always laid next to the checkout, so no check silently stops running.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import pytest

# Tests never fetch CRDs on first use (build and validate would otherwise try the network); subprocesses inherit it.
os.environ["AIGW_SKILLS_OFFLINE"] = "1"

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
GOLDEN = REPO / "tests" / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing_shared(path: Path) -> NoReturn:
    """Skip (locally) or fail (in CI) a test whose ../shared material is absent, saying which."""
    reason = f"{path} is not available (the ../shared reference material is missing in this checkout)"
    if in_ci():
        pytest.fail(
            f"{reason}; CI=true runs with ../shared beside the checkout, so this check must run", False
        )
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips locally or fails in CI when that material is not available."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        missing_shared(path)
    return path


def shared_params(parts: Sequence[str], make: Callable[[Path], list[Any]]) -> list[Any]:
    """Parameters built from a ../shared folder at collection time; when it is absent, one parameter whose test
    calls `shared_path` first and so skips or fails with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        return [pytest.param(None, id=f"missing-{'-'.join(parts)}")]
    return make(path)


@pytest.fixture(scope="session")
def shared_crds() -> Path:
    return shared_path("crds")


@pytest.fixture
def golden(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """golden(relative_path, text): compare with tests/golden/<path>, or rewrite it with --update-golden."""
    update = request.config.getoption("--update-golden")

    def check(relative: str, text: str) -> None:
        path = GOLDEN / relative
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(
                f"golden file {path.relative_to(REPO)} is missing; run pytest --update-golden and review it"
            )
        expected = path.read_text(encoding="utf-8")
        assert text == expected, (
            f"output differs from {path.relative_to(REPO)}; if intended, run --update-golden"
        )

    return check


@pytest.fixture(scope="session")
def crd_set(shared_crds: Path):  # type: ignore[no-untyped-def]
    """The upstream CRDs in ../shared/crds, loaded once per session (their compiled validators are cached)."""
    from orchestrator.engine.crds import load_crds

    return load_crds(shared_crds)


NPM_CACHE = Path(os.environ.get("AIGW_SKILLS_NPM_CACHE", "/tmp/aigw-skills-npm-cache"))


def npm_ci(directory: Path, installed: Path, what: str, env: dict[str, str] | None = None) -> None:
    """`npm ci` in `directory` from its committed lockfile unless `installed` exists; skip the test with the
    reason when node/npm are missing or npm cannot install `what`."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm are not installed")
    if installed.exists():
        return
    npm_env = dict(env or os.environ) | {
        "npm_config_cache": str(NPM_CACHE),
        "npm_config_update_notifier": "false",
    }
    try:
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=directory,
            env=npm_env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("npm ci did not finish within 180 s (no registry access?)")
    if done.returncode != 0:
        pytest.skip(f"npm ci could not install {what}: {done.stderr.strip()[-400:]}")
