"""Outputs and bodies of aigw_migrate, aigw_explain, aigw_trace and aigw_metrics; imported on the first call, never
at server start. Their input models live with the logic (orchestrator.analysis.inputs) and are registered in
server/doors.py."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from typing_extensions import TypeAliasType

from orchestrator.analysis.inputs import ExplainInput, MetricsInput, MigrateInput, TraceInput
from orchestrator.analysis.metrics import MetricsSummary
from server.mcp.tool_models import FindingsReport

# A manifest field's value: any JSON value, spelled out (recursively) so the output schema says what it is.
FieldValue = TypeAliasType(
    "FieldValue", "str | int | float | bool | list[FieldValue] | dict[str, FieldValue] | None"
)


class ChangeOut(BaseModel):
    """One edit the migration made."""

    resource: str = Field(description="Kind/namespace/name of the object changed or created")
    path: str = Field(description="Field path; empty for an object the migration created")
    before: FieldValue = Field(None, description="The old value (null when the field did not exist)")
    after: FieldValue = Field(None, description="The new value (null when the field was removed)")
    why: str = Field(description="The upstream change that requires it")


class MigrationOut(BaseModel):
    """The migrated manifests, every change, what could not be rewritten, and the validation of the result."""

    target_version: str
    ok: bool = Field(description="The migrated manifests validate without errors")
    manifests: str = Field(description="The migrated manifests as one YAML stream")
    changes: list[ChangeOut]
    warnings: list[str] = Field(description="Things left for a human: not rewritten automatically")
    validation: FindingsReport


class ExplanationOut(BaseModel):
    """What the manifests set up, in words and as a Mermaid flowchart."""

    summary: list[str] = Field(description="One line per Gateway, route, rule, backend and policy")
    mermaid: str = Field(description="Mermaid flowchart source (wrap it in a ```mermaid fence to render)")


def _load(text: str) -> tuple[list[Any], list[str]]:
    """The objects of the manifests text and their sources (manifests#N)."""
    from mcp.server.mcpserver.exceptions import ToolError

    from orchestrator.engine.load import load_text

    loaded = load_text(text, "manifests")
    if loaded.findings:
        raise ToolError("the manifests are not valid YAML: " + "; ".join(f.message for f in loaded.findings))
    return list(loaded.documents), list(loaded.sources)


def run_migrate(inp: MigrateInput, crds_path: str | None) -> MigrationOut:
    from orchestrator.analysis.migrate.report import migrate_and_validate
    from orchestrator.engine.lint.linter import LintContext
    from server.mcp.crd_source import crd_source

    crds, note = crd_source(crds_path, inp.target_version)
    docs, sources = _load(inp.manifests)
    result = migrate_and_validate(
        docs,
        inp.target_version,
        crds=crds,
        crds_note=note,
        context=LintContext(external_secrets=frozenset(inp.external_secrets), partial=inp.partial),
        sources=sources,
    )
    from server.mcp.tool_models import for_mcp, summarised

    data = result.to_dict()
    data["validation"] = (
        for_mcp(summarised(data["validation"], None))
        if isinstance(data.get("validation"), dict)
        else data.get("validation")
    )
    return MigrationOut.model_validate(data)


def run_explain(inp: ExplainInput, crds_path: str | None = None) -> ExplanationOut:
    from orchestrator.analysis.explain import explain_documents

    return ExplanationOut.model_validate(explain_documents(_load(inp.manifests)[0]).to_dict())


class TraceStepOut(BaseModel):
    """One hop of the data path."""

    stage: str = Field(
        description="listener, endpoint, route, backends, translation, model, credentials, ..."
    )
    status: str = Field(description="ok, info, warn or fail")
    summary: str = Field(description="What happens to the request at this step")
    decided_by: str = Field("", description="The object (Kind/namespace/name and field) that decided it")
    reason: str = Field("", description="Why, with the upstream source (file@tag) or issue")
    fix: str = Field("", description="What to change, for warn and fail")


class TraceLegOut(BaseModel):
    """One backendRef of the matched rule."""

    backend: str
    schema_name: str = Field(description="AIServiceBackend schema (OpenAI for an InferencePool)")
    priority: int
    weight: int
    share_percent: int = Field(description="Share of first attempts within its priority")
    serves_endpoint: bool = Field(description="The schema has a translator for the request's endpoint")
    upstream: str = Field(
        description="scheme://host:port/path the request would leave with ('' when unknown)"
    )


class TraceOut(BaseModel):
    """Where the request goes, step by step, with a Mermaid sequence diagram."""

    reaches_backend: bool = Field(
        description="The request leaves the gateway for a backend and no step fails"
    )
    verdict: str = Field(description="One sentence: where it goes, or where and why it fails")
    backend: str | None = Field(description="The backend of the first attempt (Kind/namespace/name)")
    upstream: str | None = Field(description="scheme://host:port/path of the first attempt")
    steps: list[TraceStepOut]
    legs: list[TraceLegOut]
    mermaid: str = Field(
        description="Mermaid sequenceDiagram source (wrap it in a ```mermaid fence to render)"
    )


def run_trace(inp: TraceInput, crds_path: str | None = None) -> TraceOut:
    from orchestrator.analysis.trace import to_mermaid, trace_documents

    trace = trace_documents(_load(inp.manifests)[0], inp.model_dump(exclude={"manifests"}))
    data = trace.to_dict()
    data.pop("request")
    return TraceOut.model_validate(data | {"mermaid": to_mermaid(trace)})


def run_metrics(
    inp: MetricsInput, crds_path: str | None = None, allowed_hosts: tuple[str, ...] | None = None
) -> MetricsSummary:
    """Fetch and summarise, with fetch failures reported as an input problem on url. Over HTTP the server passes
    its --metrics-host allow-list; over stdio (the user's own machine) it is None."""
    from orchestrator.analysis.metrics import MetricsError, read_summary
    from skills.errors import InputError, Problem

    try:
        return read_summary(inp.url, inp.timeout_seconds, allowed_hosts)
    except MetricsError as exc:
        raise InputError([Problem("url", str(exc), inp.url)], skill="aigw_metrics") from None
