"""aigw-inferencepool: inputs equivalent to upstream examples/inference-pool give equivalent manifests, clean
under the validation engine; the AIGatewayRoute's InferencePool rules are refused at input time in their words."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orchestrator.engine.lint.index import LintContext
from orchestrator.engine.validate import validate_documents
from skills.api import backend, install
from skills.errors import InputError
from skills.inferencepool import build_inferencepool
from skills.route import build_route
from tests.conftest import shared_path

UPSTREAM_LIKE: dict[str, Any] = {
    "route_name": "inference-pool-with-aigwroute",
    "gateway_name": "inference-pool-with-aigwroute",
    "gateway_class": "inference-pool-with-aigwroute",
    "pools": [
        {
            "name": "vllm-llama3-8b-instruct",
            "models": ["meta-llama/Llama-3.1-8B-Instruct"],
            "selector": {"app": "vllm-llama3-8b-instruct"},
            "endpoint_picker": "existing",
            "epp_name": "vllm-llama3-8b-instruct-epp",
        },
        {
            "name": "mistral",
            "models": ["mistral:latest"],
            "selector": {"app": "mistral-upstream"},
            "target_port": 8080,
            "objective_priority": 10,
        },
    ],
    "other_rules": ["some-cool-self-hosted-model=envoy-ai-gateway-basic-testupstream"],
}


def _upstream(*names: str) -> list[dict[str, Any]]:
    docs = []
    for name in names:
        text = shared_path("upstream-examples", "inference-pool", name).read_text(encoding="utf-8")
        docs += [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    return docs


def _one(docs: list[dict[str, Any]], kind: str, name: str | None = None) -> dict[str, Any]:
    (doc,) = [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]
    return doc


def _ours() -> list[dict[str, Any]]:
    testupstream = backend(
        name="envoy-ai-gateway-basic-testupstream",
        schema_name="OpenAI",
        service={"name": "envoy-ai-gateway-basic-testupstream", "port": 80},
    )
    return build_inferencepool(UPSTREAM_LIKE).manifests + testupstream.manifests


def test_upstream_like_input_matches_its_golden_file(golden) -> None:
    result = build_inferencepool(UPSTREAM_LIKE)
    golden("addons/inferencepool/upstream-aigwroute.yaml", result.yaml)
    assert list(yaml.safe_load_all(result.yaml)) == result.manifests


def test_same_kinds_and_api_versions_as_the_upstream_example_for_what_it_routes() -> None:
    ours = {(d["kind"], d["apiVersion"]) for d in _ours()}
    upstream = {(d["kind"], d["apiVersion"]) for d in _upstream("aigwroute.yaml", "base.yaml")}
    # Upstream's demo model servers (Deployments/Services of the test upstream) are not ours to generate; we
    # add the buffer-limit ClientTrafficPolicy (upstream #827).
    assert upstream - ours == set()
    assert ours - upstream == {("ClientTrafficPolicy", "gateway.envoyproxy.io/v1alpha1")}


def test_pool_objective_and_route_specs_equal_upstream() -> None:
    ours, upstream = _ours(), _upstream("aigwroute.yaml", "base.yaml")
    assert (
        _one(ours, "InferencePool", "mistral")["spec"] == _one(upstream, "InferencePool", "mistral")["spec"]
    )
    objective = _one(upstream, "InferenceObjective")["spec"]
    objective["poolRef"].setdefault("group", "inference.networking.k8s.io")  # the CRD default
    assert _one(ours, "InferenceObjective")["spec"] == objective
    route = _one(upstream, "AIGatewayRoute")["spec"]
    for rule in route["rules"]:  # upstream also matches literal Authorization keys; we never emit credentials
        models = {h["value"] for m in rule["matches"] for h in m["headers"] if h["name"] == "x-ai-eg-model"}
        rule["matches"] = [
            {"headers": [{"type": "Exact", "name": "x-ai-eg-model", "value": m}]} for m in models
        ]
    assert _one(ours, "AIGatewayRoute")["spec"] == route
    for kind in ("Gateway", "GatewayClass", "AIServiceBackend", "Backend"):
        assert _one(ours, kind)["spec"] == _one(upstream, kind)["spec"], kind


def test_endpoint_picker_matches_upstream_deployment_service_rbac_and_plugins() -> None:
    ours, upstream = _ours(), _upstream("base.yaml")
    theirs, mine = _one(upstream, "Deployment", "mistral-epp"), _one(ours, "Deployment", "mistral-epp")
    their_pod, my_pod = theirs["spec"]["template"]["spec"], mine["spec"]["template"]["spec"]
    their_c, my_c = their_pod["containers"][0], my_pod["containers"][0]
    assert my_c["args"] == [*their_c["args"][:-1], "/config/default-plugins.yaml"]
    assert my_c["image"] == "registry.k8s.io/gateway-api-inference-extension/epp:v1.0.2"  # paired with v1.1.0
    for key in ("ports", "livenessProbe", "readinessProbe", "volumeMounts"):
        assert my_c[key] == their_c[key], key
    assert my_pod["serviceAccountName"] == "mistral-epp"
    assert (
        _one(ours, "Service", "mistral-epp")["spec"]["ports"]
        == _one(upstream, "Service", "mistral-epp")["spec"]["ports"]
    )
    assert _one(ours, "ConfigMap")["data"] == _one(upstream, "ConfigMap")["data"]
    assert _one(ours, "Role")["rules"] == _one(upstream, "Role")["rules"]
    assert _one(ours, "ClusterRole")["rules"] == _one(upstream, "ClusterRole")["rules"]


def test_generated_manifests_are_clean_under_the_validation_engine(crd_set) -> None:
    data = dict(UPSTREAM_LIKE)
    data["pools"] = [dict(UPSTREAM_LIKE["pools"][1], api_key_env="MISTRAL_API_KEY")]
    result = build_inferencepool(data)
    docs = (
        result.manifests
        + backend(
            name="envoy-ai-gateway-basic-testupstream",
            schema_name="OpenAI",
            service={"name": "up", "port": 80},
        ).manifests
    )
    context = LintContext(external_secrets=frozenset(s.name for s in result.secrets))
    report = validate_documents(docs, crds=crd_set, context=context)
    assert report.findings == []


def test_a_pool_that_needs_a_key_gets_a_policy_targeting_the_pool_and_a_secret_command() -> None:
    result = build_inferencepool({"pools": [{**UPSTREAM_LIKE["pools"][1], "api_key_env": "MISTRAL_API_KEY"}]})
    policy = _one(result.manifests, "BackendSecurityPolicy")
    assert policy["spec"]["targetRefs"] == [
        {"group": "inference.networking.k8s.io", "kind": "InferencePool", "name": "mistral"}
    ]
    (secret,) = result.secrets
    assert (secret.key, secret.source) == ("apiKey", "env:MISTRAL_API_KEY")
    assert "MISTRAL_API_KEY" not in result.yaml


def test_annotations_and_failure_mode_reach_the_pool() -> None:
    pool = {
        **UPSTREAM_LIKE["pools"][1],
        "processing_body_mode": "buffered",
        "allow_mode_override": True,
        "failure_mode": "FailOpen",
        "endpoint_picker": "existing",
    }
    result = build_inferencepool({"pools": [pool], "route": False})
    assert [m["kind"] for m in result.manifests] == ["InferencePool", "InferenceObjective"]
    meta = result.manifests[0]["metadata"]["annotations"]
    assert meta == {
        "aigateway.envoyproxy.io/processing-body-mode": "buffered",
        "aigateway.envoyproxy.io/allow-mode-override": "true",
    }
    assert result.manifests[0]["spec"]["endpointPickerRef"]["failureMode"] == "FailOpen"


@pytest.mark.parametrize(
    ("backends", "wording"),
    [
        (
            [{"name": "p", "kind": "InferencePool"}, {"name": "a"}],
            "cannot mix InferencePool and AIServiceBackend",
        ),
        (
            [{"name": "p", "kind": "InferencePool"}, {"name": "q", "kind": "InferencePool"}],
            "only one InferencePool backend is allowed per rule",
        ),
        (
            [{"name": "p", "kind": "InferencePool", "model_name_override": "x"}],
            "model_name_override is ignored",
        ),
        ([{"name": "p", "kind": "InferencePool", "namespace": "other"}], "route's namespace"),
    ],
)
def test_route_rules_breaking_the_inferencepool_rules_are_refused_at_input_time(
    backends: list[dict[str, Any]], wording: str
) -> None:
    with pytest.raises(InputError) as err:
        build_route({"rules": [{"models": ["m"], "backends": backends}]})
    assert err.value.problems[0].path == "rules[0]"
    assert wording in str(err.value)


def test_duplicate_pool_names_are_refused() -> None:
    pool = UPSTREAM_LIKE["pools"][1]
    with pytest.raises(InputError, match="pool names must be unique"):
        build_inferencepool({"pools": [pool, {**pool, "models": ["other"]}]})


def test_inference_pool_addon_adds_backend_resources_and_the_crds_step() -> None:
    plan = install(addons=["inference-pool"])
    values = yaml.safe_load(plan.files["envoy-gateway-values.yaml"])
    assert (
        values["config"]["envoyGateway"]["extensionManager"]["backendResources"]
        == yaml.safe_load(
            shared_path("upstream-examples", "inference-pool", "envoy-gateway-values-addon.yaml").read_text()
        )["config"]["envoyGateway"]["extensionManager"]["backendResources"]
    )
    assert plan.steps[0].command.startswith(
        "kubectl apply --server-side -f https://github.com/kubernetes-sigs/"
    )


def test_route_problems_are_named_by_this_skill_fields_not_the_generated_route_rules() -> None:
    pool = UPSTREAM_LIKE["pools"][1]
    with pytest.raises(InputError) as err:
        build_inferencepool({"pools": [pool, {**pool, "name": "mistral-2"}]})
    assert [p.path for p in err.value.problems] == ["pools[1].models"]
    assert "already matched by pools[0]" in str(err.value)
    with pytest.raises(InputError) as err:
        build_inferencepool({"pools": [pool], "other_rules": ["mistral:latest=some-backend"]})
    assert [p.path for p in err.value.problems] == ["other_rules[0].models"]
    mixed = {"models": ["m"], "backends": [{"name": "p", "kind": "InferencePool"}, {"name": "a"}]}
    with pytest.raises(InputError) as err:
        build_inferencepool({"pools": [pool], "other_rules": [mixed]})
    assert [p.path for p in err.value.problems] == ["other_rules[0]"]
    assert "cannot mix InferencePool and AIServiceBackend" in str(err.value)


@pytest.mark.parametrize("version", ["v0.5.0", "v1.1.0"])
def test_crds_and_endpoint_picker_follow_the_inference_extension_of_the_target(version: str) -> None:
    from skills.versions import profile

    gie = profile(version).inference_extension
    plan = install(addons=["inference-pool"], version=version)
    assert plan.steps[0].command == (
        "kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api-inference-extension/"
        f"releases/download/{gie}/manifests.yaml"
    )
    result = build_inferencepool({"pools": [UPSTREAM_LIKE["pools"][1]], "target_version": version})
    (deployment,) = [m for m in result.manifests if m["kind"] == "Deployment"]
    image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == f"registry.k8s.io/gateway-api-inference-extension/epp:{gie}"
