"""The full property run: >= 10,000 hypothesis-generated calls to every atomic skill's MCP tool and CLI command.

    python benchmarks/property_run.py [--calls 10000] [--examples N]

Runs tests/hardening/test_properties.py in a child pytest with AIGW_SKILLS_PROPERTY_EXAMPLES=N (N examples per
tool and per command; by default just enough for --calls in total) and AIGW_SKILLS_PROPERTY_COUNT_FILE set, so
tests/hardening/doors.py counts every call it makes (core builder, MCP tool, CLI command). Prints the count,
the time and the pytest result as a markdown table. Exits 0 when the tests pass and the count reaches --calls,
1 when they pass with fewer calls, and pytest's exit status when a property fails.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = "tests/hardening/test_properties.py"
# Calls made per example and atomic skill: the MCP property calls the core builder and the MCP tool, the CLI
# property calls the CLI command.
CALLS_PER_EXAMPLE = 3
# Hypothesis stops early when a small input space is exhausted; ask for a little more than the exact share.
MARGIN = 1.15
LOG = Path(tempfile.gettempdir()) / "aigw-property-run.log"


def atomic_skill_count() -> int:
    sys.path.insert(0, str(REPO))
    from tests.hardening.inputs import entries

    return len(entries())


def examples_for(calls: int, skills: int) -> int:
    return max(1, math.ceil(calls * MARGIN / (CALLS_PER_EXAMPLE * skills)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=10_000, help="generated calls to reach (default 10,000)")
    parser.add_argument("--examples", type=int, help="examples per tool and command (default: from --calls)")
    parser.add_argument("--log", type=Path, default=LOG, help=f"pytest's full output (default {LOG})")
    parser.add_argument(
        "pytest_args", nargs="*", help=f"pytest arguments after --, e.g. a node id (default {TESTS})"
    )
    args = parser.parse_args(argv)
    skills = atomic_skill_count()
    examples = args.examples or examples_for(args.calls, skills)
    with tempfile.TemporaryDirectory(prefix="aigw-property-run-") as tmp:
        count_file = Path(tmp) / "calls.json"
        env = {
            **os.environ,
            "AIGW_SKILLS_PROPERTY_EXAMPLES": str(examples),
            "AIGW_SKILLS_PROPERTY_COUNT_FILE": str(count_file),
        }
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *(args.pytest_args or [TESTS])],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - started
        calls: dict[str, int] = json.loads(count_file.read_text()) if count_file.is_file() else {}
    total = sum(calls.values())
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "(no pytest output)"
    doors = ", ".join(f"{door} {n:,}" for door, n in sorted(calls.items())) or "none"
    print(f"{skills} atomic skills, {examples} examples per MCP tool and CLI command\n")
    print("| property run | generated calls | time | pytest |")
    print("|---|---:|---:|---|")
    print(f"| {TESTS} | {total:,} ({doors}) | {elapsed:.1f} s | {summary} |")
    print(f"\n**generated calls: {total:,} in {elapsed:.1f} s** (target ≥ {args.calls:,})")
    args.log.write_text(done.stdout + done.stderr, encoding="utf-8")
    if done.returncode != 0:
        failing = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
        print("\n".join(["", *failing, f"\nfull pytest output: {args.log}"]), file=sys.stderr)
        return done.returncode
    return 0 if total >= args.calls else 1


if __name__ == "__main__":
    sys.exit(main())
