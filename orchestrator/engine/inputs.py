"""The validate command's one input model (the CLI's options and the MCP tool's inputSchema both come from it)
and the one function both front doors call with it.

Every command that reads manifests derives its model from :class:`ManifestsInput`: the MCP tool takes the YAML
text in ``manifests``; the CLI takes ``PATH...`` there (files, directories, ``-``) and reads them itself, so
each finding names its file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

from pydantic import Field

from skills.model import InputModel, Positional
from skills.types import KindRef, ObjectRef, SecretRef
from skills.versions import DEFAULT_VERSION, AIGatewayRelease

if TYPE_CHECKING:  # the engine itself is imported on first use, not when a front door reads the model
    from orchestrator.engine.crds import CRDSet
    from orchestrator.engine.findings import Report
    from orchestrator.engine.lint.index import LintContext
    from orchestrator.engine.load import LoadResult

MAX_MANIFEST_CHARS = 1_000_000

ManifestsText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=MAX_MANIFEST_CHARS,
        description="Kubernetes manifests as YAML text: one document or a multi-document stream (---)",
    ),
    Positional("PATH", paths=True),
]


class ManifestsInput(InputModel):
    """The base of every command that reads manifests."""

    manifests: ManifestsText


class ValidateInput(ManifestsInput):
    """Manifests to check before anyone applies them, and what already exists where they will be applied."""

    target_version: AIGatewayRelease = Field(
        DEFAULT_VERSION, description="AI Gateway release whose CRD schemas and rules apply"
    )
    external_secrets: list[SecretRef] = Field(
        default_factory=list,
        description=(
            "Secrets that will exist at apply time but are not in these manifests (e.g. created by the "
            "secrets script), as name or namespace/name"
        ),
    )
    existing_gateways: list[ObjectRef] = Field(
        default_factory=list, description="Gateways that already run, as name or namespace/name"
    )
    existing_gateway_classes: list[ObjectRef] = Field(
        default_factory=list, description="GatewayClasses that already exist"
    )
    existing: list[KindRef] = Field(
        default_factory=list,
        description="Any other object that already exists, as Kind/namespace/name, e.g. Backend/default/openai",
    )
    lint: bool = Field(True, description="Run the cross-resource lint rules (false: schema and CEL only)")
    partial: bool = Field(
        False,
        description="The manifests are part of a larger set: references to objects outside them are notes",
    )

    def context(self) -> LintContext:
        """What the lint rules may assume exists outside the manifests."""
        from orchestrator.engine.lint.index import LintContext

        return LintContext(
            external_secrets=frozenset(self.external_secrets),
            existing_gateways=frozenset(self.existing_gateways),
            existing_gateway_classes=frozenset(self.existing_gateway_classes),
            existing_resources=frozenset(self.existing),
            partial=self.partial,
        )


def validate_loaded(
    loaded: LoadResult, inp: ValidateInput, crds: CRDSet | None, crds_note: str | None = None
) -> Report:
    """Validate what was loaded (from files or text); syntax errors and skipped documents stay in the report.
    CRDs that are not the target release's pinned ones (another release's, or edited) are said first among the
    checks skipped, with the next step."""
    from orchestrator.engine.crds import release_mismatch
    from orchestrator.engine.validate import validate_documents

    report = validate_documents(
        loaded.documents,
        crds=crds,
        context=inp.context(),
        sources=loaded.sources,
        lint=inp.lint,
        crds_note=crds_note,
        target_version=inp.target_version,
        values=loaded.values,
        as_loaded=True,
    )
    return report.model_copy(
        update={
            "findings": loaded.findings + report.findings,
            "skipped": loaded.skipped + report.skipped,
            "checks_skipped": [
                *filter(None, [release_mismatch(crds, inp.target_version)]),
                *loaded.notes,
                *report.checks_skipped,
            ],
        }
    )


def nothing_to_check(loaded: LoadResult, inputs: Sequence[str]) -> str | None:
    """Why validating ``loaded`` would check nothing, as one line: no Kubernetes object and no syntax error (what
    was skipped and why, what was not read); None when there is something to check or to report.

    Passing such input would say "0 errors" about nothing: a CI job whose files were all skipped stays green."""
    if loaded.documents or loaded.findings:
        return None
    where = " ".join(inputs)
    if not loaded.skipped and not loaded.notes:
        return f"no YAML or JSON documents found in {where}"
    by_reason: dict[str, list[str]] = {}
    for skipped in loaded.skipped:
        by_reason.setdefault(skipped.reason, []).append(skipped.source)
    parts = [
        f"skipped {', '.join(sources[:3])}{f' and {len(sources) - 3} more' if len(sources) > 3 else ''} ({reason})"
        for reason, sources in by_reason.items()
    ]
    parts += [f"not checked: {note}" for note in loaded.notes]
    return (
        f"no Kubernetes object to check in {where}: {'; '.join(parts)}; "
        "give files that hold Kubernetes objects (apiVersion and kind)"
    )
