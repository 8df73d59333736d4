"""Inputs and outputs of aigw_validate and aigw_providers, and their bodies (imported on first use)."""

from __future__ import annotations

import functools
import re
from typing import Any, Literal

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from skills.model import InputModel
from skills.providers import ProviderId
from skills.types import SecretRef
from skills.versions import DEFAULT_VERSION, AIGatewayVersion

MAX_MANIFEST_CHARS = 1_000_000


class ValidateInput(InputModel):
    """Manifests to check before anyone applies them."""

    manifests: str = Field(
        min_length=1,
        max_length=MAX_MANIFEST_CHARS,
        description="Kubernetes manifests as YAML text: one document or a multi-document stream (---)",
    )
    external_secrets: list[SecretRef] = Field(
        default_factory=list,
        description=(
            "Secrets that will exist at apply time but are not in these manifests (e.g. created by the "
            "secrets script), as name or namespace/name"
        ),
    )
    version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version whose CRD schemas and rules apply"
    )
    partial: bool = Field(
        False,
        description="The manifests are part of a larger set: references to objects outside them are notes",
    )


class ProvidersInput(InputModel):
    """Optional filter for the preset catalog."""

    provider: ProviderId | None = Field(None, description="Show only this preset (default: every preset)")


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
    from orchestrator.engine.lint.linter import LintContext
    from orchestrator.engine.validate import load_text, validate_documents

    loaded = load_text(inp.manifests, "manifests")
    crds, note = crd_source(crds_path, inp.version)
    report = validate_documents(
        loaded.documents,
        crds=crds,
        context=LintContext(external_secrets=frozenset(inp.external_secrets), partial=inp.partial),
        sources=loaded.sources,
        crds_note=note,
        target_version=inp.version,
        values=loaded.values,
    )
    report = report.model_copy(
        update={"findings": loaded.findings + report.findings, "skipped": loaded.skipped + report.skipped}
    )
    return FindingsReport.model_validate(for_mcp(report.to_dict()))


_CLI_SECRET_FLAG = re.compile(r"(?:pass )?--external-secret (\S+?)(?=[,.;]?(?:\s|$))")


def for_mcp(report: dict[str, Any]) -> dict[str, Any]:
    """A report whose hints speak the tool's argument names: the engine's hints name the CLI flag
    (`--external-secret NS/NAME`), which an MCP caller passes as `external_secrets`."""
    for finding in report.get("findings", []):
        if finding.get("hint"):
            finding["hint"] = _CLI_SECRET_FLAG.sub(r"list \1 in external_secrets", finding["hint"])
    return report


@functools.lru_cache(maxsize=8)
def crd_source(crds_path: str | None, version: str) -> tuple[Any, str | None]:
    """(CRDSet or None, why schema checks were skipped), loaded once per path and version."""
    from orchestrator.engine.crds import CRDSourceError, resolve_crd_source

    try:
        return resolve_crd_source(crds_path=crds_path, version=version)
    except CRDSourceError as exc:
        raise ToolError(
            f"the CRD schemas configured for this server cannot be read ({exc}); fix `aigw-skills serve "
            "--crds PATH` or AIGW_SKILLS_CRDS, or unset it to use the cached CRDs"
        ) from None


def run_providers(inp: ProvidersInput) -> ProviderCatalog:
    from skills.providers import catalog

    entries = catalog()
    if inp.provider:
        entries = [e for e in entries if e.get("id") == inp.provider]
    return ProviderCatalog(providers=entries)
