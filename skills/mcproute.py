"""aigw-mcproute: MCP servers behind the gateway with one MCPRoute.

Every MCP server becomes an Envoy Gateway Backend (an external host over TLS with a BackendTLSPolicy, or an
in-cluster Service by its cluster DNS name) referenced from the MCPRoute with its path, tool selector and API
key. The API key lives in a Secret created at apply time from an environment variable, never in the output.
Client OAuth and authorization rules go on the route. The MCPRoute CRD's CEL rules are checked at input time
with their own wording (per object in :mod:`skills.mcproute_inputs`, across objects and versions here).
"""

from __future__ import annotations

from typing import Any

from skills.errors import InputError, Problem, show_value
from skills.mcproute_inputs import McpBackend, McpRouteInput
from skills.render import render_object
from skills.result import SecretShape, SkillResult
from skills.secret_command import secret_command
from skills.versions import ENVOY_GATEWAY_CONTROLLER, first_release, profile

__all__ = ["SKILL", "McpRouteInput", "build_mcproute"]

SKILL = "aigw-mcproute"


def _version_problems(inp: McpRouteInput) -> list[Problem]:
    """Fields the target release's MCPRoute CRD does not have yet."""
    prof = profile(inp.target_version)
    problems: list[Problem] = []
    if inp.hostnames and not prof.mcp_hostnames:
        problems.append(
            Problem(
                "hostnames",
                f"MCPRoute hostnames need AI Gateway {first_release('mcp_hostnames')}+ (target {inp.target_version})",
            )
        )
    if prof.mcp_backend_extras:
        return problems
    for index, b in enumerate(inp.backends):
        for field in ("exclude", "exclude_regex", "forward_headers", "api_key_query_param"):
            if getattr(b, field):
                problems.append(
                    Problem(
                        f"backends[{index}].{field}",
                        f"needs AI Gateway {first_release('mcp_backend_extras')}+ (target {inp.target_version}'s MCPRoute has no "
                        "forwardHeaders, apiKey.queryParam or toolSelector exclude/excludeRegex)",
                    )
                )
    return problems


def _check(inp: McpRouteInput) -> list[Problem]:
    problems = _version_problems(inp)
    names = [b.name for b in inp.backends]
    for index, name in enumerate(names):
        if names.index(name) != index:
            problems.append(Problem(f"backends[{index}].name", "all backendRefs names must be unique", name))
    oauth = [
        f
        for f in (
            "oauth_resource",
            "oauth_audiences",
            "oauth_jwks_uri",
            "oauth_jwks_configmap",
            "oauth_scopes",
        )
        if getattr(inp, f)
    ]
    if inp.oauth_issuer is None:
        problems += [Problem(f, "only used with oauth_issuer") for f in oauth]
    else:
        if inp.oauth_resource is None:
            problems.append(
                Problem("oauth_resource", "required with oauth_issuer (protectedResourceMetadata)")
            )
        if (inp.oauth_jwks_uri is None) == (inp.oauth_jwks_configmap is None):
            problems.append(
                Problem(
                    "oauth_jwks_uri",
                    "either remoteJWKS or localJWKS must be specified, not both: give oauth_jwks_uri or "
                    "oauth_jwks_configmap",
                )
            )
    for index, rule in enumerate(inp.authorization_rules):
        if (rule.scopes or rule.claims) and inp.oauth_issuer is None:
            problems.append(
                Problem(
                    f"authorization_rules[{index}]",
                    "oauth must be configured when any authorization rule uses a jwt source: set oauth_issuer",
                )
            )
        for tool in rule.tools:
            if tool.backend not in names:
                problems.append(
                    Problem(
                        f"authorization_rules[{index}].tools",
                        "names no backend of this route",
                        show_value(tool.backend),
                        ", ".join(names),
                    )
                )
    if (
        inp.authorization_default == "Deny"
        and inp.authorization_rules
        and not any(r.action == "Allow" for r in inp.authorization_rules)
    ):
        problems.append(
            Problem("authorization_rules", "every rule denies and the default denies: nothing is allowed")
        )
    return problems


def direct_service(inp: McpRouteInput, b: McpBackend) -> bool:
    """An in-cluster Service the MCPRoute can reference itself (kind Service with its port): in the route's
    namespace (MCPRoute backendRefs are same-namespace only), named like the backend (the ref's name is both)
    and plain HTTP. Any other server is reached through an Envoy Gateway Backend."""
    return (
        b.service is not None
        and b.service_namespace in (None, inp.namespace)
        and b.name == b.service
        and not b.tls
    )


def _backend_objects(inp: McpRouteInput, b: McpBackend) -> list[tuple[dict[str, Any], str]]:
    if direct_service(inp, b):
        return []
    if b.hostname is not None:
        host, port = b.hostname, b.port or 443
    else:
        host, port = f"{b.service}.{b.service_namespace or inp.namespace}.svc.cluster.local", b.port or 80
    tls = b.tls if b.tls is not None else (b.hostname is not None and port == 443)
    out = [
        render_object(
            "aigw-backend",
            "backend.yaml.j2",
            name=b.name,
            namespace=inp.namespace,
            hostname=host,
            port=port,
            tls=tls,
        )
    ]
    if tls:
        out.append(
            render_object(
                "aigw-backend",
                "backendtlspolicy.yaml.j2",
                api_version=profile(inp.target_version).backend_tls_policy_api_version,
                name=f"{b.name}-tls",
                namespace=inp.namespace,
                backend=b.name,
                hostname=host,
            )
        )
    return out


def build_mcproute(data: McpRouteInput | dict[str, Any]) -> SkillResult:
    """Backends (+ TLS policies), the MCPRoute, optionally the Gateway, and the API-key Secret shapes."""
    inp = McpRouteInput.parse(data, skill=SKILL)
    problems = _check(inp)
    if problems:
        raise InputError(problems, skill=SKILL)
    rendered: list[tuple[dict[str, Any], str]] = []
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
                namespace=inp.namespace,
                gateway_class=inp.gateway_class,
                port=inp.listener_port,
            )
        )
    secrets: list[SecretShape] = []
    backends = []
    for b in inp.backends:
        rendered += _backend_objects(inp, b)
        secret = (b.api_key_secret or f"{b.name}-mcp-api-key") if b.api_key_env else None
        if secret is not None:
            source = f"env:{b.api_key_env}"
            secrets.append(
                SecretShape(
                    name=secret,
                    namespace=inp.namespace,
                    key="apiKey",
                    source=source,
                    command=secret_command(secret, inp.namespace, "apiKey", source),
                    used_by=f"MCPRoute/{inp.namespace}/{inp.name}",
                )
            )
        backends.append(
            b.model_dump()
            | {"selector": b.selector(), "api_key_secret": secret, "service_ref": direct_service(inp, b)}
        )
    oauth = None
    if inp.oauth_issuer is not None:
        oauth = {
            "issuer": inp.oauth_issuer,
            "audiences": inp.oauth_audiences,
            "jwks_uri": inp.oauth_jwks_uri,
            "jwks_configmap": inp.oauth_jwks_configmap,
            "resource": inp.oauth_resource,
            "scopes": inp.oauth_scopes,
        }
    authorization = None
    if inp.authorization_rules:
        authorization = {
            "default_action": inp.authorization_default,
            "rules": [r.model_dump() for r in inp.authorization_rules],
        }
    rendered.append(
        render_object(
            SKILL,
            "mcproute.yaml.j2",
            api_version=profile(inp.target_version).aigw_api_version,
            name=inp.name,
            namespace=inp.namespace,
            gateway=inp.gateway_name,
            path=inp.path,
            hostnames=inp.hostnames,
            backends=backends,
            oauth=oauth,
            authorization=authorization,
        )
    )
    notes = [
        f"MCP clients connect to {inp.path} on Gateway {inp.namespace}/{inp.gateway_name}; tools of each "
        "backend are listed with the backend name as prefix.",
    ]
    if oauth is not None:
        notes.append(
            "Clients without a valid token get 401 with the protected resource metadata, from which they "
            f"discover {inp.oauth_issuer} and log in."
        )
    if not inp.create_gateway:
        notes.append(
            f"Gateway {inp.namespace}/{inp.gateway_name} must exist (same namespace as the MCPRoute)."
        )
    return SkillResult.from_rendered(SKILL, rendered, secrets=secrets, notes=notes)
