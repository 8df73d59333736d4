"""Tripping and quiet cases for the edge lint rules (AIGW-L040..L043), merged into test_lint's tables.

Each case is a mutation of test_lint's clean OpenAI + Anthropic bundle (Gateway "gw", AIGatewayRoute "route",
namespace default) and the LintContext to lint it with.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from orchestrator.engine.lint.linter import LintContext

Docs = list[dict[str, Any]]
Case = tuple[Callable[[Docs], Docs], LintContext]
EG = "gateway.envoyproxy.io/v1alpha1"


def _obj(api: str, kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def _target(kind: str, name: str) -> list[dict[str, str]]:
    return [{"group": "gateway.networking.k8s.io", "kind": kind, "name": name}]


def jwt_policy(kind: str = "Gateway", name: str = "gw", **provider: Any) -> Callable[[Docs], Docs]:
    spec = {
        "targetRefs": _target(kind, name),
        "jwt": {
            "providers": [
                {
                    "name": "idp",
                    "issuer": "https://idp.example.com",
                    "remoteJWKS": {"uri": "https://idp.example.com/jwks"},
                }
                | provider
            ]
        },
    }
    return lambda d: [*d, _obj(EG, "SecurityPolicy", "clients", spec)]


def local_jwks(docs: Docs) -> Docs:
    out = jwt_policy()(docs)
    provider = out[-1]["spec"]["jwt"]["providers"][0]
    del provider["remoteJWKS"]
    provider["localJWKS"] = {"type": "Inline", "inline": '{"keys": []}'}
    return out


def apikey_policy(docs: Docs) -> Docs:
    spec = {
        "targetRefs": _target("Gateway", "gw"),
        "apiKeyAuth": {
            "credentialRefs": [{"name": "gw-apikey-team-a"}],
            "extractFrom": [{"headers": ["x-api-key"]}],
        },
    }
    return [*docs, _obj(EG, "SecurityPolicy", "keys", spec)]


def _gateway(docs: Docs) -> dict[str, Any]:
    return next(d for d in docs if d["kind"] == "Gateway")


def gateway_links(envoy_proxy: str | None, config: str | None, add: bool) -> Callable[[Docs], Docs]:
    def mutate(docs: Docs) -> Docs:
        out = copy.deepcopy(docs)
        gw = _gateway(out)
        if envoy_proxy:
            gw["spec"]["infrastructure"] = {
                "parametersRef": {"group": "gateway.envoyproxy.io", "kind": "EnvoyProxy", "name": envoy_proxy}
            }
            if add:
                out.append(_obj(EG, "EnvoyProxy", envoy_proxy, {}))
        if config:
            gw["metadata"]["annotations"] = {"aigateway.envoyproxy.io/gateway-config": config}
            if add:
                out.append(_obj("aigateway.envoyproxy.io/v1beta1", "GatewayConfig", config, {}))
        return out

    return mutate


EDGE_TRIPS: dict[str, dict[str, Case]] = {
    "AIGW-L040": {
        "missing-gateway": (jwt_policy("Gateway", "other"), LintContext()),
        "missing-route": (jwt_policy("HTTPRoute", "no-such-route"), LintContext()),
    },
    "AIGW-L041": {
        "local-jwks": (local_jwks, LintContext()),
        "plain-http-jwks": (jwt_policy(remoteJWKS={"uri": "http://idp.example.com/jwks"}), LintContext()),
    },
    "AIGW-L042": {"apikey-secret-missing": (apikey_policy, LintContext())},
    "AIGW-L043": {
        "missing-envoy-proxy": (gateway_links("telemetry", None, add=False), LintContext()),
        "missing-gateway-config": (gateway_links(None, "telemetry", add=False), LintContext()),
    },
}

EDGE_QUIET: dict[str, dict[str, Case]] = {
    "AIGW-L040": {
        "gateway-in-manifests": (jwt_policy(), LintContext()),
        "generated-httproute-of-the-aigatewayroute": (jwt_policy("HTTPRoute", "route"), LintContext()),
        "gateway-declared-existing": (
            jwt_policy("Gateway", "shared"),
            LintContext(existing_gateways=frozenset({"default/shared"})),
        ),
    },
    "AIGW-L041": {"https-remote-jwks": (jwt_policy(), LintContext())},
    "AIGW-L042": {
        "secret-declared-external": (
            apikey_policy,
            LintContext(external_secrets=frozenset({"default/gw-apikey-team-a"})),
        )
    },
    "AIGW-L043": {
        "both-in-manifests": (gateway_links("telemetry", "telemetry", add=True), LintContext()),
        "declared-existing": (
            gateway_links("telemetry", "telemetry", add=False),
            LintContext(
                existing_resources=frozenset(
                    {"EnvoyProxy/default/telemetry", "GatewayConfig/default/telemetry"}
                )
            ),
        ),
    },
}
