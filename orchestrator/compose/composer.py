"""Compose an intake into one ordered set of manifests by calling the same core functions as the atomic tools."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from orchestrator.compose.edge import compose_edge
from orchestrator.compose.policies import merge_policies
from orchestrator.compose.traffic import install_extras, ratelimit_parts, route_extras
from orchestrator.intake.model import Intake, ProviderIntake
from skills.auth import build_auth
from skills.backend import build_backend
from skills.endpoints import CHAT_SCHEMAS_HINT, ENDPOINTS, served_endpoints, shared_endpoint
from skills.errors import InputError, Problem
from skills.install import build_install
from skills.providers import PRESETS
from skills.result import SecretShape, SkillResult
from skills.route import build_route

# Apply order: cluster-scoped class first, then the Gateway and its policy, backends, credentials, routes.
KIND_ORDER = (
    "GatewayClass",
    "ServiceAccount",
    "EnvoyProxy",
    "GatewayConfig",
    "Gateway",
    "ClientTrafficPolicy",
    "Backend",
    "AIServiceBackend",
    "BackendTLSPolicy",
    "BackendSecurityPolicy",
    "AIGatewayRoute",
    "SecurityPolicy",
    "BackendTrafficPolicy",
    "QuotaPolicy",
    "ReferenceGrant",
)


@dataclass(frozen=True)
class Composition:
    """Everything the bundle is made of, before validation."""

    intake: Intake
    install: SkillResult
    documents: list[tuple[dict[str, Any], str]]
    secrets: list[SecretShape]
    notes: list[str] = field(default_factory=list)
    parts: dict[str, SkillResult] = field(default_factory=dict)


def _prefixed(exc: InputError, prefix: str) -> list[Problem]:
    return [
        Problem(f"{prefix}.{p.path}" if p.path else prefix, p.message, p.value, p.expected)
        for p in exc.problems
    ]


def _backend_input(p: ProviderIntake, intake: Intake) -> dict[str, Any]:
    overrides = p.model_dump(
        exclude_none=True,
        exclude={"provider", "name", "models", "weight", "auth", "auth_type"},
        exclude_unset=True,
    )
    return overrides | {
        "name": p.backend_name,
        "namespace": intake.environment.namespace,
        "provider": p.provider,
        "target_version": intake.installation.version,
    }


def _auth_input(p: ProviderIntake, intake: Intake) -> dict[str, Any] | None:
    kind = p.policy_type()
    if kind == "none":
        return None
    preset = PRESETS[p.provider]
    data: dict[str, Any] = p.auth.model_dump(exclude_unset=True) if p.auth else {}
    data |= {
        "type": kind,
        "targets": [p.backend_name],
        "namespace": intake.environment.namespace,
        "target_version": intake.installation.version,
    }
    if kind in ("APIKey", "AzureAPIKey", "AnthropicAPIKey") and not data.get("secret_file"):
        data.setdefault("secret_env", preset.secret_env or None)
    region = p.region or preset.default_region
    if kind == "AWSCredentials":
        data.setdefault("aws_region", region)
        if data.get("aws_mode", "default-chain") == "default-chain":
            env = intake.environment
            data["envoy_gateway_namespace"] = intake.installation.envoy_gateway_namespace
            data["gateway_namespace"] = env.gateway_namespace or env.namespace
    if kind == "GCPCredentials":
        data.setdefault("gcp_region", region)
    return {k: v for k, v in data.items() if v is not None}


def plan_rules(intake: Intake) -> list[dict[str, Any]]:
    """Route rules from the providers' model lists and the routing strategy.

    A model served by one provider goes straight to it; one served by several becomes a single rule whose
    backends are ordered as the providers are (priorities for failover, weights for split). Models whose
    backend lists are identical share a rule, which keeps well under the 15-rule limit.
    """
    serving: dict[str, list[tuple[ProviderIntake, str | None]]] = {}
    for provider in intake.providers:
        for client, upstream in provider.model_pairs():
            serving.setdefault(client, []).append((provider, upstream))
    strategy = intake.routing.strategy
    problems: list[Problem] = []
    grouped: dict[str, dict[str, Any]] = {}
    for model, entries in serving.items():
        refs: list[dict[str, Any]] = []
        if len(entries) > 1 and strategy == "by-model":
            names = ", ".join(p.backend_name for p, _ in entries)
            problems.append(
                Problem(
                    "routing.strategy",
                    f"model {model!r} is served by several providers ({names})",
                    "'by-model'",
                    "failover (providers in the listed order) or split (by weight)",
                )
            )
            continue
        for rank, (provider, upstream) in enumerate(entries):
            ref: dict[str, Any] = {"name": provider.backend_name}
            if upstream:
                ref["model_name_override"] = upstream
            if len(entries) > 1 and strategy == "failover":
                ref["priority"] = rank
            if len(entries) > 1 and strategy == "split":
                ref["weight"] = provider.weight if provider.weight is not None else 1
            refs.append(ref)
        key = json.dumps(refs, sort_keys=True)
        rule = grouped.setdefault(key, {"models": [], "backends": refs})
        rule["models"].append(model)
    if problems:
        raise InputError(problems, skill="aigw-orchestrator")
    rules = list(grouped.values())
    if intake.routing.request_timeout:
        for rule in rules:
            rule["request_timeout"] = intake.routing.request_timeout
    return rules


def compose(data: Intake | dict[str, Any]) -> Composition:
    """Install plan → Gateway and ClientTrafficPolicy → per provider backend and auth → AIGatewayRoute."""
    intake = Intake.parse(data, skill="aigw-orchestrator")
    env, inst = intake.environment, intake.installation
    problems: list[Problem] = []
    try:
        install = build_install(inst.model_dump() | install_extras(intake))
    except InputError as exc:
        raise InputError(_prefixed(exc, "installation"), skill="aigw-orchestrator") from None
    parts: dict[str, SkillResult] = {"install": install}
    for index, provider in enumerate(intake.providers):
        try:
            parts[f"backend:{provider.backend_name}"] = build_backend(_backend_input(provider, intake))
        except InputError as exc:
            problems += _prefixed(exc, f"providers[{index}]")
        auth = _auth_input(provider, intake)
        if auth is None:
            continue
        try:
            parts[f"auth:{provider.backend_name}"] = build_auth(auth)
        except InputError as exc:
            problems += _prefixed(exc, f"providers[{index}].auth")
    account, identity_problems = _proxy_account(parts)
    problems += identity_problems
    edge_parts, edge_problems, gateway_links = compose_edge(intake, account)
    problems += edge_problems
    if account is not None:
        if gateway_links.get("envoy_proxy"):  # the observability EnvoyProxy names the account itself
            parts = {k: _without(v, "EnvoyProxy") if k.startswith("auth:") else v for k, v in parts.items()}
        else:
            gateway_links["envoy_proxy"] = account
    traffic_parts, traffic_problems = ratelimit_parts(intake)
    problems += traffic_problems
    try:
        rules, route_fields = route_extras(intake, plan_rules(intake))
        parts["route"] = build_route(
            {
                "rules": rules,
                "name": env.route_name,
                "namespace": env.namespace,
                "gateway_name": env.gateway_name,
                "gateway_namespace": env.gateway_namespace,
                "create_gateway": env.create_gateway,
                "buffer_limit": env.buffer_limit,
                "target_version": inst.version,
                **gateway_links,
                **route_fields,
            }
        )
    except InputError as exc:
        problems += _prefixed(exc, "routing") if exc.skill != "aigw-orchestrator" else list(exc.problems)
    if not problems:
        problems += _unservable_rules(rules, parts, inst.version, [p.backend_name for p in intake.providers])
    if problems:
        raise InputError(problems, skill="aigw-orchestrator")
    parts.update(edge_parts)
    parts.update(traffic_parts)
    rendered = _unique([pair for name, part in parts.items() if name != "install" for pair in _pairs(part)])
    rendered.sort(key=lambda pair: KIND_ORDER.index(pair[0]["kind"]) if pair[0]["kind"] in KIND_ORDER else 99)
    rendered, notes = merge_policies(rendered)
    secrets = [s for part in parts.values() for s in part.secrets]
    for name, part in parts.items():
        notes += [n for n in part.notes if n not in notes and not _said_by_backend(name, n, parts)]
    return Composition(intake, install, rendered, secrets, notes, parts)


# aigw-auth's note on where an API key goes (skills/auth.py _notes); a provider preset's note may say it too.
_KEY_HEADER_NOTE = re.compile(r"The key is sent upstream as the (?P<header>.+) header\.")


def _said_by_backend(part: str, note: str, parts: dict[str, SkillResult]) -> bool:
    """An auth part's key-header note when the same provider's backend notes already name that header (the
    Anthropic preset says "the key is sent as x-api-key"): the bundle's Notes would say it twice."""
    match = _KEY_HEADER_NOTE.fullmatch(note) if part.startswith("auth:") else None
    backend = parts.get("backend:" + part.removeprefix("auth:"))
    return bool(match and backend and any(match["header"] in n for n in backend.notes))


def _unservable_rules(
    rules: list[dict[str, Any]], parts: dict[str, SkillResult], version: str, backends: list[str]
) -> list[Problem]:
    """A rule whose backends share no endpoint fails every request on one of them: refuse it (issue 13 item 5).

    The problem names the model list of the first provider (in `backends` order) that leaves the rule with no
    shared endpoint: changing the models or the providers fixes it, whatever the strategy, so the intake's
    details round (where model lists are answered) is where a person hears of it.
    Endpoints per schema: envoyproxy/ai-gateway internal/endpointspec/endpointspec.go at the target tag.
    """
    schemas: dict[str, str] = {}
    for name, part in parts.items():
        if name.startswith("backend:"):
            for obj in part.manifests:
                if obj.get("kind") == "AIServiceBackend":
                    schemas[name.removeprefix("backend:")] = obj["spec"]["schema"]["name"]
    problems = []
    for rule in rules:
        names = [ref["name"] for ref in rule["backends"] if ref["name"] in schemas]
        if len({schemas[n] for n in names}) < 2 or shared_endpoint([schemas[n] for n in names], version):
            continue
        each = "; ".join(
            f"{n} ({schemas[n]}) serves {', '.join(ENDPOINTS[e].path for e in served_endpoints(schemas[n], version))}"
            for n in names
        )
        culprit = next(
            n
            for k, n in enumerate(names)
            if k and not shared_endpoint([schemas[m] for m in names[: k + 1]], version)
        )
        problems.append(
            Problem(
                f"providers[{backends.index(culprit)}].models",
                f"model {rule['models'][0]!r} goes to backends that share no endpoint in AI Gateway {version}, so "
                f"every request fails on one of them: {each}",
                ", ".join(names),
                f"providers whose schemas serve a common endpoint (for chat: {CHAT_SCHEMAS_HINT}), or separate "
                "model names per provider",
            )
        )
    return problems


def _proxy_account(parts: dict[str, SkillResult]) -> tuple[str | None, list[Problem]]:
    """The ServiceAccount the AWS default-chain policies want the Envoy pods to run as (one per Gateway)."""
    accounts = {
        str(doc["metadata"]["name"]): name
        for name, part in parts.items()
        if name.startswith("auth:")
        for doc in part.manifests
        if doc["kind"] == "ServiceAccount"
    }
    if len(accounts) > 1:
        listed = ", ".join(f"{account} ({part[5:]})" for account, part in sorted(accounts.items()))
        return None, [
            Problem(
                "providers",
                f"the Gateway's Envoy pods run as one ServiceAccount, but the AWS providers ask for {listed}",
                None,
                "the same auth.aws_service_account on every AWS provider",
            )
        ]
    return next(iter(accounts), None), []


def _without(result: SkillResult, kind: str) -> SkillResult:
    kept = [pair for pair in _pairs(result) if pair[0]["kind"] != kind]
    return result.model_copy(
        update={"manifests": [obj for obj, _ in kept], "yaml": "---\n".join(text for _, text in kept)}
    )


def _unique(pairs: list[tuple[dict[str, Any], str]]) -> list[tuple[dict[str, Any], str]]:
    """Objects several parts emit identically (the Envoy ServiceAccount of two AWS providers) appear once."""
    seen: set[str] = set()
    out = []
    for obj, text in pairs:
        if text in seen:
            continue
        seen.add(text)
        out.append((obj, text))
    return out


def _pairs(result: SkillResult) -> list[tuple[dict[str, Any], str]]:
    """Split a result's YAML stream back into (object, text) pairs; the text parses to the object."""
    texts = result.yaml.split("---\n") if result.yaml else []
    if len(texts) != len(result.manifests):
        raise RuntimeError(
            f"{result.skill}: {len(texts)} YAML documents for {len(result.manifests)} manifests"
        )
    return list(zip(result.manifests, texts, strict=True))
