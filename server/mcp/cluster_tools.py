"""Bodies of the tools that read a cluster through kubectl: aigw_doctor (diagnose a running gateway, or a dump)
and aigw_plan (what applying a bundle would change). Both are read-only: plan's apply is a server-side dry run.
They are registered, with their input models and descriptions, in server/doors.py; the cores are loaded on the
first call, so starting the server stays cheap.
"""

from __future__ import annotations

from typing import Any

from server.doors import load


def run_doctor(inp: Any, crds_path: str | None = None) -> Any:
    """The doctor core; a dump it cannot read or a cluster kubectl cannot reach is an input problem."""
    from orchestrator.analysis.doctor.snapshot import DumpError
    from orchestrator.analysis.kubectl import KubectlError
    from skills.errors import InputError, Problem

    try:
        return load("orchestrator.analysis.doctor.run:run_doctor")(inp)
    except DumpError as exc:
        raise InputError([Problem("dump", str(exc))], skill="aigw_doctor") from None
    except KubectlError as exc:
        raise InputError([Problem("context", str(exc))], skill="aigw_doctor") from None


def run_plan(inp: Any, crds_path: str | None = None) -> Any:
    """The plan core; kubectl's failures (no bundle, no cluster) are input problems."""
    from orchestrator.analysis.kubectl import KubectlError
    from skills.errors import InputError, Problem

    try:
        return load("orchestrator.analysis.plan:run_plan")(inp)
    except KubectlError as exc:
        raise InputError([Problem("bundle", str(exc))], skill="aigw_plan") from None
