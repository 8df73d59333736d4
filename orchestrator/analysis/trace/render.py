"""A trace as text (one line per step), JSON (``Trace.to_dict``) or a Mermaid sequence diagram.

Mermaid text is entity-encoded like the explain flowchart (orchestrator.analysis.explain.escape), so no object
name, model or path can change the diagram's syntax. Participant ids are fixed.
"""

from __future__ import annotations

import json

from orchestrator.analysis.explain import escape
from orchestrator.analysis.trace.model import Trace

MARK = {"ok": "ok  ", "info": "info", "warn": "WARN", "fail": "FAIL"}
PARTICIPANTS = (
    ("C", "client", "Client"),
    ("E", "envoy", "Envoy (Gateway)"),
    ("A", "ai-gateway", "AI Gateway filter"),
    ("P", "provider", "Backend"),
)
_ID = {actor: pid for pid, actor, _ in PARTICIPANTS}


def to_text(trace: Trace) -> str:
    lines = [f"trace {trace.request.describe()} (AI Gateway {trace.request.target_version})"]
    for step in trace.steps:
        lines.append(f"  [{MARK[step.status]}] {step.stage}: {step.summary}")
        if step.decided_by:
            lines.append(f"         decided by: {step.decided_by}")
        if step.reason:
            lines.append(f"         why: {step.reason}")
        if step.fix:
            lines.append(f"         fix: {step.fix}")
    if len(trace.legs) > 1:
        lines.append("  legs:")
        for leg in trace.legs:
            serves = "serves" if leg.serves else "CANNOT serve"
            lines.append(
                f"    - {leg.backend} ({leg.schema}) priority {leg.priority} weight {leg.weight} "
                f"({leg.share}% at priority {leg.priority}): {serves} this endpoint"
                + (f", {leg.upstream}" if leg.upstream else "")
            )
    lines.append(f"verdict: {trace.verdict()}")
    return "\n".join(lines) + "\n"


def to_json(traces: list[Trace]) -> str:
    return json.dumps({"traces": [t.to_dict() for t in traces]}, indent=2) + "\n"


def to_mermaid(trace: Trace) -> str:
    out = ["sequenceDiagram"]
    out += [f"    participant {pid} as {escape(label)}" for pid, _, label in PARTICIPANTS]
    out.append(f"    C->>E: {escape(trace.request.describe())}")
    for step in trace.steps:
        actor = _ID[step.actor]
        text = escape(f"{step.stage}: {step.summary}")
        if step.status == "fail":
            out.append(f"    Note over {actor}: {escape('FAIL ' + step.stage + ': ' + step.summary)}")
            out.append(f"    {actor}-->>C: {escape('request fails at ' + step.stage)}")
            break
        if step.stage == "upstream" and trace.upstream:
            out.append(f"    E->>P: {escape(trace.upstream)}")
            out.append("    P-->>C: response")
            continue
        prefix = "WARN " if step.status == "warn" else ""
        out.append(f"    Note over {actor}: {escape(prefix)}{text}")
    return "\n".join(out) + "\n"
