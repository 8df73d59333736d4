"""The doctor's failure modes: a healthy cluster dump, one overlay per failure mode, and what each must find.

tests/fixtures/doctor/healthy/ is a whole cluster (each file cites the upstream source of its shapes, reasons and
messages); a failure mode's directory replaces or adds files by name. config-dumps/ holds Envoy config dumps.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "doctor"
SECRET_VALUE_MARKERS = ("czNjcjN0LXY0bHVl", "s3cr3t-v4lue")  # the placeholder Secret value, encoded and plain


@dataclass(frozen=True)
class Expected:
    id: str
    object: str
    what: str  # a substring of the finding's `what`


@dataclass(frozen=True)
class Case:
    name: str
    config_dump: str = "healthy.yaml"
    models: tuple[str, ...] = ()
    expected: tuple[Expected, ...] = field(default_factory=tuple)


CASES: dict[str, Case] = {
    c.name: c
    for c in (
        Case(
            "ext-hooks-missing",
            config_dump="no-ext-proc.yaml",
            expected=(
                Expected(
                    "AIGW-D011", "ConfigMap/envoy-gateway-system/envoy-gateway-config", "no extensionManager"
                ),
                Expected(
                    "AIGW-D030",
                    "Gateway/default/envoy-ai-gateway-basic",
                    "envoy.filters.http.ext_proc/aigateway",
                ),
                Expected(
                    "AIGW-D031", "Gateway/default/envoy-ai-gateway-basic", "ai-gateway-extproc-uds is missing"
                ),
            ),
        ),
        Case(
            "backend-api-disabled",
            expected=(
                Expected("AIGW-D013", "ConfigMap/envoy-gateway-system/envoy-gateway-config", "enableBackend"),
                Expected(
                    "AIGW-D002",
                    "HTTPRoute/default/envoy-ai-gateway-basic",
                    "UnsupportedValue): Failed to process route rule 0 backendRef 0: Backend is disabled",
                ),
            ),
        ),
        Case(
            "extproc-not-injected",
            expected=(
                Expected(
                    "AIGW-D020",
                    "Pod/envoy-gateway-system/envoy-default-envoy-ai-gateway-basic-21ffb0f1-6c9d7b8f5-x2k9p",
                    "no ai-gateway-extproc container",
                ),
                Expected(
                    "AIGW-D021",
                    "MutatingWebhookConfiguration/envoy-ai-gateway-gateway-pod-mutator.envoy-ai-gateway-system",
                    "failurePolicy Ignore",
                ),
            ),
        ),
        Case(
            "no-matching-route",
            models=("claude-sonnet-4-6", "gpt-5.4-mini"),
            expected=(
                Expected("AIGW-D060", "Gateway/default/envoy-ai-gateway-basic", "model 'claude-sonnet-4-6'"),
                Expected("AIGW-D061", "AIGatewayRoute/default/envoy-ai-gateway-basic", "header 'x-model'"),
            ),
        ),
        Case(
            "token-limits-conflicted",
            expected=(
                Expected(
                    "AIGW-D003",
                    "BackendTrafficPolicy/default/provider-retry",
                    "Accepted is False (Conflicted): Unable to target HTTPRoute envoy-ai-gateway-basic",
                ),
            ),
        ),
        Case(
            "status-not-accepted",
            expected=(
                Expected(
                    "AIGW-D001",
                    "AIGatewayRoute/default/envoy-ai-gateway-basic",
                    "NotAccepted is False (ReconciliationFailed): failed to construct a new HTTPRoute: failed to get "
                    "AIServiceBackend anthropic.default",
                ),
                Expected(
                    "AIGW-D002",
                    "HTTPRoute/default/envoy-ai-gateway-basic",
                    "BackendNotFound): Failed to process route rule 1 backendRef 0: Backend default/anthropic not found",
                ),
                Expected("AIGW-D004", "Gateway/default/envoy-ai-gateway-basic", "AddressNotAssigned"),
            ),
        ),
        Case(
            "version-skew",
            expected=(
                Expected(
                    "AIGW-D051", "Deployment/envoy-gateway-system/envoy-gateway", "Envoy Gateway v1.6.0"
                ),
                Expected(
                    "AIGW-D054",
                    "CustomResourceDefinition/aigatewayroutes.aigateway.envoyproxy.io",
                    "match v0.7.0–v1.0.0, the controller runs v1.1.0",
                ),
                Expected("AIGW-D052", "CustomResourceDefinition/", "bundle version v1.4.0, expected v1.5.1"),
            ),
        ),
        Case(
            "secrets-missing",
            expected=(
                Expected("AIGW-D041", "BackendSecurityPolicy/default/openai-apikey", "reads key 'apiKey'"),
                Expected(
                    "AIGW-D040",
                    "BackendSecurityPolicy/default/anthropic-apikey",
                    "anthropic-apikey, which does not exist",
                ),
            ),
        ),
    )
}


def compose(case: str, dest: Path) -> Path:
    """The healthy dump with the failure mode's files laid over it, in `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for source in (FIXTURES / "healthy", FIXTURES / case) if case != "healthy" else (FIXTURES / "healthy",):
        for path in sorted(source.glob("*.yaml")):
            shutil.copyfile(path, dest / path.name)
    return dest


def cluster_objects(directory: Path) -> list[dict[str, Any]]:
    """Every object in a dump directory, as the fake API server stores them (values included)."""
    objects: list[dict[str, Any]] = []
    for path in sorted(directory.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(doc, dict):
                objects.extend(doc["items"] if doc.get("kind") == "List" else [doc])
    return objects


def config_dump(case: Case) -> str:
    return str(FIXTURES / "config-dumps" / case.config_dump)


def found(findings: list[Any], expected: Expected) -> list[Any]:
    return [
        f
        for f in findings
        if f.id == expected.id and f.object.startswith(expected.object) and expected.what in f.what
    ]
