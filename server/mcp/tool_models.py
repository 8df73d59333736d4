"""Outputs of aigw_validate and aigw_providers, and their bodies (imported on first use). Their input models live
with the logic (orchestrator.engine.inputs, skills.providers) and are registered in server/doors.py."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any, Literal

from pydantic import BaseModel, Field

from orchestrator.analysis.doctor.options import DoctorInput
from orchestrator.analysis.finding_limit import (
    MAX_FINDINGS_LIMIT,
    SEVERITIES,
    SEVERITY_RANK,
    by_severity,
    left_out,
    max_findings_field,
    most_urgent,
)
from orchestrator.engine.inputs import ValidateInput
from skills.providers_input import ProvidersInput

# aigw_validate lists at most this many findings unless asked for more: with the summary, about 15 KB of JSON.
MCP_MAX_FINDINGS = 25
SKIPPED_SHOWN = 10  # skipped documents listed; summary.skipped counts them all


class ProviderCatalog(BaseModel):
    """Provider presets that aigw_backend (provider=...) and aigw_orchestrate accept."""

    providers: list[dict[str, Any]] = Field(
        description="One entry per preset: id, title, schema, hostname, port, prefix, auth type, docs, notes"
    )


class FindingOut(BaseModel):
    """One problem in one resource."""

    rule: str = Field(description="Rule id, e.g. schema or route-backend-exists")
    severity: Literal["error", "warning", "info"]
    kind: str
    namespace: str | None = None
    name: str
    resource: str = Field(description="Kind/namespace/name")
    path: str = Field("", description="Field path inside the object")
    message: str
    hint: str | None = Field(None, description="How to fix it")
    source: str | None = Field(None, description="Which YAML document it came from")


class Summary(BaseModel):
    """Exact counts over the whole input, whatever `findings` leaves out."""

    errors: int
    warnings: int
    infos: int
    skipped: int = Field(description="Documents that are not Kubernetes objects")
    by_rule: dict[str, int] = Field(
        description="Findings per rule id, the most severe rules first, then the most frequent"
    )


class SkippedOut(BaseModel):
    source: str
    reason: str


class FindingsReport(BaseModel):
    """What aigw_validate found, summary first: exact counts, the checks that did not run, then the most severe
    findings (errors, then warnings, then infos) up to max_findings, and a line saying what was left out and how to
    see it. ok is false when any finding has severity error, listed or not."""

    ok: bool
    documents: int = Field(description="Kubernetes objects read (summary.skipped counts the other documents)")
    summary: Summary
    checks_skipped: list[str] = Field(description="Checks that did not run, and how to enable them")
    findings: list[FindingOut] = Field(description="Errors first, then warnings, then infos")
    omitted: int = Field(
        0, description="Findings left out of `findings` by max_findings (summary counts them)"
    )
    more: str | None = Field(None, description="What was left out, and how to see it; null when nothing was")
    skipped: list[SkippedOut] = Field(
        description=f"Documents that are not Kubernetes objects (aigw_validate lists the first {SKIPPED_SHOWN}; "
        "summary.skipped counts them all)"
    )


class ValidateToolInput(ValidateInput):
    """Manifests to check before anyone applies them, what already exists where they will be applied, and how many
    findings the answer lists (the summary counts them all)."""

    max_findings: int = max_findings_field(
        MCP_MAX_FINDINGS, f"{MCP_MAX_FINDINGS}: the answer stays small enough for a chat context"
    )


class DoctorToolInput(DoctorInput):
    """A running gateway (through kubectl) or a dump of one to diagnose; the answer lists the most urgent findings
    (the summary counts them all)."""

    max_findings: int | None = max_findings_field(  # the CLI prints them all; a chat context cannot hold them
        MCP_MAX_FINDINGS, f"{MCP_MAX_FINDINGS}: the answer stays small enough for a chat context"
    )


def run_validate(inp: ValidateToolInput, crds_path: str | None) -> FindingsReport:
    """Load the YAML the way `aigw-skills validate` does (syntax errors become findings), then validate."""
    from orchestrator.engine.inputs import validate_loaded
    from orchestrator.engine.load import load_text
    from server.mcp.crd_source import crd_source

    crds, note = crd_source(crds_path, inp.target_version)
    report = validate_loaded(load_text(inp.manifests, "manifests"), inp, crds, note)
    data = summarised(report.to_dict(), inp.max_findings)
    data["checks_skipped"] = in_tool_words(data["checks_skipped"], crds, inp.target_version)
    return FindingsReport.model_validate(for_mcp(data))


def in_tool_words(notes: list[str], crds: Any, version: str) -> list[str]:
    """The checks-skipped notes as an MCP caller acts on them: CRDs of another release are the server's
    (`aigw-skills serve --crds`), and the release to target is the `target_version` field, not --target-version."""
    from orchestrator.engine.crds import release_mismatch

    cli = release_mismatch(crds, version)
    if cli is None:
        return notes
    tool = release_mismatch(crds, version, retarget='`target_version` "{version}"') or cli
    tool = tool.replace("--crds with that release's", "`aigw-skills serve --crds` with that release's")
    return [tool if n == cli else n for n in notes]


WHOLE_REPORT = "`aigw-skills validate PATH --format json` for the whole report"
MORE = f"to see them, validate a smaller part of the manifests, raise max_findings (up to {MAX_FINDINGS_LIMIT}), or run {WHOLE_REPORT}"
MORE_SKIPPED = f"to see them, validate a smaller part of the manifests or run {WHOLE_REPORT}"


def summarised(data: dict[str, Any], limit: int | None) -> dict[str, Any]:
    """The engine's report (Report.to_dict) as aigw_validate answers: counts per rule added, findings ordered by
    severity and, with a `limit`, cut to it and the skipped documents to SKIPPED_SHOWN, with the line saying what was
    left out (the doctor's mechanism, orchestrator/analysis/finding_limit.py). None: nothing is cut (aigw_migrate's
    validation, whose input has no max_findings)."""
    findings = by_severity(data["findings"], lambda f: str(f["severity"]))
    kept, omitted = most_urgent(findings, limit)
    rank: dict[str, int] = {}
    for f in findings:
        rank[f["rule"]] = min(rank.get(f["rule"], 9), SEVERITY_RANK[f["severity"]])
    counts = Counter(f["rule"] for f in findings)
    by_rule = {rule: counts[rule] for rule in sorted(counts, key=lambda r: (rank[r], -counts[r], r))}
    skipped = data["skipped"]
    hidden_skipped = max(0, len(skipped) - SKIPPED_SHOWN) if limit else 0
    more = None
    if omitted:
        hidden = Counter(f["severity"] for f in findings[len(kept) :])
        more = left_out({s: hidden[s] for s in SEVERITIES}, MORE)
        if hidden_skipped:
            more += f"; {hidden_skipped} more documents that are not Kubernetes objects are not listed either"
    elif hidden_skipped:
        more = (
            f"{hidden_skipped} more documents that are not Kubernetes objects are not listed; {MORE_SKIPPED}"
        )
    return {
        **data,
        "summary": {**data["summary"], "by_rule": by_rule},
        "findings": kept,
        "omitted": omitted,
        "more": more,
        "skipped": skipped[: len(skipped) - hidden_skipped],
    }


# The engine's hints name the CLI's options (`declare it with --existing Backend/ns/name`, `pass --external-secret
# ns/name`); an MCP caller passes the same values in the tool's list fields. Each option and its value become one
# noun phrase that reads in the hint's own sentence: `declare it with "Backend/ns/name" in `existing``. Longer
# option names first; an option is matched whole (--existing never eats --existing-gateway).
_CLI_OPTIONS = tuple(
    (re.compile(rf"--{option}(?![\w-]) ([^\s,;]+?)(?=[.,;)]?(?:\s|$))"), rf'"\1" in `{field}`')
    for option, field in (
        ("external-secret", "external_secrets"),
        ("existing-gateway-class", "existing_gateway_classes"),
        ("existing-gateway", "existing_gateways"),
        ("existing", "existing"),
    )
)


def for_mcp(report: dict[str, Any]) -> dict[str, Any]:
    """A report whose hints speak the tool's field names instead of the CLI's options (see _CLI_OPTIONS)."""
    for finding in report.get("findings", []):
        hint = finding.get("hint")
        if hint:
            for pattern, replacement in _CLI_OPTIONS:
                hint = pattern.sub(replacement, hint)
            finding["hint"] = hint
    return report


def run_providers(inp: ProvidersInput, crds_path: str | None = None) -> ProviderCatalog:
    from skills.providers_input import select

    return ProviderCatalog(providers=select(inp))
