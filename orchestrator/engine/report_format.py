"""Render a validation :class:`~orchestrator.engine.findings.Report` as text, JSON or JUnit XML."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

from orchestrator.engine.findings import Finding, Report

FORMATS = ("text", "json", "junit")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    """``3 documents, 1 error, 0 warnings, 1 skipped`` (infos only when there are some)."""
    parts = [
        _plural(report.documents, "document"),
        _plural(len(report.errors), "error"),
        _plural(len(report.warnings), "warning"),
    ]
    if report.infos:
        parts.append(_plural(len(report.infos), "info"))
    parts.append(f"{len(report.skipped)} skipped")
    return ", ".join(parts)


def finding_line(f: Finding) -> str:
    """``error: Kind/namespace/name: path: message [rule] (source)``."""
    where = f"{f.resource}: {f.path}: " if f.path else f"{f.resource}: "
    source = f" ({f.source})" if f.source and f.kind else ""
    return f"{f.severity}: {where}{f.message} [{f.rule}]{source}"


# Skipped documents of one reason beyond SKIPPED_LISTED are summarised in text (a kustomization at the top of a big
# folder leaves out hundreds); JSON and JUnit list each.
SKIPPED_LISTED = 10
SKIPPED_SHOWN = 3


def _folders(sources: list[str]) -> str:
    """Where documents are: up to three folders with their counts, else how many folders under which one."""
    counts: dict[str, int] = {}
    for source in sources:
        folder = os.path.dirname(_file_of(source)) or "."
        counts[folder] = counts.get(folder, 0) + 1
    if len(counts) <= 3:
        return ", ".join(f"{n} in {folder}" for folder, n in counts.items())
    under = os.path.commonpath(list(counts)) if len({os.path.isabs(f) for f in counts}) == 1 else ""
    return f"in {len(counts)} folders" + (f" under {under}" if under not in ("", ".") else "")


def skipped_lines(report: Report) -> list[str]:
    """One ``skipped:`` line per document, except that a reason shared by more than SKIPPED_LISTED documents shows
    its first SKIPPED_SHOWN and then one line counting the rest and saying where they are."""
    by_reason: dict[str, list[str]] = {}
    for s in report.skipped:
        by_reason.setdefault(s.reason, []).append(s.source)
    lines: list[str] = []
    for s in report.skipped:
        sources = by_reason[s.reason]
        if len(sources) <= SKIPPED_LISTED or s.source in sources[:SKIPPED_SHOWN]:
            lines.append(f"skipped: {s.source}: {s.reason}")
        elif s.source == sources[SKIPPED_SHOWN]:
            rest = sources[SKIPPED_SHOWN:]
            lines.append(
                f"skipped: {len(rest)} more documents ({_folders(rest)}): {s.reason} "
                "(--format json lists each)"
            )
    return lines


def render_text(report: Report) -> str:
    lines: list[str] = []
    for f in report.findings:
        lines.append(finding_line(f))
        if f.hint:
            lines.append(f"  hint: {f.hint}")
    lines.extend(skipped_lines(report))
    lines.extend(f"not checked: {c}" for c in report.checks_skipped)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2) + "\n"


def _file_of(source: str) -> str:
    return source.split("#", 1)[0].rsplit(":", 1)[0] if source else "<input>"


def _failure_text(findings: list[Finding]) -> str:
    return "\n".join(finding_line(f) + (f"\n  hint: {f.hint}" if f.hint else "") for f in findings)


def render_junit(report: Report, suite: str = "aigw-skills validate") -> str:
    """One testcase per document: failures for errors, warnings and infos in system-out, skipped documents."""
    import xml.etree.ElementTree as ET  # only for --format junit

    by_source: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_source.setdefault(f.source or "", []).append(f)
    cases: list[ET.Element] = []
    failures = 0

    def case(classname: str, name: str, findings: list[Finding]) -> ET.Element:
        nonlocal failures
        el = ET.Element("testcase", classname=classname, name=name)
        errors = [f for f in findings if f.severity == "error"]
        others = [f for f in findings if f.severity != "error"]
        if errors:
            failures += 1
            failure = ET.SubElement(el, "failure", message=errors[0].message, type=errors[0].rule)
            failure.text = _failure_text(errors)
        if others:
            ET.SubElement(el, "system-out").text = _failure_text(others)
        return el

    for checked in report.checked:
        name = f"{checked.resource} ({checked.source})"
        cases.append(case(_file_of(checked.source), name, by_source.pop(checked.source, [])))
    for source, findings in by_source.items():  # file-level findings, e.g. YAML syntax errors
        cases.append(case(_file_of(source), source or "<input>", findings))
    for s in report.skipped:
        el = ET.Element("testcase", classname=_file_of(s.source), name=s.source)
        ET.SubElement(el, "skipped", message=s.reason)
        cases.append(el)
    attrs = {"name": suite, "tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", attrs)
    testsuite = ET.SubElement(root, "testsuite", {**attrs, "skipped": str(len(report.skipped))})
    if report.checks_skipped:
        props = ET.SubElement(testsuite, "properties")
        for i, text in enumerate(report.checks_skipped):
            ET.SubElement(props, "property", name=f"checks_skipped.{i}", value=text)
    testsuite.extend(cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
}


def render(report: Report, fmt: str = "text") -> str:
    """The report in ``fmt`` (one of :data:`FORMATS`)."""
    try:
        return RENDERERS[fmt](report)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
