"""THE version table: every AI Gateway release this product knows, what each one serves and where its CRDs come
from. Every template, rule, default and `crds pull` reads it from here; adding a release is adding one row.

Sources: upstream-api.md §3 (API differences per tag) and §4 (installation pins per docs version). The Gateway
API versions are the ones each Envoy Gateway release compiles in (EG compatibility matrix: v1.6 → v1.4.0,
v1.7 → v1.4.1, v1.8 → v1.5.1); BackendTLSPolicy is v1 in all of them (standard channel since Gateway API v1.4.0).

CRD pins: AI Gateway v1.1.0 pins Envoy Gateway v1.8.1, Gateway API v1.5.1 (experimental channel, which is what
Envoy Gateway installs) and Inference Extension v1.0.2 (its go.mod). Older AI Gateway versions use the Envoy
Gateway version their docs pinned; where no Gateway API pin is documented the Gateway API CRDs come from that
Envoy Gateway release's ``install.yaml``, which bundles exactly the Gateway API CRDs Envoy Gateway installs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller"
MODEL_HEADER = "x-ai-eg-model"
METADATA_NAMESPACE = "io.envoy.ai_gateway"
QUOTA_POLICY_API_VERSION = "aigateway.envoyproxy.io/v1alpha1"  # v1alpha1 only, in every release

# Columns about fetching CRDs (read by `crds pull`), left out of the version matrix users see.
_PULL: dict[str, Any] = {"pull": True}

AIGW_PLURALS_V06 = (
    "aigatewayroutes",
    "aiservicebackends",
    "backendsecuritypolicies",
    "gatewayconfigs",
    "mcproutes",
    "quotapolicies",
)


@dataclass(frozen=True, kw_only=True)
class Release:
    """An AI Gateway release whose CRDs `aigw-skills crds pull` can fetch, so its manifests can be validated and
    migrated. Releases we also generate for carry a full :class:`VersionProfile`."""

    ai_gateway: str
    envoy_gateway: str
    gateway_api: str | None = None
    inference_extension: str | None = None
    # The AI Gateway CRDs (plural names) the release's chart ships.
    crd_plurals: tuple[str, ...] = field(default=AIGW_PLURALS_V06, metadata=_PULL)
    # True: the Gateway API CRDs are pinned (experimental-install.yaml of `gateway_api`); False: Envoy Gateway's
    # install.yaml bundles them.
    gateway_api_crds: bool = field(default=False, metadata=_PULL)
    # True: `crds pull` also fetches the Inference Extension CRDs of `inference_extension`.
    inference_extension_crds: bool = field(default=False, metadata=_PULL)
    default: bool = field(default=False, metadata=_PULL)  # the one release every command targets by default

    @property
    def crd_chart_dir(self) -> str:
        """Where the AI Gateway CRDs live in the upstream repository at this release's tag."""
        if self.ai_gateway.startswith(("v0.2.", "v0.3.")):
            return "manifests/charts/ai-gateway-helm/crds"
        return "manifests/charts/ai-gateway-crds-helm/templates"


@dataclass(frozen=True, kw_only=True)
class VersionProfile(Release):
    """What one AI Gateway release that we generate for needs and accepts."""

    gateway_api: str
    inference_extension: str
    aigw_api_version: str
    backend_tls_policy_api_version: str
    # Rules an AIGatewayRoute can hold and still work. The controller turns it into an HTTPRoute with one more
    # rule, the catch-all `route-not-found` (internal/controller/ai_gateway_route.go newHTTPRoute, appended after
    # the loop at v0.5.0, v0.6.0, v0.7.0, v1.0.0 and v1.1.0), and HTTPRoute spec.rules has maxItems 16 in every
    # Gateway API release profiled here (v1.4.0, v1.4.1, v1.5.1: gateway.networking.k8s.io_httproutes.yaml), so
    # with a 16th rule the controller cannot create or update the HTTPRoute (envoyproxy/ai-gateway#2120). The CRD
    # says so itself only from v0.7.0 (api/v1beta1/ai_gateway_route.go MaxItems=15, PR #2123); the v0.5.0 and
    # v0.6.0 CRDs admit 128 rules, which is why admission alone is no guide for those targets.
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
    forward_proxy: bool = False  # GatewayConfig.spec.forwardProxy (v1.1+)

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


RELEASES: tuple[Release, ...] = (
    # Releases we read and migrate from (their CRDs can be pulled) but do not generate for.
    Release(ai_gateway="v0.2.0", envoy_gateway="v1.4.1", crd_plurals=AIGW_PLURALS_V06[:3]),
    Release(ai_gateway="v0.2.1", envoy_gateway="v1.4.1", crd_plurals=AIGW_PLURALS_V06[:3]),
    Release(ai_gateway="v0.3.0", envoy_gateway="v1.5.0", crd_plurals=AIGW_PLURALS_V06[:3]),
    Release(
        ai_gateway="v0.4.0",
        envoy_gateway="v1.5.4",
        crd_plurals=("aigatewayroutes", "aiservicebackends", "backendsecuritypolicies", "mcproutes"),
    ),
    # Releases we generate for: a full profile each.
    VersionProfile(
        ai_gateway="v0.5.0",
        envoy_gateway="v1.6.0",
        gateway_api="v1.4.0",
        inference_extension="v1.0.1",
        aigw_api_version="aigateway.envoyproxy.io/v1alpha1",
        backend_tls_policy_api_version="gateway.networking.k8s.io/v1",
        max_rules=15,  # the CRD admits 128; see max_rules
        prefix_field=True,
        anthropic_prefix=False,
        route_hostnames=False,
        rule_names=False,
        quota_policy=False,
        gcp_adc=False,
        credential_override=False,
        docs="0.5",
        crd_plurals=AIGW_PLURALS_V06[:5],
        mcp_hostnames=False,
        route_filter_config=True,
        global_llm_request_costs=False,
        mcp_backend_extras=False,
    ),
    VersionProfile(
        ai_gateway="v0.6.0",
        envoy_gateway="v1.7.0",
        gateway_api="v1.4.1",
        inference_extension="v1.0.1",
        aigw_api_version="aigateway.envoyproxy.io/v1beta1",
        backend_tls_policy_api_version="gateway.networking.k8s.io/v1",
        max_rules=15,  # the CRD admits 128; see max_rules
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
    VersionProfile(
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
        gateway_api_crds=True,
        mcp_hostnames=False,
    ),
    VersionProfile(
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
        gateway_api_crds=True,
        mcp_hostnames=False,
    ),
    VersionProfile(
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
        forward_proxy=True,
        gateway_api_crds=True,
        inference_extension_crds=True,
        default=True,
    ),
)


# Derived views of the table (never edited by hand).
PROFILES: dict[str, VersionProfile] = {r.ai_gateway: r for r in RELEASES if isinstance(r, VersionProfile)}
# Every release `crds pull` can fetch, newest first (the order `crds list` shows them in).
PULLABLE: dict[str, Release] = {r.ai_gateway: r for r in reversed(RELEASES)}
(DEFAULT_VERSION,) = [r.ai_gateway for r in RELEASES if r.default]

if TYPE_CHECKING:
    AIGatewayVersion = str  # at run time: a Literal of the PROFILES keys (pydantic validates and lists them)
    AIGatewayRelease = str  # at run time: a Literal of the PULLABLE keys
else:
    AIGatewayVersion = Literal[tuple(PROFILES)]
    AIGatewayRelease = Literal[tuple(reversed(PULLABLE))]


def first_release(column: str, value: bool = True) -> str:
    """The oldest release whose profile has ``column`` equal to ``value``: when a field arrived (or, with
    ``value=False`` on a column that starts true, the release that dropped it). KeyError when none does."""
    for prof in PROFILES.values():
        if getattr(prof, column) is value:
            return prof.ai_gateway
    raise KeyError(f"no release has {column}={value}")


def profile(version: str = DEFAULT_VERSION) -> VersionProfile:
    """The profile for `version` (with or without the leading 'v'); KeyError names the supported ones."""
    key = version if version.startswith("v") else f"v{version}"
    if key not in PROFILES:
        raise KeyError(f"unsupported AI Gateway version {version!r}; supported: {', '.join(PROFILES)}")
    return PROFILES[key]


def matrix_fields() -> list[str]:
    """The profile columns users see (the CRD-fetching columns are left out)."""
    return [f.name for f in fields(VersionProfile) if not f.metadata.get("pull")]


def matrix() -> list[dict[str, object]]:
    """The version matrix as plain data (for resources, docs and the CLI)."""
    names = matrix_fields()
    return [{n: getattr(p, n) for n in names} | {"default": p.default} for p in PROFILES.values()]
