"""Over MCP, the engine's hints name the tool's fields, not the CLI's options, and still read as sentences; the
note on checks that did not run says how the server (not the call) gets CRDs. One sample trips every hint the
rewrite touches (server/mcp/tool_models.py _CLI_OPTIONS)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from orchestrator.engine.contract import CACHE_ENV, CRDS_ENV
from tests.server.conftest import connect

pytestmark = pytest.mark.anyio

LEAKED = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2  # a key's shape, for AIGW-L015; not a real key
# AIGW-L015's sample: the tool refuses manifests holding a key before the engine sees them, so its hint is checked on
# the engine's report (what the tool body rewrites), the others through the tool.
LEAKED_SECRET = f"""\
apiVersion: v1
kind: Secret
metadata: {{name: leaked, namespace: ai}}
stringData:
  apiKey: {LEAKED}
"""
EVERY_OPTION_HINT = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: eg
  namespace: ai
  annotations: {aigateway.envoyproxy.io/gateway-config: gw-config}
spec:
  gatewayClassName: envoy-ai-gateway
  infrastructure:
    parametersRef: {group: gateway.envoyproxy.io, kind: EnvoyProxy, name: proxy}
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: {name: keys, namespace: ai}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: chat}]
  apiKeyAuth:
    credentialRefs: [{name: client-keys}]
    extractFrom: [{headers: [x-api-key]}]
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: openai, namespace: ai}
spec:
  schema: {name: OpenAI}
  backendRef: {name: openai, kind: Backend, group: gateway.envoyproxy.io}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: BackendSecurityPolicy
metadata: {name: openai-key, namespace: ai}
spec:
  targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: openai}]
  type: APIKey
  apiKey: {secretRef: {name: openai-key}}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: route, namespace: ai}
spec:
  parentRefs: [{name: shared, kind: Gateway, group: gateway.networking.k8s.io}]
  rules:
  - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: gpt-5.4-mini}]}]
    backendRefs: [{name: missing-backend}]
"""
# Each hint the rewrite touches, as an MCP caller reads it (rule, the sentence around the rewritten option).
EXPECTED = [
    ("AIGW-L015", 'validate with "ai/leaked" in `external_secrets`. Rotate the key'),
    ("AIGW-L043", 'or declare it with "EnvoyProxy/ai/proxy" in `existing`.'),
    ("AIGW-L043", 'or declare it with "GatewayConfig/ai/gw-config" in `existing`.'),
    ("AIGW-L004", 'or declare it with "envoy-ai-gateway" in `existing_gateway_classes`.'),
    ("AIGW-L040", 'declare existing ones with "HTTPRoute/ai/chat" in `existing`.'),
    ("AIGW-L042", 'and pass "ai/client-keys" in `external_secrets`.'),
    ("AIGW-L001", 'or declare it with "Backend/ai/openai" in `existing` if it is already in the cluster.'),
    ("AIGW-L007", 'and pass "ai/openai-key" in `external_secrets`, or add it to the manifests.'),
    ("AIGW-L002", 'or declare it with "AIServiceBackend/ai/missing-backend" in `existing`.'),
    ("AIGW-L003", 'or declare it with "ai/shared" in `existing_gateways` if it already runs.'),
]
SUGGESTION = re.compile(r'"([^"]+)" in `(\w+)`')


async def validate(arguments: dict[str, Any]) -> dict[str, Any]:
    async with connect("auto") as client:
        result = await client.call_tool("aigw_validate", {"manifests": EVERY_OPTION_HINT, **arguments})
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


def engine_report_for_mcp(text: str) -> dict[str, Any]:
    """What aigw_validate's body does after the input check: the engine's report, hints rewritten."""
    from orchestrator.engine.inputs import ValidateInput, validate_loaded
    from orchestrator.engine.load import load_text
    from server.mcp.tool_models import for_mcp

    report = validate_loaded(
        load_text(text, "manifests"), ValidateInput.model_construct(manifests=text), None
    )
    return for_mcp(report.to_dict())


async def test_every_hint_that_names_a_cli_option_names_the_tools_field_in_a_sentence_that_reads() -> None:
    report = await validate({})
    leaked = engine_report_for_mcp(LEAKED_SECRET + "---\n" + EVERY_OPTION_HINT)
    assert leaked["findings"] and "AIGW-L015" in {f["rule"] for f in leaked["findings"]}
    pairs = [(f["rule"], f["hint"]) for f in leaked["findings"] if f["rule"] != "AIGW-L015"]
    assert [(f["rule"], f["hint"]) for f in report["findings"]] == pairs  # the tool rewrites the same way
    hints = [(f["rule"], f["hint"] or "") for f in leaked["findings"]]
    for rule, sentence in EXPECTED:
        assert any(r == rule and sentence in h for r, h in hints), (rule, sentence, hints)
    for _, hint in hints:
        assert not re.search(r"--(existing|external-secret)", hint), hint
        assert " list " not in hint and "declare it list" not in hint, hint  # the old rewrite's garble


async def test_doing_what_the_hints_say_over_mcp_clears_the_findings_they_are_on() -> None:
    """The rewritten hints name real fields with values the tool accepts: passing them clears every finding about a
    missing object."""
    first = await validate({})
    fields: dict[str, list[str]] = {}
    for finding in first["findings"]:
        for value, field in SUGGESTION.findall(finding["hint"] or ""):
            fields.setdefault(field, []).append(value)
    assert set(fields) == {"external_secrets", "existing", "existing_gateways", "existing_gateway_classes"}
    second = await validate(fields)
    assert {f["rule"] for f in second["findings"] if f["severity"] == "error"} == set(), second["findings"]
    assert {f["rule"] for f in second["findings"]} <= {"AIGW-L005"}  # the 32 KiB buffer: a warning


async def test_checks_skipped_over_mcp_say_how_the_server_gets_crds_not_a_cli_flag(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from server.mcp.crd_source import loaded_crds

    monkeypatch.delenv(CRDS_ENV, raising=False)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "empty-cache"))
    loaded_crds.cache_clear()
    report = await validate({"target_version": "v1.0.0"})
    [note] = report["checks_skipped"]
    assert note.startswith("Schema and CEL checks did not run: this server has no CRDs for AI Gateway v1.0.0")
    assert "run `aigw-skills crds pull --version v1.0.0` once where this server runs" in note
    assert note.endswith("start it with `aigw-skills serve --crds PATH`.")
    # the CLI's wording offered options the tool does not have
    assert "Enable them with --crds PATH" not in note and "--cluster" not in note and "--offline" not in note


async def test_crds_of_another_release_are_said_in_the_tools_words(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The server holds the v1.1.0 CRDs and the call targets v1.0.0: the note names the field that picks the
    release and the server's --crds, not the command's --target-version."""
    from tests.conftest import shared_path

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    async with connect("auto", crds_path=str(shared_path("crds"))) as client:
        result = await client.call_tool(
            "aigw_validate", {"manifests": EVERY_OPTION_HINT, "target_version": "v1.0.0"}
        )
    assert result.structured_content is not None
    note = result.structured_content["checks_skipped"][0]
    assert note.startswith("Schema and CEL checks ran against the AI Gateway v1.1.0 CRDs (")
    assert (
        "(`aigw-skills serve --crds` with that release's files, or `aigw-skills crds pull --version v1.0.0`)"
        in note
    )
    assert note.endswith('or target the release these CRDs are with `target_version` "v1.1.0".')
    assert "--target-version" not in note


async def test_unpinned_crds_are_said_with_the_servers_crds_option(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    from tests.conftest import shared_path

    folder = tmp_path / "mine"
    shutil.copytree(shared_path("crds", "ai-gateway"), folder)
    edited = sorted(folder.glob("*.yaml"))[0]
    edited.write_text(edited.read_text() + "# local edit\n")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    async with connect("auto", crds_path=str(folder)) as client:
        result = await client.call_tool("aigw_validate", {"manifests": EVERY_OPTION_HINT})
    assert result.structured_content is not None
    note = result.structured_content["checks_skipped"][0]
    assert "match the pinned CRDs of no AI Gateway release" in note
    assert note.endswith("or `aigw-skills serve --crds` with that release's unmodified files.")
