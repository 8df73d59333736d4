"""Doctor findings as data, ordered by what to fix first, rendered as text or JSON.

Exit codes match `aigw-skills validate`: 0 when no finding is an error (warnings too with ``strict``), 1 when there
are errors; the CLI returns 2 for usage errors, unreadable dumps and a cluster kubectl cannot reach.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from orchestrator.analysis.doctor.catalog import CHECKS, LAYER_TITLES, LAYERS, LINT_REFERENCE, Layer, Severity
from orchestrator.analysis.finding_limit import SEVERITIES, SEVERITY_RANK, by_severity, left_out, most_urgent


class DoctorFinding(BaseModel):
    """One problem on one object: what is wrong, why (with the upstream reference) and the command to run."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Stable finding id (AIGW-Dxxx for doctor checks, AIGW-Lxxx for lint rules)")
    severity: Severity
    layer: Layer = Field(description="Where the problem sits; the summary fixes earlier layers first")
    kind: str = Field(description="Kind of the object the finding is about")
    namespace: str | None = None
    name: str
    what: str = Field(
        description="What is wrong, with the controller's own reason and message when it gave one"
    )
    why: str = Field(description="Why it matters: what breaks for requests")
    reference: str = Field(description="Upstream source (file@tag) or issue that decides the behaviour")
    fix: str | None = Field(None, description="A command (or the exact change) that fixes it")
    confirm: str | None = Field(None, description="A command that confirms the problem or its fix")
    source: str | None = Field(None, description="The dump file the object came from, or 'cluster'")

    @model_validator(mode="after")
    def _has_command(self) -> DoctorFinding:
        if not self.fix and not self.confirm:
            raise ValueError(
                f"finding {self.id} on {self.object} carries neither a fix nor a confirm command"
            )
        return self

    @property
    def object(self) -> str:
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"

    def sort_key(self) -> tuple[int, int, str, str, str]:
        return (LAYERS.index(self.layer), SEVERITY_RANK[self.severity], self.id, self.object, self.what)


def finding(
    check_id: str,
    obj: tuple[str, str | None, str],
    *,
    severity: Severity,
    what: str,
    why: str,
    fix: str | None = None,
    confirm: str | None = None,
    source: str | None = None,
    reference: str | None = None,
) -> DoctorFinding:
    """A finding of a registered check; layer and reference come from the catalog."""
    check = CHECKS[check_id]
    kind, namespace, name = obj
    return DoctorFinding(
        id=check_id,
        severity=severity,
        layer=check.layer,
        kind=kind,
        namespace=namespace or None,
        name=name,
        what=what,
        why=why,
        reference=reference or check.reference,
        fix=fix,
        confirm=confirm,
        source=source,
    )


def lint_finding(
    rule: str,
    severity: Severity,
    obj: tuple[str, str | None, str],
    what: str,
    why: str,
    fix: str,
    source: str,
) -> DoctorFinding:
    kind, namespace, name = obj
    return DoctorFinding(
        id=rule,
        severity=severity,
        layer="lint",
        kind=kind,
        namespace=namespace or None,
        name=name,
        what=what,
        why=why,
        reference=LINT_REFERENCE,
        fix=fix,
        source=source,
    )


class DoctorReport(BaseModel):
    """Everything one doctor run found, where it looked, and what it could not check."""

    model_config = ConfigDict(frozen=True)

    ok: bool = Field(description="No finding is an error")
    source: str = Field(description="What was diagnosed: the kubectl context, or the dump paths")
    target_version: str = Field(description="AI Gateway release the versions were checked against")
    objects: dict[str, int] = Field(description="Objects looked at, per kind")
    findings: list[DoctorFinding] = Field(description="Ordered by what to fix first")
    counts: dict[str, int] = Field(
        description="Findings per severity (error, warning, info), omitted ones included"
    )
    omitted: int = Field(0, description="Findings left out of `findings` by max_findings (the least urgent)")
    more: str | None = Field(None, description="What was left out, and how to see it; null when nothing was")
    summary: list[str] = Field(description="Short plan: the first things to fix, in order")
    checks_skipped: list[str] = Field(description="Checks that could not run, and what would let them run")

    @property
    def errors(self) -> list[DoctorFinding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[DoctorFinding]:
        return [f for f in self.findings if f.severity == "warning"]


SUMMARY_STEPS = 5
# How to see what max_findings left out, in the command line's words (other front doors retell it: `retold`).
CLI_MORE = "to see them, raise --max-findings (or leave it out), or narrow a live diagnosis with --namespace"


def build_report(
    findings: list[DoctorFinding],
    *,
    source: str,
    target_version: str,
    objects: dict[str, int],
    checks_skipped: list[str],
    max_findings: int | None = None,
) -> DoctorReport:
    """Sort, de-duplicate and summarise the findings. With `max_findings`, keep that many of the most urgent (errors,
    then warnings, then infos; the layer order within a severity), listed in the order to fix them, and say what was
    left out and how to see it (in the command line's words; see `retold`)."""
    unique: dict[tuple[str, str, str], DoctorFinding] = {}
    for f in findings:
        unique.setdefault((f.id, f.object, f.what), f)
    ordered = sorted(unique.values(), key=DoctorFinding.sort_key)
    urgent = by_severity(ordered, lambda f: f.severity)
    chosen, omitted = most_urgent(urgent, max_findings)
    kept_ids = {id(f) for f in chosen}
    kept = [f for f in ordered if id(f) in kept_ids]
    report = DoctorReport(
        ok=not any(f.severity == "error" for f in ordered),
        source=source,
        target_version=target_version,
        objects=dict(sorted(objects.items())),
        findings=kept,
        counts={s: sum(1 for f in ordered if f.severity == s) for s in SEVERITIES},
        omitted=omitted,
        summary=summarise(ordered, listed=kept),
        checks_skipped=checks_skipped,
    )
    return retold(report, CLI_MORE)


def retold(report: DoctorReport, how: str) -> DoctorReport:
    """The report with its `more` line saying how to see what was left out in a front door's own words."""
    if not report.omitted:
        return report
    listed = Counter[str](f.severity for f in report.findings)
    hidden = {s: report.counts[s] - listed[s] for s in SEVERITIES}
    return report.model_copy(update={"more": left_out(hidden, how)})


COMMANDS = ("kubectl ", "helm ", "egctl ", "printf ", "aigw-skills ")


def is_command(text: str) -> bool:
    return text.startswith(COMMANDS)


def _action(f: DoctorFinding) -> str:
    if not f.fix:
        return f"check with `{f.confirm}`"
    return f"run `{f.fix}`" if is_command(f.fix) else f.fix


def summarise(ordered: list[DoctorFinding], listed: list[DoctorFinding] | None = None) -> list[str]:
    """The first few errors and warnings as numbered steps: earlier layers first, since they explain later ones. The
    last line counts the rest, and says how many of them are `listed` in the report (all when None)."""
    steps: list[str] = []
    stepped: set[int] = set()
    for f in ordered:
        if f.severity == "info":
            continue
        steps.append(
            f"{len(steps) + 1}. [{LAYER_TITLES[f.layer]}] {f.object}: {f.what} ({f.id}); {_action(f)}"
        )
        stepped.add(id(f))
        if len(steps) == SUMMARY_STEPS:
            break
    rest = sum(1 for f in ordered if f.severity != "info") - len(steps)
    if rest > 0:
        shown = ordered if listed is None else listed
        below = sum(1 for f in shown if f.severity != "info" and id(f) not in stepped)
        where = "below" if below == rest else f"({below} listed below, {rest - below} left out)"
        steps.append(f"... and {rest} more {where}; fixing the first ones often clears later ones.")
    return steps


def exit_code(report: DoctorReport, *, strict: bool = False) -> int:
    if report.counts["error"] or (strict and report.counts["warning"]):
        return 1
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(report: DoctorReport) -> str:
    lines = [f"aigw-skills doctor: {report.source} (checked against AI Gateway {report.target_version})"]
    if report.summary:
        lines += ["", "Fix first:", *("  " + s for s in report.summary)]
    for f in report.findings:
        lines += ["", f"{f.severity}: {f.object}: {f.what} [{f.id}]"]
        lines.append(f"  why: {f.why}")
        lines.append(f"  upstream: {f.reference}")
        if f.fix:
            lines.append(f"  fix: {f.fix}")
        if f.confirm:
            lines.append(f"  confirm: {f.confirm}")
    if report.checks_skipped:
        lines.append("")
        lines += [f"not checked: {c}" for c in report.checks_skipped]
    if report.more:
        lines += ["", "... " + report.more]
    total = sum(report.objects.values())
    infos = report.counts["info"]
    tail = f", {_count(infos, 'info')}" if infos else ""
    lines += [
        "",
        f"{_count(total, 'object')}, {_count(report.counts['error'], 'error')}, "
        f"{_count(report.counts['warning'], 'warning')}{tail}",
    ]
    return "\n".join(lines) + "\n"


def render_json(report: DoctorReport) -> str:
    data: dict[str, Any] = report.model_dump(mode="json")
    for item, f in zip(data["findings"], report.findings, strict=True):
        item["object"] = f.object
    return json.dumps(data, indent=2) + "\n"
