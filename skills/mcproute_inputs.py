"""aigw-mcproute's inputs: MCP servers (external hosts or in-cluster Services), tool selectors, per-server API
keys, client OAuth and authorization rules, with the MCPRoute CRD's per-object CEL rules checked in its words."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from skills.errors import FieldValueError
from skills.model import InputModel
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
from skills.versions import DEFAULT_VERSION, AIGatewayVersion

_NOT_RE2 = re.compile(r"\(\?<?[=!]|\\[1-9]")
_TOOL_TARGET = re.compile(r"^(?P<backend>[a-z0-9]([-a-z0-9]*[a-z0-9])?)/(?P<tool>.+)\Z")


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
    service: DNSLabel | None = Field(
        None,
        description="In-cluster Service name (instead of hostname); one in the route's namespace named like the "
        "backend is referenced directly (kind Service, port), others through a Backend on its cluster DNS name",
    )
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
            raise FieldValueError(
                "hostname", "give exactly one of hostname (external server) or service (in-cluster Service)"
            )
        if self.service is not None and self.port is None:
            raise FieldValueError("port", "Must have port for Service reference: set port")
        if self.service_namespace is not None and self.service is None:
            raise FieldValueError("service_namespace", "only used with service")
        if self.include and self.include_regex:
            raise FieldValueError("include_regex", "include and includeRegex are mutually exclusive")
        if self.exclude and self.exclude_regex:
            raise FieldValueError("exclude_regex", "exclude and excludeRegex are mutually exclusive")
        if self.api_key_header and self.api_key_query_param:
            raise FieldValueError(
                "api_key_query_param",
                "only one of header or queryParam can be set (api_key_header, api_key_query_param)",
            )
        if (self.api_key_header or self.api_key_query_param or self.api_key_secret) and not self.api_key_env:
            raise FieldValueError(
                "api_key_env", "api_key_header, api_key_query_param and api_key_secret need api_key_env"
            )
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
            raise FieldValueError(
                "claims", "'scope' claim name is reserved for OAuth scopes: list them in scopes"
            )
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
