"""aigw-clientauth: the SecurityPolicy for JWT and API-key client auth, its Secret shapes, and its refusals."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orchestrator.engine.lint.linter import LintContext
from orchestrator.engine.validate import validate_documents
from skills.clientauth import build_clientauth
from skills.errors import InputError

JWT: dict[str, Any] = {
    "type": "jwt",
    "issuer": "https://auth.example.com/realms/ai",
    "jwks_uri": "https://auth.example.com/realms/ai/protocol/openid-connect/certs",
    "audiences": ["ai-gateway"],
}
APIKEY: dict[str, Any] = {"type": "apikey", "clients": ["team-a", "team-b=TEAM_B_KEY", "ci=file:./ci.key"]}
VARIANTS = {
    "jwt-on-gateway": JWT,
    "jwt-on-route-custom-claims": JWT
    | {
        "target_kind": "HTTPRoute",
        "target_name": "llm",
        "claim_to_headers": ["sub=x-user-id", "org.id=x-tenant-id"],
        "token_header": "x-id-token",
    },
    "apikey-on-gateway": APIKEY,
    "apikey-x-api-key-route": APIKEY
    | {"target_kind": "HTTPRoute", "key_header": "x-api-key", "sanitize": False},
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_variant_matches_golden_and_is_clean_under_the_upstream_crds(variant, golden, crd_set):
    result = build_clientauth(VARIANTS[variant])
    golden(f"skills/clientauth/{variant}.yaml", result.yaml)
    context = LintContext(
        existing_gateways=frozenset({"default/ai-gateway"}),
        existing_resources=frozenset({"HTTPRoute/default/llm", "HTTPRoute/default/ai-gateway"}),
        external_secrets=frozenset(f"{s.namespace}/{s.name}" for s in result.secrets),
    )
    report = validate_documents(result.manifests, crds=crd_set, context=context)
    assert report.findings == [], [f"{f.rule} {f.path}: {f.message}" for f in report.findings]
    assert report.checks_skipped == []
    assert list(yaml.safe_load_all(result.yaml)) == result.manifests


def test_jwt_policy_forwards_the_subject_as_x_user_id_by_default():
    (policy,) = build_clientauth(JWT).manifests
    provider = policy["spec"]["jwt"]["providers"][0]
    assert provider["claimToHeaders"] == [{"claim": "sub", "header": "x-user-id"}]
    assert provider["remoteJWKS"] == {"uri": JWT["jwks_uri"]}
    assert provider["issuer"] == JWT["issuer"] and provider["audiences"] == ["ai-gateway"]
    assert policy["spec"]["targetRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "ai-gateway"}
    ]


def test_route_scope_targets_the_httproute_named_after_the_aigatewayroute():
    (policy,) = build_clientauth(JWT | {"target_kind": "HTTPRoute", "target_name": "llm"}).manifests
    assert policy["spec"]["targetRefs"][0]["kind"] == "HTTPRoute"
    assert policy["spec"]["targetRefs"][0]["name"] == "llm"


def test_apikey_gives_each_client_a_secret_keyed_by_its_client_id():
    result = build_clientauth(APIKEY)
    (policy,) = result.manifests
    auth = policy["spec"]["apiKeyAuth"]
    assert [r["name"] for r in auth["credentialRefs"]] == [s.name for s in result.secrets]
    assert [(s.key, s.source) for s in result.secrets] == [
        ("team-a", "env:TEAM_A_GATEWAY_KEY"),
        ("team-b", "env:TEAM_B_KEY"),
        ("ci", "file:./ci.key"),
    ]
    assert auth["extractFrom"] == [{"headers": ["Authorization"]}]
    assert auth["forwardClientIDHeader"] == "x-client-id" and auth["sanitize"] is True
    assert all(s.used_by == "SecurityPolicy/default/ai-gateway-apikey" for s in result.secrets)
    assert "--from-file=team-b=/dev/stdin" in result.secrets[1].command
    assert "--from-file=ci=/dev/stdin --dry-run=client -o yaml < ./ci.key |" in result.secrets[2].command


def test_no_secret_value_ever_reaches_an_output_even_when_the_env_var_is_set(monkeypatch):
    monkeypatch.setenv("TEAM_A_GATEWAY_KEY", "Zx81Qm2Lp9Rt4Vb6Nc3Hd7Fg5Jk0Ws2Ey")
    result = build_clientauth(APIKEY)
    assert "Zx81Qm2Lp9" not in result.model_dump_json()


def test_a_key_pasted_as_a_client_is_refused_without_being_echoed():
    key = "sk-proj-" + "a1B2c3D4" * 6
    with pytest.raises(InputError) as info:
        build_clientauth({"type": "apikey", "clients": [f"team-a={key}"]})
    assert key not in str(info.value)


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({"type": "jwt", "jwks_uri": JWT["jwks_uri"]}, "issuer", "required for type jwt"),
        ({"type": "jwt", "issuer": JWT["issuer"]}, "jwks_uri", "required for type jwt"),
        ({"type": "apikey"}, "clients", "required for type apikey"),
        (APIKEY | {"issuer": "https://x.example.com"}, "issuer", "not used by type apikey"),
        (JWT | {"clients": ["team-a"]}, "clients", "not used by type jwt"),
        ({"type": "apikey", "clients": ["a", "a"]}, "clients", "listed twice"),
        ({"type": "apikey", "clients": ["a.b", "a-b"]}, "clients", "same Secret name"),
        (JWT | {"claim_to_headers": ["sub=x-user", "email=X-User"]}, "claim_to_headers", "same header"),
    ],
)
def test_inconsistent_inputs_are_refused_with_the_field_named(data, path, message):
    with pytest.raises(InputError) as info:
        build_clientauth(data)
    assert any(p.path == path and message in p.message for p in info.value.problems), info.value.problems


@pytest.mark.parametrize(
    "bad",
    [
        {"jwks_uri": "http://auth.example.com/jwks"},  # keys must come over https
        {"claim_to_headers": ["sub"]},  # shorthand needs claim=header
        {"audiences": ["a"] * 9},  # the CRD allows 8
    ],
)
def test_malformed_fields_are_refused_before_anything_is_rendered(bad):
    with pytest.raises(InputError):
        build_clientauth(JWT | bad)
