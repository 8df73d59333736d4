"""aigw-inferencepool: self-hosted model servers behind Gateway API Inference Extension InferencePools.

Each pool gets its InferencePool (inference.networking.k8s.io/v1) with the endpoint picker (EPP) reference,
optionally the EPP itself (ServiceAccount, RBAC, plugins ConfigMap, Deployment, Service) and an
InferenceObjective; the route rules that send the pool's model names to it come from aigw-route (one pool
per rule, never mixed with AIServiceBackends), and a BackendSecurityPolicy targeting the pool from aigw-auth
when the model servers want an API key.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Literal

from pydantic import Field, model_validator

from skills.auth import build_auth
from skills.errors import InputError, Problem
from skills.model import InputModel
from skills.render import render_object
from skills.result import SkillResult
from skills.route import build_route
from skills.route_rules import RouteRule
from skills.types import (
    ContainerImage,
    DNSLabel,
    Duration,
    EnvVarName,
    LabelKey,
    LabelValue,
    ModelName,
    Port,
    SectionName,
)
from skills.versions import DEFAULT_VERSION, AIGatewayVersion, profile

SKILL = "aigw-inferencepool"
GIE_GROUP = "inference.networking.k8s.io"
EPP_IMAGE = "registry.k8s.io/gateway-api-inference-extension/epp"
EPP_PLUGINS = """\
apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: queue-scorer
- type: kv-cache-utilization-scorer
- type: prefix-cache-scorer
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: queue-scorer
  - pluginRef: kv-cache-utilization-scorer
  - pluginRef: prefix-cache-scorer
"""


class PoolSpec(InputModel):
    """One InferencePool: the model server pods it selects, their port, and the endpoint picker in front."""

    name: DNSLabel = Field(description="InferencePool name")
    models: list[ModelName] = Field(
        min_length=1, max_length=128, description="Model names clients send that this pool serves"
    )
    selector: dict[LabelKey, LabelValue] = Field(
        min_length=1, max_length=16, description="Labels of the model server pods, e.g. {app: vllm-llama3}"
    )
    target_port: Port = Field(8000, description="Port the model servers listen on (vLLM: 8000)")
    endpoint_picker: Literal["deploy", "existing"] = Field(
        "deploy", description="deploy: emit the EPP Deployment, Service and RBAC; existing: reference one"
    )
    epp_name: DNSLabel | None = Field(None, description="EPP Service name (default <pool>-epp)")
    epp_port: Port = Field(9002, description="EPP gRPC port")
    epp_image: ContainerImage | None = Field(
        None, description="EPP image (default: the Inference Extension release of the target version)"
    )
    epp_replicas: int = Field(1, ge=1, le=10, description="EPP replicas")
    failure_mode: Literal["FailOpen", "FailClose"] | None = Field(
        None, description="When the EPP is down: FailClose rejects (CRD default), FailOpen picks any pod"
    )
    processing_body_mode: Literal["duplex", "buffered"] | None = Field(
        None, description="AI Gateway extproc body mode for this pool (annotation; default duplex)"
    )
    allow_mode_override: bool | None = Field(
        None, description="Let the EPP override the processing mode (annotation; default false)"
    )
    objective_priority: int | None = Field(
        None, ge=-1000, le=1000, description="Emit an InferenceObjective with this scheduling priority"
    )
    rule_name: SectionName | None = Field(None, description="Route rule name (AI Gateway v1.1+)")
    request_timeout: Duration | None = Field(None, description="Whole-request timeout of the pool's rule")
    api_key_env: EnvVarName | None = Field(
        None,
        description="The model servers want an API key: env var holding it at apply time (adds a "
        "BackendSecurityPolicy targeting the pool)",
    )

    @model_validator(mode="after")
    def _existing_epp(self) -> PoolSpec:
        if self.endpoint_picker == "existing" and self.epp_image is not None:
            raise ValueError("epp_image is only used with endpoint_picker: deploy")
        return self


class InferencePoolInput(InputModel):
    """InferencePools for self-hosted models, and the route that sends their model names to them."""

    pools: list[PoolSpec] = Field(min_length=1, max_length=15, description="The pools, one route rule each")
    namespace: DNSLabel = Field("default", description="Namespace of the pools, EPPs and route")
    route: bool = Field(True, description="Emit the AIGatewayRoute (and Gateway) through aigw-route")
    route_name: DNSLabel = Field("ai-gateway", description="AIGatewayRoute name")
    gateway_name: DNSLabel = Field("ai-gateway", description="Gateway to attach to")
    gateway_class: DNSLabel = Field("envoy-ai-gateway", description="GatewayClass to create or use")
    create_gateway: bool = Field(True, description="Create the GatewayClass and Gateway (false: reuse)")
    other_rules: list[RouteRule] = Field(
        default_factory=list, description="AIServiceBackend rules on the same route (aigw-route shorthand ok)"
    )
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version to generate for"
    )


def _check(inp: InferencePoolInput) -> list[Problem]:
    problems: list[Problem] = []
    names = [p.name for p in inp.pools]
    for index, pool in enumerate(inp.pools):
        if names.count(pool.name) > 1 and names.index(pool.name) != index:
            problems.append(Problem(f"pools[{index}].name", "pool names must be unique", pool.name))
    if not inp.route and inp.other_rules:
        problems.append(Problem("other_rules", "only used when route is true"))
    return problems


def _pool_objects(inp: InferencePoolInput, pool: PoolSpec) -> list[tuple[dict[str, Any], str]]:
    ns = inp.namespace
    epp = pool.epp_name or f"{pool.name}-epp"
    annotations: dict[str, str] = {}
    if pool.processing_body_mode is not None:
        annotations["aigateway.envoyproxy.io/processing-body-mode"] = pool.processing_body_mode
    if pool.allow_mode_override is not None:
        annotations["aigateway.envoyproxy.io/allow-mode-override"] = str(pool.allow_mode_override).lower()
    out = [
        render_object(
            SKILL,
            "inferencepool.yaml.j2",
            name=pool.name,
            namespace=ns,
            annotations=annotations,
            selector=pool.selector,
            target_port=pool.target_port,
            epp_name=epp,
            epp_port=pool.epp_port,
            failure_mode=pool.failure_mode,
        )
    ]
    if pool.objective_priority is not None:
        out.append(
            render_object(
                SKILL,
                "inferenceobjective.yaml.j2",
                name=pool.name,
                namespace=ns,
                priority=pool.objective_priority,
                pool=pool.name,
            )
        )
    if pool.endpoint_picker == "deploy":
        image = pool.epp_image or f"{EPP_IMAGE}:{profile(inp.target_version).inference_extension}"
        reviewer = f"{ns}-{epp}-auth-reviewer"[:63].rstrip("-")
        binding = dict(service_account=epp, service_account_namespace=ns)
        out += [
            render_object(SKILL, "epp-serviceaccount.yaml.j2", name=epp, namespace=ns),
            render_object(SKILL, "epp-role.yaml.j2", name=epp, namespace=ns),
            render_object(
                SKILL,
                "epp-rolebinding.yaml.j2",
                kind="RoleBinding",
                name=epp,
                namespace=ns,
                role_kind="Role",
                role=epp,
                **binding,
            ),
            render_object(SKILL, "epp-clusterrole.yaml.j2", name=reviewer),
            render_object(
                SKILL,
                "epp-rolebinding.yaml.j2",
                kind="ClusterRoleBinding",
                name=reviewer,
                namespace=None,
                role_kind="ClusterRole",
                role=reviewer,
                **binding,
            ),
            render_object(
                SKILL, "epp-configmap.yaml.j2", name=f"{epp}-plugins", namespace=ns, plugins=EPP_PLUGINS
            ),
            render_object(
                SKILL,
                "epp-deployment.yaml.j2",
                name=epp,
                namespace=ns,
                replicas=pool.epp_replicas,
                image=image,
                pool=pool.name,
                port=pool.epp_port,
                health_port=pool.epp_port + 1 if pool.epp_port < 65535 else pool.epp_port - 1,
                config_map=f"{epp}-plugins",
            ),
            render_object(SKILL, "epp-service.yaml.j2", name=epp, namespace=ns, port=pool.epp_port),
        ]
    return out


def _rule(pool: PoolSpec) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "models": list(pool.models),
        "backends": [{"name": pool.name, "kind": "InferencePool"}],
    }
    if pool.rule_name is not None:
        rule["name"] = pool.rule_name
    if pool.request_timeout is not None:
        rule["request_timeout"] = pool.request_timeout
    return rule


def _our_path(problem: Problem, pools: int) -> Problem:
    """A route problem about rules[i] named by this skill's input: pools[i], then other_rules[i - pools]."""
    match = re.match(r"^rules\[(\d+)\](.*)$", problem.path)
    if match is None:
        return problem
    index, rest = int(match[1]), match[2]
    path = f"pools[{index}]{rest}" if index < pools else f"other_rules[{index - pools}]{rest}"
    message = re.sub(
        r"rules\[(\d+)\]",
        lambda m: f"pools[{m[1]}]" if int(m[1]) < pools else f"other_rules[{int(m[1]) - pools}]",
        problem.message,
    )
    return dataclasses.replace(problem, path=path, message=message)


def build_inferencepool(data: InferencePoolInput | dict[str, Any]) -> SkillResult:
    """InferencePools (+ EPPs, objectives), their route rules and any pool BackendSecurityPolicy."""
    inp = InferencePoolInput.parse(data, skill=SKILL)
    problems = _check(inp)
    if problems:
        raise InputError(problems, skill=SKILL)
    rendered = [obj for pool in inp.pools for obj in _pool_objects(inp, pool)]
    manifests = [obj for obj, _ in rendered]
    texts = [text for _, text in rendered]
    secrets = []
    notes = [
        "InferencePools need the Inference Extension CRDs and Envoy Gateway's backendResources entry for "
        "InferencePool: plan them with `aigw-skills install --addon inference-pool`.",
    ]
    if inp.route:
        try:
            routed = build_route(
                {
                    "rules": [_rule(p) for p in inp.pools] + [r.model_dump() for r in inp.other_rules],
                    "name": inp.route_name,
                    "namespace": inp.namespace,
                    "gateway_name": inp.gateway_name,
                    "gateway_class": inp.gateway_class,
                    "create_gateway": inp.create_gateway,
                    "target_version": inp.target_version,
                }
            )
        except InputError as exc:
            raise InputError([_our_path(p, len(inp.pools)) for p in exc.problems], skill=SKILL) from None
        manifests += routed.manifests
        texts.append(routed.yaml)
        notes += routed.notes
    for pool in inp.pools:
        if pool.api_key_env is None:
            continue
        auth = build_auth(
            {
                "type": "APIKey",
                "targets": [pool.name],
                "target_kind": "InferencePool",
                "namespace": inp.namespace,
                "secret_env": pool.api_key_env,
                "target_version": inp.target_version,
            }
        )
        manifests += auth.manifests
        texts.append(auth.yaml)
        secrets += auth.secrets
    notes.append(
        "Each pool's rule matches its model names on x-ai-eg-model; the EPP then picks the pod (queue depth, "
        "KV cache, prefix cache). Weights, priorities and model_name_override do not apply to pools."
    )
    return SkillResult(
        skill=SKILL, manifests=manifests, yaml="---\n".join(texts), secrets=secrets, notes=notes
    )
