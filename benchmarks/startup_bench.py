"""Cold start to the first `tools/list` answer: the installed `aigw-skills serve` against a bare one-tool MCPServer.

Spawned the way MCP clients spawn it: the `aigw-skills` script from this virtualenv's bin directory, on stdio.
Each run starts a new process, performs the handshake a real client does (initialize, initialized, tools/list)
and stops the clock when the tools/list answer arrives. Two kinds of start, each for the default tool set
(`--tools core`, 3 tools) and `--tools all`:

- first start after install: a fresh, empty tool-schema cache directory per run ($AIGW_SKILLS_CACHE), so
  nothing a previous start wrote can help;
- later starts: one cache directory, used by a warm-up start first.

Every run of ours is paired with a run of the bare server right before or after it (the order alternates), and
the ratio of each pair is what the table reports (median and min), so drift on a shared machine hits both
sides of a ratio alike. Target: every median ratio <= 1.10x. The table adds min over min and the processes' CPU
time (user + system, whole life), whose ratio a loaded machine disturbs far less than wall time's.

An installed wheel has bytecode; this environment may set PYTHONDONTWRITEBYTECODE=1, which would make an
editable checkout recompile every module on every start. So the benchmark first compiles the project's
bytecode (benchmarks/bytecode.py: python -m compileall with PYTHONDONTWRITEBYTECODE unset), as
benchmarks/validator_bench.py does.

    .venv/bin/python benchmarks/startup_bench.py [--runs 15] [--script .venv/bin/aigw-skills]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bytecode import compile_project  # benchmarks/, this script's folder

REPO = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.10
CACHE_ENV = (
    "AIGW_SKILLS_CACHE"  # orchestrator.engine.contract.CACHE_ENV (not imported: keep this process light)
)
BARE_SERVER = '''
from mcp.server.mcpserver import MCPServer

mcp = MCPServer("bare")


@mcp.tool()
def echo(text: str) -> str:
    """Echo the text."""
    return text


mcp.run()
'''
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "startup-bench", "version": "1"},
    },
}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
LIST_TOOLS = {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}
BARE = "bare MCPServer, 1 tool (baseline)"


def _send(stream: IO[bytes], message: dict[str, Any]) -> None:
    stream.write(json.dumps(message).encode() + b"\n")
    stream.flush()


def _answer(stream: IO[bytes], request_id: int) -> dict[str, Any]:
    while True:
        line = stream.readline()
        if not line:
            raise RuntimeError("server closed stdout before answering")
        message: dict[str, Any] = json.loads(line)
        if message.get("id") == request_id:
            if "error" in message:
                raise RuntimeError(f"server answered with an error: {message['error']}")
            return message


@dataclass(frozen=True)
class Start:
    seconds: float  # wall time from spawn to the tools/list answer
    cpu: float  # CPU seconds (user + system) the process used in its whole life
    tools: int  # tools listed


def time_to_tools_list(command: list[str], env: dict[str, str] | None = None) -> Start:
    """Spawn `command`, do a client's handshake and tools/list, and close it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        _send(proc.stdin, INITIALIZE)
        _answer(proc.stdout, 1)
        _send(proc.stdin, INITIALIZED)
        _send(proc.stdin, LIST_TOOLS)
        tools = _answer(proc.stdout, 2)["result"]["tools"]
        elapsed = time.perf_counter() - start
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # runs are sequential: the delta is this process
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return Start(elapsed, cpu, len(tools))


class Variant:
    """One way of starting our server: its command and the schema cache directory each run gets (under `home`)."""

    def __init__(self, label: str, command: list[str], first_start: bool, home: Path) -> None:
        self.label, self.command, self.first_start, self.home = label, command, first_start, home
        self.warm_cache = home / "warm"
        self.runs = 0

    def env(self) -> dict[str, str]:
        cache = self.warm_cache
        if self.first_start:  # a new, empty cache directory: nothing a previous start wrote
            self.runs += 1
            cache = self.home / f"fresh-{self.runs}"
        return {**os.environ, CACHE_ENV: str(cache)}


@dataclass
class Series:
    """One command's runs, and for ours the bare runs paired with them."""

    starts: list[Start] = field(default_factory=list)
    bare: list[Start] = field(default_factory=list)

    def wall_ratios(self) -> list[float]:
        return [ours.seconds / base.seconds for ours, base in zip(self.starts, self.bare, strict=True)]

    def cpu_ratios(self) -> list[float]:
        return [ours.cpu / base.cpu for ours, base in zip(self.starts, self.bare, strict=True)]


def measure(bare: list[str], variants: list[Variant], runs: int) -> dict[str, Series]:
    """Every command's runs, each of ours paired with a bare run right before or after it."""
    time_to_tools_list(bare)  # warm the OS file cache
    for variant in variants:
        time_to_tools_list(variant.command, {**os.environ, CACHE_ENV: str(variant.warm_cache)})
    series = {BARE: Series(), **{v.label: Series() for v in variants}}
    for round_ in range(runs):
        for variant in variants:
            env = variant.env()
            if round_ % 2:
                ours, base = time_to_tools_list(variant.command, env), time_to_tools_list(bare)
            else:
                base, ours = time_to_tools_list(bare), time_to_tools_list(variant.command, env)
            series[BARE].starts.append(base)
            series[variant.label].starts.append(ours)
            series[variant.label].bare.append(base)
    return series


def table(series: dict[str, Series]) -> str:
    """Per command: wall times; the wall ratio to bare as the median and min of its pairs and as min over min
    (load only ever adds time, so the minima are the least noisy estimate of a fixed cost); and CPU time, whose
    ratio a loaded machine disturbs far less than wall time's."""
    rows = [
        "| server | runs | median (ms) | min (ms) | max (ms) | ratio: median of pairs | min of pairs | min / min "
        "| CPU median (ms) | CPU ratio: median of pairs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, one in series.items():
        walls = [r.seconds for r in one.starts]
        cpus = [r.cpu for r in one.starts]
        ratio = "1.000x | 1.000x | 1.000x"
        cpu_ratio = "1.000x"
        if one.bare:
            mins = min(walls) / min(r.seconds for r in one.bare)
            ratio = (
                f"{statistics.median(one.wall_ratios()):.3f}x | {min(one.wall_ratios()):.3f}x | {mins:.3f}x"
            )
            cpu_ratio = f"{statistics.median(one.cpu_ratios()):.3f}x"
        rows.append(
            f"| {label} | {len(walls)} | {statistics.median(walls) * 1000:.0f} | {min(walls) * 1000:.0f} | "
            f"{max(walls) * 1000:.0f} | {ratio} | {statistics.median(cpus) * 1000:.0f} | {cpu_ratio} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="pairs per variant [default: 15]")
    parser.add_argument(
        "--script",
        type=Path,
        default=Path(sys.executable).parent / "aigw-skills",
        help="the installed aigw-skills script [default: the one beside this Python]",
    )
    args = parser.parse_args(argv)
    if not args.script.is_file():
        print(
            f"startup_bench: {args.script} does not exist: install the project (pip install -e .) into the "
            "virtualenv whose Python runs this benchmark, or pass --script PATH",
            file=sys.stderr,
        )
        return 2
    compile_project()
    with tempfile.TemporaryDirectory(prefix="aigw-startup-bench-") as tmp:
        scratch = Path(tmp)
        bare_script = scratch / "bare_server.py"
        bare_script.write_text(BARE_SERVER, encoding="utf-8")
        core, full = [str(args.script), "serve"], [str(args.script), "serve", "--tools", "all"]
        counts = {
            "core": time_to_tools_list(core, {**os.environ, CACHE_ENV: str(scratch / "count")}).tools,
            "all": time_to_tools_list(full, {**os.environ, CACHE_ENV: str(scratch / "count")}).tools,
        }
        plans = [
            (f"`aigw-skills serve` (CLI), {counts['core']} tools, later start", core, False),
            (f"`aigw-skills serve --tools all`, {counts['all']} tools, later start", full, False),
            (f"`aigw-skills serve`, {counts['core']} tools, first start after install", core, True),
            (
                f"`aigw-skills serve --tools all`, {counts['all']} tools, first start after install",
                full,
                True,
            ),
        ]
        variants = [
            Variant(label, cmd, first, scratch / f"v{i}") for i, (label, cmd, first) in enumerate(plans)
        ]
        series = measure([sys.executable, str(bare_script)], variants, args.runs)
    later = max(statistics.median(series[v.label].wall_ratios()) for v in variants if not v.first_start)
    first = max(statistics.median(series[v.label].wall_ratios()) for v in variants if v.first_start)
    print(table(series))
    print(
        f"\n**`aigw-skills serve`: {later:.3f}x** the bare server, later starts (worse of core and all; "
        f"target <= {TARGET_RATIO:.2f}x): {'OK' if later <= TARGET_RATIO else 'MISSED'}"
    )
    print(
        f"**first start after install: {first:.3f}x** the bare server, empty schema cache (worse of core and "
        f"all; target <= {TARGET_RATIO:.2f}x): {'OK' if first <= TARGET_RATIO else 'MISSED'}"
    )
    print(
        "\nSpawned as clients do (the installed script); project bytecode compiled first, as a wheel install "
        "has it. A shared machine is noisy: compare ratios, not absolute times."
    )
    return 0 if max(later, first) <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
