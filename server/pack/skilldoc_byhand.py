"""aigw-orchestrator's references/by-hand.md: the OpenAI + Anthropic bundle written out step by step.

An agent with no CLI and no MCP server follows it: the install values and steps, the Secret commands, then
the manifests grouped by what they are for (the Gateway once, each provider, the route), each group saying
what to change for other answers. The text comes from composing the built-in `openai-anthropic` intake, so
it is what `aigw-skills build` writes; tests/skills/test_skill_references.py validates the manifests taken
back out of the generated file.
"""

from __future__ import annotations

from typing import Any

import yaml

EXAMPLE = "openai-anthropic"
GATEWAY_KINDS = ("GatewayClass", "Gateway", "ClientTrafficPolicy", "EnvoyProxy", "GatewayConfig")
PROVIDER_KINDS = ("Backend", "AIServiceBackend", "BackendTLSPolicy", "BackendSecurityPolicy")


def example_intake_text() -> str:
    from server.cli.build import example_text

    return example_text(EXAMPLE)


def _chunks(stream: str) -> list[tuple[str, dict[str, Any]]]:
    """The documents of a YAML stream as (text with its comments, parsed object)."""
    out = []
    for chunk in stream.split("\n---\n"):
        text = chunk.strip("\n")
        doc = yaml.safe_load(text) if text.strip() and text.strip() != "---" else None
        if isinstance(doc, dict):
            out.append((text.removeprefix("---\n"), doc))
    return out


def _provider_of(doc: dict[str, Any]) -> str:
    if doc["kind"] in ("Backend", "AIServiceBackend"):
        return str(doc["metadata"]["name"])
    refs = doc.get("spec", {}).get("targetRefs") or [{}]
    return str(refs[0].get("name", doc["metadata"]["name"]))


def _group(stream: str) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {"gateway": []}
    for text, doc in _chunks(stream):
        if doc["kind"] in GATEWAY_KINDS:
            groups["gateway"].append(text)
        elif doc["kind"] in PROVIDER_KINDS:
            groups.setdefault(f"provider:{_provider_of(doc)}", []).append(text)
        else:
            groups.setdefault("route", []).append(text)
    return groups


def _yaml(label: str, docs: list[str]) -> list[str]:
    return ["", f"{label}:", "", "```yaml", "\n---\n".join(docs), "```"]


def by_hand_section() -> str:
    from orchestrator.compose.bundle import build_bundle

    intake = example_intake_text()
    bundle = build_bundle(yaml.safe_load(intake))
    files = bundle.files
    groups = _group(files["manifests.yaml"])
    secrets = [line for line in files["secrets.sh"].splitlines() if line.startswith("printf ")]
    out = [
        "The answers (the intake `aigw-skills build` would read; nothing below needs the CLI):",
        "",
        "```yaml",
        intake.rstrip(),
        "```",
        "",
        "### 1. Install Envoy Gateway and Envoy AI Gateway",
        "",
        "Once per cluster. Envoy Gateway needs these values (the Backend API and the extension hooks that wire "
        "AI Gateway's extproc in); without them every request reaches the provider unauthenticated.",
        "",
        "File `envoy-gateway-values.yaml`:",
        "",
        "```yaml",
        files["envoy-gateway-values.yaml"].rstrip(),
        "```",
        "",
        "Steps (`install.sh` of the bundle):",
        "",
        "```bash",
        files["install.sh"].rstrip(),
        "```",
        "",
        "### 2. Create the Secrets",
        "",
        "One command per provider key, reading the key from an environment variable at apply time (never "
        "write a key into a file or the chat):",
        "",
        "```bash",
        "\n".join(secrets),
        "```",
        "",
        "### 3. The manifests",
        "",
        "Save the blocks of this step, in order, as one `manifests.yaml` (separated by `---`).",
        "",
        "#### The Gateway (once)",
        "",
        "The GatewayClass of Envoy Gateway's controller, the Gateway clients call, and the buffer limit that "
        "keeps long prompts from a 413. Keep these when you add providers.",
        *_yaml("Manifests", groups.pop("gateway")),
    ]
    route = groups.pop("route", [])
    for key, docs in groups.items():
        name = key.split(":", 1)[1]
        out += [
            "",
            f"#### Provider `{name}`",
            "",
            "Its endpoint (Backend), API schema (AIServiceBackend), TLS verification and credentials. For "
            "another provider, take the blocks of its variant in the aigw-backend skill's references/yaml.md "
            "and the aigw-auth skill's references/credentials.md instead.",
            *_yaml("Manifests", docs),
        ]
    out += [
        "",
        "#### The route",
        "",
        "One rule per model, sending it to the provider that serves it. Add a model by adding a rule (keep "
        "the others: `kubectl apply` replaces the whole rules list); for splits, failover or timeouts take the "
        "rule shapes from the aigw-route skill's references/yaml.md.",
        *_yaml("Manifests", route),
        "",
        "### 4. Check and apply",
        "",
        "```bash",
        "kubectl apply --dry-run=server -f manifests.yaml   # schema and CEL rules, on the cluster",
        "kubectl apply -f manifests.yaml",
        "kubectl get aigatewayroute,aiservicebackend,backendsecuritypolicy -n default",
        "```",
    ]
    return "\n".join(out)
