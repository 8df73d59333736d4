"""Lint rules about policies: client buffer limits, security policies and their Secrets, upstream TLS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orchestrator.engine.lint.index import (
    AIGW_GROUP,
    EG_GROUP,
    GWAPI_GROUP,
    Issue,
    LintContext,
    Resource,
    ResourceIndex,
    as_dict,
    as_list,
    lint_rule,
    ref_namespace,
    same_object,
    targets,
)
from orchestrator.engine.lint.refs import gateways_used_by_routes
from skills.credentials import describe_credential

# BackendSecurityPolicy type -> (path of the secretRef under spec, Secret key the controller reads)
SECRET_REFS: dict[str, tuple[tuple[str, ...], str]] = {
    "APIKey": (("apiKey", "secretRef"), "apiKey"),
    "AzureAPIKey": (("azureAPIKey", "secretRef"), "apiKey"),
    "AnthropicAPIKey": (("anthropicAPIKey", "secretRef"), "apiKey"),
    "AWSCredentials": (("awsCredentials", "credentialsFile", "secretRef"), "credentials"),
    "AzureCredentials": (("azureCredentials", "clientSecretRef"), "client-secret"),
    "GCPCredentials": (("gcpCredentials", "credentialsFile", "secretRef"), "service_account.json"),
}


@lint_rule("AIGW-L005", "Gateways serving AI routes raise the 32 KiB request buffer limit", "warning")
def gateway_buffer_limit(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    policies = index.of_kind("ClientTrafficPolicy", EG_GROUP)
    by_selector = {p.namespace for p in policies if p.spec.get("targetSelectors")}
    for (ns, name), _routes in sorted(gateways_used_by_routes(index).items()):
        gateway = index.get("Gateway", ns, name, GWAPI_GROUP)
        if gateway is None:
            continue  # an existing Gateway: its policies live outside these manifests
        if ns in by_selector:
            continue  # selected by labels: cannot tell here
        attached = index.targeting("ClientTrafficPolicy", EG_GROUP, (GWAPI_GROUP, "Gateway", ns, name))
        if not any(as_dict(p.spec.get("connection")).get("bufferLimit") for p in attached):
            yield Issue(
                gateway,
                "",
                "no ClientTrafficPolicy sets connection.bufferLimit for this Gateway: requests larger than 32 KiB "
                "(long prompts, images) get HTTP 413 (envoyproxy/ai-gateway#827)",
                f"Add a gateway.envoyproxy.io/v1alpha1 ClientTrafficPolicy in {ns} with targetRefs [{{group: "
                f"gateway.networking.k8s.io, kind: Gateway, name: {name}}}] and spec.connection.bufferLimit: 50Mi.",
                outside=True,
            )


@lint_rule("AIGW-L006", "at most one BackendSecurityPolicy per target", "error")
def one_security_policy_per_target(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    seen: dict[tuple[str | None, Any, Any, Any], Resource] = {}
    for policy in index.of_kind("BackendSecurityPolicy", AIGW_GROUP):
        own: dict[tuple[str | None, Any, Any, Any], int] = {}
        for i, ref in enumerate(targets(policy)):
            key = (policy.namespace, ref.get("group"), ref.get("kind"), ref.get("name"))
            if key in own:
                # The CRD lets targetRefs repeat (no list-type or CEL rule on it), but the gateway controller
                # appends the policy once per matching targetRef and then refuses the backend with "multiple
                # BackendSecurityPolicies found" (internal/controller/gateway.go backendWithMaybeBSP and
                # getBSPForInferencePool, v0.5.0 to v1.1.0), so the backend is left out of the gateway.
                yield Issue(
                    policy,
                    f"spec.targetRefs[{i}]",
                    f'{ref.get("kind")} "{ref.get("name")}" is already targeted by spec.targetRefs[{own[key]}] of '
                    "this policy; the controller counts the policy twice for it, reports multiple "
                    "BackendSecurityPolicies and skips that backend",
                    f"Remove spec.targetRefs[{i}]; list each target once.",
                )
                continue
            own[key] = i
            first = seen.setdefault(key, policy)
            if first is not policy and not same_object(first, policy):  # a policy defined twice: AIGW-L060
                yield Issue(
                    policy,
                    f"spec.targetRefs[{i}]",
                    f'{ref.get("kind")} "{ref.get("name")}" is already targeted by BackendSecurityPolicy '
                    f'"{first.name}"; two policies on one target is a reconcile error and neither is applied',
                    "Keep one BackendSecurityPolicy per target; merge or remove the other.",
                )


def _secret_ref(policy: Resource) -> tuple[str, dict[str, Any], str] | None:
    entry = SECRET_REFS.get(str(policy.spec.get("type")))
    if entry is None:
        return None
    steps, key = entry
    node: Any = policy.spec
    for step in steps:
        node = as_dict(node).get(step)
    if not isinstance(node, dict) or not isinstance(node.get("name"), str):
        return None
    return "spec." + ".".join(steps), node, key


@lint_rule("AIGW-L007", "secretRefs name a Secret in the manifests or one declared external", "error")
def secret_refs_resolve(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for policy in index.of_kind("BackendSecurityPolicy", AIGW_GROUP):
        found = _secret_ref(policy)
        if found is None:
            continue
        path, ref, _ = found
        ns, name = ref_namespace(ref, policy), ref["name"]
        if index.get("Secret", ns, name, "") is None and not ctx.secret_is_external(ns, name):
            yield Issue(
                policy,
                path,
                f'Secret "{ns}/{name}" is not in the manifests and not declared external',
                f"Create it at apply time (kubectl create secret generic {name} -n {ns} ...) and pass "
                f"--external-secret {ns}/{name}, or add it to the manifests.",
                outside=True,
            )


@lint_rule("AIGW-L008", "referenced Secrets hold the key the policy type reads", "error")
def secret_has_key(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for policy in index.of_kind("BackendSecurityPolicy", AIGW_GROUP):
        found = _secret_ref(policy)
        if found is None:
            continue
        _, ref, key = found
        secret = index.get("Secret", ref_namespace(ref, policy), ref["name"], "")
        if secret is None:
            continue
        keys = set(as_dict(secret.doc.get("data"))) | set(as_dict(secret.doc.get("stringData")))
        if key not in keys:
            have = (
                ", ".join(sorted("<key>" if describe_credential(str(k), "lint") else str(k) for k in keys))
                or "none"
            )
            yield Issue(
                secret,
                "data",
                f'BackendSecurityPolicy "{policy.name}" ({policy.spec.get("type")}) reads key "{key}", but this '
                f"Secret has keys: {have}",
                f'Store the credential under the key "{key}" (stringData or data).',
            )


def _fqdn_endpoints(backend: Resource) -> list[tuple[int, str, Any]]:
    out = []
    for i, ep in enumerate(as_list(backend.spec.get("endpoints"))):
        fqdn = as_dict(as_dict(ep).get("fqdn"))
        if isinstance(fqdn.get("hostname"), str):
            out.append((i, fqdn["hostname"], fqdn.get("port")))
    return out


def _tls_policies(index: ResourceIndex, backend: Resource) -> list[Resource]:
    return index.targeting(
        "BackendTLSPolicy", GWAPI_GROUP, (EG_GROUP, "Backend", backend.namespace, backend.name)
    )


@lint_rule("AIGW-L009", "HTTPS Backends have a BackendTLSPolicy whose hostname matches", "error")
def backend_tls_matches(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for backend in index.of_kind("Backend", EG_GROUP):
        endpoints = _fqdn_endpoints(backend)
        policies = _tls_policies(index, backend)
        tls = as_dict(backend.spec.get("tls"))
        own_tls = any(
            tls.get(k) for k in ("wellKnownCACertificates", "caCertificateRefs", "insecureSkipVerify")
        )
        https = [e for e in endpoints if e[2] == 443]
        if https and not policies and not own_tls:
            i, host, _ = https[0]
            yield Issue(
                backend,
                f"spec.endpoints[{i}].fqdn",
                f"{host}:443 is an HTTPS endpoint but no BackendTLSPolicy targets this Backend, so Envoy speaks "
                "plain HTTP to it and the provider rejects the request",
                f"Add a gateway.networking.k8s.io/v1 BackendTLSPolicy in {backend.namespace} with targetRefs "
                f"[{{group: gateway.envoyproxy.io, kind: Backend, name: {backend.name}}}] and validation "
                f"{{wellKnownCACertificates: System, hostname: {host}}}.",
            )
        for policy in policies:
            hostname = as_dict(policy.spec.get("validation")).get("hostname")
            for i, host, _ in endpoints:
                if hostname != host:
                    yield Issue(
                        policy,
                        "spec.validation.hostname",
                        f'validation.hostname is "{hostname}" but Backend "{backend.name}" endpoint {i} is "{host}": '
                        "the upstream certificate will not verify (and SNI is wrong)",
                        f"Set spec.validation.hostname: {host}, or use one Backend per hostname.",
                    )
