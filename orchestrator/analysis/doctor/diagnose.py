"""Run every doctor check over a snapshot, plus the project's lint over the live objects."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from orchestrator.analysis.doctor.configdump import check_config_dumps
from orchestrator.analysis.doctor.context import DoctorContext, ai_gateways, edit_cmd, generated_by_ai_route
from orchestrator.analysis.doctor.dataplane import check_data_plane
from orchestrator.analysis.doctor.egconfig import check_eg_config, find_config
from orchestrator.analysis.doctor.references import check_references
from orchestrator.analysis.doctor.report import DoctorFinding, DoctorReport, build_report, lint_finding
from orchestrator.analysis.doctor.routing import check_routing
from orchestrator.analysis.doctor.skew import check_versions, detect_release
from orchestrator.analysis.doctor.snapshot import Snapshot
from orchestrator.analysis.doctor.status import check_status
from orchestrator.analysis.doctor.tracing import check_traces
from skills.versions import DEFAULT_VERSION, profile

Check = Callable[[Snapshot, DoctorContext], Iterator[DoctorFinding]]


CHECK_FUNCTIONS: tuple[Check, ...] = (
    check_versions,
    check_eg_config,
    check_data_plane,
    check_config_dumps,
    check_status,
    check_references,
    check_routing,
)

# Objects the controllers generate or that only carry data: linting them reports the controllers' choices.
_NOT_LINTED = {
    "Pod",
    "Deployment",
    "CustomResourceDefinition",
    "MutatingWebhookConfiguration",
    "Service",
    "ConfigMap",
}


# Lint rules a doctor check answers more exactly from the live state: referenced Secrets and their keys
# (AIGW-D040/D041/D042, which know where the controller reads them) and the rate limit backend (AIGW-D016, from
# Envoy Gateway's own configuration).
SUPERSEDED = {"AIGW-L007": "AIGW-D040", "AIGW-L008": "AIGW-D041", "AIGW-L030": "AIGW-D016"}


def _lint(snapshot: Snapshot) -> Iterator[DoctorFinding]:
    from orchestrator.engine.lint.linter import RULES, LintContext, lint_documents

    objects = [o for o in snapshot.objects if o.kind not in _NOT_LINTED and not generated_by_ai_route(o)]
    docs = [{k: v for k, v in o.doc.items() if k != "status"} for o in objects]
    rules = [r for r in RULES if r not in SUPERSEDED]
    # When Envoy Gateway's configuration is known, AIGW-D016 decides about the rate limit backend.
    context = LintContext(rate_limit_backend=find_config(snapshot) is not None)
    for f in lint_documents(docs, context, [o.source for o in objects], rules=rules):
        obj = (f.kind or "Input", f.namespace, f.name or (f.source or "?"))
        where = f" ({f.path})" if f.path else ""
        yield lint_finding(
            f.rule,
            f.severity,
            obj,
            what=f.message + where,
            why=f.hint or "see the rule's description in aigw-skills validate --help",
            fix=edit_cmd(obj) if f.kind else (f.hint or "fix the object"),
            source=f.source or "",
        )


def diagnose(
    snapshot: Snapshot,
    *,
    models: list[str] | None = None,
    target_version: str | None = None,
    lint: bool = True,
    max_findings: int | None = None,
    path: str | None = None,
) -> DoctorReport:
    """Every finding about the snapshot, ordered by what to fix first."""
    release = target_version or detect_release(snapshot) or DEFAULT_VERSION
    ctx = DoctorContext(profile=profile(release), models=list(models or []))
    findings: list[DoctorFinding] = []
    if not ai_gateways(snapshot):
        ctx.skip(
            "Envoy pods, config dumps and routing: no AIGatewayRoute or MCPRoute attaches to a Gateway here "
            "(check the kubectl context, --namespace, or the dump)"
        )
    for check in CHECK_FUNCTIONS:
        findings.extend(check(snapshot, ctx))
    if lint:
        findings.extend(_lint(snapshot))
        findings.extend(check_traces(snapshot, ctx, path, findings))
    else:
        ctx.skip("configuration lint and request traces: turned off (--no-lint)")
    return build_report(
        findings,
        source=snapshot.source,
        target_version=release,
        objects=snapshot.counts(),
        checks_skipped=ctx.checks_skipped + snapshot.notes,
        max_findings=max_findings,
    )
