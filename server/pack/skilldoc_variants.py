"""The YAML of every variant an action skill supports, for agents without the CLI (skills/<name>/references/).

Each variant is declared once here as the skill's input fields; the reference file shows the output of
running the skill's builder on them in-process (the same code the CLI and the MCP tool run), so the YAML an
agent copies by hand is exactly what the tools generate. tests/skills/test_skill_references.py parses those
files back and passes every block to the validation engine, together with the objects it attaches to
(`needs`), so the references cannot drift from the templates or from what a cluster accepts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from skills.catalog import skill
from skills.result import SkillResult

YAML_REFERENCE = "references/yaml.md"
# aigw-auth keeps its variants beside the policy-type table it already had.
REFERENCE_FILES = {"aigw-auth": "references/credentials.md"}
SECTION = "variants"
SETUP = "setup"  # `needs` shorthand: the OpenAI/Anthropic/Azure backends, their keys, the Gateway and a route


@dataclass(frozen=True)
class Variant:
    """One way to use a skill: its inputs, and what its YAML needs around it to be complete on a cluster."""

    title: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    # Other variants ("aigw-backend: OpenAI") or SETUP whose objects this one refers to (backends, Gateway).
    needs: tuple[str, ...] = ()
    # False when the output is a script and values (install) or kinds outside the CRD set the tests load.
    manifests: bool = True


def ref(skill_name: str, title: str) -> str:
    return f"{skill_name}: {title}"


OPENAI, ANTHROPIC, AZURE = (ref("aigw-backend", t) for t in ("OpenAI", "Anthropic", "Azure OpenAI"))
KEY_OPENAI = ref("aigw-auth", "API key (OpenAI and compatible)")
KEY_ANTHROPIC = ref("aigw-auth", "Anthropic API key")
KEY_AZURE = ref("aigw-auth", "Azure OpenAI API key")
BACKENDS = (OPENAI, ANTHROPIC, AZURE, KEY_OPENAI, KEY_ANTHROPIC, KEY_AZURE)
GATEWAY = ref("aigw-route", "Gateway only (other variants reuse it)")
ROUTE = ref("aigw-route", "Each model to the provider that serves it")
# The complete setup other skills attach to: three keyed backends, a Gateway and a route for their models.
SETUP_PARTS = (*BACKENDS, ROUTE)

VARIANTS: dict[str, tuple[Variant, ...]] = {
    "aigw-install": (
        Variant("Fresh install of AI Gateway v1.1.0", {"version": "v1.1.0"}, manifests=False),
        Variant(
            "Envoy Gateway already installed: upgrade it in place with the AI Gateway values",
            {"envoy_gateway_installed": True},
            manifests=False,
        ),
        Variant(
            "With the token rate-limit (Redis) and InferencePool addons",
            {"addons": ["rate-limit", "inference-pool"]},
            manifests=False,
        ),
    ),
    "aigw-backend": (
        Variant("OpenAI", {"name": "openai", "provider": "openai"}, needs=(KEY_OPENAI,)),
        Variant("Anthropic", {"name": "anthropic", "provider": "anthropic"}, needs=(KEY_ANTHROPIC,)),
        Variant(
            "Azure OpenAI",
            {"name": "azure-openai", "provider": "azure-openai", "resource": "my-resource"},
            needs=(KEY_AZURE,),
        ),
        Variant(
            "AWS Bedrock",
            {"name": "aws-bedrock", "provider": "aws-bedrock", "region": "us-east-1"},
            needs=(ref("aigw-auth", "AWS: SDK default chain (EKS Pod Identity or IRSA)"),),
        ),
        Variant(
            "Google Vertex AI",
            {"name": "gcp-vertex-ai", "provider": "gcp-vertex-ai", "region": "us-central1"},
            needs=(ref("aigw-auth", "GCP: Application Default Credentials (GKE Workload Identity)"),),
        ),
        Variant(
            "Gemini (OpenAI-compatible API with a path prefix)", {"name": "gemini", "provider": "gemini"}
        ),
        Variant(
            "Self-hosted OpenAI-compatible server in the cluster (a vLLM Service)",
            {
                "name": "vllm-llama",
                "schema_name": "OpenAI",
                "service": {"name": "vllm-llama", "namespace": "models", "port": 8000},
            },
        ),
    ),
    "aigw-auth": (
        Variant(
            "API key (OpenAI and compatible)",
            {"type": "APIKey", "targets": ["openai"], "secret_env": "OPENAI_API_KEY"},
            needs=(OPENAI,),
        ),
        Variant(
            "Anthropic API key",
            {"type": "AnthropicAPIKey", "targets": ["anthropic"], "secret_env": "ANTHROPIC_API_KEY"},
            needs=(ANTHROPIC,),
        ),
        Variant(
            "Azure OpenAI API key",
            {"type": "AzureAPIKey", "targets": ["azure-openai"], "secret_env": "AZURE_OPENAI_API_KEY"},
            needs=(AZURE,),
        ),
        Variant(
            "AWS: SDK default chain (EKS Pod Identity or IRSA)",
            {"type": "AWSCredentials", "targets": ["aws-bedrock"], "aws_region": "us-east-1"},
            needs=(ref("aigw-backend", "AWS Bedrock"),),
        ),
        Variant(
            "AWS: credentials file",
            {
                "type": "AWSCredentials",
                "targets": ["aws-bedrock"],
                "aws_region": "us-east-1",
                "aws_mode": "credentials-file",
                "secret_file": "~/.aws/credentials",
            },
            needs=(ref("aigw-backend", "AWS Bedrock"),),
        ),
        Variant(
            "Azure: Entra ID client secret",
            {
                "type": "AzureCredentials",
                "targets": ["azure-openai"],
                "azure_client_id": "00000000-0000-0000-0000-000000000001",
                "azure_tenant_id": "00000000-0000-0000-0000-000000000002",
            },
            needs=(AZURE,),
        ),
        Variant(
            "GCP: service-account key file",
            {
                "type": "GCPCredentials",
                "targets": ["gcp-vertex-ai"],
                "gcp_project": "my-project",
                "gcp_region": "us-central1",
                "secret_file": "./service-account.json",
            },
            needs=(ref("aigw-backend", "Google Vertex AI"),),
        ),
        Variant(
            "GCP: Application Default Credentials (GKE Workload Identity)",
            {
                "type": "GCPCredentials",
                "targets": ["gcp-vertex-ai"],
                "gcp_project": "my-project",
                "gcp_region": "us-central1",
                "gcp_mode": "adc",
            },
            needs=(ref("aigw-backend", "Google Vertex AI"),),
        ),
    ),
    "aigw-route": (
        Variant(
            "Each model to the provider that serves it",
            {"rules": ["gpt-5.4-mini,gpt-5.5=openai", "claude-sonnet-4-6=anthropic"]},
            needs=BACKENDS,
        ),
        Variant(
            "Gateway only (other variants reuse it)",
            {"rules": ["gpt-5.4-mini=openai"]},
            needs=BACKENDS,
        ),
        Variant(
            "Weighted split between two providers (80/20)",
            {
                "rules": [
                    {
                        "models": ["gpt-5.4-mini"],
                        "backends": [
                            {"name": "openai", "weight": 80},
                            {"name": "azure-openai", "weight": 20},
                        ],
                    }
                ],
                "create_gateway": False,
            },
            needs=(*BACKENDS, GATEWAY),
        ),
        Variant(
            "Failover with retries (OpenAI first, Azure OpenAI when it fails)",
            {"rules": ["gpt-5.5=openai@0,azure-openai@1"], "create_gateway": False},
            needs=(*BACKENDS, GATEWAY),
        ),
        Variant(
            "Timeouts for long generations",
            {
                "rules": [
                    {
                        "models": ["gpt-5.5"],
                        "backends": [{"name": "openai"}],
                        "request_timeout": "300s",
                        "backend_request_timeout": "120s",
                        "stream_idle_timeout": "30s",
                    }
                ],
                "create_gateway": False,
            },
            needs=(*BACKENDS, GATEWAY),
        ),
        Variant(
            "Model name override (clients send an alias)",
            {
                "rules": [
                    {
                        "models": ["fast"],
                        "backends": [{"name": "openai", "model_name_override": "gpt-5.4-mini"}],
                    }
                ],
                "create_gateway": False,
            },
            needs=(*BACKENDS, GATEWAY),
        ),
    ),
    "aigw-ratelimit": (
        Variant(
            "Token budget per user per hour, and a daily model quota",
            {
                "route_name": "ai-gateway",
                "token_limits": [{"limit": 100000, "unit": "Hour", "per_header": "x-user-id"}],
                "quotas": [
                    {"backend": "openai", "model_name": "gpt-5.4-mini", "limit": 5000000, "duration": "1d"}
                ],
            },
            needs=(SETUP,),
        ),
        Variant(
            "One shared budget per minute, charging input tokens plus twice the output tokens (CEL)",
            {
                "route_name": "ai-gateway",
                "token_limits": [
                    {
                        "limit": 200000,
                        "unit": "Minute",
                        "type": "CEL",
                        "cel": "input_tokens + 2u * output_tokens",
                    }
                ],
            },
            needs=(SETUP,),
        ),
    ),
    "aigw-clientauth": (
        Variant(
            "JWT from an identity provider, the user id copied to a header",
            {
                "type": "jwt",
                "issuer": "https://auth.example.com",
                "jwks_uri": "https://auth.example.com/.well-known/jwks.json",
                "audiences": ["ai-gateway"],
                "claim_to_headers": ["sub=x-user-id"],
            },
            needs=(SETUP,),
        ),
        Variant(
            "API keys, one per client team",
            {"type": "apikey", "clients": ["team-a", "team-b"], "forward_client_id_header": "x-client-id"},
            needs=(SETUP,),
        ),
    ),
    "aigw-observability": (
        Variant(
            "OpenTelemetry tracing to a collector (10% sampled)",
            {"tracing_endpoint": "http://otel-collector.monitoring:4317", "trace_sample_ratio": 0.1},
            needs=(SETUP,),
        ),
        Variant(
            "Access logs with token counts and Prometheus scrape annotations",
            {"access_logs": True, "metrics": "annotations", "access_log_headers": ["x-user-id"]},
            needs=(SETUP,),
        ),
    ),
    "aigw-inferencepool": (
        Variant(
            "One vLLM pool behind a model name",
            {
                "pools": [
                    {
                        "name": "llama3-8b",
                        "models": ["meta-llama/Llama-3.1-8B-Instruct"],
                        "selector": {"app": "vllm-llama3-8b"},
                    }
                ]
            },
        ),
    ),
    "aigw-mcproute": (
        Variant(
            "A remote MCP server with a tool allow-list and its token from an environment variable",
            {
                "backends": [
                    {
                        "name": "github",
                        "hostname": "api.githubcopilot.com",
                        "path": "/mcp/x/issues/readonly",
                        "include": ["issue_read", "list_issues"],
                        "api_key_env": "GITHUB_MCP_TOKEN",
                    }
                ]
            },
            needs=(SETUP,),
        ),
    ),
    "aigw-semantic-router": (
        Variant(
            "Two expert models chosen by the router on an existing Gateway",
            {
                "rules": ["math-expert,general-expert=vllm-llama3-8b-instruct"],
                "router_models": ["math-expert=math"],
                "create_gateway": False,
            },
            # Its EnvoyPatchPolicy and its backend (from aigw-backend) are checked in
            # tests/skills/test_semantic_router.py.
            manifests=False,
        ),
    ),
}


def reference_file(skill_name: str) -> str:
    return REFERENCE_FILES.get(skill_name, YAML_REFERENCE)


def variant(reference: str) -> Variant:
    """The variant named 'skill: title'; KeyError names the known ones."""
    name, _, title = reference.partition(": ")
    for v in VARIANTS.get(name, ()):
        if v.title == title:
            return v
    known = ", ".join(ref(n, v.title) for n, vs in VARIANTS.items() for v in vs)
    raise KeyError(f"no variant {reference!r}; known: {known}")


def run_variant(skill_name: str, v: Variant) -> SkillResult:
    result = skill(skill_name).load_builder()(dict(v.fields))
    assert isinstance(result, SkillResult)
    return result


def render_result(result: SkillResult, *, manifests_label: str = "Manifests") -> list[str]:
    """Markdown blocks for a result: extra files, shell steps, manifests, Secret commands, notes."""
    block: list[str] = []
    for name, text in sorted(result.files.items()):
        block += ["", f"File `{name}`:", "", "```yaml", text.rstrip(), "```"]
    if result.steps:
        steps = "\n".join(f"# {s.title}\n{s.command}" for s in result.steps)
        block += ["", "Steps:", "", "```bash", steps, "```"]
    if result.yaml.strip():
        block += ["", f"{manifests_label}:", "", "```yaml", result.yaml.rstrip(), "```"]
    for secret in result.secrets:
        block += [
            "",
            f"Create Secret `{secret.name}` (key `{secret.key}`) from {secret.source}:",
            "",
            "```bash",
            secret.command,
            "```",
        ]
    for note in result.notes:
        block += ["", f"Note: {note}"]
    return block


def describe(need: str) -> str:
    if need == SETUP:
        return "a working setup (the aigw-route variant `Each model to the provider that serves it`, its backends and keys)"
    name, _, title = need.partition(": ")
    return f"the {name} variant `{title}`"


def variants_section(skill_name: str) -> str:
    parts = []
    for v in VARIANTS[skill_name]:
        block = [f"### {v.title}", "", "Input:", "", "```json", json.dumps(dict(v.fields)), "```"]
        if v.needs:
            block += ["", "Apply together with: " + "; ".join(describe(n) for n in v.needs) + "."]
        parts.append("\n".join(block + render_result(run_variant(skill_name, v))))
    return "\n\n".join(parts)
