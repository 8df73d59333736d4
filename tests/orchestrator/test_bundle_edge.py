"""Bundles with client authentication and observability: the built-in scenarios validate clean, match their
golden copies, build with `kubectl kustomize`, and create API-key Secrets only from the environment."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from orchestrator.compose.bundle import build_bundle, write_bundle
from orchestrator.compose.composer import compose
from server.cli.build import example_text, examples
from skills.errors import InputError

SCENARIOS = ["jwt-client-auth", "apikey-client-auth"]


@pytest.fixture(scope="module")
def crds(shared_crds):
    from orchestrator.engine.crds import load_crds

    return load_crds(shared_crds)


def intake(scenario: str) -> dict:
    return yaml.safe_load(example_text(scenario))


def docs_of(bundle) -> list[dict]:
    return [d for d in yaml.safe_load_all(bundle.files["manifests.yaml"]) if d]


def test_every_scenario_is_a_built_in_example():
    assert set(SCENARIOS) <= set(examples())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_bundle_is_valid_and_matches_golden(scenario, crds, golden):
    bundle = build_bundle(intake(scenario), crds=crds)
    assert [f.message for f in bundle.report.findings if f.severity != "info"] == []
    assert bundle.report.checks_skipped == []
    assert bundle.valid, bundle.summary()
    assert all(item.passed for item in bundle.checklist), [i.title for i in bundle.checklist if not i.passed]
    for name, text in bundle.files.items():
        golden(f"bundles/{scenario}/{name}", text)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_bundle_builds_with_kubectl_kustomize(scenario, crds, tmp_path):
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    bundle = build_bundle(intake(scenario), crds=crds)
    write_bundle(bundle, tmp_path / "bundle")
    built = subprocess.run(
        ["kubectl", "kustomize", str(tmp_path / "bundle")], capture_output=True, text=True, timeout=60
    )
    assert built.returncode == 0, built.stderr
    key = lambda d: (d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"])  # noqa: E731
    objects = [d for d in yaml.safe_load_all(built.stdout) if d]
    assert sorted(map(key, objects)) == sorted(map(key, docs_of(bundle)))


def test_jwt_scenario_protects_the_gateway_and_wires_telemetry_into_it():
    docs = docs_of(build_bundle(intake("jwt-client-auth")))
    by_kind = {d["kind"]: d for d in docs}
    policy, gateway = by_kind["SecurityPolicy"], by_kind["Gateway"]
    assert (
        policy["spec"]["targetRefs"][0] | {"name": gateway["metadata"]["name"]}
        == policy["spec"]["targetRefs"][0]
    )
    assert policy["spec"]["jwt"]["providers"][0]["claimToHeaders"] == [
        {"claim": "sub", "header": "x-user-id"}
    ]
    assert (
        gateway["spec"]["infrastructure"]["parametersRef"]["name"]
        == by_kind["EnvoyProxy"]["metadata"]["name"]
    )
    config = by_kind["GatewayConfig"]["metadata"]["name"]
    assert gateway["metadata"]["annotations"]["aigateway.envoyproxy.io/gateway-config"] == config
    fields = by_kind["EnvoyProxy"]["spec"]["telemetry"]["accessLog"]["settings"][0]["format"]["json"]
    assert fields["x-user-id"] == "%REQ(X-USER-ID)%"  # the caller the JWT named is in every log line


def test_apikey_scenario_creates_one_secret_per_client_from_the_environment_only():
    bundle = build_bundle(intake("apikey-client-auth"))
    secrets_sh = bundle.files["secrets.sh"]
    for client, var in (("team-a", "TEAM_A_GATEWAY_KEY"), ("team-b", "TEAM_B_GATEWAY_KEY")):
        assert f'test -n "${{{var}:-}}"' in secrets_sh
        assert (
            f'printf %s "${{{var}:?set {var} first}}" | kubectl create secret generic ai-gateway-apikey-{client} '
            f"-n default --from-file={client}=/dev/stdin --dry-run=client -o yaml | kubectl apply -f -"
        ) in secrets_sh
    assert "Secret" not in {d["kind"] for d in docs_of(bundle)}
    (policy,) = [d for d in docs_of(bundle) if d["kind"] == "SecurityPolicy"]
    assert [r["name"] for r in policy["spec"]["apiKeyAuth"]["credentialRefs"]] == [
        "ai-gateway-apikey-team-a",
        "ai-gateway-apikey-team-b",
    ]


def test_route_scope_targets_the_generated_httproute():
    data = intake("jwt-client-auth")
    data["client_auth"]["scope"] = "route"
    data["environment"]["route_name"] = "llm"
    comp = compose(data)
    (policy,) = [d for d, _ in comp.documents if d["kind"] == "SecurityPolicy"]
    assert policy["spec"]["targetRefs"][0]["kind"] == "HTTPRoute"
    assert policy["spec"]["targetRefs"][0]["name"] == "llm"


def test_edge_problems_are_reported_under_their_intake_section():
    data = intake("jwt-client-auth")
    del data["client_auth"]["issuer"]
    data["observability"]["otel_metrics"] = True
    del data["observability"]["tracing_endpoint"]
    with pytest.raises(InputError) as info:
        compose(data | {"observability": {**data["observability"], "trace_sample_ratio": None}})
    paths = {p.path for p in info.value.problems}
    assert "client_auth.issuer" in paths and "observability.otel_metrics" in paths


def test_existing_gateway_leaves_the_telemetry_link_unchecked_with_the_commands_in_the_notes(crds):
    data = intake("jwt-client-auth")
    data["environment"]["create_gateway"] = False
    bundle = build_bundle(data, crds=crds)
    (item,) = [i for i in bundle.checklist if i.title.startswith("Observability")]
    assert item.passed is None
    assert any("kubectl annotate gateway/ai-gateway" in note for note in bundle.composition.notes)
    assert bundle.valid, bundle.summary()


def test_a_hex_digest_model_id_builds_and_its_readme_request_traces() -> None:
    """A 32-hex model id (a fine-tune or digest name) is a model name, not a key by its shape: the intake and the
    bundle's own trace of its README request take it (both used to refuse it as a 'long opaque token')."""
    from orchestrator.compose.bundle import build_bundle

    model = "d41d8cd98f00b204e9800998ecf8427e"
    bundle = build_bundle({"providers": [{"provider": "openai", "models": [model]}]})
    assert model in bundle.files["manifests.yaml"] and model in bundle.files["README.md"]
