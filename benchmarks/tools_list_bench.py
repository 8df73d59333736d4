"""How much of a client's context and start-up the tool list costs: tools/list size for `serve --tools core` (the
default) and `--tools all`, and the client-observed cold start measured with the official TypeScript SDK client
(spawn -> initialize -> first tools/list, which also compiles its output-schema validators), interleaved with a
bare one-tool MCPServer. Prints a markdown table of bytes, approximate tokens (bytes / 4, the usual estimate for
JSON) and medians with ratios (targets: default tools/list <= 25 KB, cold start <= 1.15x the bare server).

    .venv/bin/python benchmarks/tools_list_bench.py [--runs 11]

Needs node and the SDK from tests/ts (`npm ci` there, from the committed lockfile).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from startup_bench import BARE_SERVER  # the same bare one-tool server as the server-side benchmark

REPO = Path(__file__).resolve().parents[1]
SDK = REPO / "tests" / "ts" / "node_modules" / "@modelcontextprotocol" / "sdk"
BYTES_LIMIT = 25 * 1024
RATIO_LIMIT = 1.15


def measure(runs: int) -> dict[str, dict[str, object]]:
    if not SDK.is_dir():
        raise SystemExit(f"tools_list_bench: {SDK} is missing; run `npm ci` in tests/ts first")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_server.py"
        bare.write_text(BARE_SERVER, encoding="utf-8")
        servers = {
            "bare": [sys.executable, str(bare)],
            "core": [sys.executable, "-m", "server", "serve", "--tools", "core"],
            "all": [sys.executable, "-m", "server", "serve", "--tools", "all"],
        }
        specs = [f"{label}={json.dumps(command)}" for label, command in servers.items()]
        done = subprocess.run(
            ["node", str(REPO / "benchmarks" / "client_cold_start.mjs"), str(SDK), str(runs), *specs],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60 * runs,
        )
    if done.returncode != 0:
        raise SystemExit(f"tools_list_bench: the TypeScript client failed:\n{done.stderr[-2000:]}")
    result: dict[str, dict[str, object]] = json.loads(done.stdout)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=11, help="runs per server [default: 11]")
    args = parser.parse_args(argv)
    seen = measure(args.runs)
    base = statistics.median(seen["bare"]["times_ms"])  # type: ignore[arg-type]
    rows = [
        "| server | tools | tools/list bytes | ≈ tokens | runs | median cold start (ms) | ratio to bare |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = {"bare": "bare MCPServer, 1 tool (baseline)", "core": "`serve` (default: --tools core)"}
    names["all"] = "`serve --tools all`"
    for label, data in seen.items():
        median = statistics.median(data["times_ms"])  # type: ignore[arg-type]
        size = int(data["bytes"])  # type: ignore[call-overload]
        rows.append(
            f"| {names[label]} | {data['tools']} | {size:,} | {size // 4:,} | {len(data['times_ms'])} | "  # type: ignore[arg-type]
            f"{median:.0f} | {median / base:.3f}x |"
        )
    core_bytes = int(seen["core"]["bytes"])  # type: ignore[call-overload]
    ratio = statistics.median(seen["core"]["times_ms"]) / base  # type: ignore[arg-type]
    print("\n".join(rows))
    print(
        f"\n**default tools/list: {core_bytes:,} bytes** (target <= {BYTES_LIMIT:,}); "
        f"**client-observed cold start: {ratio:.3f}x** the bare server (target <= {RATIO_LIMIT}x): "
        f"{'OK' if core_bytes <= BYTES_LIMIT and ratio <= RATIO_LIMIT else 'MISSED'}"
    )
    return 0 if core_bytes <= BYTES_LIMIT and ratio <= RATIO_LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
