"""The one place that runs kubectl for `doctor` and `plan`: read-only gets, server-side dry runs and diffs.

Every call names the context and kubeconfig the user chose, captures output, and turns failures into
:class:`KubectlError` with kubectl's own message and what to try next. Nothing here writes to the cluster:
`apply` always carries ``--dry-run=server`` and `diff` asks the server for a dry run as well.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# kubectl diff runs $KUBECTL_EXTERNAL_DIFF with the live and merged directories; it drops arguments that are not
# plain words, so the destination travels in an environment variable.
_COPY_DIFF_DIRS = (
    '#!/bin/sh\ncp -R "$1" "$AIGW_SKILLS_DIFF_DIR/live" && cp -R "$2" "$AIGW_SKILLS_DIFF_DIR/merged"\n'
)


class KubectlError(RuntimeError):
    """kubectl is missing, timed out, or failed; the message carries kubectl's explanation."""


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Kubectl:
    context: str | None = None
    kubeconfig: str | None = None
    binary: str = "kubectl"
    timeout: float = 120.0

    def _argv(self, args: Sequence[str]) -> list[str]:
        argv = [self.binary]
        if self.kubeconfig:
            argv += ["--kubeconfig", self.kubeconfig]
        if self.context:
            argv += ["--context", self.context]
        return argv + list(args)

    def run(
        self, args: Sequence[str], *, ok_codes: Sequence[int] = (0,), env: dict[str, str] | None = None
    ) -> Result:
        argv = self._argv(args)
        try:
            proc = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                env={**os.environ, **(env or {})},
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except FileNotFoundError:
            raise KubectlError(
                f"{self.binary} not found on PATH; install kubectl, or diagnose a dump instead "
                "(aigw-skills doctor DUMP_DIR)"
            ) from None
        except subprocess.TimeoutExpired:
            raise KubectlError(
                f"kubectl {' '.join(args[:3])} did not finish within {self.timeout:.0f}s; check that the cluster "
                "is reachable (kubectl cluster-info)"
            ) from None
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if proc.returncode not in ok_codes:
            detail = proc.stderr.strip().splitlines()
            raise KubectlError(
                f"kubectl {' '.join(args[:3])} failed: {' '.join(detail[-3:]) or f'exit {proc.returncode}'}"
            )
        return result

    def json(self, args: Sequence[str]) -> Any:
        out = self.run([*args, "-o", "json"]).stdout
        try:
            return json.loads(out) if out.strip() else {}
        except ValueError:
            raise KubectlError(f"kubectl {' '.join(args[:3])} returned output that is not JSON") from None

    def served_resources(self) -> tuple[set[str], str | None]:
        """`plural.group` (or `plural` for the core group) of every resource the API server serves, and kubectl's
        complaint when discovery was partial (an aggregated API that is down still leaves the rest usable)."""
        result = self.run(["api-resources", "-o", "name"], ok_codes=(0, 1))
        names = {line.strip() for line in result.stdout.splitlines() if line.strip()}
        problem = " ".join(result.stderr.strip().splitlines()[-2:]) if result.returncode else None
        if not names:
            raise KubectlError(f"kubectl api-resources failed: {problem or f'exit {result.returncode}'}")
        return names, problem

    def apply_dry_run(self, bundle: Path) -> Result:
        """`kubectl apply --dry-run=server` of a file, directory or kustomization (exit 1 lists per-object errors)."""
        return self.run(["apply", "--dry-run=server", *source_args(bundle)], ok_codes=(0, 1))

    def rendered(self, bundle: Path) -> str:
        """The bundle's objects as YAML: `kubectl kustomize` for a kustomization (local, no cluster), else the files."""
        args = source_args(bundle)
        if args[0] == "-k":
            return self.run(["kustomize", str(bundle)]).stdout
        files = (
            sorted(p for p in bundle.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
            if bundle.is_dir()
            else [bundle]
        )
        return "\n---\n".join(p.read_text(encoding="utf-8") for p in files)

    def diff(self, bundle: Path) -> tuple[Result, dict[str, str], dict[str, str]]:
        """`kubectl diff` (a server-side dry run): its result and the live and merged objects, by file name."""
        with tempfile.TemporaryDirectory(prefix="aigw-skills-diff-") as tmp:
            script = Path(tmp) / "copy-diff-dirs"
            script.write_text(_COPY_DIFF_DIRS, encoding="utf-8")
            script.chmod(0o700)
            if shutil.which("sh") is None:
                raise KubectlError("plan needs a POSIX shell (sh) for kubectl diff's external diff program")
            result = self.run(
                ["diff", *source_args(bundle)],
                ok_codes=range(256),  # 1: differences; >1: an error the caller reports
                env={"KUBECTL_EXTERNAL_DIFF": str(script), "AIGW_SKILLS_DIFF_DIR": tmp},
            )
            return result, _read_dir(Path(tmp) / "live"), _read_dir(Path(tmp) / "merged")


def source_args(bundle: Path) -> list[str]:
    if bundle.is_dir() and any(
        (bundle / k).is_file() for k in ("kustomization.yaml", "kustomization.yml", "Kustomization")
    ):
        return ["-k", str(bundle)]
    return ["-R", "-f", str(bundle)] if bundle.is_dir() else ["-f", str(bundle)]


def _read_dir(path: Path) -> dict[str, str]:
    if not path.is_dir():
        return {}
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(path.iterdir()) if p.is_file()}
