"""Bytecode as an installed wheel has it, for the benchmarks that spawn the project's processes.

pip compiles a wheel's modules at install time; an editable checkout run with PYTHONDONTWRITEBYTECODE=1 (this
environment sets it) would instead compile every module on every start, which no user pays.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def compile_project() -> None:
    """Write the bytecode of skills/, orchestrator/ and server/ (python -m compileall, PYTHONDONTWRITEBYTECODE unset)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "compileall",
            "-q",
            *(str(REPO / p) for p in ("skills", "orchestrator", "server")),
        ],
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""},
        stdout=subprocess.DEVNULL,
    )
