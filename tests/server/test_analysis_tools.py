"""aigw_migrate and aigw_explain over MCP (in memory, both protocol eras): a v0.3-shaped setup comes back as
clean v1.1 YAML with every change explained, the migrated YAML is drawn as a topology, and bad input is refused
in words naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from mcp.types import CallToolResult

from tests.conftest import shared_path
from tests.server.conftest import connect

pytestmark = pytest.mark.anyio
V0_3 = (Path(__file__).resolve().parents[1] / "fixtures" / "migrate" / "v0.3.yaml").read_text(
    encoding="utf-8"
)


def text(result: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


def crds_dir() -> str:
    path = shared_path("crds")  # skips with the reason when ../shared is absent
    return str(path)


async def test_migrate_tool_returns_clean_v1_1_yaml_with_each_change_and_its_reason(mode: str) -> None:
    async with connect(mode, crds_path=crds_dir()) as client:
        result = await client.call_tool(
            "aigw_migrate", {"manifests": V0_3, "external_secrets": ["default/openai-apikey"]}
        )
    assert not result.is_error, text(result)
    data = result.structured_content
    assert data is not None
    assert data["ok"] is True and data["target_version"] == "v1.1.0"
    assert data["validation"]["findings"] == [] and data["warnings"] == []
    paths = {c["path"] for c in data["changes"]}
    assert {"spec.targetRefs", "spec.schema", "spec.filterConfig", "spec.backendSecurityPolicyRef"} <= paths
    assert all(c["why"] for c in data["changes"])
    kinds = [d["kind"] for d in yaml.safe_load_all(data["manifests"]) if d]
    assert "GatewayConfig" in kinds


async def test_migrate_tool_for_v0_5_keeps_filter_config_and_v1alpha1(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool("aigw_migrate", {"manifests": V0_3, "target_version": "v0.5.0"})
    assert not result.is_error, text(result)
    docs = [d for d in yaml.safe_load_all(result.structured_content["manifests"]) if d]
    (route,) = [d for d in docs if d["kind"] == "AIGatewayRoute"]
    assert route["apiVersion"] == "aigateway.envoyproxy.io/v1alpha1" and "filterConfig" in route["spec"]


async def test_explain_tool_draws_the_migrated_setup(mode: str) -> None:
    async with connect(mode) as client:
        migrated = await client.call_tool("aigw_migrate", {"manifests": V0_3})
        manifests = migrated.structured_content["manifests"]
        result = await client.call_tool("aigw_explain", {"manifests": manifests})
    assert not result.is_error, text(result)
    data = result.structured_content
    assert data is not None
    assert data["mermaid"].startswith("flowchart LR")
    assert "Provider<br/>ollama.models.svc.cluster.local:11434" in data["mermaid"]
    assert any(line.startswith("AIGatewayRoute default/ai-gateway on ai-gateway") for line in data["summary"])


@pytest.mark.parametrize("tool", ["aigw_migrate", "aigw_explain"])
async def test_yaml_that_does_not_parse_is_refused_in_words(mode: str, tool: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool(tool, {"manifests": "kind: [unclosed\n"})
    assert result.is_error
    assert "the manifests are not valid YAML" in text(result)


async def test_an_unknown_target_version_is_refused_naming_the_field(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool("aigw_migrate", {"manifests": V0_3, "target_version": "v0.4.0"})
    assert result.is_error
    assert "  - target_version: " in text(result) and "v0.4.0" in text(result)
