"""One credential detector (skills/credentials.py), used on values, map keys, field names, URIs and every output.

Issue 12: a Groq key was refused as an input but not flagged by the lint (two detectors). Issue 16: map keys (an
InferencePool selector key) went into the manifest, unknown field names and skill:// URIs were echoed in errors,
and explain/migrate copied credentials from their input manifests into their output.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from orchestrator.analysis.explain import explain_documents
from orchestrator.analysis.migrate.rewrite import migrate_documents
from orchestrator.engine.lint.linter import lint_documents
from skills.credentials import REDACTED, describe_credential, find_credentials
from skills.errors import InputError
from skills.inferencepool import build_inferencepool
from tests.hardening.inputs import FAKE_KEYS

GROQ = "gsk_" + "Wq3Er5Ty7Ui9Op1As3Df5Gh7Jk9"
VENDOR_KEYS = [k for k in FAKE_KEYS if "BEGIN" in k or not k.isalnum() or k.startswith("AKIA")] + [GROQ]


def secret(value: str, field: str = "stringData") -> dict[str, Any]:
    data = base64.b64encode(value.encode()).decode() if field == "data" else value
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "default"},
        field: {"apiKey": data},
    }


@pytest.mark.parametrize("key", VENDOR_KEYS, ids=range(len(VENDOR_KEYS)))
def test_a_key_refused_as_input_is_also_flagged_by_the_lint(key: str) -> None:
    assert describe_credential(key, "strict") is not None
    assert describe_credential(key, "lint") == describe_credential(key, "strict")
    for field in ("stringData", "data"):
        findings = [f for f in lint_documents([secret(key, field)]) if f.rule == "AIGW-L015"]
        assert findings, f"{field}: not flagged"
        assert key not in " ".join(f"{f.message} {f.hint}" for f in findings)


def test_placeholders_and_certificates_stay_quiet_in_the_lint() -> None:
    cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    for value in ("OPENAI_API_KEY", "<your-key-here>", "changeme", cert):
        assert describe_credential(value, "lint") is None


def test_a_credential_as_a_map_key_is_refused_without_echoing_it() -> None:
    key = "sk-proj-" + "Zq8Vd2Lm5Rt7Yx1Cb4Nf6Hj9Kp3Ws0Ae"
    data = {"pools": [{"name": "p", "selector": {key: "x"}, "target_port": 8000, "models": ["m"]}]}
    with pytest.raises(InputError) as caught:
        build_inferencepool(data)
    assert key not in str(caught.value) and key[:12] not in str(caught.value)
    assert "<key>" in str(caught.value)
    assert find_credentials({"a": {key: 1}}) == [("a.<key>", "an OpenAI-style secret key (sk-…)")]


def test_an_unknown_field_named_like_a_key_is_not_echoed() -> None:
    key = "ghp_" + "R8mK2pL5vN9qT3wX7zB1cF4hJ6" + "aa11"
    with pytest.raises(InputError) as caught:
        build_inferencepool({"pools": [], key: 1})
    assert key not in str(caught.value)


def test_a_resource_uri_or_tool_name_holding_a_key_is_answered_and_logged_without_it() -> None:
    """Issue 16: skill:// URIs were echoed in errors and the log (the SDK also puts the URI in error data)."""
    import json

    from tests.server.test_http import INITIALIZE
    from tests.server.test_stdio_errors import StdioServer

    key = "sk-proj-" + "Zq8Vd2Lm5Rt7Yx1Cb4Nf6Hj9Kp3Ws0Ae"
    server = StdioServer()
    server.send(json.dumps(INITIALIZE).encode())
    server.answer()
    server.send(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')
    requests = [
        ("resources/read", {"uri": f"skill://{key}"}),
        ("resources/read", {"uri": f"skill://aigw-auth/references/{key}.md"}),
        ("resources/read", {"uri": f"aigw://{key}"}),
        ("tools/call", {"name": key, "arguments": {}}),
    ]
    for number, (method, params) in enumerate(requests, start=10):
        server.send(json.dumps({"jsonrpc": "2.0", "id": number, "method": method, "params": params}).encode())
        answer = server.answer()
        assert "error" in answer or answer.get("result", {}).get("isError"), answer
        assert key not in json.dumps(answer)
    log = server.close()
    assert key not in log


def leaky_manifests() -> list[dict[str, Any]]:
    route = {
        "apiVersion": "aigateway.envoyproxy.io/v1alpha1",
        "kind": "AIGatewayRoute",
        "metadata": {"name": "r", "namespace": "default", "annotations": {"note": f"key {GROQ}"}},
        "spec": {"rules": []},
    }
    return [
        secret("sk-proj-" + "Zq8Vd2Lm5Rt7Yx1Cb4Nf6Hj9Kp3Ws0Ae"),
        secret("Zx81Qm2Lp9Rt4Vb6Nc3Hd7Fg5Jk0Ws2Ey"),
        route,
    ]


def test_migrate_masks_credentials_it_finds_in_its_input() -> None:
    migration = migrate_documents(leaky_manifests())
    text = repr(migration.documents) + repr([c.to_dict() for c in migration.changes])
    assert "sk-proj-" not in text and GROQ not in text and "Zx81Qm2Lp9" not in text
    assert text.count(REDACTED) == 3
    assert any("credentials were masked" in w for w in migration.warnings)


def test_explain_masks_credentials_and_escapes_backticks_in_its_summary() -> None:
    docs = leaky_manifests()
    docs.append(
        {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "Gateway",
            "metadata": {"name": "gw```\n# injected", "namespace": "default"},
            "spec": {"gatewayClassName": "x", "listeners": []},
        }
    )
    explanation = explain_documents(docs)
    text = explanation.text()
    assert GROQ not in text and "sk-proj-" not in text
    assert "```mermaid" in text and text.count("```") == 2, "a name cannot open or close a code fence"
