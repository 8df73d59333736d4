"""Public Python API: one function per atomic skill, each returning a `SkillResult`.

    >>> from skills.api import backend
    >>> result = backend(name="openai", provider="openai")
    >>> [m["kind"] for m in result.manifests]
    ['Backend', 'AIServiceBackend', 'BackendTLSPolicy']

Every function takes the fields of its input model as keyword arguments (or a ready model instance via
`data=`), raises `skills.errors.InputError` listing every problem, and never touches the network or disk.
`result.manifests` are dicts; `result.yaml` is the same objects as one YAML stream. The functions are named
after the skills' CLI commands (`semantic_router` for `aigw-skills semantic-router`); tests/skills/test_api.py
checks there is one for every atomic skill in the catalog.
"""

from __future__ import annotations

from typing import Any

from skills.auth import AuthInput, build_auth
from skills.backend import BackendInput, build_backend
from skills.clientauth import ClientAuthInput, build_clientauth
from skills.errors import InputError
from skills.inferencepool import InferencePoolInput, build_inferencepool
from skills.install import InstallInput, build_install
from skills.mcproute import build_mcproute
from skills.mcproute_inputs import McpRouteInput
from skills.observability import ObservabilityInput, build_observability
from skills.providers import catalog as providers
from skills.ratelimit import RateLimitInput, build_ratelimit
from skills.result import SecretShape, SkillResult, Step
from skills.route import RouteInput, build_route
from skills.semantic_router import SemanticRouterInput, build_semantic_router
from skills.versions import matrix as version_matrix

__all__ = [
    "AuthInput",
    "BackendInput",
    "ClientAuthInput",
    "InferencePoolInput",
    "InputError",
    "InstallInput",
    "McpRouteInput",
    "ObservabilityInput",
    "RateLimitInput",
    "RouteInput",
    "SecretShape",
    "SemanticRouterInput",
    "SkillResult",
    "Step",
    "auth",
    "backend",
    "clientauth",
    "inferencepool",
    "install",
    "mcproute",
    "observability",
    "providers",
    "ratelimit",
    "route",
    "semantic_router",
    "version_matrix",
]


def install(data: InstallInput | None = None, **fields: Any) -> SkillResult:
    """Install plan for Envoy Gateway + Envoy AI Gateway: steps, values file, uninstall steps."""
    return build_install(data if data is not None else fields)


def backend(data: BackendInput | None = None, **fields: Any) -> SkillResult:
    """Backend, AIServiceBackend and (for TLS) BackendTLSPolicy for one provider."""
    return build_backend(data if data is not None else fields)


def auth(data: AuthInput | None = None, **fields: Any) -> SkillResult:
    """BackendSecurityPolicy plus the shapes and creation commands of the Secrets it reads."""
    return build_auth(data if data is not None else fields)


def route(data: RouteInput | None = None, **fields: Any) -> SkillResult:
    """GatewayClass, Gateway, ClientTrafficPolicy and AIGatewayRoute (plus ReferenceGrants if needed)."""
    return build_route(data if data is not None else fields)


def ratelimit(data: RateLimitInput | None = None, **fields: Any) -> SkillResult:
    """Token rate limits per user or tenant (route llmRequestCosts, a BackendTrafficPolicy) and model quotas."""
    return build_ratelimit(data if data is not None else fields)


def clientauth(data: ClientAuthInput | None = None, **fields: Any) -> SkillResult:
    """SecurityPolicy that makes callers authenticate (JWT or API keys) on a Gateway or route."""
    return build_clientauth(data if data is not None else fields)


def observability(data: ObservabilityInput | None = None, **fields: Any) -> SkillResult:
    """Access logs, metrics scraping and tracing (EnvoyProxy, GatewayConfig, monitors)."""
    return build_observability(data if data is not None else fields)


def inferencepool(data: InferencePoolInput | None = None, **fields: Any) -> SkillResult:
    """InferencePools with their endpoint pickers, objectives and the route rules that reach them."""
    return build_inferencepool(data if data is not None else fields)


def mcproute(data: McpRouteInput | None = None, **fields: Any) -> SkillResult:
    """MCPRoute serving several MCP servers on one gateway path, with their Backends, keys and OAuth."""
    return build_mcproute(data if data is not None else fields)


def semantic_router(data: SemanticRouterInput | None = None, **fields: Any) -> SkillResult:
    """vLLM Semantic Router wiring: EnvoyPatchPolicy, route rules, helm values and install steps."""
    return build_semantic_router(data if data is not None else fields)
