"""Bodies of the tools that read a cluster through kubectl: aigw_doctor (diagnose a running gateway, or a dump)
and aigw_plan (what applying a bundle would change). Both are read-only: plan's apply is a server-side dry run.
They are registered, with their input models and descriptions, in server/doors.py; the cores are loaded on the
first call, so starting the server stays cheap.

A cluster kubectl cannot reach (or kubectl missing) is a tool error that says so and names the fields that change
it; it is not an input problem, since no field the caller sent is wrong.
"""

from __future__ import annotations

from typing import Any

from server.doors import load


def doctor_more() -> str:
    from orchestrator.analysis.finding_limit import MAX_FINDINGS_LIMIT

    return (
        f"to see them, raise max_findings (up to {MAX_FINDINGS_LIMIT}), narrow a live diagnosis with `namespace`, "
        "or run `aigw-skills doctor [DUMP...] --format json` (the same dump or context) for the whole report"
    )


def run_doctor(inp: Any, crds_path: str | None = None) -> Any:
    """The doctor core, its `more` line in the tool's words; a dump it cannot read is an input problem on `dump`, a
    cluster it cannot read a tool error."""
    from mcp.server.mcpserver.exceptions import ToolError

    from orchestrator.analysis.doctor.report import retold
    from orchestrator.analysis.doctor.snapshot import DumpError
    from orchestrator.analysis.kubectl import ClusterError, KubectlError
    from skills.errors import InputError, Problem

    try:
        return retold(load("orchestrator.analysis.doctor.run:run_doctor")(inp), doctor_more())
    except DumpError as exc:
        raise InputError([Problem("dump", str(exc))], skill="aigw_doctor") from None
    except ClusterError as exc:
        raise ToolError(exc.explain(fields=True, dump=True)) from None
    except KubectlError as exc:
        raise ToolError(
            f"{exc}; check the cluster with `kubectl cluster-info`, or pass a dump in `dump`"
        ) from None


def run_plan(inp: Any, crds_path: str | None = None) -> Any:
    """The plan core; a bundle kubectl cannot read is an input problem on `bundle`, a cluster it cannot reach a
    tool error."""
    from mcp.server.mcpserver.exceptions import ToolError

    from orchestrator.analysis.kubectl import ClusterError, KubectlError
    from skills.errors import InputError, Problem

    try:
        return load("orchestrator.analysis.plan:run_plan")(inp)
    except ClusterError as exc:
        raise ToolError(exc.explain(fields=True)) from None
    except KubectlError as exc:
        raise InputError([Problem("bundle", str(exc))], skill="aigw_plan") from None
