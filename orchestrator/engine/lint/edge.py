"""Lint rules about the gateway's edge: client-auth SecurityPolicies and the Gateway's telemetry links."""

from __future__ import annotations

from collections.abc import Iterator

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    EG_GROUP,
    GWAPI_GROUP,
    Issue,
    LintContext,
    ResourceIndex,
    as_dict,
    as_list,
    lint_rule,
    ref_namespace,
    targets,
)

GATEWAY_CONFIG_ANNOTATION = "aigateway.envoyproxy.io/gateway-config"


def _http_route_exists(index: ResourceIndex, ctx: LintContext, ns: str, name: str) -> bool:
    """An HTTPRoute in the manifests, one the AI Gateway controller generates from an AIGatewayRoute of the
    same name, or one declared existing."""
    return (
        index.get("HTTPRoute", ns, name, GWAPI_GROUP) is not None
        or index.get("AIGatewayRoute", ns, name, AIGW_GROUP) is not None
        or ctx.resource_exists("HTTPRoute", ns, name)
        or ctx.resource_exists("AIGatewayRoute", ns, name)
    )


@lint_rule("AIGW-L040", "SecurityPolicy targets resolve to a Gateway or (generated) HTTPRoute", "error")
def security_policy_targets_resolve(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for policy in index.of_kind("SecurityPolicy", EG_GROUP):
        ns = policy.namespace or "default"
        for i, ref in enumerate(targets(policy)):
            kind, name = ref.get("kind"), ref.get("name")
            if not isinstance(name, str) or ref.get("group", GWAPI_GROUP) != GWAPI_GROUP:
                continue
            if kind == "Gateway":
                found = index.get("Gateway", ns, name, GWAPI_GROUP) is not None or ctx.gateway_exists(
                    ns, name
                )
            elif kind == "HTTPRoute":
                found = _http_route_exists(index, ctx, ns, name)
            else:
                continue
            if not found:
                yield Issue(
                    policy,
                    f"spec.targetRefs[{i}]",
                    f'targets {kind} "{ns}/{name}", which is not in the manifests: the policy attaches to nothing '
                    "and every client is let through unauthenticated",
                    f"Target the Gateway, or the AIGatewayRoute's name as kind HTTPRoute (the controller generates "
                    f"an HTTPRoute of that name); declare existing ones with --existing {kind}/{ns}/{name}.",
                    outside=True,
                )


@lint_rule("AIGW-L041", "JWT providers fetch signing keys from an https remoteJWKS", "warning")
def jwt_remote_jwks(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for policy in index.of_kind("SecurityPolicy", EG_GROUP):
        for i, provider in enumerate(as_list(as_dict(policy.spec.get("jwt")).get("providers"))):
            provider = as_dict(provider)
            path = f"spec.jwt.providers[{i}]"
            remote = as_dict(provider.get("remoteJWKS"))
            uri = remote.get("uri")
            if not remote:
                yield Issue(
                    policy,
                    path,
                    "the provider has no remoteJWKS: inline keys do not follow the identity provider's key "
                    "rotation, so tokens start failing (401) after the next rotation",
                    "Set remoteJWKS.uri to the issuer's JWKS endpoint (jwks_uri in its "
                    "/.well-known/openid-configuration).",
                )
            elif isinstance(uri, str) and not uri.startswith("https://"):
                yield Issue(
                    policy,
                    f"{path}.remoteJWKS.uri",
                    f'remoteJWKS.uri "{uri}" is not https: signing keys fetched in clear text can be replaced, '
                    "letting forged tokens through",
                    "Use the issuer's https:// JWKS URL.",
                )


@lint_rule(
    "AIGW-L042", "apiKeyAuth credentialRefs name Secrets in the manifests or declared external", "error"
)
def api_key_secrets_resolve(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for policy in index.of_kind("SecurityPolicy", EG_GROUP):
        for i, ref in enumerate(as_list(as_dict(policy.spec.get("apiKeyAuth")).get("credentialRefs"))):
            ref = as_dict(ref)
            name = ref.get("name")
            if not isinstance(name, str) or ref.get("kind", "Secret") != "Secret":
                continue
            ns = ref_namespace(ref, policy)
            if index.get("Secret", ns, name, "") is None and not ctx.secret_is_external(ns, name):
                yield Issue(
                    policy,
                    f"spec.apiKeyAuth.credentialRefs[{i}]",
                    f'Secret "{ns}/{name}" is not in the manifests and not declared external: every API key is '
                    "rejected until it exists",
                    f"Create it at apply time (one data key per client id, the value is that client's key) and "
                    f"pass --external-secret {ns}/{name}.",
                    outside=True,
                )


@lint_rule("AIGW-L043", "a Gateway's EnvoyProxy parametersRef and GatewayConfig annotation resolve", "error")
def gateway_telemetry_links(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for gw in index.of_kind("Gateway", GWAPI_GROUP):
        ns = gw.namespace or "default"
        ref = as_dict(as_dict(gw.spec.get("infrastructure")).get("parametersRef"))
        name = ref.get("name")
        is_proxy = ref.get("kind") == "EnvoyProxy" and ref.get("group") == EG_GROUP and isinstance(name, str)
        if is_proxy and not _exists(index, ctx, "EnvoyProxy", ns, str(name), EG_GROUP):
            yield Issue(
                gw,
                "spec.infrastructure.parametersRef",
                f'names EnvoyProxy "{ns}/{name}", which is not in the manifests: Envoy Gateway does not '
                "program the Gateway (Accepted=False) until it exists",
                f"Add the EnvoyProxy {ns}/{name} (same namespace as the Gateway), or declare it with "
                f"--existing EnvoyProxy/{ns}/{name}.",
                outside=True,
            )
        annotations = as_dict(as_dict(gw.doc.get("metadata")).get("annotations"))
        config = annotations.get(GATEWAY_CONFIG_ANNOTATION)
        if (
            isinstance(config, str)
            and config
            and not _exists(index, ctx, "GatewayConfig", ns, config, AIGW_GROUP)
        ):
            yield Issue(
                gw,
                f"metadata.annotations[{GATEWAY_CONFIG_ANNOTATION}]",
                f'names GatewayConfig "{config}", which is not in namespace {ns}: the extproc runs without '
                "its settings (no tracing, no global token costs)",
                f"Add the GatewayConfig {ns}/{config} (it must be in the Gateway's namespace), or declare it "
                f"with --existing GatewayConfig/{ns}/{config}.",
                outside=True,
            )


def _exists(index: ResourceIndex, ctx: LintContext, kind: str, ns: str, name: str, group: str) -> bool:
    return index.get(kind, ns, name, group) is not None or ctx.resource_exists(kind, ns, name)
