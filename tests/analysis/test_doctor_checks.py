"""Every doctor check fires on the smallest change to the healthy cluster that breaks what it checks.

Each case edits the healthy dump's objects (and, where absence must mean "not in the cluster", declares the kinds
collected in full as `doctor --collect` does), then expects exactly that finding on that object.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.analysis.doctor.catalog import CHECKS
from orchestrator.analysis.doctor.diagnose import diagnose
from orchestrator.analysis.doctor.report import render_text
from orchestrator.analysis.doctor.snapshot import ALL, COVERAGE_FILE, load_dump
from tests.analysis.doctor_cases import FIXTURES, cluster_objects, compose

Objects = list[dict[str, Any]]


def _find(objects: Objects, kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def _drop(objects: Objects, kind: str, name: str | None = None) -> Objects:
    return [o for o in objects if not (o["kind"] == kind and (name is None or o["metadata"]["name"] == name))]


def _eg_config(objects: Objects, edit: Callable[[dict[str, Any]], None]) -> Objects:
    cm = _find(objects, "ConfigMap", "envoy-gateway-config")
    eg = yaml.safe_load(cm["data"]["envoy-gateway.yaml"])
    edit(eg)
    cm["data"]["envoy-gateway.yaml"] = yaml.safe_dump(eg)
    return objects


def _no_status(objects: Objects) -> Objects:
    del _find(objects, "AIServiceBackend", "openai")["status"]
    return objects


def _stale(objects: Objects) -> Objects:
    _find(objects, "Gateway", "envoy-ai-gateway-basic")["metadata"]["generation"] = 2
    return objects


def _port(objects: Objects) -> Objects:
    return _eg_config(objects, lambda eg: eg["extensionManager"]["service"]["fqdn"].update(port=1064))


def _patch_policy(objects: Objects) -> Objects:
    objects = _eg_config(objects, lambda eg: eg["extensionApis"].pop("enableEnvoyPatchPolicy"))
    objects.append(
        {
            "apiVersion": "gateway.envoyproxy.io/v1alpha1",
            "kind": "EnvoyPatchPolicy",
            "metadata": {"name": "semantic-router", "namespace": "default"},
            "spec": {
                "targetRef": {
                    "group": "gateway.networking.k8s.io",
                    "kind": "Gateway",
                    "name": "envoy-ai-gateway-basic",
                },
                "type": "JSONPatch",
                "jsonPatches": [],
            },
            "status": {
                "ancestors": [
                    {
                        "ancestorRef": {"name": "envoy-ai-gateway-basic"},
                        "conditions": [
                            {
                                "type": "Accepted",
                                "status": "True",
                                "reason": "Accepted",
                                "message": "Policy has been accepted.",
                            }
                        ],
                    }
                ]
            },
        }
    )
    return objects


def _pool(objects: Objects, bundle: str = "v1.0.2") -> Objects:
    crd = _find(objects, "CustomResourceDefinition", "inferencepools.inference.networking.k8s.io")
    crd["metadata"]["annotations"]["inference.networking.k8s.io/bundle-version"] = bundle
    objects.append(
        {
            "apiVersion": "inference.networking.k8s.io/v1",
            "kind": "InferencePool",
            "metadata": {"name": "vllm-llama3", "namespace": "default"},
            "spec": {
                "selector": {"matchLabels": {"app": "vllm"}},
                "targetPorts": [{"number": 8000}],
                "endpointPickerRef": {"name": "vllm-llama3-epp", "port": {"number": 9002}},
            },
            "status": {
                "parents": [
                    {
                        "parentRef": {"kind": "Gateway", "name": "envoy-ai-gateway-basic"},
                        "conditions": [
                            {
                                "type": "Accepted",
                                "status": "True",
                                "reason": "Accepted",
                                "message": "InferencePool has been Accepted",
                            },
                            {
                                "type": "ResolvedRefs",
                                "status": "True",
                                "reason": "ResolvedRefs",
                                "message": "resolved",
                            },
                        ],
                    }
                ]
            },
        }
    )
    return objects


def _global_limit(objects: Objects) -> Objects:
    policies = yaml.safe_load(
        (FIXTURES / "token-limits-conflicted" / "policies.yaml").read_text(encoding="utf-8")
    )
    return objects + policies["items"][:1]


def _controller_name(objects: Objects) -> Objects:
    _find(objects, "GatewayClass", "envoy-ai-gateway-basic")["spec"]["controllerName"] = "example.com/other"
    return objects


def _extproc_crashing(objects: Objects) -> Objects:
    pod = next(o for o in objects if o["kind"] == "Pod")
    pod["status"]["initContainerStatuses"][0].update(
        ready=False,
        restartCount=7,
        state={"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s"}},
    )
    return objects


def _gateway_in_eg_namespace(objects: Objects) -> Objects:
    _find(objects, "AIGatewayRoute", "envoy-ai-gateway-basic")["spec"]["parentRefs"][0]["namespace"] = (
        "envoy-gateway-system"
    )
    return objects


def _crd_alpha_only(objects: Objects) -> Objects:
    crd = _find(objects, "CustomResourceDefinition", "aiservicebackends.aigateway.envoyproxy.io")
    crd["spec"]["versions"] = [{"name": "v1alpha1", "served": True, "storage": True}]
    return objects


def _controller_down(objects: Objects) -> Objects:
    _find(objects, "Deployment", "ai-gateway-controller")["status"] = {"replicas": 1, "availableReplicas": 0}
    return objects


COLLECTED = [
    "ConfigMap",
    "Pod",
    "Secret",
    "Deployment",
    "MutatingWebhookConfiguration",
    "HTTPRoute",
    "Service",
]

# id, object, what (substring), edit, kinds collected in full (None: a hand-made dump), config dump
CASES: list[tuple[str, str, str, Callable[[Objects], Objects], list[str] | None, str]] = [
    (
        "AIGW-D005",
        "AIServiceBackend/default/openai",
        "no status conditions",
        _no_status,
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D006",
        "Gateway/default/envoy-ai-gateway-basic",
        "generation 1, the object is at 2",
        _stale,
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D010",
        "Gateway/default/envoy-ai-gateway-basic",
        "no ConfigMap envoy-gateway-config",
        lambda o: _drop(o, "ConfigMap"),
        COLLECTED,
        "healthy.yaml",
    ),
    (
        "AIGW-D012",
        "ConfigMap/envoy-gateway-system/envoy-gateway-config",
        "port 1064",
        _port,
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D014",
        "ConfigMap/envoy-gateway-system/envoy-gateway-config",
        "1 EnvoyPatchPolicy",
        _patch_policy,
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D015",
        "ConfigMap/envoy-gateway-system/envoy-gateway-config",
        "no InferencePool",
        _pool,
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D016",
        "BackendTrafficPolicy/default/token-limit",
        "no rateLimit.backend",
        _global_limit,
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D017",
        "GatewayClass/envoy-ai-gateway-basic",
        "example.com/other",
        _controller_name,
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D021",
        "Gateway/default/envoy-ai-gateway-basic",
        "no MutatingWebhookConfiguration",
        lambda o: _drop(o, "MutatingWebhookConfiguration"),
        COLLECTED,
        "healthy.yaml",
    ),
    (
        "AIGW-D022",
        "Gateway/default/envoy-ai-gateway-basic",
        "no Envoy proxy pod",
        lambda o: _drop(o, "Pod"),
        COLLECTED,
        "healthy.yaml",
    ),
    ("AIGW-D023", "Pod/envoy-gateway-system/", "CrashLoopBackOff", _extproc_crashing, None, "healthy.yaml"),
    (
        "AIGW-D024",
        "Gateway/default/envoy-ai-gateway-basic",
        "no extproc config Secret envoy-ai-gateway-basic-default",
        lambda o: _drop(o, "Secret", "envoy-ai-gateway-basic-default"),
        COLLECTED,
        "healthy.yaml",
    ),
    (
        "AIGW-D025",
        "Gateway/envoy-gateway-system/envoy-ai-gateway-basic",
        "where Envoy Gateway itself runs",
        _gateway_in_eg_namespace,
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D032",
        "Gateway/default/envoy-ai-gateway-basic",
        "no route in the config dump",
        lambda o: o,
        None,
        "filter-not-enabled.yaml",
    ),
    (
        "AIGW-D050",
        "CustomResourceDefinition/aiservicebackends.aigateway.envoyproxy.io",
        "serves v1alpha1, not v1beta1",
        _crd_alpha_only,
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D053",
        "CustomResourceDefinition/inferencepools.inference.networking.k8s.io",
        "bundle version v0.3.0, expected v1.0.2",
        lambda o: _pool(o, "v0.3.0"),
        None,
        "healthy.yaml",
    ),
    (
        "AIGW-D055",
        "Deployment/envoy-ai-gateway-system/ai-gateway-controller",
        "no available replica",
        _controller_down,
        COLLECTED,
        "healthy.yaml",
    ),
    (
        "AIGW-D055",
        "Deployment/envoy-gateway",
        "no Envoy Gateway Deployment",
        lambda o: _drop(o, "Deployment", "envoy-gateway"),
        COLLECTED,
        "healthy.yaml",
    ),
    (
        "AIGW-D062",
        "AIGatewayRoute/default/envoy-ai-gateway-basic",
        "no HTTPRoute",
        lambda o: _drop(o, "HTTPRoute"),
        COLLECTED,
        "healthy.yaml",
    ),
]


def _dump(tmp_path: Path, edit: Callable[[Objects], Objects], collected: list[str] | None) -> Path:
    objects = edit(cluster_objects(compose("healthy", tmp_path / "healthy")))
    out = tmp_path / "dump"
    out.mkdir()
    (out / "all.yaml").write_text(
        yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": objects}), encoding="utf-8"
    )
    if collected is not None:
        coverage = {"kinds": {kind: [ALL] for kind in collected}}
        (out / COVERAGE_FILE).write_text(json.dumps(coverage), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("check", "obj", "what", "edit", "collected", "dump"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_check_fires_on_the_object_it_is_about(tmp_path, check, obj, what, edit, collected, dump):
    report = diagnose(
        load_dump([str(_dump(tmp_path, edit, collected))], [str(FIXTURES / "config-dumps" / dump)])
    )
    hits = [f for f in report.findings if f.id == check and f.object.startswith(obj) and what in f.what]
    assert hits, f"no {check} on {obj} mentioning {what!r}:\n{render_text(report)}"
    assert all(f.fix or f.confirm for f in hits)


def test_the_same_dump_declared_collected_in_full_is_still_healthy(tmp_path):
    report = diagnose(
        load_dump(
            [str(_dump(tmp_path, lambda o: o, COLLECTED))], [str(FIXTURES / "config-dumps" / "healthy.yaml")]
        )
    )
    assert report.findings == []


def test_every_registered_check_has_a_spec():
    from tests.analysis.doctor_cases import CASES as FAILURE_MODES

    covered = {c[0] for c in CASES} | {e.id for case in FAILURE_MODES.values() for e in case.expected}
    covered |= {
        "AIGW-D042",
        "AIGW-D063",
        "AIGW-D064",
    }  # test_doctor.py: Secret namespace; below: cost, tracer
    assert set(CHECKS) - covered == set()


def test_a_token_limit_whose_cost_no_route_writes_is_found(tmp_path):
    report = diagnose(load_dump([str(_dump(tmp_path, _global_limit, None))]))
    [hit] = [f for f in report.findings if f.id == "AIGW-D063"]
    assert hit.object == "BackendTrafficPolicy/default/token-limit"
    assert "io.envoy.ai_gateway/llm_total_token" in hit.what and "llmRequestCosts" in (hit.fix or "")


def test_the_tracer_runs_on_the_live_objects_and_reports_a_request_that_cannot_be_served(tmp_path):
    snapshot = load_dump([str(_dump(tmp_path, lambda o: o, None))])
    assert diagnose(snapshot).findings == []  # every routed model, traced at the endpoint its schema serves
    report = diagnose(snapshot, models=["claude-sonnet-4-6"], path="/v1/chat/completions")
    [hit] = [f for f in report.findings if f.id == "AIGW-D064"]
    assert hit.object == "AIServiceBackend/default/anthropic"
    assert "cannot serve /v1/chat/completions" in hit.what and hit.fix
    assert hit.confirm and hit.confirm.startswith("curl -sS -i http://$GATEWAY_HOST/v1/chat/completions")
