"""Tool schemas cached on disk, keyed by the code that defines them, so that starting the server (and answering
tools/list) does not import the input models, whose modules pull in pydantic model building, jinja2 and yaml.

The key hashes every `skills/*.py`, `server/mcp/tools.py`, `server/mcp/tool_models.py` and the pydantic version: any edit to a model
gives a new key, so a stale schema is never served. A missing or unreadable cache means computing the schemas
(about 50 ms) and writing them for next time; a cache that cannot be written is simply not used.
Location: $AIGW_SKILLS_CACHE_DIR, else $XDG_CACHE_HOME/aigw-skills, else ~/.cache/aigw-skills.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic
import pydantic_core

CACHE_ENV = "AIGW_SKILLS_CACHE_DIR"
_SERVER_DIR = Path(__file__).resolve().parents[1]


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aigw-skills"


def source_key() -> str:
    """A digest of everything the published schemas depend on."""
    import skills

    digest = hashlib.sha256()
    digest.update(f"pydantic={pydantic.VERSION} core={pydantic_core.__version__}\n".encode())
    # Every package a tool model or output model may live in (skills, server.*_models, orchestrator.analysis.metrics):
    # a stale key would serve schemas that disagree with the models that validate the calls.
    packages = (Path(skills.__file__).resolve().parent, _SERVER_DIR, _SERVER_DIR.parent / "orchestrator")
    sources = sorted(path for package in packages for path in package.rglob("*.py"))
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def load_or_build(build: Callable[[], dict[str, Any]], name: str = "tool-schemas") -> dict[str, Any]:
    """The cached value for the current sources, or build() (written to the cache for the next start); `name`
    keeps separate values apart (the orchestrator's schema is cached beside the skill tools')."""
    path = cache_dir() / f"{name}-{source_key()}.json"
    try:
        cached: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return cached
    except (OSError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False) as tmp:
            json.dump(value, tmp)
        os.replace(tmp.name, path)
    except OSError:
        pass
    return value
