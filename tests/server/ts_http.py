"""Many official TypeScript SDK clients at once over streamable HTTP (tests/ts/http_clients.mjs, the SDK from the
committed lockfile): the calls every client makes, and what each client saw. Used by tests/server/test_http_ts.py
and the wave run in benchmarks/hardening_run.py."""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.server.conftest import REPO, subprocess_env

TS_DIR = REPO / "tests" / "ts"
SDK = TS_DIR / "node_modules" / "@modelcontextprotocol" / "sdk"
CLIENTS_SCRIPT = TS_DIR / "http_clients.mjs"

# A small manifest aigw_validate reads: what aigw_backend emits for an Anthropic backend, without comments.
VALIDATED = """\
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: Backend
metadata: {name: anthropic, namespace: default}
spec:
  endpoints:
    - fqdn: {hostname: api.anthropic.com, port: 443}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: anthropic, namespace: default}
spec:
  schema: {name: Anthropic}
  backendRef: {name: anthropic, kind: Backend, group: gateway.envoyproxy.io}
---
apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: anthropic-tls, namespace: default}
spec:
  targetRefs: [{group: gateway.envoyproxy.io, kind: Backend, name: anthropic}]
  validation: {wellKnownCACertificates: System, hostname: api.anthropic.com}
"""

# What each client calls after tools/list ("{client}" becomes its index), and the result it must get: two atomic
# tools, aigw_validate, and one refused input (an error result is the expected answer there, not a failure).
CALLS: list[dict[str, Any]] = [
    {
        "name": "aigw_backend",
        "arguments": {"name": "b{client}", "provider": "anthropic"},
        "expect": {"structured": {"skill": "aigw-backend"}},
    },
    {
        "name": "aigw_route",
        "arguments": {"rules": [{"models": ["claude-sonnet-4-5"], "backends": [{"name": "b{client}"}]}]},
        "expect": {"structured": {"skill": "aigw-route"}},
    },
    {
        "name": "aigw_validate",
        "arguments": {"manifests": VALIDATED},
        "expect": {"structured": {"ok": True, "documents": 3}},
    },
    {
        "name": "aigw_backend",
        "arguments": {"name": "Bad_Name{client}", "provider": "anthropic"},
        "expect": {"isError": True},
    },
]


@dataclass(frozen=True)
class ClientSeen:
    """One client's run: what went wrong (empty when nothing did), tool calls made, the latency of each request
    (connect, tools/list, each call) in ms, HTTP statuses received ("POST 200": n), and whether its event stream
    (GET) was open."""

    errors: list[str]
    calls: int
    latencies_ms: list[float]
    statuses: dict[str, int]
    stream: bool


def run_ts_clients(url: str, token: str, clients: int, *, bound_seconds: float = 600) -> list[ClientSeen]:
    """``clients`` TypeScript SDK clients at once against ``url``, each making CALLS; one node process holds them
    all, each with its own transport, session and event stream. ``bound_seconds`` only stops a hung run."""
    plan = {"url": url, "token": token, "clients": clients, "calls": CALLS}
    with tempfile.TemporaryDirectory() as tmp:
        plan_file = Path(tmp) / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        done = subprocess.run(
            ["node", str(CLIENTS_SCRIPT), str(plan_file)],
            cwd=TS_DIR,
            env=subprocess_env(),
            capture_output=True,
            text=True,
            timeout=bound_seconds,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(
            f"node {CLIENTS_SCRIPT.name} exited {done.returncode}: {done.stderr.strip()[-2000:]}"
        )
    return [ClientSeen(**seen) for seen in json.loads(done.stdout)["clients"]]
