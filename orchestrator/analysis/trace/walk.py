"""Follow one request through a set of manifests, the way the controllers would build the data path.

Pure: parsed objects and a request in, a :class:`Trace` out. Never prints, never reads Secrets' values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orchestrator.analysis.trace.backend import leg_steps, model_step, upstream_step
from orchestrator.analysis.trace.credentials import credential_step
from orchestrator.analysis.trace.gateway import enter, match_rule
from orchestrator.analysis.trace.model import Step, Trace, TraceRequest
from orchestrator.analysis.trace.policies import client_auth_steps, traffic_steps
from orchestrator.engine.lint.index import ResourceIndex, resource_of
from skills.endpoints import ENDPOINTS, PATHS_SOURCE, endpoint_at


def _index(docs: Sequence[Any], sources: Sequence[str] | None) -> ResourceIndex:
    names = list(sources) if sources is not None else [f"<input>#{i + 1}" for i in range(len(docs))]
    return ResourceIndex(
        resource_of(d, name)
        for d, name in zip(docs, names, strict=True)
        if isinstance(d, dict) and isinstance(d.get("apiVersion"), str) and isinstance(d.get("kind"), str)
    )


def _endpoint_step(req: TraceRequest, version: str) -> tuple[Any, Step]:
    endpoint = endpoint_at(req.path)
    source = f"envoyproxy/ai-gateway {PATHS_SOURCE}@{version}"
    if endpoint is None or not endpoint.served_in(version):
        served = ", ".join(e.path for e in ENDPOINTS.values() if e.served_in(version))
        why = (
            f"{req.path} is served from {endpoint.since} on; {version} answers 404 unsupported path"
            if endpoint
            else f'the AI Gateway filter answers 404 "unsupported path: {req.path.split("?", 1)[0]}"'
        )
        return None, Step(
            "endpoint", "fail", why, "request", source, f"Use one of: {served}.", actor="ai-gateway"
        )
    if not endpoint.routed:
        return endpoint, Step(
            "endpoint",
            "info",
            f"{endpoint.path} ({endpoint.title}) is answered by the gateway from the routes' models; no backend is called",
            "request",
            source,
            actor="ai-gateway",
        )
    return endpoint, Step(
        "endpoint",
        "ok",
        f"{endpoint.path} is the {endpoint.title} endpoint",
        "request",
        source,
        actor="ai-gateway",
    )


def trace_documents(
    docs: Sequence[Any], request: TraceRequest | dict[str, Any], sources: Sequence[str] | None = None
) -> Trace:
    """Walk ``request`` through ``docs``: listener, endpoint, rule, backends, translation, model, credentials,
    traffic policy, client auth, upstream. ``sources`` name where each document came from (file#N)."""
    req = TraceRequest.parse(request, skill="aigw-trace")
    version = req.target_version
    index = _index(docs, sources)
    entry, steps = enter(index, req)
    if entry is None:
        return Trace(req, tuple(steps))
    endpoint, step = _endpoint_step(req, version)
    steps.append(step)
    if step.status == "fail" or (endpoint is not None and not endpoint.routed):
        return Trace(req, tuple(steps))
    match, found = match_rule(index, entry, req, version)
    steps += found
    if match is None:
        return Trace(req, tuple(steps))
    if not match.generated:
        endpoint = None  # a plain HTTPRoute: no translation, the request goes out as it came in
    legs, first, found = leg_steps(index, match, endpoint, req, version)
    steps += found
    if first is None or any(s.stage == "backends" and s.status == "fail" for s in found):
        return Trace(req, tuple(steps), tuple(legs), first.label if first else "")
    if match.generated:
        steps.append(model_step(first, req))
        steps.append(credential_step(index, first, version))
    has_fallback = len({leg.priority for leg in legs}) > 1
    steps += traffic_steps(index, match, entry, req, has_fallback)
    steps += client_auth_steps(index, match, entry, req)
    leg = next(leg for leg in legs if leg.backend == first.label)
    if not leg.serves:
        steps.append(
            Step(
                "upstream",
                "info",
                f"nothing leaves the gateway for {first.label}: the translation step refuses the request first",
                first.label,
                actor="ai-gateway",
            )
        )
        return Trace(req, tuple(steps), tuple(legs), first.label, "")
    steps.append(upstream_step(index, first, leg, match.generated))
    ok = steps[-1].status == "ok"
    return Trace(req, tuple(steps), tuple(legs), first.label, leg.upstream if ok else "")
