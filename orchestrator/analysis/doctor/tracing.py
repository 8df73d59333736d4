"""The tracer (orchestrator/analysis/trace) run over the live objects: where a request for each model goes.

Traced: the models given with --model, else every model an AIGatewayRoute rule matches exactly, each at the
endpoint its backend's schema serves (/anthropic/v1/messages for Anthropic, /v1/chat/completions otherwise) unless
--path says which one the clients call. The controllers' generated HTTPRoutes and filters are left out: the
tracer derives them from the AIGatewayRoutes itself. Steps that fail (or warn) become AIGW-D064 findings, except
where a doctor check already reported the same object more exactly (Secrets, models no rule matches).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from typing import Any

from orchestrator.analysis.doctor.context import DoctorContext, ai_gateways, generated_by_ai_route
from orchestrator.analysis.doctor.reduce import as_dict
from orchestrator.analysis.doctor.report import DoctorFinding, finding
from orchestrator.analysis.doctor.snapshot import Obj, Snapshot
from skills.versions import MODEL_HEADER

CHAT = "/v1/chat/completions"
ANTHROPIC = "/anthropic/v1/messages"
_REF = re.compile(r"\b([A-Z][A-Za-z]+)/(?:([a-z0-9.-]+)/)?([a-z0-9][a-z0-9.-]*)")


def _owned(obj: Obj) -> bool:
    return any(
        as_dict(r).get("kind") in {"AIGatewayRoute", "MCPRoute"}
        for r in obj.meta.get("ownerReferences") or []
    )


def trace_inputs(snapshot: Snapshot) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in o.doc.items() if k != "status"}
        for o in snapshot.objects
        if not generated_by_ai_route(o)
    ]


def _schema_path(snapshot: Snapshot, route: Obj, rule: dict[str, Any]) -> str:
    for ref in rule.get("backendRefs") or []:
        ref = as_dict(ref)
        backend = snapshot.get(
            "AIServiceBackend", str(ref.get("namespace") or route.namespace), str(ref.get("name"))
        )
        if backend is not None:
            return ANTHROPIC if as_dict(backend.spec.get("schema")).get("name") == "Anthropic" else CHAT
    return CHAT


def requests(snapshot: Snapshot, models: list[str], path: str | None) -> list[tuple[str, str]]:
    """(model, path) pairs to trace."""
    found: dict[str, str] = {}
    for route in snapshot.of_kind("AIGatewayRoute"):
        for rule in route.spec.get("rules") or []:
            rule = as_dict(rule)
            for match in rule.get("matches") or []:
                for header in as_dict(match).get("headers") or []:
                    header = as_dict(header)
                    if (
                        str(header.get("name", "")).lower() == MODEL_HEADER
                        and header.get("type", "Exact") == "Exact"
                    ):
                        found.setdefault(str(header.get("value")), _schema_path(snapshot, route, rule))
    wanted = models or sorted(found)
    return [(m, path or found.get(m, CHAT)) for m in wanted]


def _object(decided_by: str, snapshot: Snapshot) -> tuple[str, str | None, str]:
    match = _REF.search(decided_by)
    if match:
        return match[1], match[2], match[3]
    gateway = next(iter(ai_gateways(snapshot)), ("default", "?"))
    return "Gateway", gateway[0], gateway[1]


def check_traces(
    snapshot: Snapshot, ctx: DoctorContext, path: str | None, reported: list[DoctorFinding]
) -> Iterator[DoctorFinding]:
    from orchestrator.analysis.trace import trace_documents

    if not snapshot.of_kind("AIGatewayRoute"):
        return
    docs = trace_inputs(snapshot)
    already = {f.object for f in reported if f.id.startswith("AIGW-D")}
    unrouted = {f.what for f in reported if f.id == "AIGW-D060"}
    for model, request_path in requests(snapshot, ctx.models, path):
        trace = trace_documents(
            docs, {"model": model, "path": request_path, "target_version": ctx.profile.ai_gateway}
        )
        if any(f"model {model!r}" in what for what in unrouted):
            continue  # AIGW-D060 already says no rule matches this model
        for step in trace.steps:
            if step.status not in ("fail", "warn"):
                continue
            obj = _object(step.decided_by, snapshot)
            if (f"{obj[0]}/{obj[1]}/{obj[2]}" if obj[1] else f"{obj[0]}/{obj[2]}") in already:
                continue  # a doctor check reported this object with the live detail
            yield finding(
                "AIGW-D064",
                obj,
                severity="error" if step.status == "fail" else "warning",
                what=f"{trace.request.describe()} at {request_path}: {step.summary}",
                why=step.reason
                or "the tracer follows the request the way the controllers build the data path",
                fix=step.fix or None,
                confirm=_curl(model, request_path),
            )


def _curl(model: str, path: str) -> str:
    body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": "ping"}]}
    if path == ANTHROPIC:
        body["max_tokens"] = 16
    return (
        f"curl -sS -i http://$GATEWAY_HOST{path} -H 'Content-Type: application/json' "
        f"-d {shlex.quote(json.dumps(body, separators=(',', ':')))}"
    )
