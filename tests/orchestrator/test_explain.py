"""explain: the six bundle scenarios' manifests give golden summaries and Mermaid diagrams, the bundle README
carries the same diagram, and no name can break the diagram's syntax."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.analysis.explain import escape, explain_documents

GOLDEN_BUNDLES = Path(__file__).resolve().parents[1] / "golden" / "bundles"
SCENARIOS = [
    "openai-anthropic",
    "bedrock-irsa",
    "azure-client-secret",
    "ollama-in-cluster",
    "failover-three",
    "weighted-split",
]
LABEL = r'"(?:[A-Za-z0-9 .,_:/@=+()\-]|#[0-9]+;|<br/>)*"'
LINE_FORMS = [
    re.compile(r"^flowchart LR$"),
    re.compile(rf"^    n[0-9]+\[{LABEL}\]$"),
    re.compile(rf"^    n[0-9]+ (?:-->|-\.->)(?:\|{LABEL}\|)? n[0-9]+$"),
    re.compile(r"^    classDef [a-z]+ [a-z:#0-9,\- ]+$"),
    re.compile(r"^    class n[0-9]+(?:,n[0-9]+)* [a-z]+$"),
]


def manifests(scenario: str) -> list[dict[str, Any]]:
    text = (GOLDEN_BUNDLES / scenario / "manifests.yaml").read_text(encoding="utf-8")
    return [d for d in yaml.safe_load_all(text) if d]


def assert_well_formed(mermaid: str) -> None:
    assert mermaid.endswith("\n")
    for line in mermaid.splitlines():
        assert any(form.match(line) for form in LINE_FORMS), f"line outside the diagram grammar: {line!r}"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_bundle_scenario_explains_to_golden_summary_and_mermaid(scenario: str, golden: Any) -> None:
    explanation = explain_documents(manifests(scenario))
    assert_well_formed(explanation.mermaid)
    golden(f"explain/{scenario}.md", explanation.text())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_bundle_readme_shows_the_same_topology(scenario: str) -> None:
    readme = (GOLDEN_BUNDLES / scenario / "README.md").read_text(encoding="utf-8")
    assert "## Topology" in readme
    assert f"```mermaid\n{explain_documents(manifests(scenario)).mermaid}```" in readme


def test_diagram_covers_gateway_route_rules_backends_providers_and_policies() -> None:
    mermaid = explain_documents(manifests("failover-three")).mermaid
    for kind in (
        "Gateway",
        "AIGatewayRoute",
        "Rule",
        "AIServiceBackend",
        "Backend",
        "Provider",
        "BackendSecurityPolicy",
        "BackendTLSPolicy",
        "ClientTrafficPolicy",
        "BackendTrafficPolicy",
    ):
        assert f'["{kind}<br/>' in mermaid, kind


HOSTILE = [
    'evil"]; click n1 "javascript:alert(1)"; %%',
    "end",
    "subgraph x\nend",
    "<script>alert(1)</script>",
    "a|b|c -->|x| n1",
    "`md` **bold** #35; &amp; {brace} [x] (y)",
    "ünïcødé ☃ \t tab",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_cannot_break_the_diagram(name: str) -> None:
    docs = [
        {
            "kind": "Gateway",
            "metadata": {"name": name, "namespace": name},
            "spec": {"listeners": [{"name": name}]},
        },
        {
            "kind": "AIGatewayRoute",
            "metadata": {"name": name},
            "spec": {
                "parentRefs": [{"name": name, "namespace": name}],
                "rules": [
                    {
                        "name": name,
                        "matches": [{"headers": [{"name": "x-ai-eg-model", "value": name}]}],
                        "backendRefs": [{"name": name, "modelNameOverride": name, "weight": name}],
                    }
                ],
            },
        },
        {
            "kind": "AIServiceBackend",
            "metadata": {"name": name},
            "spec": {"schema": {"name": name}, "backendRef": {"name": name, "kind": "Backend"}},
        },
        {
            "kind": "Backend",
            "metadata": {"name": name},
            "spec": {"endpoints": [{"fqdn": {"hostname": name, "port": name}}]},
        },
        {
            "kind": "BackendSecurityPolicy",
            "metadata": {"name": name},
            "spec": {"type": name, "targetRefs": [{"kind": "AIServiceBackend", "name": name}]},
        },
        {
            "kind": "BackendTLSPolicy",
            "metadata": {"name": name},
            "spec": {"validation": {"hostname": name}, "targetRefs": [{"kind": "Backend", "name": name}]},
        },
    ]
    mermaid = explain_documents(docs).mermaid
    assert_well_formed(mermaid)
    assert mermaid.count("\n") == len(mermaid.splitlines())  # no raw newline smuggled into a label
    assert escape(name) in mermaid


def test_escape_keeps_safe_characters_and_encodes_everything_else() -> None:
    assert escape("gpt-4o-mini") == "gpt-4o-mini"
    assert escape('a"b') == "a#34;b"
    assert escape("#") == "#35;"
    assert escape("<\n>") == "#60;#10;#62;"


def test_explain_cli_prints_summary_and_fenced_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    from server.cli.main import build_parser

    path = GOLDEN_BUNDLES / "openai-anthropic" / "manifests.yaml"
    args = build_parser(("server.cli.explain",)).parse_args(["explain", str(path)])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert out == explain_documents(manifests("openai-anthropic")).text()
    args = build_parser(("server.cli.explain",)).parse_args(["explain", str(path), "--format", "mermaid"])
    assert args.handler(args) == 0
    assert capsys.readouterr().out.startswith("flowchart LR\n")


def platform_manifests() -> list[dict[str, Any]]:
    """An InferencePool route, an MCPRoute (external server + in-cluster Service, OAuth) and the Semantic Router."""
    from skills.api import backend
    from skills.inferencepool import build_inferencepool
    from skills.mcproute import build_mcproute
    from skills.semantic_router import build_semantic_router

    pool = {
        "name": "llama",
        "models": ["llama-3"],
        "selector": {"app": "vllm-llama"},
        "failure_mode": "FailOpen",
    }
    parts = [
        build_inferencepool({"pools": [pool], "gateway_name": "platform", "route_name": "pools"}),
        build_mcproute(
            {
                "gateway_name": "platform",
                "backends": [
                    {
                        "name": "github",
                        "hostname": "api.githubcopilot.com",
                        "include": ["list_issues"],
                        "api_key_env": "GH",
                    },
                    {"name": "search", "service": "search", "port": 8080},
                ],
                "oauth_issuer": "https://idp.example.com",
                "oauth_jwks_uri": "https://idp.example.com/jwks",
                "oauth_resource": "https://gw.example.com/mcp",
                "authorization_rules": [{"scopes": ["read"], "tools": ["github/list_issues"]}],
            }
        ),
        build_semantic_router({"rules": ["math-expert=vllm-base"]}),
        backend(name="vllm-base", schema_name="OpenAI", service={"name": "vllm-base", "port": 8000}),
    ]
    return [m for p in parts for m in p.manifests]


def test_platform_kinds_explain_to_a_golden_summary_and_diagram(golden: Any) -> None:
    explanation = explain_documents(platform_manifests())
    assert_well_formed(explanation.mermaid)
    golden("explain/platform.md", explanation.text())


def test_inference_pool_mcp_route_and_patch_policy_are_drawn_where_they_attach() -> None:
    explanation = explain_documents(platform_manifests())
    nodes = {
        label: node
        for node, label in re.findall(r'^    (n[0-9]+)\["(.*)"\]$', explanation.mermaid, re.MULTILINE)
    }
    edges = set(
        re.findall(r"^    (n[0-9]+) -(?:->|\.->)(?:\|\"(.*)\"\|)? (n[0-9]+)$", explanation.mermaid, re.M)
    )

    def edge(a: str, b: str, label: str = "") -> bool:
        return (nodes[a], label, nodes[b]) in edges

    gateway, mcp = nodes["Gateway<br/>default/platform"], nodes["MCPRoute<br/>default/mcp-route /mcp"]
    assert (gateway, "", mcp) in edges
    assert edge("MCPRoute<br/>default/mcp-route /mcp", "Backend<br/>default/github", "include list_issues")
    assert edge("Backend<br/>default/github", "Provider<br/>api.githubcopilot.com:443")
    assert edge("MCPRoute<br/>default/mcp-route /mcp", "Service<br/>default/search:8080")
    assert edge("OAuth<br/>https://idp.example.com", "MCPRoute<br/>default/mcp-route /mcp", "client tokens")
    assert edge("InferencePool<br/>default/llama", "Pods<br/>app=vllm-llama :8000")
    assert edge(
        "EndpointPicker<br/>default/llama-epp:9002",
        "InferencePool<br/>default/llama",
        "picks the pod, FailOpen",
    )
    patch = "EnvoyPatchPolicy<br/>default/semantic-router-sr-extproc"
    assert edge(
        patch,
        "Gateway<br/>default/semantic-router",
        "adds first filter semantic-router-extproc, cluster semantic-router",
    )
    assert (
        "  github: /mcp -> api.githubcopilot.com:443 (include list_issues; API key from Secret github-mcp-api-key)"
        in (explanation.summary)
    )
    assert "  search: /mcp -> Service default/search:8080" in explanation.summary
