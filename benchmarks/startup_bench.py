"""Cold start to the first `tools/list` answer: `aigw-skills serve` against a bare one-tool MCPServer.

A third row measures the server without the CLI's argument parser (which builds every subcommand's options),
to separate the server's own startup from the CLI's. Each run starts a new process, performs the stdio handshake a real client does (initialize, initialized,
tools/list) and stops the clock when the tools/list answer arrives. Runs alternate between the two servers so
that drift affects both alike. Prints a markdown table of medians and the ratio (target: <= 1.15x).

    .venv/bin/python benchmarks/startup_bench.py [--runs 15] [--command "aigw-skills serve"]
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

TARGET_RATIO = 1.15
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


def time_to_tools_list(command: list[str]) -> tuple[float, int]:
    """Seconds from spawning `command` to its tools/list answer, and the number of tools listed."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
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
    return elapsed, len(tools)


def measure(commands: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Interleaved runs of every command (after one warm-up each), in seconds."""
    times: dict[str, list[float]] = {label: [] for label in commands}
    for command in commands.values():
        time_to_tools_list(command)  # warm the OS file cache, bytecode caches and the tool-schema cache
    for _ in range(runs):
        for label, command in commands.items():
            times[label].append(time_to_tools_list(command)[0])
    return times


def table(times: dict[str, list[float]], baseline: str) -> tuple[str, dict[str, float]]:
    """Markdown rows (median, min, max, ratio to the baseline's median) and the ratios."""
    base = statistics.median(times[baseline])
    ratios = {label: statistics.median(values) / base for label, values in times.items()}
    rows = [
        "| server | runs | median (ms) | min (ms) | max (ms) | ratio |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {label} | {len(values)} | {statistics.median(values) * 1000:.0f} | {min(values) * 1000:.0f} | "
            f"{max(values) * 1000:.0f} | {ratios[label]:.3f}x |"
            for label, values in times.items()
        ),
    ]
    return "\n".join(rows), ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="runs per server [default: 15]")
    parser.add_argument(
        "--command",
        default=f"{shlex.quote(sys.executable)} -m server serve",
        help="command that starts our server on stdio [default: this Python, -m server serve]",
    )
    args = parser.parse_args(argv)
    ours = shlex.split(args.command)
    app_only = [sys.executable, "-c", "from server.mcp.app import create_server; create_server().run()"]
    with tempfile.TemporaryDirectory() as tmp:
        bare_script = Path(tmp) / "bare_server.py"
        bare_script.write_text(BARE_SERVER, encoding="utf-8")
        count = time_to_tools_list(ours)[1]
        labels = {
            "bare": "bare MCPServer, 1 tool (baseline)",
            "ours": f"`aigw-skills serve` (CLI), {count} tools",
            "app": f"`server.mcp.app` alone (no CLI parser), {count} tools",
        }
        commands = {
            labels["bare"]: [sys.executable, str(bare_script)],
            labels["ours"]: ours,
            labels["app"]: app_only,
        }
        times = measure(commands, args.runs)
    text, ratios = table(times, labels["bare"])
    ratio = ratios[labels["ours"]]
    print(text)
    print(
        f"\n**`aigw-skills serve`: {ratio:.3f}x** the bare server (target <= {TARGET_RATIO}x): "
        f"{'OK' if ratio <= TARGET_RATIO else 'MISSED'}"
    )
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
