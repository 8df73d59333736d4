"""aigw-semantic-router: the vLLM Semantic Router in front of the AI Gateway filter.

The router runs as an Envoy external processor (gRPC, port 50051). An EnvoyPatchPolicy inserts it as the
first HTTP filter of the Gateway's listener (so it runs before AI Gateway's own extproc) and adds its
cluster. Clients send the auto model name (MoM, or vllm-sr/auto in current docs); the router classifies the
prompt, rewrites the body's model to the one it selects and clears the route cache, and the AIGatewayRoute
rules then match the selected names. No rule may match the auto name: it never reaches routing.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field

from skills import shell
from skills.errors import InputError, Problem
from skills.model import InputModel
from skills.render import render_object
from skills.result import SkillResult, Step
from skills.route import build_route
from skills.route_rules import RouteRule
from skills.semantic_router_values import (
    AUTO_MODEL,
    VALUES_FILE,
    RouterModel,
    RouterValues,
    render_values,
    values_problems,
)
from skills.types import DNSLabel, Duration, ModelName, Port, Quantity, SectionName
from skills.versions import DEFAULT_VERSION, AIGatewayVersion

SKILL = "aigw-semantic-router"
CHART = "oci://ghcr.io/vllm-project/charts/semantic-router"
# The chart tag the upstream install guide uses; the chart publishes no semver releases to pin to yet.
CHART_VERSION = "0.0.0-latest"
RELEASE = "semantic-router"
NAMESPACE = "vllm-semantic-router-system"


def helm_step(release: str, namespace: str, values: str | None) -> Step:
    extra = ("-f", values) if values else ()
    return Step(
        title=f"Install the vLLM Semantic Router ({CHART_VERSION})",
        command=shell.command(
            "helm",
            "upgrade",
            "-i",
            release,
            CHART,
            "--version",
            CHART_VERSION,
            "--namespace",
            namespace,
            "--create-namespace",
            *extra,
        ),
        why="The router classifies prompts and picks the model before AI Gateway routes the request",
    )


def wait_step(release: str, namespace: str) -> Step:
    return Step(
        title="Wait for the Semantic Router",
        command=shell.command(
            "kubectl",
            "wait",
            "--for=condition=Available",
            f"deployment/{release}",
            "-n",
            namespace,
            "--timeout=600s",
        ),
        why="It downloads its classifier models on first start; requests fail until it answers (fail closed)",
    )


def install_addon(addon: Any, step: type[Step]) -> Any:
    """The `semantic-router` addon of aigw-install (classes passed in to keep skills.install import-free).

    The router is installed with the values aigw-install renders from its semantic_router input: the chart's
    own defaults are placeholders (replace-with-your-model) that send every auto-model request nowhere.
    """
    del step
    return addon(
        name="semantic-router",
        summary="vLLM Semantic Router: picks the model per prompt (auto model name MoM) before AI Gateway routes",
        pre_steps=lambda _prof: [helm_step(RELEASE, NAMESPACE, VALUES_FILE), wait_step(RELEASE, NAMESPACE)],
        uninstall=lambda _prof: [
            Step(
                title="Remove the vLLM Semantic Router",
                command=shell.command("helm", "uninstall", RELEASE, "--namespace", NAMESPACE),
                why="Delete its EnvoyPatchPolicy first, or every request through that Gateway fails",
            )
        ],
    )


class SemanticRouterInput(InputModel):
    """The Semantic Router wiring on one Gateway and the routes for the model names it selects."""

    rules: list[RouteRule] = Field(
        min_length=1,
        description="Rules for the model names the router selects (e.g. LoRA names) to their backends; "
        "aigw-route shorthand ok",
    )
    auto_model_name: ModelName = Field(
        AUTO_MODEL,
        description="Model name clients send to let the router choose (MoM; docs also use vllm-sr/auto)",
    )
    router_models: list[RouterModel] = Field(
        default_factory=list,
        max_length=64,
        description="Signals per selected model (domains, keywords), e.g. math-expert=math,physics; each rule "
        "model gets one router decision, and one without signals must be the default_model",
    )
    default_model: ModelName | None = Field(
        None,
        description="Model the router falls back to (default: the one model without signals, else the first "
        "rule's first model)",
    )
    namespace: DNSLabel = Field("default", description="Namespace of the Gateway, route and patch policy")
    gateway_name: DNSLabel = Field("semantic-router", description="Gateway whose listener gets the router")
    gateway_class: DNSLabel = Field("semantic-router", description="GatewayClass to create or use")
    listener_name: SectionName = Field("http", description="Listener the router filter is inserted into")
    create_gateway: bool = Field(True, description="Create the GatewayClass and Gateway (false: reuse)")
    route_name: DNSLabel = Field("semantic-router", description="AIGatewayRoute name")
    buffer_limit: Quantity = Field("50Mi", description="Request buffer limit on the Gateway")
    release: DNSLabel = Field(RELEASE, description="Helm release (and Service) name of the router")
    router_namespace: DNSLabel = Field(NAMESPACE, description="Namespace the router runs in")
    grpc_port: Port = Field(50051, description="Router ExtProc gRPC port")
    request_body_mode: Literal["BUFFERED", "STREAMED"] = Field(
        "BUFFERED", description="How the request body reaches the router (STREAMED also sets the values flag)"
    )
    timeout: Duration = Field("60s", description="gRPC, message and connect timeout to the router")
    failure_mode_allow: bool = Field(
        False,
        description="Let requests bypass the router when it is down (default: fail closed, as upstream)",
    )
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version to generate for"
    )


def _rule_matches(rule: RouteRule, name: str) -> bool:
    if rule.match_type == "Exact":
        return name in rule.models
    return any(re.fullmatch(pattern, name) for pattern in rule.models)


def router_values(inp: SemanticRouterInput) -> RouterValues:
    """The router's models in rule order (router_models entries carry their signals), then any router_models
    entry that only a regular-expression rule matches."""
    given = {m.name: m for m in inp.router_models}
    exact = dict.fromkeys(m for rule in inp.rules if rule.match_type == "Exact" for m in rule.models)
    models = [given.get(name, RouterModel(name=name)) for name in exact]
    models += [m for m in inp.router_models if m.name not in exact]
    return RouterValues(
        models=models,
        default_model=inp.default_model,
        auto_model_name=inp.auto_model_name,
        streamed_body=inp.request_body_mode == "STREAMED",
    )


def _check(inp: SemanticRouterInput) -> list[Problem]:
    problems = []
    for index, rule in enumerate(inp.rules):
        if inp.auto_model_name in rule.models:
            problems.append(
                Problem(
                    f"rules[{index}].models",
                    f"{inp.auto_model_name!r} is the auto model name: the router replaces it before routing, so "
                    "no rule ever sees it; list the model names the router selects instead",
                    inp.auto_model_name,
                )
            )
    if problems:
        return problems
    for index, model in enumerate(inp.router_models):
        if not any(_rule_matches(rule, model.name) for rule in inp.rules):
            problems.append(
                Problem(
                    f"router_models[{index}].name",
                    f"no rule matches {model.name!r}: requests the router sends there would find no route",
                    model.name,
                    "a model name one of the rules lists",
                )
            )
    try:
        values = router_values(inp)
    except ValueError:  # no exact rule model and no router_models: nothing the router could select
        return [
            Problem(
                "router_models",
                "the rules only hold regular expressions: name the models the router selects",
                None,
                "router_models entries such as math-expert=math",
            )
        ]
    position = {m.name: i for i, m in enumerate(inp.router_models)}
    for problem in values_problems(values):
        head, _, rest = problem.path.partition("[")
        if head != "models" or not rest:
            path = "router_models" if head == "models" else head
            problems.append(Problem(path, problem.message, problem.value, problem.expected))
            continue
        at, _, tail = rest.partition("]")
        name = values.models[int(at)].name
        path = f"router_models[{position[name]}]{tail}" if name in position else "router_models"
        problems.append(Problem(path, problem.message, problem.value, problem.expected))
    return problems


def build_semantic_router(data: SemanticRouterInput | dict[str, Any]) -> SkillResult:
    """Gateway + AIGatewayRoute (aigw-route), the EnvoyPatchPolicy, the router's values and install steps."""
    inp = SemanticRouterInput.parse(data, skill=SKILL)
    problems = _check(inp)
    if problems:
        raise InputError(problems, skill=SKILL)
    try:
        routed = build_route(
            {
                "rules": [r.model_dump() for r in inp.rules],
                "name": inp.route_name,
                "namespace": inp.namespace,
                "gateway_name": inp.gateway_name,
                "gateway_class": inp.gateway_class,
                "listener_name": inp.listener_name,
                "create_gateway": inp.create_gateway,
                "buffer_limit": inp.buffer_limit,
                "target_version": inp.target_version,
            }
        )
    except InputError as exc:
        raise InputError(exc.problems, skill=SKILL) from None
    fqdn = f"{inp.release}.{inp.router_namespace}.svc.cluster.local"
    patch = render_object(
        SKILL,
        "envoypatchpolicy.yaml.j2",
        name=f"{inp.gateway_name}-sr-extproc",
        namespace=inp.namespace,
        gateway=inp.gateway_name,
        listener=f"{inp.namespace}/{inp.gateway_name}/{inp.listener_name}",
        cluster=inp.release,
        authority=f"{inp.release}.{inp.router_namespace}:{inp.grpc_port}",
        fqdn=fqdn,
        port=inp.grpc_port,
        timeout=inp.timeout,
        request_body_mode=inp.request_body_mode,
        failure_mode_allow=inp.failure_mode_allow,
        auto_model_name=inp.auto_model_name,
    )
    config = router_values(inp)
    values = render_values(config)
    selected = sorted({m for rule in inp.rules for m in rule.models})
    notes = [
        f"Clients send model {inp.auto_model_name!r} to let the router choose (Mixture-of-Models); it "
        f"classifies the prompt, rewrites the model to one of {', '.join(selected)} and clears the route cache, "
        f"so the AIGatewayRoute matches the selected name. Sending one of those names directly skips the choice.",
        f"The router filter is added with an EnvoyPatchPolicy, which needs enableEnvoyPatchPolicy in Envoy "
        f"Gateway (the aigw-install values set it). Install the router first: {helm_step(inp.release, inp.router_namespace, VALUES_FILE).command}",
        f"{VALUES_FILE} gives the router one model card and one decision per selected model "
        f"({', '.join(m.name for m in config.models)}); prompts no signal matches go to {config.fallback}.",
    ]
    if not inp.failure_mode_allow:
        notes.append("failure_mode_allow is off (as upstream): if the router is unreachable, requests fail.")
    notes += routed.notes
    return SkillResult(
        skill=SKILL,
        manifests=[*routed.manifests, patch[0]],
        yaml=f"{routed.yaml}---\n{patch[1]}",
        steps=[
            helm_step(inp.release, inp.router_namespace, VALUES_FILE),
            wait_step(inp.release, inp.router_namespace),
        ],
        files={VALUES_FILE: values},
        notes=notes,
    )
