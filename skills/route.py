"""aigw-route: the Gateway side — GatewayClass, Gateway, ClientTrafficPolicy and the AIGatewayRoute."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from skills.errors import FieldValueError, InputError, Problem, show_value
from skills.model import InputModel
from skills.ratelimit import LLMRequestCost, cost_problems
from skills.render import render_object
from skills.result import SkillResult
from skills.route_rules import RouteRule
from skills.traffic import (
    Canary,
    PassiveHealthCheck,
    canary_problems,
    canary_rules,
    stage_file,
    stage_weights,
)
from skills.types import (
    ROUTE_YAML,
    DNSLabel,
    DNSSubdomain,
    Duration,
    HostnamePattern,
    Port,
    Quantity,
    SectionName,
)
from skills.versions import (
    DEFAULT_VERSION,
    ENVOY_GATEWAY_CONTROLLER,
    MODEL_HEADER,
    AIGatewayVersion,
    first_release,
    profile,
)

SKILL = "aigw-route"


def _seconds(duration: str) -> float:
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return sum(int(n) * units[u] for n, u in re.findall(r"([0-9]+)(ms|h|m|s)", duration))


class RouteInput(InputModel):
    """The Gateway and the AIGatewayRoute that maps model names to backends."""

    rules: list[RouteRule] = Field(
        min_length=1,
        description=f"Model-to-backend rules (at most {profile().max_rules} in every release: the generated HTTPRoute "
        "holds 16 and the controller adds its route-not-found rule)",
    )
    name: DNSLabel = Field(
        "ai-gateway", description="AIGatewayRoute name (its generated HTTPRoute has this name)"
    )
    namespace: DNSLabel = Field("default", description="Namespace of the route and, by default, the Gateway")
    gateway_name: DNSLabel = Field("ai-gateway", description="Gateway to attach to (created unless reused)")
    gateway_namespace: DNSLabel | None = Field(None, description="Gateway namespace (default: the route's)")
    create_gateway: bool = Field(
        True, description="Create the GatewayClass and Gateway (false: reuse existing)"
    )
    gateway_class: DNSLabel = Field("envoy-ai-gateway", description="GatewayClass to create or use")
    listener_name: SectionName | None = Field(None, description="Listener name (default: http or https)")
    listener_port: Port | None = Field(
        None, description="Listener port (default: 80 for HTTP, 443 for HTTPS)"
    )
    listener_protocol: Literal["HTTP", "HTTPS"] = Field(
        "HTTP", description="HTTPS terminates TLS at the Gateway"
    )
    listener_hostname: HostnamePattern | None = Field(None, description="Hostname the listener accepts")
    tls_secret: DNSSubdomain | None = Field(
        None, description="kubernetes.io/tls Secret for an HTTPS listener"
    )
    hostnames: list[HostnamePattern] = Field(
        default_factory=list, max_length=16, description="Route hostnames"
    )
    buffer_limit: Quantity = Field(
        "50Mi", description="Request buffer limit on the Gateway (EG default 32Ki)"
    )
    client_traffic_policy: bool = Field(
        True, description="Emit the ClientTrafficPolicy that sets buffer_limit"
    )
    retry: bool | None = Field(
        None,
        description="Emit a retry BackendTrafficPolicy (default: yes when any backend has a fallback priority)",
    )
    retry_attempts: int = Field(5, ge=1, le=20, description="Retries per request across priorities")
    retry_per_try_timeout: Duration = Field("30s", description="Timeout of each attempt")
    retry_status_codes: list[Annotated[int, Field(ge=100, le=599)]] = Field(
        default_factory=lambda: [500, 502, 503, 504],
        min_length=1,
        description="Upstream status codes that trigger a retry",
    )
    envoy_proxy: DNSLabel | None = Field(
        None, description="EnvoyProxy the Gateway names in infrastructure.parametersRef (aigw-observability)"
    )
    gateway_config: DNSLabel | None = Field(
        None, description="GatewayConfig the Gateway opts into by annotation (aigw-observability)"
    )
    health_check: PassiveHealthCheck | None = Field(
        None, description="Passive health check (outlier detection) on the retry policy; implies the policy"
    )
    canary: Canary | None = Field(None, description="Staged canary: weights for a new backend per stage")
    llm_request_costs: list[LLMRequestCost] = Field(
        default_factory=list, max_length=36, description="Token counts recorded per request (for rate limits)"
    )
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version to generate for"
    )
    # Its model names are read for credentials as model ids (a hex digest is not a key), the rest strictly.
    existing_route: Annotated[str, ROUTE_YAML] | None = Field(
        None,
        max_length=1_000_000,
        description="YAML of the live AIGatewayRoute (kubectl get aigatewayroute NAME -o yaml): its rules are "
        "kept and `rules` added, so applying the result drops no model",
    )

    @model_validator(mode="before")
    @classmethod
    def _existing(cls, data: Any) -> Any:
        from skills.route_merge import merge_existing

        return merge_existing(data)

    @model_validator(mode="after")
    def _listener(self) -> RouteInput:
        if self.listener_protocol == "HTTPS" and not self.tls_secret:
            raise FieldValueError(
                "tls_secret",
                "tls_secret is required when listener_protocol is HTTPS (the certificate Secret)",
            )
        if self.listener_protocol == "HTTP" and self.tls_secret:
            raise FieldValueError("tls_secret", "tls_secret is only used with listener_protocol HTTPS")
        return self


def _check(inp: RouteInput) -> list[Problem]:
    prof = profile(inp.target_version)
    problems: list[Problem] = []
    if len(inp.rules) > prof.max_rules:
        problems.append(
            Problem(
                "rules",
                f"{len(inp.rules)} rules, but an AIGatewayRoute holds at most {prof.max_rules} in AI Gateway "
                f"{prof.ai_gateway}: the controller adds a route-not-found rule to the HTTPRoute it generates and "
                f"Gateway API {prof.gateway_api} allows 16 HTTPRoute rules, so the HTTPRoute would be rejected "
                "(upstream #2120). Put several models in one rule when they share backends, or split the rules "
                "over two AIGatewayRoutes with different names attached to the same Gateway",
                str(len(inp.rules)),
                f"at most {prof.max_rules} rules per route",
            )
        )
    seen: dict[str, int] = {}
    names: set[str] = set()
    for index, rule in enumerate(inp.rules):
        for model in rule.models if rule.match_type == "Exact" else []:
            if model in seen:
                problems.append(
                    Problem(
                        f"rules[{index}].models",
                        f"model {model!r} is already matched by "
                        f"rules[{seen[model]}]; this rule would never be used for it",
                        show_value(model),
                        "each model in one rule; list several backends in that rule instead",
                    )
                )
            seen.setdefault(model, index)
        if rule.name is not None:
            if not prof.rule_names:
                problems.append(
                    Problem(
                        f"rules[{index}].name",
                        f"rule names need AI Gateway {first_release('rule_names')}+ (target {prof.ai_gateway})",
                        rule.name,
                    )
                )
            if rule.name == "route-not-found":
                problems.append(
                    Problem(
                        f"rules[{index}].name", "route-not-found is reserved by the controller", rule.name
                    )
                )
            if rule.name in names:
                problems.append(
                    Problem(f"rules[{index}].name", "rule names must be unique in the route", rule.name)
                )
            names.add(rule.name)
        if rule.stream_idle_timeout is not None and not prof.rule_names:
            problems.append(
                Problem(
                    f"rules[{index}].stream_idle_timeout", f"needs AI Gateway {first_release('rule_names')}+"
                )
            )
        if (
            rule.request_timeout
            and rule.backend_request_timeout
            and _seconds(rule.request_timeout) > 0
            and (_seconds(rule.backend_request_timeout) > _seconds(rule.request_timeout))
        ):
            problems.append(
                Problem(
                    f"rules[{index}].backend_request_timeout",
                    "longer than request_timeout",
                    rule.backend_request_timeout,
                    f"at most {rule.request_timeout}",
                )
            )
        refs = [r.name for r in rule.backends]
        if len(refs) != len(set(refs)):
            problems.append(
                Problem(f"rules[{index}].backends", "a backend is listed twice in one rule", ", ".join(refs))
            )
    if inp.hostnames and not prof.route_hostnames:
        problems.append(
            Problem(
                "hostnames",
                f"route hostnames need AI Gateway {first_release('route_hostnames')}+ (target {prof.ai_gateway})",
            )
        )
    if inp.canary:
        problems += canary_problems([rule.model_dump() for rule in inp.rules], inp.canary)
    if inp.health_check and inp.retry is False:
        problems.append(Problem("health_check", "the health check rides on the retry policy; retry is false"))
    costs = {f"llm_request_costs[{i}]": c for i, c in enumerate(inp.llm_request_costs)}
    problems += cost_problems(inp.target_version, costs, {})
    keys = [c.key for c in inp.llm_request_costs]
    if len(keys) != len(set(keys)):
        problems.append(Problem("llm_request_costs", "each metadata key may appear once", ", ".join(keys)))
    return problems


def _reference_grants(inp: RouteInput) -> list[tuple[dict[str, Any], str]]:
    """Cross-namespace backendRefs need two grants in the backend namespace (route→backend, HTTPRoute→Backend)."""
    rendered = []
    for ns in sorted(
        {
            r.namespace
            for rule in inp.rules
            for r in rule.backends
            if r.namespace not in (None, inp.namespace) and r.kind == "AIServiceBackend"
        }
    ):
        for from_group, from_kind, to_group, to_kind, suffix in (
            (
                "aigateway.envoyproxy.io",
                "AIGatewayRoute",
                "aigateway.envoyproxy.io",
                "AIServiceBackend",
                "aiservicebackends",
            ),
            ("gateway.networking.k8s.io", "HTTPRoute", "gateway.envoyproxy.io", "Backend", "backends"),
        ):
            rendered.append(
                render_object(
                    SKILL,
                    "referencegrant.yaml.j2",
                    name=f"{inp.namespace}-{inp.name}-{suffix}"[:63].rstrip("-"),
                    namespace=ns,
                    from_group=from_group,
                    from_kind=from_kind,
                    from_namespace=inp.namespace,
                    to_group=to_group,
                    to_kind=to_kind,
                )
            )
    return rendered


def build_route(data: RouteInput | dict) -> SkillResult:
    """GatewayClass + Gateway (unless reused) + ClientTrafficPolicy + AIGatewayRoute (+ ReferenceGrants)."""
    inp = RouteInput.parse(data, skill=SKILL)
    problems = _check(inp)
    if problems:
        raise InputError(problems, skill=SKILL)
    prof = profile(inp.target_version)
    gw_ns = inp.gateway_namespace or inp.namespace
    rendered = []
    if inp.create_gateway:
        rendered.append(
            render_object(
                SKILL, "gatewayclass.yaml.j2", name=inp.gateway_class, controller=ENVOY_GATEWAY_CONTROLLER
            )
        )
        rendered.append(
            render_object(
                SKILL,
                "gateway.yaml.j2",
                name=inp.gateway_name,
                namespace=gw_ns,
                gateway_class=inp.gateway_class,
                listener_name=inp.listener_name or inp.listener_protocol.lower(),
                protocol=inp.listener_protocol,
                port=inp.listener_port or (443 if inp.listener_protocol == "HTTPS" else 80),
                hostname=inp.listener_hostname,
                tls_secret=inp.tls_secret,
                allow_all_namespaces=gw_ns != inp.namespace,
                envoy_proxy=inp.envoy_proxy,
                gateway_config=inp.gateway_config,
            )
        )
    if inp.client_traffic_policy:
        rendered.append(
            render_object(
                SKILL,
                "clienttrafficpolicy.yaml.j2",
                name=f"{inp.gateway_name}-buffer-limit",
                namespace=gw_ns,
                gateway=inp.gateway_name,
                buffer_limit=inp.buffer_limit,
            )
        )
    rules = [rule.model_dump() for rule in inp.rules]

    def route_at(stage_rules: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
        return render_object(
            SKILL,
            "aigatewayroute.yaml.j2",
            api_version=prof.aigw_api_version,
            name=inp.name,
            namespace=inp.namespace,
            gateway=inp.gateway_name,
            gateway_namespace=gw_ns,
            hostnames=inp.hostnames,
            header=MODEL_HEADER,
            rules=stage_rules,
            llm_request_costs=[c.manifest() for c in inp.llm_request_costs],
        )

    canary = inp.canary
    rendered.append(route_at(canary_rules(rules, canary, canary.current) if canary else rules))
    files: dict[str, str] = {}
    for n, pct in enumerate(canary.stages if canary else [], start=1):
        assert canary is not None
        files[stage_file(n, pct)] = route_at(canary_rules(rules, canary, pct))[1]
    has_fallback = any(r.priority for rule in inp.rules for r in rule.backends)
    if inp.retry if inp.retry is not None else (has_fallback or inp.health_check is not None):
        rendered.append(
            render_object(
                SKILL,
                "backendtrafficpolicy.yaml.j2",
                name=f"{inp.name}-retry",
                namespace=inp.namespace,
                route=inp.name,
                attempts=inp.retry_attempts,
                per_try_timeout=inp.retry_per_try_timeout,
                status_codes=inp.retry_status_codes,
                passive=inp.health_check.manifest() if inp.health_check else None,
            )
        )
    rendered.extend(_reference_grants(inp))
    notes = [
        f"Clients select a backend with the model name; the gateway matches it as the {MODEL_HEADER} header."
    ]
    if not inp.create_gateway:
        notes.append(
            f"Reusing Gateway {gw_ns}/{inp.gateway_name}: its GatewayClass must use controller "
            f"{ENVOY_GATEWAY_CONTROLLER}."
        )
    if not inp.client_traffic_policy:
        notes.append(
            "No ClientTrafficPolicy emitted: make sure the Gateway already has a connection.bufferLimit, "
            "or requests above 32 KiB fail with 413 (upstream #827)."
        )
    if has_fallback and inp.retry is False:
        notes.append(
            "Priorities only fail over on retry, and retry=false emits no retry policy: attach your own "
            f"BackendTrafficPolicy with a retry to the HTTPRoute {inp.namespace}/{inp.name} (upstream #1497)."
        )
    elif has_fallback or inp.retry:
        notes.append(
            f"The retry BackendTrafficPolicy targets the HTTPRoute {inp.namespace}/{inp.name} that the controller "
            "generates; it is what makes priority fallback happen (upstream #1497)."
        )
    if canary:
        notes.append(
            f"Canary {canary.backend} at {canary.current}%. Advance one stage at a time (raise canary.percent and "
            "regenerate, or `kubectl apply -f` the next canary-stage-*.yaml route file), checking errors and "
            "latency in between: " + " | ".join(stage_weights(rules, canary))
        )
    if inp.existing_route:
        notes.append(
            f"Rules of the live AIGatewayRoute {inp.namespace}/{inp.name} are kept and the new ones added: apply "
            "this route in its place (kubectl apply replaces the whole rules list); the Gateway is left as it is."
        )
    return SkillResult.from_rendered(SKILL, rendered, notes=notes, files=files)
