"""The one place that runs kubectl for `doctor` and `plan`: read-only gets, server-side dry runs and diffs.

Every call names the context and kubeconfig the user chose, captures output, and turns failures into
:class:`KubectlError` with kubectl's own message and what to try next. Nothing here writes to the cluster:
`apply` always carries ``--dry-run=server`` and `diff` asks the server for a dry run as well.
"""

from __future__ import annotations

import json
import os
import re
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
    """kubectl failed on what it was given (a bundle it cannot read, an object it rejects); the message carries
    kubectl's explanation."""


# What doctor reads first (and plan's bundle holds): the `kubectl auth can-i` question when 403 names no resource.
DEFAULT_CAN_I = "list aigatewayroutes.aigateway.envoyproxy.io --all-namespaces"
# The API server's RBAC refusal, as kubectl prints it (`Error from server (Forbidden): ...`), and what it names.
_FORBIDDEN = re.compile(r"\(Forbidden\)|\bis forbidden:")
_REFUSED = re.compile(r'cannot (\w+) resource "([^"]+)"(?: in API group "([^"]*)")?')


class ClusterError(KubectlError):
    """kubectl could not be run, or could not reach the cluster: the environment, not the input. ``problem`` says
    what failed and where (which context); :meth:`explain` adds the next step in the words of a front door.
    ``cause``: "unreachable", "no-context" (none is set), "unknown-context" (the one named does not exist),
    "no-kubectl", "no-plugin" (the kubeconfig user's credential plugin ``plugin`` is not installed) or "forbidden"
    (the API server answered 403: the identity lacks permission; ``can_i`` is what to ask `kubectl auth can-i`)."""

    def __init__(
        self, problem: str, cause: str = "unreachable", *, plugin: str = "", can_i: str = DEFAULT_CAN_I
    ) -> None:
        self.problem = problem
        self.cause = cause
        self.plugin = plugin
        self.can_i = can_i
        super().__init__(self.explain())

    def explain(self, *, fields: bool = False, dump: bool = False) -> str:
        """One line: the problem, then what to do. ``fields``: name the MCP tool's fields (`context`) instead of
        the command's options (--context); ``dump``: the command can read a dump instead of the cluster (doctor)."""
        context = "set the `context` field" if fields else "pass --context NAME"
        first = {
            "no-kubectl": "install kubectl",
            "no-context": f"pick one with `kubectl config use-context NAME`, or {context}",
            "unknown-context": "list them with `kubectl config get-contexts` and "
            + ("set the `context` field to one of them" if fields else "pass one with --context NAME"),
            "unreachable": f"check `kubectl config current-context` and `kubectl cluster-info`, or {context}",
            "no-plugin": f"install `{self.plugin}` (or put it on PATH), or fix the user's `exec` in the kubeconfig "
            f"(`kubectl config view --minify` shows it), or {context}",
            "forbidden": f"see what it may do with `kubectl auth can-i {self.can_i}` (or `kubectl auth can-i --list`) "
            f"and ask a cluster admin for a role that grants it, or {context} with more rights",
        }[self.cause]
        steps = [first]
        if dump:
            then = "pass that directory in `dump`" if fields else "run `aigw-skills doctor DIR`"
            where = (
                "as an identity that may read the cluster"
                if self.cause == "forbidden"
                else "where the cluster is reachable"
            )
            steps.append(
                f"diagnose a dump instead: write one with `aigw-skills doctor --collect DIR` {where}, then {then}"
            )
        return f"{self.problem}; " + ", or ".join(steps)


# Advice kubectl gives about its own flags, which the commands running it do not have.
_FLAG_ADVICE = re.compile(
    r";?\s*if you choose to ignore these errors, turn validation off with --validate=false\s*$"
)


def without_flag_advice(line: str) -> str:
    """A kubectl message without its advice about kubectl's own flags (``turn validation off with
    --validate=false``): plan and doctor have no such option."""
    return _FLAG_ADVICE.sub("", line)


def plain_reason(stderr: str) -> str:
    """kubectl's explanation of a failure for people: its last line that is not a klog line (the validate
    --cluster code's reading, one function), without advice about kubectl's own flags."""
    from orchestrator.engine.crds import kubectl_reason

    return without_flag_advice(kubectl_reason(stderr))


def can_i_question(reason: str) -> str:
    """The `kubectl auth can-i` arguments for a 403: the verb and resource the API server named, else doctor's
    first read (DEFAULT_CAN_I)."""
    refused = _REFUSED.search(reason)
    if not refused:
        return DEFAULT_CAN_I
    verb, resource, group = refused.groups()
    return f"{verb} {resource}.{group}" if group else f"{verb} {resource}"


_RESOURCE_NAME = re.compile(r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$")  # a line of `kubectl api-resources -o name`
# What kubectl says when it cannot use the cluster it has: no credentials (it prompts, and reads EOF), credentials
# refused, or a --context the kubeconfig does not hold.
_ASKS_PASSWORD = re.compile(r"Please enter (Username|Password)")
_UNAUTHORIZED = re.compile(r"Unauthorized|must be logged in")
_NO_CONTEXT = re.compile(r"context \"[^\"]*\" does not exist|context was not found")


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
            raise ClusterError(f"{self.binary} not found on PATH", "no-kubectl") from None
        except subprocess.TimeoutExpired:
            raise ClusterError(
                f"kubectl {' '.join(args[:3])} did not finish within {self.timeout:.0f}s on the cluster of "
                + (f'context "{self.context}"' if self.context else "the current context")
            ) from None
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if proc.returncode not in ok_codes:
            raise KubectlError(
                f"kubectl {' '.join(args[:3])} failed: {plain_reason(proc.stderr) or f'exit {proc.returncode}'}"
            )
        return result

    def current_context(self) -> str:
        """The context kubectl uses: the one given, else the kubeconfig's current context ('' when none is set)."""
        if self.context:
            return self.context
        try:
            return self.run(["config", "current-context"]).stdout.strip()
        except KubectlError:
            return ""

    def unreachable(self, result: Result) -> ClusterError:
        """The cluster error for a call that could not talk to the cluster at all."""
        reason = plain_reason(result.stderr) or "no answer"
        if _ASKS_PASSWORD.search(result.stdout):  # stdin is closed, so the prompt reads EOF
            reason = "the kubeconfig holds no credentials for it (kubectl asked for a username)"
        verb = "log in to" if "credentials" in reason or _UNAUTHORIZED.search(reason) else "reach"
        config = f" in {self.kubeconfig}" if self.kubeconfig else ""
        if self.context and _NO_CONTEXT.search(reason):
            return ClusterError(f'kubectl has no context "{self.context}"{config}', "unknown-context")
        name = self.current_context()
        if not name:
            return ClusterError(
                f"kubectl has no current context{config}, so it tried its default server: {reason}",
                "no-context",
            )
        from orchestrator.engine.crds import missing_plugin

        plugin = missing_plugin(result.stderr)
        if plugin:
            return ClusterError(
                f'kubectl could not get credentials for the cluster of context "{name}": {reason}',
                "no-plugin",
                plugin=plugin,
            )
        if _FORBIDDEN.search(reason):
            return ClusterError(
                f'the identity of context "{name}" lacks permission to read the cluster (the API server '
                f"answered 403 Forbidden): {reason}",
                "forbidden",
                can_i=can_i_question(reason),
            )
        return ClusterError(f'kubectl could not {verb} the cluster of context "{name}": {reason}')

    def check_cluster(self) -> None:
        """Raise :class:`ClusterError` when the cluster does not answer a cheap read (`/version`): called after a
        failure, to tell a cluster kubectl cannot reach from input it rejects."""
        result = self.run(["get", "--raw", "/version", "--request-timeout=20s"], ok_codes=range(256))
        if result.returncode:
            raise self.unreachable(result)

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
        # Only resource names count: kubectl prints a username prompt on stdout for a cluster without credentials.
        names = {line for line in map(str.strip, result.stdout.splitlines()) if _RESOURCE_NAME.match(line)}
        if not names:  # no discovery at all: kubectl has no cluster to talk to, or cannot reach it
            raise self.unreachable(result)
        problem = plain_reason(result.stderr) if result.returncode else None
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
