"""aigw-mcproute: MCP servers behind the gateway with one MCPRoute.

Every MCP server becomes an Envoy Gateway Backend (an external host over TLS with a BackendTLSPolicy, or an
in-cluster Service by its cluster DNS name) referenced from the MCPRoute with its path, tool selector and API
key. The API key lives in a Secret created at apply time from an environment variable, never in the output.
Client OAuth and authorization rules go on the route. The MCPRoute CRD's CEL rules are checked at input time
with their own wording.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from skills.auth import secret_command
from skills.errors import InputError, Problem, show_value
from skills.model import InputModel
from skills.render import render_object
from skills.result import SecretShape, SkillResult
from skills.types import (
    CelExpression,
    DNSLabel,
    DNSSubdomain,
    EnvVarName,
    HeaderName,
    Hostname,
    HostnamePattern,
    HttpUrl,
    Identifier,
    McpToolName,
    OAuthScope,
    Port,
    Re2Regex,
    UrlPath,
)
from skills.versions import DEFAULT_VERSION, ENVOY_GATEWAY_CONTROLLER, AIGatewayVersion, profile

SKILL = "aigw-mcproute"
_NOT_RE2 = re.compile(r"\(\?<?[=!]|\\[1-9]")
_TOOL_TARGET = re.compile(r"^(?P<backend>[a-z0-9]([-a-z0-9]*[a-z0-9])?)/(?P<tool>.+)$")


def _re2(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        if _NOT_RE2.search(pattern):
            raise ValueError(f"{pattern!r} uses lookaround or a backreference, which RE2 (Envoy) rejects")
    return patterns


class McpBackend(InputModel):
    """One MCP server: an external host (TLS by default) or an in-cluster Service, and what it exposes."""

    name: DNSLabel = Field(description="Backend name, unique in the route (also the tool prefix clients see)")
    hostname: Hostname | None = Field(
        None, description="External MCP server host, e.g. api.githubcopilot.com"
    )
    service: DNSLabel | None = Field(None, description="In-cluster Service name (instead of hostname)")
    service_namespace: DNSLabel | None = Field(
        None, description="The Service's namespace (default: the route's)"
    )
    port: Port | None = Field(None, description="Port (default 443 for a hostname; required for a Service)")
    tls: bool | None = Field(None, description="Verify TLS with the system CAs (default: on for port 443)")
    path: UrlPath = Field("/mcp", description="MCP endpoint path on the server")
    include: list[McpToolName] = Field(default_factory=list, max_length=32, description="Only these tools")
    include_regex: list[Re2Regex] = Field(
        default_factory=list, max_length=32, description="Only tools matching these RE2 patterns"
    )
    exclude: list[McpToolName] = Field(default_factory=list, max_length=32, description="Hide these tools")
    exclude_regex: list[Re2Regex] = Field(
        default_factory=list, max_length=32, description="Hide tools matching these RE2 patterns"
    )
    api_key_env: EnvVarName | None = Field(
        None, description="Env var holding the server's API key at apply time (stored in a Secret)"
    )
    api_key_secret: DNSSubdomain | None = Field(None, description="Secret name (default <name>-mcp-api-key)")
    api_key_header: HeaderName | None = Field(
        None, description="Header carrying the key (default Authorization)"
    )
    api_key_query_param: Identifier | None = Field(
        None, description="Query parameter carrying the key instead"
    )
    forward_headers: list[HeaderName] = Field(
        default_factory=list, max_length=32, description="Client request headers forwarded to this server"
    )

    _regexes = field_validator("include_regex", "exclude_regex")(classmethod(lambda cls, v: _re2(v)))

    @model_validator(mode="after")
    def _crd_rules(self) -> McpBackend:
        if (self.hostname is None) == (self.service is None):
            raise ValueError("give exactly one of hostname (external server) or service (in-cluster Service)")
        if self.service is not None and self.port is None:
            raise ValueError("Must have port for Service reference: set port")
        if self.service_namespace is not None and self.service is None:
            raise ValueError("service_namespace is only used with service")
        if self.include and self.include_regex:
            raise ValueError("include and includeRegex are mutually exclusive")
        if self.exclude and self.exclude_regex:
            raise ValueError("exclude and excludeRegex are mutually exclusive")
        if self.api_key_header and self.api_key_query_param:
            raise ValueError(
                "only one of header or queryParam can be set (api_key_header, api_key_query_param)"
            )
        if (self.api_key_header or self.api_key_query_param or self.api_key_secret) and not self.api_key_env:
            raise ValueError("api_key_header, api_key_query_param and api_key_secret need api_key_env")
        return self

    def selector(self) -> dict[str, list[str]]:
        pairs = (
            ("include", self.include),
            ("includeRegex", self.include_regex),
            ("exclude", self.exclude),
            ("excludeRegex", self.exclude_regex),
        )
        return {key: list(values) for key, values in pairs if values}


class ClaimMatch(InputModel):
    """A JWT claim the client's token must carry."""

    name: Identifier = Field(description="Claim name ('scope' is reserved: use scopes)")
    values: list[Identifier] = Field(min_length=1, max_length=16, description="Accepted values")
    value_type: Literal["String", "StringArray"] = Field("String", description="The claim's JSON type")


class ToolTarget(InputModel):
    """A tool of one backend. Also accepts 'backend/tool'."""

    backend: DNSLabel = Field(description="Backend name in this route")
    tool: McpToolName = Field(description="Tool name on that backend")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            match = _TOOL_TARGET.match(data.strip())
            if not match:
                raise ValueError(f"tool {data!r} must look like backend/tool")
            return {"backend": match["backend"], "tool": match["tool"]}
        return data


class AuthorizationRule(InputModel):
    """Allow (or deny) calls when the client's token has these scopes/claims, optionally for these tools."""

    action: Literal["Allow", "Deny"] = Field("Allow", description="What a matching request gets")
    scopes: list[OAuthScope] = Field(default_factory=list, max_length=16, description="Required token scopes")
    claims: list[ClaimMatch] = Field(default_factory=list, max_length=16, description="Required token claims")
    tools: list[ToolTarget] = Field(
        default_factory=list,
        max_length=16,
        description="Tools the rule covers ('backend/tool'); all if empty",
    )
    cel: CelExpression | None = Field(None, description="Extra CEL condition on the request")

    @model_validator(mode="after")
    def _crd_rules(self) -> AuthorizationRule:
        if any(c.name == "scope" for c in self.claims):
            raise ValueError("'scope' claim name is reserved for OAuth scopes: list them in scopes")
        if not (self.scopes or self.claims or self.tools or self.cel):
            raise ValueError("a rule needs scopes, claims, tools or cel, or it matches every request")
        return self


class McpRouteInput(InputModel):
    """MCP servers behind one path of the Gateway, with client OAuth and per-tool authorization."""

    backends: list[McpBackend] = Field(min_length=1, max_length=256, description="The MCP servers")
    name: DNSLabel = Field("mcp-route", description="MCPRoute name")
    namespace: DNSLabel = Field(
        "default", description="Namespace of the route, Backends, Secrets and Gateway"
    )
    path: UrlPath = Field("/mcp", description="Path MCP clients connect to on the Gateway")
    hostnames: list[HostnamePattern] = Field(
        default_factory=list, max_length=16, description="Route hostnames"
    )
    gateway_name: DNSLabel = Field("ai-gateway", description="Gateway to attach to")
    create_gateway: bool = Field(False, description="Also create the GatewayClass and Gateway")
    gateway_class: DNSLabel = Field("envoy-ai-gateway", description="GatewayClass to create")
    listener_port: Port = Field(80, description="HTTP listener port of a created Gateway")
    oauth_issuer: HttpUrl | None = Field(
        None, description="OAuth issuer clients get tokens from (enables OAuth)"
    )
    oauth_resource: HttpUrl | None = Field(
        None, description="This MCP endpoint's public URL (protected resource metadata; required with OAuth)"
    )
    oauth_audiences: list[Identifier] = Field(
        default_factory=list, max_length=32, description="Token audiences"
    )
    oauth_jwks_uri: HttpUrl | None = Field(None, description="Issuer's JWKS URL (remote keys)")
    oauth_jwks_configmap: DNSSubdomain | None = Field(
        None, description="ConfigMap holding the JWKS (local keys) instead of oauth_jwks_uri"
    )
    oauth_scopes: list[OAuthScope] = Field(
        default_factory=list, max_length=32, description="Scopes advertised to clients"
    )
    authorization_rules: list[AuthorizationRule] = Field(
        default_factory=list, max_length=32, description="Per-tool authorization rules (first match wins)"
    )
    authorization_default: Literal["Allow", "Deny"] = Field(
        "Deny", description="What requests matching no rule get"
    )
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version to generate for"
    )


def _check(inp: McpRouteInput) -> list[Problem]:
    problems: list[Problem] = []
    if inp.hostnames and not profile(inp.target_version).rule_names:
        problems.append(
            Problem("hostnames", f"MCPRoute hostnames need AI Gateway v1.1.0+ (target {inp.target_version})")
        )
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


def _backend_objects(inp: McpRouteInput, b: McpBackend) -> list[tuple[dict[str, Any], str]]:
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
        backends.append(b.model_dump() | {"selector": b.selector(), "api_key_secret": secret})
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
