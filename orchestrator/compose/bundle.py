"""The bundle: composed manifests, validated, plus the scripts and README that make them apply-ready."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orchestrator.compose.checklist import (
    CheckItem,
    check_backend_refs,
    check_buffer_limit,
    check_crd_schemas,
    check_rule_limit,
    check_secrets_absent,
    check_tls,
    check_values,
)
from orchestrator.compose.composer import Composition, compose
from orchestrator.compose.edge import edge_checks
from orchestrator.compose.readme import render_readme, render_secrets_script
from orchestrator.compose.traffic import check_failover, rate_limit_backend
from orchestrator.compose.try_it import TriedRequest, try_it
from orchestrator.engine.crds import release_mismatch
from orchestrator.engine.findings import Report
from orchestrator.intake.model import Intake
from skills.install import VALUES_FILE, render_script
from skills.render import join_documents, render_object, render_text
from skills.safe_write import WriteRefused, replace_directory
from skills.semantic_router_values import VALUES_FILE as ROUTER_VALUES_FILE

SKILL = "aigw-orchestrator"
FILE_ORDER = (
    "README.md",
    "manifests.yaml",
    "kustomization.yaml",
    "install.sh",
    VALUES_FILE,
    "secrets.sh",
    "report.json",
)
EXECUTABLE = {"install.sh", "secrets.sh"}
# Extra install-plan files, present only when an addon needs them (the rate-limit addon's Redis, the
# semantic-router addon's chart values).
OPTIONAL_FILES = ("redis.yaml", ROUTER_VALUES_FILE)
# The AIGatewayRoute at each canary stage (aigw-route's stage files), present only with a canary.
STAGE_FILE = re.compile(r"^canary-stage-[0-9]+-[0-9]+pct\.yaml\Z")


def is_bundle_file(name: str) -> bool:
    """A name a bundle may contain: what --force may replace."""
    return name in FILE_ORDER or name in OPTIONAL_FILES or bool(STAGE_FILE.match(name))


class BundleExistsError(WriteRefused):
    """The output directory already holds files and --force was not given."""


@dataclass(frozen=True)
class Bundle:
    """An apply-ready bundle: files by name (in FILE_ORDER), the validation report and the checklist."""

    files: dict[str, str]
    report: Report
    checklist: list[CheckItem]
    composition: Composition
    tried: tuple[TriedRequest, ...] = ()  # the README's "try it" requests, traced through the manifests

    @property
    def valid(self) -> bool:
        """No error finding and every checklist item that could be checked passed."""
        return self.report.ok and all(item.passed is not False for item in self.checklist)

    @property
    def fully_checked(self) -> bool:
        return not self.report.checks_skipped

    def summary(self) -> str:
        errors, warnings = len(self.report.errors), len(self.report.warnings)
        state = "valid" if self.valid else "NOT valid"
        if self.valid and not self.fully_checked:
            state = "valid as far as checked (CRD schema checks skipped)"
        docs = self.report.documents
        return f"Bundle {state}: {docs} manifests, {errors} errors, {warnings} warnings."


def _namespaces(comp: Composition) -> list[tuple[dict[str, Any], str]]:
    env = comp.intake.environment
    wanted = [env.namespace] + (
        [env.gateway_namespace] if env.gateway_namespace and env.create_gateway else []
    )
    names = sorted({n for n in wanted if n and n != "default"})
    return [render_object(SKILL, "namespace.yaml.j2", name=name) for name in names]


def _stage_files(comp: Composition) -> dict[str, str]:
    """The canary's per-stage AIGatewayRoute files, as aigw-route wrote them (empty without a canary)."""
    route = comp.parts.get("route")
    return {name: text for name, text in (route.files if route else {}).items() if STAGE_FILE.match(name)}


def _stage_key(name: str) -> int:
    return int(name.split("-")[2])


def _existing_gateways(comp: Composition) -> frozenset[str]:
    env = comp.intake.environment
    if env.create_gateway:
        return frozenset()
    return frozenset({f"{env.gateway_namespace or env.namespace}/{env.gateway_name}"})


def _validate(docs: list[dict[str, Any]], comp: Composition, crds: Any, crds_note: str | None) -> Report:
    from orchestrator.engine.lint.linter import LintContext
    from orchestrator.engine.validate import validate_documents

    env = comp.intake.environment
    external = frozenset(f"{s.namespace}/{s.name}" for s in comp.secrets)
    gateways = (
        frozenset()
        if env.create_gateway
        else frozenset({f"{env.gateway_namespace or env.namespace}/{env.gateway_name}"})
    )
    context = LintContext(
        external_secrets=external,
        existing_gateways=gateways,
        rate_limit_backend=rate_limit_backend(comp.intake),
    )
    # Findings name the document in the file the user gets (manifests.yaml#N), not an anonymous <input>#N.
    sources = [f"manifests.yaml#{n}" for n in range(1, len(docs) + 1)]
    report = validate_documents(
        docs,
        crds=crds,
        context=context,
        sources=sources,
        target_version=comp.intake.installation.version,
    )
    if crds is None and crds_note:
        # The caller's sentence says where it looked for CRDs; it replaces the engine's generic one.
        report = report.model_copy(update={"checks_skipped": [crds_note]})
    mismatch = release_mismatch(
        crds, comp.intake.installation.version, "installation.version: {version} in the intake"
    )
    if mismatch:
        report = report.model_copy(update={"checks_skipped": [mismatch, *report.checks_skipped]})
    return report


def build_bundle(data: Intake | dict[str, Any], *, crds: Any = None, crds_note: str | None = None) -> Bundle:
    """Compose, validate and render every bundle file. Pure: nothing is written."""
    comp = compose(data)
    pairs = _namespaces(comp) + comp.documents
    docs = [obj for obj, _ in pairs]
    report = _validate(docs, comp, crds, crds_note)
    files: dict[str, str] = {
        "manifests.yaml": join_documents([text for _, text in pairs]),
        "kustomization.yaml": render_text(SKILL, "kustomization.yaml.j2", resources=["manifests.yaml"]),
        "install.sh": render_script(comp.install, embed_files=False),
        VALUES_FILE: comp.install.files[VALUES_FILE],
        **{name: comp.install.files[name] for name in OPTIONAL_FILES if name in comp.install.files},
        **_stage_files(comp),
        "secrets.sh": render_secrets_script(comp.secrets),
    }
    inst = comp.intake.installation
    checklist = [
        check_crd_schemas(docs, crds, any(f.rule in ("schema", "cel") for f in report.errors), inst.version),
        CheckItem(
            "Cross-resource lint: references resolve, one policy per target, no dead rules",
            not any(f.rule not in ("schema", "cel") for f in report.errors),
        ),
        check_buffer_limit(docs),
        check_backend_refs(docs),
        check_tls(docs),
        check_rule_limit(docs, inst.version),
        check_values(files[VALUES_FILE], inst.ai_gateway_namespace),
    ]
    failover = check_failover(docs)
    if failover:
        checklist.append(failover)
    checklist += edge_checks(docs, _existing_gateways(comp))
    tried = tuple(try_it(docs, comp.intake))
    if tried:
        checklist.append(check_try_it(tried))
    checklist.append(check_secrets_absent(files))
    bundle = Bundle(files, report, checklist, comp, tried)
    files["README.md"] = render_readme(bundle)
    files["report.json"] = _report_json(bundle)
    ordered = {name: files[name] for name in (*FILE_ORDER, *OPTIONAL_FILES) if name in files}
    ordered |= {name: files[name] for name in sorted(filter(STAGE_FILE.match, files), key=_stage_key)}
    return Bundle(ordered, report, checklist, comp, tried)


def check_try_it(tried: tuple[TriedRequest, ...]) -> CheckItem:
    """Every README request reaches the backend it is written for (traced like `aigw-skills trace`)."""
    failed = [t for t in tried if not t.ok]
    return CheckItem(
        'README "try it" requests reach their backends (traced with aigw-skills trace)',
        not failed,
        "; ".join(f"{t.trace.request.describe()}: {t.trace.verdict()}" for t in failed),
    )


def _report_json(bundle: Bundle) -> str:
    comp = bundle.composition
    data = {
        "valid": bundle.valid,
        "fully_checked": bundle.fully_checked,
        "ai_gateway_version": comp.intake.installation.version,
        "summary": bundle.summary(),
        "checklist": [item.to_dict() for item in bundle.checklist],
        "validation": bundle.report.to_dict(),
        "secrets": [s.model_dump(exclude={"command"}) for s in comp.secrets],
        "try_it": [t.to_dict() for t in bundle.tried],
        "notes": comp.notes,
    }
    return json.dumps(data, indent=2) + "\n"


def write_bundle(bundle: Bundle, out_dir: str | os.PathLike[str], *, force: bool = False) -> list[Path]:
    """Write every file atomically into out_dir: all files appear together, or none do.

    Refuses a non-empty out_dir unless force, and even with force one holding anything but bundle files (so
    `-o . --force` cannot delete a project); never writes outside out_dir (file names are fixed). The one
    directory writer (skills/safe_write.py) does the work, as for the CRD cache.
    """
    try:
        target = replace_directory(
            out_dir,
            bundle.files,
            owned=is_bundle_file,
            force=force,
            what="bundle",
            flat=True,
            executable=EXECUTABLE.__contains__,
        )
    except WriteRefused as exc:
        raise BundleExistsError(str(exc)) from None
    return [target / name for name in bundle.files]
