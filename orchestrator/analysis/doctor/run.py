"""The function every doctor front door calls: read the dump or the live cluster, then diagnose."""

from __future__ import annotations

from orchestrator.analysis.doctor.diagnose import diagnose
from orchestrator.analysis.doctor.options import DoctorInput
from orchestrator.analysis.doctor.report import DoctorReport
from orchestrator.analysis.doctor.snapshot import Snapshot, load_dump

__all__ = ["DoctorInput", "run_doctor", "snapshot_for"]


def snapshot_for(inp: DoctorInput) -> Snapshot:
    """The snapshot to diagnose: the dump, or the live cluster (plus any config dumps). Raises DumpError or
    KubectlError with a message that says what to do."""
    if inp.dump:
        return load_dump(list(inp.dump), list(inp.config_dump))
    from orchestrator.analysis.doctor.collect import collect
    from orchestrator.analysis.kubectl import Kubectl

    snapshot = collect(Kubectl(context=inp.context, kubeconfig=inp.kubeconfig), inp.namespace)
    if inp.config_dump:
        snapshot.config_dumps.extend(load_dump(list(inp.config_dump)).config_dumps)
    return snapshot


def run_doctor(inp: DoctorInput) -> DoctorReport:
    return diagnose(
        snapshot_for(inp),
        models=list(inp.models),
        target_version=inp.target_version,
        lint=inp.lint,
        max_findings=inp.max_findings,
        path=inp.path,
    )
