"""The three front doors of an atomic skill, called for real: the core builder, the MCP tool (an in-memory
client session over the SDK's transport) and the CLI subcommand (`server.cli.main.main`, in process).

Each call returns an Outcome: the output text(s) on success, or the refusal text and the field paths named.
Calls are counted; AIGW_SKILLS_PROPERTY_COUNT_FILE receives the count when set (benchmarks/property_run.py).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from skills.catalog import SkillEntry

CALLS: Counter[str] = Counter()
COUNT_FILE_ENV = "AIGW_SKILLS_PROPERTY_COUNT_FILE"


def record(door: str) -> None:
    CALLS[door] += 1
    target = os.environ.get(COUNT_FILE_ENV)
    if target and sum(CALLS.values()) % 50 == 0:
        flush_count(target)


def flush_count(target: str) -> None:
    Path(target).write_text(json.dumps(dict(CALLS)), encoding="utf-8")


def _flush_at_exit() -> None:
    target = os.environ.get(COUNT_FILE_ENV)
    if target and CALLS:
        flush_count(target)


atexit.register(_flush_at_exit)  # the exact total (record() only writes every 50 calls)


@dataclass
class Outcome:
    ok: bool
    text: str  # stdout/structured JSON on success, the error text on refusal
    result: dict[str, Any] = field(default_factory=dict)  # the SkillResult as JSON (core and MCP)
    paths: list[str] = field(default_factory=list)  # field paths named by a refusal


def call_core(entry: SkillEntry, data: dict[str, Any]) -> Outcome:
    from skills.errors import InputError

    record("core")
    try:
        result = entry.load_builder()(data)
    except InputError as exc:
        return Outcome(False, str(exc), paths=[p.path for p in exc.problems])
    dumped = result.model_dump(mode="json")
    return Outcome(True, result.yaml, dumped)


class McpDoor:
    """One client session kept open across calls (an anyio portal runs it on its own thread)."""

    def __init__(self, crds: str | None) -> None:
        self._stack = contextlib.ExitStack()
        from anyio.from_thread import start_blocking_portal
        from mcp import Client

        from server.mcp.app import create_server

        self.portal = self._stack.enter_context(start_blocking_portal())
        self.client = self._stack.enter_context(
            self.portal.wrap_async_context_manager(Client(create_server(crds)))
        )

    def call(self, tool: str, arguments: dict[str, Any]) -> Any:
        record("mcp")
        return self.portal.call(self.client.call_tool, tool, arguments)

    def close(self) -> None:
        self._stack.close()


def call_mcp(door: McpDoor, entry: SkillEntry, data: dict[str, Any]) -> Outcome:
    assert entry.tool
    result = door.call(entry.tool, data)
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    if result.is_error:
        return Outcome(False, text, paths=refusal_paths(text))
    return Outcome(True, str(result.structured_content.get("yaml", "")), dict(result.structured_content))


def refusal_paths(text: str) -> list[str]:
    """The field paths of an InputError as rendered ('  - path: message')."""
    return [line[4:].split(": ", 1)[0] for line in text.splitlines() if line.startswith("  - ")]


def cli_argv(entry: SkillEntry, data: dict[str, Any], workdir: Path) -> list[str]:
    """Top-level strings, numbers and lists of strings become flags; everything else goes in --input FILE."""
    assert entry.command
    argv = [entry.command, "--format", "json"]
    rest: dict[str, Any] = {}
    for name, value in data.items():
        flag = "--" + name.replace("_", "-")
        if isinstance(value, str) and "\x00" not in value:
            argv.append(f"{flag}={value}")
        elif isinstance(value, list) and value and all(isinstance(v, str) and "\x00" not in v for v in value):
            argv += [f"{flag}={v}" for v in value]
        else:
            rest[name] = value
    if rest:
        fd, name = tempfile.mkstemp(suffix=".yaml", dir=workdir)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(rest, default=str))
        argv.append(f"--input={name}")
    return argv


def call_cli(entry: SkillEntry, data: dict[str, Any], workdir: Path) -> tuple[int, str, str]:
    """Exit code, stdout, stderr of `aigw-skills <command>` run in this process."""
    from server.cli.main import main

    record("cli")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(cli_argv(entry, data, workdir))
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


# --- what a success must satisfy ---------------------------------------------------------------------------


def yaml_texts(result: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every YAML text in a result: the manifests and any .yaml/.yml extra file."""
    yield "yaml", str(result.get("yaml", ""))
    for name, text in (result.get("files") or {}).items():
        if name.endswith((".yaml", ".yml")):
            yield f"files[{name}]", text


def check_success(result: dict[str, Any], crds: Any) -> None:
    """Re-parses with yaml.safe_load_all; the manifests pass schema and CEL (cross-resource lint of a lone
    piece may report references to objects it does not create)."""
    from orchestrator.engine.validate import validate_documents

    for where, text in yaml_texts(result):
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
        if where == "yaml":
            assert docs == result["manifests"], "the YAML text does not parse to the manifests returned"
    if crds is None or not result.get("manifests"):
        return
    report = validate_documents(result["manifests"], crds=crds)
    bad = [f for f in report.errors if not f.rule.startswith("AIGW-L")]
    assert not bad, "validation engine: " + "; ".join(f"{f.rule} {f.path}: {f.message}" for f in bad)
