"""Migration plus validation of the result, and its renderings: YAML manifests, a change report, JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml

from orchestrator.analysis.migrate.rewrite import Migration, migrate_documents
from orchestrator.engine.findings import Report


@dataclass(frozen=True)
class MigrationResult:
    """What `aigw-skills migrate` and `aigw_migrate` return: the rewrite and the engine's verdict on it."""

    migration: Migration
    report: Report

    @property
    def ok(self) -> bool:
        return self.report.ok

    def to_dict(self) -> dict[str, Any]:
        return {
            "target_version": self.migration.target_version,
            "ok": self.ok,
            "manifests": render_manifests(self.migration),
            "changes": [c.to_dict() for c in self.migration.changes],
            "warnings": list(self.migration.warnings),
            "validation": self.report.to_dict(),
        }


def migrate_and_validate(
    docs: list[Any],
    target_version: str,
    *,
    crds: Any,
    crds_note: str | None = None,
    context: Any = None,
    sources: list[str] | None = None,
) -> MigrationResult:
    """Rewrite `docs` for `target_version`, then validate the result (schema + CEL with `crds`, and lint).

    `sources` name the input documents (file#N), so findings point at the file a fix belongs in.
    """
    from orchestrator.engine.validate import validate_documents

    migration = migrate_documents(docs, target_version, sources)
    report = validate_documents(
        migration.documents,
        crds=crds,
        context=context,
        sources=migration.sources,
        crds_note=crds_note,
        target_version=migration.target_version,
    )
    return MigrationResult(migration, report)


def _compact(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(", ", ": "), sort_keys=False)


def render_manifests(migration: Migration) -> str:
    """The migrated objects as one YAML stream, with a header saying what produced it."""
    header = (
        f"# Migrated by aigw-skills for Envoy AI Gateway {migration.target_version}: "
        f"{len(migration.changes)} change(s); run `aigw-skills migrate --format json` for the full report.\n"
    )
    body = yaml.safe_dump_all(migration.documents, sort_keys=False, default_flow_style=False, width=10_000)
    return header + body


def render_changes(result: MigrationResult) -> str:
    """Human-readable report: one block per change, then warnings, then the validation summary."""
    from orchestrator.engine.report_format import finding_line, summary_line

    mig = result.migration
    lines = [
        f"Migration to Envoy AI Gateway {mig.target_version}: {len(mig.changes)} change(s), "
        f"{len(mig.warnings)} warning(s).",
        "",
    ]
    for c in mig.changes:
        target = c.path or "(new object)"
        lines.append(f"- {c.resource}: {target}")
        lines.append(f"    before: {_compact(c.before)}")
        lines.append(f"    after:  {_compact(c.after)}")
        lines.append(f"    why:    {c.why}")
    if mig.warnings:
        lines += ["", "Warnings (not rewritten):"] + [f"- {w}" for w in mig.warnings]
    lines += ["", f"Validation of the result: {summary_line(result.report)}"]
    lines += [finding_line(f) for f in result.report.findings]
    lines += [f"  skipped: {text}" for text in result.report.checks_skipped]
    return "\n".join(lines) + "\n"


def render(result: MigrationResult, fmt: str) -> str:
    """`yaml`: the migrated manifests; `json`: manifests, changes, warnings and validation in one object."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2) + "\n"
    return render_manifests(result.migration)
