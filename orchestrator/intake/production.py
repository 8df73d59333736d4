"""Round 5 of the intake (optional): production features — token limits, canary, health checks, client auth,
observability. A multi-select first, then one flat form with only the chosen features' fields; the answers map onto
the Intake's limits, routing.canary, routing.health_check, client_auth and observability."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, create_model

from orchestrator.intake.form_schema import OPTION_TITLES
from orchestrator.intake.forms import Form

# Round 5 (optional): production features. A multi-select first, then one flat form holding only the fields of
# the chosen features. Defaults and descriptions come from the skills' own models, so they exist once.
Feature = Literal["token-limits", "canary", "health-check", "client-auth", "observability"]
FEATURES: tuple[str, ...] = get_args(Feature)
FEATURE_TITLES = {
    "token-limits": "Token limits",
    "canary": "Canary rollout",
    "health-check": "Health checks",
    "client-auth": "Client auth",
    "observability": "Observability",
}
FEATURE_HELP = {
    "token-limits": "a token budget per user or tenant header (adds Envoy Gateway's rate limit service + Redis)",
    "canary": "move a shared model to a new provider in stages (5 → 25 → 50 → 100 %)",
    "health-check": "eject a failing provider for a while so failover retries skip it",
    "client-auth": "who may call the gateway: JWT from your identity provider, or API keys per client",
    "observability": "access logs with model/tokens, Prometheus metrics, OpenTelemetry tracing",
}


def offered_features(strategy: str | Literal[False] | None = False) -> list[str]:
    """Features that fit the routing: a canary needs a split, a health check a failover (False: not known yet)."""
    if strategy is False:
        return list(FEATURES)
    return [
        f
        for f in FEATURES
        if not (f == "canary" and strategy != "split")
        and not (f == "health-check" and strategy != "failover")
    ]


def features_form(strategy: str | Literal[False] | None = False) -> type[Form]:
    """The optional round's first form: which production features to add (an empty choice skips them)."""
    offered = offered_features(strategy)
    choice = Literal[tuple(offered)]  # type: ignore[valid-type]
    field: Any = Field(
        default_factory=list,
        title="Production features",
        json_schema_extra={OPTION_TITLES: {f: FEATURE_TITLES[f] for f in offered}},
        description="Optional, none by default: " + "; ".join(f"{f}: {FEATURE_HELP[f]}" for f in offered),
    )
    return create_model(
        "FeaturesForm",
        __base__=Form,
        __doc__="Production features (optional; choose none to skip)",
        features=(list[choice], field),  # type: ignore[valid-type]
    )


def _from(model: type[BaseModel], name: str, **overrides: Any) -> Any:
    """A form field with the default and description of `model.name` (overrides win)."""
    info = model.model_fields[name]
    default = info.get_default(call_default_factory=True)
    overrides.setdefault("description", info.description)
    return Field(overrides.pop("default", default), **overrides)


def _production_fields(feature: str, backends: list[str] | None) -> dict[str, Any]:
    from orchestrator.intake.edge import ClientAuthIntake, ObservabilityIntake
    from skills.ratelimit import CostType, RateLimitUnit, TokenLimit
    from skills.traffic import Canary, PassiveHealthCheck

    if feature == "token-limits":
        token_types = Literal[tuple(t for t in get_args(CostType) if t != "CEL")]  # type: ignore[valid-type]
        return {
            "token_limit": (int, _from(TokenLimit, "limit", default=10000, ge=1, le=10**12)),
            "token_limit_unit": (RateLimitUnit, _from(TokenLimit, "unit")),
            "token_limit_header": (
                str,
                _from(
                    TokenLimit,
                    "per_header",
                    description="Header whose values get separate budgets: x-user-id, x-tenant-id, or the "
                    "header client auth fills (empty: one budget shared by everyone)",
                ),
            ),
            "token_limit_type": (
                token_types,
                _from(TokenLimit, "type", description="Which token count the budget charges"),
            ),
        }
    if feature == "canary":
        choice: Any = Literal[tuple(backends)] if backends else str
        return {
            "canary_backend": (
                choice,
                _from(Canary, "backend", default=backends[-1] if backends else ""),
            ),
            "canary_stages": (
                str,
                _from(
                    Canary,
                    "stages",
                    default=", ".join(
                        str(s) for s in Canary.model_fields["stages"].get_default(call_default_factory=True)
                    ),
                    description="Canary percentages in rollout order, comma-separated, ending at 100; the bundle "
                    "starts at the first",
                ),
            ),
        }
    if feature == "health-check":
        # Durations stay plain text here (flat forms carry no patterns); the intake checks their format.
        return {
            f"health_check_{name}": (
                int if info.annotation is int else str,
                _from(PassiveHealthCheck, name, **_bounds(info)),
            )
            for name, info in PassiveHealthCheck.model_fields.items()
        }
    if feature == "client-auth":
        return {
            "client_auth": (
                Literal["jwt", "apikey"],
                Field(
                    "jwt", description="jwt: tokens from your identity provider; apikey: one key per client"
                ),
            ),
            "jwt_issuer": (
                str,
                _from(
                    ClientAuthIntake, "issuer", default="", examples=["https://auth.example.com/realms/ai"]
                ),
            ),
            "jwt_jwks_uri": (
                str,
                _from(
                    ClientAuthIntake,
                    "jwks_uri",
                    default="",
                    examples=["https://auth.example.com/realms/ai/protocol/openid-connect/certs"],
                ),
            ),
            "jwt_audiences": (
                str,
                Field("", description="Accepted aud values, comma-separated; empty accepts any (jwt)"),
            ),
            "jwt_claim_to_headers": (
                str,
                Field(
                    "sub=x-user-id",
                    description="Claims copied into request headers, comma-separated claim=header (jwt)",
                ),
            ),
            "apikey_clients": (
                str,
                Field(
                    "",
                    description="Client ids, comma-separated; each key is read from <ID>_GATEWAY_KEY (or "
                    "id=ENV_VAR) when secrets.sh runs. Never type a key here (apikey)",
                    examples=["team-a, team-b"],
                ),
            ),
        }
    if feature == "observability":
        return {
            "access_logs": (bool, _from(ObservabilityIntake, "access_logs")),
            "metrics": (
                ObservabilityIntake.model_fields["metrics"].annotation,
                _from(ObservabilityIntake, "metrics"),
            ),
            "tracing_endpoint": (
                str,
                _from(
                    ObservabilityIntake,
                    "tracing_endpoint",
                    default="",
                    description="OTLP collector for traces, e.g. http://otel-collector.monitoring:4317 (empty: "
                    "no tracing)",
                ),
            ),
            "trace_sample_ratio": (
                float,
                Field(1.0, ge=0.0, le=1.0, description="Share of new traces sampled, e.g. 0.1 (1: all)"),
            ),
        }
    raise ValueError(f"unknown feature {feature!r}")


def _bounds(info: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in info.metadata:
        for key in ("ge", "le"):
            if getattr(item, key, None) is not None:
                out[key] = getattr(item, key)
    return out


def production_form(features: list[str], backends: list[str] | None = None) -> type[Form]:
    """The optional round's second form: the fields of the chosen features only (backends: canary choices)."""
    fields: dict[str, Any] = {}
    for feature in FEATURES:
        if feature in features:
            fields |= _production_fields(feature, backends)
    return create_model("ProductionForm", __base__=Form, __doc__="Production feature details", **fields)


# Where each production answer lands in the intake, for error messages that name the answered field.
ANSWER_OF_INTAKE_PATH = {
    "limits.token_limits[0].limit": "token_limit",
    "limits.token_limits[0].unit": "token_limit_unit",
    "limits.token_limits[0].per_header": "token_limit_header",
    "limits.token_limits[0].type": "token_limit_type",
    "limits.token_limits[0]": "token_limit_type",
    "routing.canary.backend": "canary_backend",
    "routing.canary.stages": "canary_stages",
    "routing.canary": "canary_backend",
    "routing.health_check.consecutive_5xx": "health_check_consecutive_5xx",
    "routing.health_check.interval": "health_check_interval",
    "routing.health_check.base_ejection_time": "health_check_base_ejection_time",
    "routing.health_check.max_ejection_percent": "health_check_max_ejection_percent",
    "routing.health_check": "health_check_consecutive_5xx",
    "client_auth.type": "client_auth",
    "client_auth.issuer": "jwt_issuer",
    "client_auth.jwks_uri": "jwt_jwks_uri",
    "client_auth.audiences": "jwt_audiences",
    "client_auth.claim_to_headers": "jwt_claim_to_headers",
    "client_auth.clients": "apikey_clients",
    "observability.access_logs": "access_logs",
    "observability.metrics": "metrics",
    "observability.tracing_endpoint": "tracing_endpoint",
    "observability.trace_sample_ratio": "trace_sample_ratio",
}


def answer_path(intake_path: str) -> str | None:
    """The production form field an intake problem path came from, or None (longest prefix wins)."""
    for prefix in sorted(ANSWER_OF_INTAKE_PATH, key=len, reverse=True):
        if intake_path == prefix or intake_path.startswith((prefix + ".", prefix + "[")):
            return ANSWER_OF_INTAKE_PATH[prefix]
    return None


def _csv(text: Any) -> list[str]:
    return [part.strip() for part in str(text or "").split(",") if part.strip()]


def production_intake(production: dict[str, Any]) -> dict[str, Any]:
    """The optional round's answers ({features: [...], <form fields>}) as intake sections.

    Raises InputError naming `production.<field>` for answers that cannot work (e.g. JWT without an issuer).
    """
    from skills.errors import InputError, Problem, show_value

    features = list(production.get("features") or [])
    get = production.get
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    if "token-limits" in features:
        limit = {
            "type": get("token_limit_type") or "TotalToken",
            "limit": get("token_limit"),
            "unit": get("token_limit_unit") or "Minute",
            "per_header": (get("token_limit_header") or "").strip() or None,
        }
        out["limits"] = {"token_limits": [limit]}
    routing: dict[str, Any] = {}
    if "canary" in features:
        stages: list[Any] = []
        for part in _csv(get("canary_stages")):
            try:
                stages.append(int(part.rstrip("%")))
            except ValueError:
                problems.append(
                    Problem(
                        "production.canary_stages",
                        "not a whole percentage",
                        show_value(part),
                        "5, 25, 50, 100",
                    )
                )
        canary: dict[str, Any] = {"backend": get("canary_backend")}
        if stages:
            canary["stages"] = stages
        routing["canary"] = canary
    if "health-check" in features:
        routing["health_check"] = {
            key.removeprefix("health_check_"): value
            for key, value in production.items()
            if key.startswith("health_check_")
        }
    if routing:
        out["routing"] = routing
    if "client-auth" in features:
        kind = get("client_auth") or "jwt"
        auth: dict[str, Any] = {"type": kind}
        if kind == "jwt":
            for field in ("jwt_issuer", "jwt_jwks_uri"):
                if not str(get(field) or "").strip():
                    problems.append(Problem(f"production.{field}", "required for client_auth jwt"))
            auth |= {
                "issuer": str(get("jwt_issuer") or "").strip() or None,
                "jwks_uri": str(get("jwt_jwks_uri") or "").strip() or None,
                "audiences": _csv(get("jwt_audiences")),
                "claim_to_headers": _csv(get("jwt_claim_to_headers")),
            }
        else:
            if not _csv(get("apikey_clients")):
                problems.append(
                    Problem(
                        "production.apikey_clients",
                        "required for client_auth apikey: at least one client id",
                        None,
                        "e.g. team-a, team-b (keys come from TEAM_A_GATEWAY_KEY, TEAM_B_GATEWAY_KEY)",
                    )
                )
            auth["clients"] = _csv(get("apikey_clients"))
        out["client_auth"] = auth
    if "observability" in features:
        obs: dict[str, Any] = {"access_logs": get("access_logs"), "metrics": get("metrics")}
        endpoint = str(get("tracing_endpoint") or "").strip()
        if endpoint:
            obs["tracing_endpoint"] = endpoint
            ratio = get("trace_sample_ratio")
            if ratio is not None and ratio < 1:
                obs["trace_sample_ratio"] = ratio
        out["observability"] = {k: v for k, v in obs.items() if v is not None}
    if problems:
        raise InputError(problems)
    return out
