"""`doctor` through the real kubectl against a fake API server serving the same dumps, and `--collect`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from orchestrator.analysis.doctor.diagnose import diagnose
from orchestrator.analysis.doctor.options import DoctorInput
from orchestrator.analysis.doctor.report import render_text
from orchestrator.analysis.doctor.run import snapshot_for
from orchestrator.analysis.doctor.snapshot import dump_files, load_dump
from tests.analysis.doctor_cases import (
    CASES,
    FIXTURES,
    SECRET_VALUE_MARKERS,
    cluster_objects,
    compose,
    config_dump,
    found,
)

CLI = [sys.executable, "-m", "server"]


def _comparable(report):
    return [(f.id, f.object, f.what, f.fix, f.confirm) for f in report.findings]


@pytest.mark.parametrize("case", ["healthy", *sorted(CASES)])
def test_failure_mode_is_diagnosed_through_kubectl_and_collect_gives_the_same_findings(
    case, api_server, tmp_path
):
    spec = CASES.get(case)
    server = api_server(cluster_objects(compose(case, tmp_path / "cluster")))
    dump = config_dump(spec) if spec else str(FIXTURES / "config-dumps" / "healthy.yaml")
    inp = DoctorInput(
        kubeconfig=str(server.kubeconfig), config_dump=[dump], models=list(spec.models) if spec else []
    )
    snapshot = snapshot_for(inp)
    live = diagnose(snapshot, models=list(inp.models))
    if spec is None:
        assert live.findings == [], render_text(live)
        assert live.checks_skipped == []
    else:
        for expected in spec.expected:
            assert found(live.findings, expected), f"{case}: {expected} not found live:\n{render_text(live)}"
        assert {f.id for f in live.findings if f.id.startswith("AIGW-D")} == {e.id for e in spec.expected}
    collected = tmp_path / "collected"
    collected.mkdir()
    for name, text in dump_files(snapshot, tool_version="test").items():
        (collected / name).write_text(text, encoding="utf-8")
    again = diagnose(load_dump([str(collected)]), models=list(inp.models))
    assert _comparable(again) == _comparable(live)
    assert again.checks_skipped == live.checks_skipped
    assert server.api.refused_writes == []


def test_collect_writes_no_secret_value_and_the_cli_reads_it_back_to_the_same_report(api_server, tmp_path):
    server = api_server(cluster_objects(compose("secrets-missing", tmp_path / "cluster")))
    dump = str(FIXTURES / "config-dumps" / "healthy.yaml")
    base = [*CLI, "doctor", "--kubeconfig", str(server.kubeconfig), "--config-dump", dump]
    out = tmp_path / "support-dump"
    collect = subprocess.run([*base, "--collect", str(out)], capture_output=True, text=True, timeout=300)
    assert collect.returncode == 0, collect.stderr
    assert f"aigw-skills doctor {out}" in collect.stderr
    written = "".join(p.read_text(encoding="utf-8") for p in sorted(out.iterdir()))
    for marker in SECRET_VALUE_MARKERS:
        assert marker not in written
    assert "openai-apikey" in written and "api-key" in written  # names and key names are kept
    secrets = yaml.safe_load((out / "secret.yaml").read_text(encoding="utf-8"))["items"]
    for secret in secrets:
        assert set(secret) == {"apiVersion", "kind", "metadata", "type", "data"}
        assert set(secret["metadata"]) == {"name", "namespace", "annotations"}
        assert set(secret["data"].values()) <= {""}
    live = subprocess.run([*base, "--format", "json"], capture_output=True, text=True, timeout=300)
    offline = subprocess.run(
        [*CLI, "doctor", str(out), "--format", "json"], capture_output=True, text=True, timeout=300
    )
    assert live.returncode == offline.returncode == 1
    strip = lambda text: [{k: v for k, v in f.items() if k != "source"} for f in json.loads(text)["findings"]]  # noqa: E731
    assert strip(live.stdout) == strip(offline.stdout)
    for marker in SECRET_VALUE_MARKERS:
        assert marker not in live.stdout
    secret_reads = [r for r in server.api.requests if "/secrets" in r]
    assert secret_reads and all(
        "/namespaces/" in r for r in secret_reads
    )  # only the namespaces the checks need
    assert server.api.refused_writes == []
    again = subprocess.run([*base, "--collect", str(out)], capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "not an empty directory" in again.stderr


def test_unreachable_cluster_exits_2_with_kubectls_reason(api_server, tmp_path):
    server = api_server([])
    server.stop()
    result = subprocess.run(
        [*CLI, "doctor", "--kubeconfig", str(server.kubeconfig)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        'aigw-skills doctor: kubectl could not reach the cluster of context "fake"'
    )
    assert "refused" in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_namespace_option_reads_only_that_namespace(api_server, tmp_path):
    server = api_server(cluster_objects(compose("healthy", tmp_path / "cluster")))
    inp = DoctorInput(kubeconfig=str(server.kubeconfig), namespace="other")
    snapshot = snapshot_for(inp)
    assert not snapshot.of_kind("AIGatewayRoute")
    assert any("/namespaces/other/aigatewayroutes" in r for r in server.api.requests)


def test_a_dead_aggregated_api_leaves_discovery_partial_but_the_diagnosis_runs(api_server, tmp_path):
    server = api_server(
        cluster_objects(compose("healthy", tmp_path / "cluster")), unavailable=("metrics.k8s.io",)
    )
    inp = DoctorInput(
        kubeconfig=str(server.kubeconfig), config_dump=[str(FIXTURES / "config-dumps" / "healthy.yaml")]
    )
    report = diagnose(snapshot_for(inp))
    assert report.findings == []
    assert any(
        s.startswith("API discovery was partial") and "metrics.k8s.io" in s for s in report.checks_skipped
    )


def test_a_cluster_without_the_ai_gateway_crds_is_told_to_install_them(api_server, tmp_path):
    objects = [
        o
        for o in cluster_objects(compose("healthy", tmp_path / "cluster"))
        if "aigateway.envoyproxy.io" not in o["apiVersion"]
        and not (o["kind"] == "CustomResourceDefinition" and o["spec"]["group"] == "aigateway.envoyproxy.io")
    ]
    server = api_server(objects)
    report = diagnose(snapshot_for(DoctorInput(kubeconfig=str(server.kubeconfig))))
    [hit] = [f for f in report.findings if f.id == "AIGW-D050"]
    assert hit.what == "no AI Gateway CRD is installed" and "ai-gateway-crds-helm" in (hit.fix or "")
    assert any("aigatewayroutes.aigateway.envoyproxy.io" in s for s in report.checks_skipped)


def test_secrets_the_user_may_not_list_are_reported_unchecked_not_missing(api_server, tmp_path):
    server = api_server(
        cluster_objects(compose("secrets-missing", tmp_path / "cluster")), forbidden=("secrets",)
    )
    inp = DoctorInput(
        kubeconfig=str(server.kubeconfig), config_dump=[str(FIXTURES / "config-dumps" / "healthy.yaml")]
    )
    report = diagnose(snapshot_for(inp))
    assert not {f.id for f in report.findings} & {"AIGW-D040", "AIGW-D041", "AIGW-D024"}
    notes = "\n".join(report.checks_skipped)
    assert "Secrets in default: not read" in notes and "forbidden" in notes
