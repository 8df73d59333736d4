"""One table of what differs between AI Gateway releases; every template and rule reads it from here.

Sources: upstream-api.md §3 (API differences per tag) and §4 (installation pins per docs version). The Gateway
API versions are the ones each Envoy Gateway release compiles in (EG compatibility matrix: v1.6 → v1.4.0,
v1.7 → v1.4.1, v1.8 → v1.5.1); BackendTLSPolicy is v1 in all of them (standard channel since Gateway API v1.4.0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AIGatewayVersion = Literal["v0.5.0", "v0.6.0", "v0.7.0", "v1.0.0", "v1.1.0"]
DEFAULT_VERSION: AIGatewayVersion = "v1.1.0"

ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller"
MODEL_HEADER = "x-ai-eg-model"
METADATA_NAMESPACE = "io.envoy.ai_gateway"
QUOTA_POLICY_API_VERSION = "aigateway.envoyproxy.io/v1alpha1"  # v1alpha1 only, in every release


@dataclass(frozen=True)
class VersionProfile:
    """What one AI Gateway release needs and accepts."""

    ai_gateway: str
    envoy_gateway: str
    gateway_api: str
    inference_extension: str
    aigw_api_version: str
    backend_tls_policy_api_version: str
    max_rules: int
    prefix_field: bool  # spec.schema.prefix exists (v0.5+); before, schema.version was the OpenAI prefix
    anthropic_prefix: bool  # prefix also applies to the Anthropic schema (v0.7+)
    route_hostnames: bool  # AIGatewayRoute.spec.hostnames (v0.7+)
    rule_names: bool  # rules[].name and streamIdleTimeout (v1.1+)
    quota_policy: bool  # QuotaPolicy CRD served (v0.6+)
    gcp_adc: bool  # GCPCredentials may omit both credential sources (v0.6+)
    credential_override: bool  # BackendSecurityPolicy.spec.credentialOverride (v1.1+)
    docs: str  # the versioned docs path segment
    gateway_config: bool = True  # GatewayConfig CRD served (v0.5+)
    route_filter_config: bool = (
        False  # AIGatewayRoute.spec.filterConfig still exists (until v0.5; v0.6 moved it)
    )
    global_llm_request_costs: bool = True  # GatewayConfig.spec.globalLLMRequestCosts (v0.6+)
    mcp_route: bool = True  # MCPRoute CRD served (v0.4+)
    # MCPRoute backendRefs[].forwardHeaders, securityPolicy.apiKey.queryParam and toolSelector exclude/excludeRegex
    # (v0.6+; until v0.5 a toolSelector took exactly one of include or includeRegex)
    mcp_backend_extras: bool = True
    mcp_hostnames: bool = True  # MCPRoute.spec.hostnames and backendSelector (v1.1+)

    @property
    def chart_version(self) -> str:
        return self.ai_gateway

    def serves_kind(self, kind: str) -> bool:
        """Whether this release serves the AI Gateway kind (every other kind: True)."""
        return {
            "QuotaPolicy": self.quota_policy,
            "GatewayConfig": self.gateway_config,
            "MCPRoute": self.mcp_route,
        }.get(kind, True)

    def api_version_for(self, kind: str) -> str:
        """apiVersion to write for an AI Gateway kind (QuotaPolicy has no v1beta1 in any release)."""
        return QUOTA_POLICY_API_VERSION if kind == "QuotaPolicy" else self.aigw_api_version

    def refusal(self, kind: str) -> str | None:
        """Why `kind` cannot be generated for this release, or None when it can."""
        if self.serves_kind(kind):
            return None
        since = {"QuotaPolicy": "v0.6.0", "GatewayConfig": "v0.5.0", "MCPRoute": "v0.4.0"}[kind]
        return f"{kind} needs AI Gateway {since} or later; target {self.ai_gateway} does not serve it"

    @property
    def git_ref(self) -> str:
        return self.ai_gateway


PROFILES: dict[str, VersionProfile] = {
    "v0.5.0": VersionProfile(
        ai_gateway="v0.5.0",
        envoy_gateway="v1.6.0",
        gateway_api="v1.4.0",
        inference_extension="v1.0.1",
        aigw_api_version="aigateway.envoyproxy.io/v1alpha1",
        backend_tls_policy_api_version="gateway.networking.k8s.io/v1",
        max_rules=128,
        prefix_field=True,
        anthropic_prefix=False,
        route_hostnames=False,
        rule_names=False,
        quota_policy=False,
        gcp_adc=False,
        credential_override=False,
        docs="0.5",
        mcp_hostnames=False,
        route_filter_config=True,
        global_llm_request_costs=False,
        mcp_backend_extras=False,
    ),
    "v0.6.0": VersionProfile(
        ai_gateway="v0.6.0",
        envoy_gateway="v1.7.0",
        gateway_api="v1.4.1",
        inference_extension="v1.0.1",
        aigw_api_version="aigateway.envoyproxy.io/v1beta1",
        backend_tls_policy_api_version="gateway.networking.k8s.io/v1",
        max_rules=128,
        prefix_field=True,
        anthropic_prefix=False,
        route_hostnames=False,
        rule_names=False,
        quota_policy=True,
        gcp_adc=True,
        credential_override=False,
        docs="0.6",
        mcp_hostnames=False,
    ),
    "v0.7.0": VersionProfile(
        ai_gateway="v0.7.0",
        envoy_gateway="v1.8.1",
        gateway_api="v1.5.1",
        inference_extension="v1.0.2",
        aigw_api_version="aigateway.envoyproxy.io/v1beta1",
        backend_tls_policy_api_version="gateway.networking.k8s.io/v1",
        max_rules=15,
        prefix_field=True,
        anthropic_prefix=True,
        route_hostnames=True,
        rule_names=False,
        quota_policy=True,
        gcp_adc=True,
        credential_override=False,
        docs="0.7",
        mcp_hostnames=False,
    ),
    "v1.0.0": VersionProfile(
        ai_gateway="v1.0.0",
        envoy_gateway="v1.8.1",
        gateway_api="v1.5.1",
        inference_extension="v1.0.2",
        aigw_api_version="aigateway.envoyproxy.io/v1beta1",
        backend_tls_policy_api_version="gateway.networking.k8s.io/v1",
        max_rules=15,
        prefix_field=True,
        anthropic_prefix=True,
        route_hostnames=True,
        rule_names=False,
        quota_policy=True,
        gcp_adc=True,
        credential_override=False,
        docs="1.0",
        mcp_hostnames=False,
    ),
    "v1.1.0": VersionProfile(
        ai_gateway="v1.1.0",
        envoy_gateway="v1.8.1",
        gateway_api="v1.5.1",
        inference_extension="v1.0.2",
        aigw_api_version="aigateway.envoyproxy.io/v1beta1",
        backend_tls_policy_api_version="gateway.networking.k8s.io/v1",
        max_rules=15,
        prefix_field=True,
        anthropic_prefix=True,
        route_hostnames=True,
        rule_names=True,
        quota_policy=True,
        gcp_adc=True,
        credential_override=True,
        docs="1.1",
    ),
}


def profile(version: str = DEFAULT_VERSION) -> VersionProfile:
    """The profile for `version` (with or without the leading 'v'); KeyError names the supported ones."""
    key = version if version.startswith("v") else f"v{version}"
    if key not in PROFILES:
        raise KeyError(f"unsupported AI Gateway version {version!r}; supported: {', '.join(PROFILES)}")
    return PROFILES[key]


def matrix() -> list[dict[str, object]]:
    """The version matrix as plain data (for resources, docs and the CLI)."""
    return [vars(p) | {"default": p.ai_gateway == DEFAULT_VERSION} for p in PROFILES.values()]
