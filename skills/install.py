"""aigw-install: an ordered, idempotent plan that installs Envoy Gateway and Envoy AI Gateway with pinned versions.

The Envoy Gateway values are generated (never fetched from a moving branch) so the extension-manager hook
points at the AI Gateway controller in the namespace the user chose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field

from skills import shell
from skills.errors import InputError, Problem
from skills.model import InputModel
from skills.redis import DEFAULT_REDIS_URL, redis_plan
from skills.render import render_object
from skills.result import SkillResult, Step
from skills.semantic_router_values import VALUES_FILE as ROUTER_VALUES_FILE
from skills.semantic_router_values import RouterValues, render_values, values_problems
from skills.types import DNSLabel, Duration, RedisAddress
from skills.versions import (
    DEFAULT_VERSION,
    ENVOY_GATEWAY_CONTROLLER,
    AIGatewayVersion,
    VersionProfile,
    profile,
)

SKILL = "aigw-install"
VALUES_FILE = "envoy-gateway-values.yaml"
EG_CHART = "oci://docker.io/envoyproxy/gateway-helm"
AIGW_CRD_CHART = "oci://docker.io/envoyproxy/ai-gateway-crds-helm"
AIGW_CHART = "oci://docker.io/envoyproxy/ai-gateway-helm"
EG_DEFAULT_NAMESPACE = "envoy-gateway-system"  # the AI Gateway chart's envoyGateway.namespace default

AddonName = Literal["inference-pool", "semantic-router", "rate-limit"]


@dataclass(frozen=True)
class Addon:
    """An optional capability: extra Envoy Gateway values and the steps that install what it needs."""

    name: str
    summary: str
    backend_resources: tuple[dict[str, str], ...] = ()
    pre_steps: Callable[[VersionProfile], list[Step]] = field(default=lambda _: [])
    uninstall: Callable[[VersionProfile], list[Step]] = field(default=lambda _: [])
    rate_limit: bool = False  # Envoy Gateway's rate limit service with a Redis backend (skills/redis.py)


def _gie_url(prof: VersionProfile) -> str:
    return (
        "https://github.com/kubernetes-sigs/gateway-api-inference-extension/releases/download/"
        f"{prof.inference_extension}/manifests.yaml"
    )


ADDONS: dict[str, Addon] = {
    "inference-pool": Addon(
        name="inference-pool",
        summary="Route to self-hosted model servers through Gateway API Inference Extension InferencePools",
        backend_resources=(
            {"group": "inference.networking.k8s.io", "kind": "InferencePool", "version": "v1"},
        ),
        pre_steps=lambda prof: [
            Step(
                title=f"Install the Gateway API Inference Extension {prof.inference_extension} CRDs",
                command=shell.command("kubectl", "apply", "--server-side", "-f", _gie_url(prof)),
                why="InferencePool backends need the inference.networking.k8s.io CRDs before Envoy Gateway starts",
            )
        ],
        uninstall=lambda prof: [
            Step(
                title="Remove the Inference Extension CRDs (deletes every InferencePool)",
                command=shell.command("kubectl", "delete", "--ignore-not-found", "-f", _gie_url(prof)),
                why="Only when nothing else uses InferencePools",
            )
        ],
    ),
    "rate-limit": Addon(
        name="rate-limit",
        summary="Global rate limits (token budgets) through Envoy Gateway's rate limit service and Redis",
        rate_limit=True,
    ),
}


def _register_semantic_router() -> None:
    """The vLLM Semantic Router addon lives in skills/semantic_router.py; registered here so install sees it."""
    from skills.semantic_router import install_addon

    ADDONS["semantic-router"] = install_addon(Addon, Step)


_register_semantic_router()


class InstallInput(InputModel):
    """Where and which versions to install."""

    version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="Envoy AI Gateway version (pins Envoy Gateway)"
    )
    envoy_gateway_installed: bool = Field(
        False,
        description="Envoy Gateway is already installed: upgrade it in place with the AI Gateway values",
    )
    envoy_gateway_namespace: DNSLabel = Field(EG_DEFAULT_NAMESPACE, description="Envoy Gateway namespace")
    ai_gateway_namespace: DNSLabel = Field(
        "envoy-ai-gateway-system",
        description="AI Gateway controller namespace (the extension hook points here)",
    )
    addons: list[AddonName] = Field(default_factory=list, description="Optional capabilities to install")
    wait_timeout: Duration = Field("2m", description="How long each wait step waits for a deployment")
    redis_url: RedisAddress | None = Field(
        None,
        description="Your Redis host:port for the rate-limit addon (default: deploy one in redis-system)",
    )
    semantic_router: RouterValues | None = Field(
        None,
        description="The semantic-router addon's models and the signals that select each (required with it)",
    )


def _helm(release: str, chart: str, version: str, namespace: str, *extra: str) -> str:
    return shell.command(
        "helm",
        "upgrade",
        "-i",
        release,
        chart,
        "--version",
        version,
        "--namespace",
        namespace,
        "--create-namespace",
        *extra,
    )


def _wait(namespace: str, deployment: str, timeout: str) -> str:
    return shell.command(
        "kubectl",
        "wait",
        f"--timeout={timeout}",
        "-n",
        namespace,
        f"deployment/{deployment}",
        "--for=condition=Available",
    )


def _eg_namespace_value(namespace: str) -> tuple[str, ...]:
    """The AI Gateway chart's envoyGateway.namespace when Envoy Gateway is not in the chart's default namespace.

    The controller looks for a Gateway's Envoy pods in the Gateway's namespace and in --envoyGatewayNamespace
    (ai-gateway internal/controller/gateway.go getObjectsForGateway, v1.1.0), which the chart sets from
    envoyGateway.namespace (manifests/charts/ai-gateway-helm/values.yaml, default envoy-gateway-system, present
    since v0.4.0). Left at the default, it never finds the pods and never writes their filter config.
    """
    if namespace == EG_DEFAULT_NAMESPACE:
        return ()
    return ("--set", f"envoyGateway.namespace={namespace}")


def controller_hostname(namespace: str) -> str:
    return f"ai-gateway-controller.{namespace}.svc.cluster.local"


def _check(inp: InstallInput) -> list[Problem]:
    if "semantic-router" not in inp.addons:
        if inp.semantic_router is not None:
            return [Problem("semantic_router", "only used with the semantic-router addon", None, "addons")]
        return []
    if inp.semantic_router is None:
        return [
            Problem(
                "semantic_router",
                "required with the semantic-router addon: the chart's own config is a placeholder model "
                "(replace-with-your-model), so every auto-model request would go nowhere",
                None,
                "models the router may select, e.g. {models: [math-expert=math, general-expert]}",
            )
        ]
    return values_problems(inp.semantic_router, "semantic_router")


def _router_files(inp: InstallInput) -> dict[str, str]:
    """The semantic-router addon's chart values (its helm step installs with -f this file)."""
    return {ROUTER_VALUES_FILE: render_values(inp.semantic_router)} if inp.semantic_router else {}


def build_install(data: InstallInput | dict) -> SkillResult:
    """Install plan: steps, the generated Envoy Gateway values file, and the uninstall steps."""
    inp = InstallInput.parse(data, skill=SKILL)
    problems = _check(inp)
    if problems:
        raise InputError(problems, skill=SKILL)
    prof = profile(inp.version)
    addons = [ADDONS[name] for name in sorted(set(inp.addons))]
    rate_limit = any(a.rate_limit for a in addons)
    redis_steps, redis_uninstall, redis_files = (
        redis_plan(inp.redis_url, inp.wait_timeout) if rate_limit else ([], [], {})
    )
    _, values_text = render_object(
        SKILL,
        "envoy-gateway-values.yaml.j2",
        ai_gateway_version=prof.ai_gateway,
        envoy_gateway_version=prof.envoy_gateway,
        ai_gateway_namespace=inp.ai_gateway_namespace,
        controller=ENVOY_GATEWAY_CONTROLLER,
        controller_hostname=controller_hostname(inp.ai_gateway_namespace),
        backend_resources=[r for a in addons for r in a.backend_resources],
        rate_limit_redis_url=(inp.redis_url or DEFAULT_REDIS_URL) if rate_limit else None,
    )
    eg_ns, ai_ns = inp.envoy_gateway_namespace, inp.ai_gateway_namespace
    steps: list[Step] = [s for a in addons for s in a.pre_steps(prof)] + redis_steps
    if inp.envoy_gateway_installed:
        steps.append(
            Step(
                title=f"Upgrade the existing Envoy Gateway to {prof.envoy_gateway} with the AI Gateway values",
                command=shell.command(
                    "helm",
                    "upgrade",
                    "eg",
                    EG_CHART,
                    "--version",
                    prof.envoy_gateway,
                    "--namespace",
                    eg_ns,
                    "--reset-then-reuse-values",
                    "-f",
                    VALUES_FILE,
                ),
                why=f"AI Gateway {prof.ai_gateway} needs Envoy Gateway {prof.envoy_gateway} with Backend enabled and "
                "the extension-manager hooks; --reset-then-reuse-values (Helm 3.14+) starts from the new chart's "
                "defaults and keeps your own settings, where --reuse-values would keep the old chart's defaults too",
            )
        )
    else:
        steps.append(
            Step(
                title=f"Install Envoy Gateway {prof.envoy_gateway} with the AI Gateway values",
                command=_helm("eg", EG_CHART, prof.envoy_gateway, eg_ns, "-f", VALUES_FILE),
                why="AI Gateway runs as an Envoy Gateway extension; the values enable Backend and wire the hooks",
            )
        )
    steps += [
        Step(
            title="Wait for Envoy Gateway",
            command=_wait(eg_ns, "envoy-gateway", inp.wait_timeout),
            why="The AI Gateway charts register resources Envoy Gateway must serve",
        ),
        Step(
            title=f"Install the AI Gateway {prof.ai_gateway} CRDs",
            command=_helm("aieg-crd", AIGW_CRD_CHART, prof.chart_version, ai_ns),
            why="CRDs ship in their own chart so upgrades never delete them",
        ),
        Step(
            title=f"Install the AI Gateway {prof.ai_gateway} controller",
            command=_helm("aieg", AIGW_CHART, prof.chart_version, ai_ns, *_eg_namespace_value(eg_ns)),
            why="The controller translates AIGatewayRoutes and injects the extproc sidecar"
            + (
                f"; envoyGateway.namespace tells it where Envoy Gateway runs the Envoy pods ({eg_ns})"
                if eg_ns != EG_DEFAULT_NAMESPACE
                else ""
            ),
        ),
        Step(
            title="Wait for the AI Gateway controller",
            command=_wait(ai_ns, "ai-gateway-controller", inp.wait_timeout),
            why="Routes applied before the controller is ready are not translated until it starts",
        ),
    ]
    uninstall = [
        Step(
            title="Remove the AI Gateway controller",
            command=shell.command("helm", "uninstall", "aieg", "--namespace", ai_ns),
            why="Stops translation; existing routes stay until their CRDs go",
        ),
        Step(
            title="Remove the AI Gateway CRDs (deletes every AI Gateway resource)",
            command=shell.command("helm", "uninstall", "aieg-crd", "--namespace", ai_ns),
            why="Only when no AIGatewayRoute, AIServiceBackend or policy is still wanted",
        ),
    ]
    if not inp.envoy_gateway_installed:
        uninstall.append(
            Step(
                title="Remove Envoy Gateway",
                command=shell.command("helm", "uninstall", "eg", "--namespace", eg_ns),
                why="It was installed by this plan",
            )
        )
    uninstall += [s for a in addons for s in a.uninstall(prof)] + redis_uninstall
    notes = [
        f"Envoy AI Gateway {prof.ai_gateway} pairs with Envoy Gateway {prof.envoy_gateway} and Gateway API "
        f"{prof.gateway_api}; Kubernetes 1.32 or later."
    ]
    if inp.envoy_gateway_installed:
        notes.append(
            f"Check the running version first: helm list -n {eg_ns} (needs {prof.envoy_gateway} or later)."
        )
    return SkillResult(
        skill=SKILL,
        steps=steps,
        uninstall=uninstall,
        files={VALUES_FILE: values_text} | redis_files | _router_files(inp),
        notes=notes,
    )


def render_script(result: SkillResult, *, embed_files: bool = True) -> str:
    """The install plan as one bash script; with embed_files the values file is written by the script itself."""
    lines = [
        "#!/usr/bin/env bash",
        "# Generated by aigw-skills. Safe to re-run: every step is idempotent.",
        "set -euo pipefail",
        'cd "$(dirname "$0")"',
        "",
    ]
    if embed_files:
        for name, text in sorted(result.files.items()):
            lines += [
                shell.command("cat") + " > " + shell.command(name) + " <<'AIGW_SKILLS_EOF'",
                text.rstrip("\n"),
                "AIGW_SKILLS_EOF",
                "",
            ]
    else:
        for name in sorted(result.files):
            missing = shell.say(f"install.sh: {name} is missing beside this script")
            lines.append(f"{shell.command('test', '-r', name)} || {{ {missing}; exit 1; }}")
        lines.append("")
    for step in result.steps:
        lines += [shell.comment(f"{step.title}: {step.why}"), step.command, ""]
    lines += ["# To uninstall, in order:"] + [shell.comment(f"  {s.command}") for s in result.uninstall]
    return "\n".join(lines) + "\n"
