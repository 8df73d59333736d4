"""Run a generated script under bash with stub `kubectl` and `helm` that log their argv, and nothing else.

The stubs write each invocation as `<argc>\\0<name>\\0<arg>\\0...` to a file of its own and consume their stdin (so a
pipeline never dies of SIGPIPE), keeping it next to that file (`<pid>.in`) so a test sees what was piped in. PATH holds the stub directory and the system's own directories only; the
script runs in an empty work directory with HOME pointing at another one, so a file it creates there (the
`touch PWNED` of an injection) is seen.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

STUB = """#!/bin/sh
{ printf '%s\\0' "$#" "$(basename "$0")"; for a in "$@"; do printf '%s\\0' "$a"; done; } > "$ARGV_DIR/$$"
cat > "$ARGV_DIR/$$.in"
"""
BASH = shutil.which("bash") or "/bin/bash"


@dataclass
class ScriptRun:
    returncode: int
    argv: list[tuple[str, ...]]
    stderr: str
    stray: list[str]  # files the script created in its work or home directory
    stdin: dict[tuple[str, ...], list[bytes]]  # what each argv read on its standard input, per invocation


def stub_dir(root: Path) -> Path:
    bin_dir = root / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name in ("kubectl", "helm"):
        path = bin_dir / name
        path.write_text(STUB, encoding="utf-8")
        path.chmod(0o755)
    return bin_dir


def parse_log(data: bytes) -> list[tuple[str, ...]]:
    fields = data.split(b"\0")[:-1]
    out: list[tuple[str, ...]] = []
    i = 0
    while i < len(fields):
        count = int(fields[i])
        out.append(tuple(f.decode("utf-8", "surrogateescape") for f in fields[i + 1 : i + 2 + count]))
        i += 2 + count
    return out


def run_script(
    text: str, root: Path, *, env: dict[str, str] | None = None, files: dict[str, str] | None = None
) -> ScriptRun:
    """Run `text` with bash in root/work (holding `files`), HOME=root/home; report argv and stray files."""
    bin_dir = stub_dir(root)
    work, home = root / "work", root / "home"
    for d in (work, home):
        d.mkdir(parents=True, exist_ok=True)
    (work / "script.sh").write_text(text, encoding="utf-8")
    for name, body in (files or {}).items():
        (work / name).write_text(body, encoding="utf-8")
    before = {p for d in (work, home) for p in d.rglob("*")}
    log = root / "argv"
    shutil.rmtree(log, ignore_errors=True)
    log.mkdir()
    done = subprocess.run(
        [BASH, str(work / "script.sh")],
        cwd=work,
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "HOME": str(home),
            "ARGV_DIR": str(log),
            "LC_ALL": "C.UTF-8",
            **(env or {}),
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
    )
    after = {p for d in (work, home) for p in d.rglob("*")}
    argv: list[tuple[str, ...]] = []
    stdin: dict[tuple[str, ...], list[bytes]] = {}
    for record in sorted(p for p in log.iterdir() if p.suffix != ".in"):
        calls = parse_log(record.read_bytes())
        argv += calls
        piped = record.with_suffix(".in")
        for call in calls:
            stdin.setdefault(call, []).append(piped.read_bytes() if piped.exists() else b"")
    return ScriptRun(
        done.returncode,
        argv,
        done.stderr.decode("utf-8", "replace"),
        sorted(str(p) for p in after - before),
        stdin,
    )


def simple_argv(command: str) -> tuple[str, ...]:
    """The argv bash gives a simple command (no pipes, no expansions) as an independent oracle."""
    return tuple(shlex.split(command))


def expand_home(path: str, home: Path) -> str:
    if path == "~":
        return str(home)
    if path.startswith("~/"):
        return str(home) + path[1:]
    return path


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k in ("PATH", "LANG")}
