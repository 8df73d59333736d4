"""Public Python API: one function per atomic skill, each returning a `SkillResult`.

    >>> from skills.api import backend
    >>> result = backend(name="openai", provider="openai")
    >>> [m["kind"] for m in result.manifests]
    ['Backend', 'AIServiceBackend', 'BackendTLSPolicy']

Every function takes the fields of its input model as keyword arguments (or a ready model instance via
`data=`), raises `skills.errors.InputError` listing every problem, and never touches the network or disk.
`result.manifests` are dicts; `result.yaml` is the same objects as one YAML stream.
"""

from __future__ import annotations

from typing import Any

from skills.auth import AuthInput, build_auth
from skills.backend import BackendInput, build_backend
from skills.errors import InputError
from skills.install import InstallInput, build_install
from skills.providers import catalog as providers
from skills.result import SecretShape, SkillResult, Step
from skills.route import RouteInput, build_route
from skills.versions import matrix as version_matrix

__all__ = [
    "AuthInput",
    "BackendInput",
    "InputError",
    "InstallInput",
    "RouteInput",
    "SecretShape",
    "SkillResult",
    "Step",
    "auth",
    "backend",
    "install",
    "providers",
    "route",
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
