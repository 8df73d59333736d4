"""Validation results as data: findings, skipped documents and the report that holds them.

Exit codes (:mod:`orchestrator.engine.contract`, see :func:`exit_code`): 0 when no finding has severity ``error``
(warnings and infos alone do not fail a run unless ``strict`` is set), 1 when at least one error was found.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from orchestrator.engine.contract import EXIT_FINDINGS, EXIT_OK

Severity = Literal["error", "warning", "info"]


class Finding(BaseModel):
    """One problem found in one resource (or in one file, for YAML syntax errors)."""

    model_config = ConfigDict(frozen=True)

    rule: str
    severity: Severity
    kind: str
    namespace: str | None = None
    name: str
    path: str = ""
    message: str
    hint: str | None = None
    source: str | None = None

    @property
    def resource(self) -> str:
        """``Kind/namespace/name``, or ``Kind/name`` for cluster-scoped objects (or the source when empty)."""
        if not self.kind and not self.name:
            return self.source or "<input>"
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"


class Skipped(BaseModel):
    """A document that was not validated because it is not a Kubernetes object."""

    model_config = ConfigDict(frozen=True)

    source: str
    reason: str


class Checked(BaseModel):
    """A Kubernetes object that was validated (with or without findings)."""

    model_config = ConfigDict(frozen=True)

    source: str
    kind: str
    namespace: str | None = None
    name: str

    @property
    def resource(self) -> str:
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"


class Report(BaseModel):
    """Everything one validation run found."""

    model_config = ConfigDict(frozen=True)

    findings: list[Finding] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    checks_skipped: list[str] = Field(default_factory=list)
    documents: int = 0
    checked: list[Checked] = Field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def infos(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "info"]

    @property
    def ok(self) -> bool:
        """True when no finding has severity ``error``."""
        return not any(f.severity == "error" for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "documents": self.documents,
            "summary": {
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "infos": len(self.infos),
                "skipped": len(self.skipped),
            },
            "findings": [{**f.model_dump(), "resource": f.resource} for f in self.findings],
            "skipped": [s.model_dump() for s in self.skipped],
            "checks_skipped": list(self.checks_skipped),
        }


def exit_code(report: Report, *, strict: bool = False) -> int:
    """0 when clean, 1 when there are errors (or, with ``strict``, warnings too)."""
    if not report.ok:
        return EXIT_FINDINGS
    if strict and report.warnings:
        return EXIT_FINDINGS
    return EXIT_OK
