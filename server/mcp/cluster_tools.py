"""Tools that read a cluster through kubectl: aigw_doctor (diagnose a running gateway, or a dump) and aigw_plan
(what applying a bundle would change). Both are read-only: plan's apply is a server-side dry run.

Only the specs live here; the cores are loaded on the first call, so starting the server stays cheap.
"""

from __future__ import annotations

from typing import Any

from mcp.types import ToolAnnotations

from server.mcp.tools import ToolSpec, load

DESCRIPTION = (
    "Diagnoses a running Envoy AI Gateway, read-only: through kubectl (current or given context) or from a dump "
    "directory written by `aigw-skills doctor --collect` or `kubectl get … -o yaml`, plus optional Envoy config "
    "dumps. Checks object status (not Accepted, unresolved refs, Conflicted policies, not Programmed), Envoy "
    "Gateway's extension manager and Backend API, the extproc sidecar in Envoy pods, the ext_proc filter and its "
    "socket, Secrets policies read (names and key names only), CRD and controller versions, and where a request "
    "for each routed model goes (lint and tracer over the live objects). Each finding has a stable id "
    "(AIGW-Dxxx), the object, why (upstream file@tag or issue) and a command that fixes or confirms it; `summary` "
    "lists what to fix first (set max_findings to keep the answer short). Use when requests fail on a cluster "
    "('No matching route found', 401/404/413, limits not enforced). Next: run the first fix, then call it again."
)


PLAN_DESCRIPTION = (
    "Shows what `kubectl apply` of a bundle directory would do on the cluster, without doing it: a server-side "
    "dry run (the API server's schema, CEL and admission checks run) and `kubectl diff`. Each object is created, "
    "changed (field paths only, never values) or unchanged, and lists the apply replaces wholesale (a route's "
    "rules, a Gateway's listeners) are called out with the entries it would remove. Use after aigw_orchestrate "
    "wrote a bundle, before applying it. Next: apply with the command in `next`, then aigw_doctor."
)


# Both read a cluster (open world) and never change it.
READS_A_CLUSTER = ToolAnnotations(
    read_only_hint=True, idempotent_hint=True, destructive_hint=False, open_world_hint=True
)


def run_doctor(inp: Any) -> Any:
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


def run_plan(inp: Any) -> Any:
    """The plan core; kubectl's failures (no bundle, no cluster) are input problems."""
    from orchestrator.analysis.kubectl import KubectlError
    from skills.errors import InputError, Problem

    try:
        return load("orchestrator.analysis.plan:run_plan")(inp)
    except KubectlError as exc:
        raise InputError([Problem("bundle", str(exc))], skill="aigw_plan") from None


def cluster_specs() -> list[ToolSpec]:
    return [
        ToolSpec(
            name="aigw_doctor",
            title="Diagnose a running AI Gateway",
            description=DESCRIPTION,
            input_model="orchestrator.analysis.doctor.options:DoctorInput",
            output_model="orchestrator.analysis.doctor.report:DoctorReport",
            run=run_doctor,
            annotations=READS_A_CLUSTER,
        ),
        ToolSpec(
            name="aigw_plan",
            title="Plan applying a bundle",
            description=PLAN_DESCRIPTION,
            input_model="orchestrator.analysis.plan:PlanInput",
            output_model="orchestrator.analysis.plan:PlanReport",
            run=run_plan,
            annotations=READS_A_CLUSTER,
        ),
    ]
