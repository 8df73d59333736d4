"""The README's "try it" requests: one per route rule, on an endpoint every backend of the rule serves, carrying
the client credentials the bundle's SecurityPolicy asks for, and traced before the README is written.

Each request is data first (:class:`TryRequest`): the README renders it as curl, and the bundle traces it with
the same walker as ``aigw-skills trace``; a request that would not reach its backend fails the build.
Endpoint choice reads the translator table (skills.endpoints, from ai-gateway
internal/endpointspec/endpointspec.go): a native Anthropic backend gets /anthropic/v1/messages, never
/v1/chat/completions, which has no Anthropic translator in v1.1.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orchestrator.analysis.trace import Trace, TraceRequest, trace_documents
from skills.endpoints import ENDPOINTS, Endpoint, shared_endpoint
from skills.versions import MODEL_HEADER

if TYPE_CHECKING:
    from orchestrator.intake.model import Intake

BASE_URL = "http://localhost:8080"
TOKEN_ENV = "GATEWAY_TOKEN"  # the JWT the README asks the reader to export; never a value of ours


@dataclass(frozen=True)
class TryRequest:
    """One README request: the model, endpoint, expected backend, and headers as shell text (variables only)."""

    model: str
    endpoint: Endpoint
    backend: str  # AIServiceBackend namespace/name the first attempt should reach
    headers: tuple[tuple[str, str], ...]
    credentials: str  # none, api-key or jwt: what the request presents to the gateway
    note: str

    def curl(self, base_url: str = BASE_URL) -> list[str]:
        body = self.endpoint.body.replace("{model}", json.dumps(self.model)[1:-1])
        lines = [
            f"# {self.note}",
            f"curl -s {base_url}{self.endpoint.path} -H 'Content-Type: application/json' \\",
        ]
        lines += [f'  -H "{name}: {value}" \\' for name, value in self.headers]
        lines.append(f"  -d {shlex.quote(body)}")
        return lines

    def trace_request(self, version: str) -> TraceRequest:
        # Header values stand for what the shell expands; the tracer only needs to know they are sent.
        headers = {name: "<set>" if "$" in value else value for name, value in self.headers}
        return TraceRequest.parse(
            {
                "path": self.endpoint.path,
                "model": self.model,
                "headers": headers,
                "credentials": self.credentials,
                "target_version": version,
            }
        )


@dataclass(frozen=True)
class TriedRequest:
    """A README request and its trace."""

    request: TryRequest
    trace: Trace

    @property
    def ok(self) -> bool:
        return self.trace.reaches_backend and self.trace.backend == f"AIServiceBackend/{self.request.backend}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": self.trace.request.describe(),
            "expected_backend": f"AIServiceBackend/{self.request.backend}",
            "reaches_backend": self.ok,
            "verdict": self.trace.verdict(),
            "problems": [f"{s.stage}: {s.summary}" for s in self.trace.steps if s.status in ("fail", "warn")],
        }


def _models(rule: dict[str, Any]) -> list[str]:
    return [
        str(h.get("value"))
        for m in rule.get("matches") or []
        for h in m.get("headers") or []
        if h.get("name") == MODEL_HEADER and h.get("type", "Exact") == "Exact"
    ]


def _first_attempt(refs: list[dict[str, Any]]) -> dict[str, Any]:
    top = min(int(r.get("priority", 0)) for r in refs)
    return sorted(
        (r for r in refs if int(r.get("priority", 0)) == top), key=lambda r: -int(r.get("weight", 1))
    )[0]


def _shell_value(source: str) -> str:
    kind, _, where = source.partition(":")
    return f"${where}" if kind == "env" else f"$(cat {shlex.quote(where)})"


def _auth_headers(intake: Intake) -> tuple[list[tuple[str, str]], str, str]:
    """(headers, credentials kind, README note) for the client auth the bundle sets up."""
    auth = intake.client_auth
    if auth is None:
        return [], "none", ""
    if auth.type == "jwt":
        header = auth.token_header or "Authorization"
        value = f"Bearer ${TOKEN_ENV}" if header.lower() == "authorization" else f"${TOKEN_ENV}"
        return [(header, value)], "jwt", f"export {TOKEN_ENV}=<a JWT from {auth.issuer}>"
    client = auth.clients[0]
    value = _shell_value(client.source)
    if auth.key_header.lower() == "authorization":
        value = f"Bearer {value}"
    return [(auth.key_header, value)], "api-key", f"as client {client.id}"


def _limit_headers(intake: Intake) -> list[tuple[str, str]]:
    limits = intake.limits
    if limits is None:
        return []
    claimed = set()
    if intake.client_auth is not None and intake.client_auth.type == "jwt":
        claimed = {c.header.lower() for c in intake.client_auth.claim_to_headers}
    names = sorted({t.per_header for t in limits.token_limits if t.per_header})
    return [(name, "alice") for name in names if name.lower() not in claimed]


def try_requests(documents: list[dict[str, Any]], intake: Intake) -> list[TryRequest]:
    """One request per rule of the bundle's AIGatewayRoute(s), in rule order."""
    version = intake.installation.version
    backends = {
        (d["metadata"].get("namespace", "default"), d["metadata"]["name"]): d
        for d in documents
        if d.get("kind") == "AIServiceBackend"
    }
    auth, credentials, auth_note = _auth_headers(intake)
    extra = _limit_headers(intake)
    out: list[TryRequest] = []
    for route in (d for d in documents if d.get("kind") == "AIGatewayRoute"):
        ns = route["metadata"].get("namespace", "default")
        for rule in route["spec"].get("rules", []):
            models, refs = _models(rule), [r for r in rule.get("backendRefs", []) if "kind" not in r]
            if not models or not refs:
                continue
            schemas = []
            for ref in refs:
                asb = backends.get((ref.get("namespace", ns), ref["name"]))
                if asb is not None:
                    schemas.append(asb["spec"]["schema"]["name"])
            endpoint = shared_endpoint(schemas, version) or ENDPOINTS["chat-completions"]
            first = _first_attempt(refs)
            note = f"{models[0]} → {first['name']} ({endpoint.title})"
            if auth_note:
                note += f"; {auth_note}"
            out.append(
                TryRequest(
                    models[0],
                    endpoint,
                    f"{first.get('namespace', ns)}/{first['name']}",
                    tuple(auth + extra),
                    credentials,
                    note,
                )
            )
    return out


def try_it(documents: list[dict[str, Any]], intake: Intake) -> list[TriedRequest]:
    """Every README request, traced through the bundle's own manifests."""
    version = intake.installation.version
    return [
        TriedRequest(r, trace_documents(documents, r.trace_request(version)))
        for r in try_requests(documents, intake)
    ]


def curl_lines(tried: list[TriedRequest]) -> list[str]:
    lines: list[str] = []
    for item in tried:
        if lines:
            lines.append("")
        lines += item.request.curl()
    return lines
