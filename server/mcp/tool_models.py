"""Outputs of aigw_validate and aigw_providers, and their bodies (imported on first use). Their input models live
with the logic (orchestrator.engine.inputs, skills.providers) and are registered in server/doors.py."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field

from orchestrator.engine.inputs import ValidateInput
from skills.providers_input import ProvidersInput


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
    errors: int
    warnings: int
    infos: int
    skipped: int


class SkippedOut(BaseModel):
    source: str
    reason: str


class FindingsReport(BaseModel):
    """What aigw_validate found. ok is false when any finding has severity error."""

    ok: bool
    documents: int = Field(description="YAML documents read")
    summary: Summary
    findings: list[FindingOut]
    skipped: list[SkippedOut] = Field(description="Documents that are not Kubernetes objects")
    checks_skipped: list[str] = Field(description="Checks that did not run, and how to enable them")


def run_validate(inp: ValidateInput, crds_path: str | None) -> FindingsReport:
    """Load the YAML the way `aigw-skills validate` does (syntax errors become findings), then validate."""
    from orchestrator.engine.inputs import validate_loaded
    from orchestrator.engine.load import load_text
    from server.mcp.crd_source import crd_source

    crds, note = crd_source(crds_path, inp.target_version)
    report = validate_loaded(load_text(inp.manifests, "manifests"), inp, crds, note)
    return FindingsReport.model_validate(for_mcp(report.to_dict()))


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
