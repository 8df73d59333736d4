"""`doctor` from dumps: each failure mode found with the right object, reason and fix; a healthy cluster is clean."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.analysis.doctor.catalog import CHECKS
from orchestrator.analysis.doctor.configdump import FILTER, view
from orchestrator.analysis.doctor.diagnose import diagnose
from orchestrator.analysis.doctor.report import render_json, render_text
from orchestrator.analysis.doctor.snapshot import load_dump
from tests.analysis.doctor_cases import CASES, FIXTURES, SECRET_VALUE_MARKERS, compose, config_dump, found

CLI = [sys.executable, "-m", "server"]


def _diagnose(case: str, tmp_path: Path):
    directory = compose(case, tmp_path / case)
    spec = CASES.get(case)
    dumps = [config_dump(spec)] if spec else [str(FIXTURES / "config-dumps" / "healthy.yaml")]
    return diagnose(load_dump([str(directory)], dumps), models=list(spec.models) if spec else [])


def test_healthy_cluster_dump_gives_no_findings_and_skips_no_check(tmp_path):
    report = _diagnose("healthy", tmp_path)
    assert report.findings == []
    assert report.checks_skipped == []
    assert report.ok and report.summary == []
    assert report.target_version == "v1.1.0"  # read from the controller image


@pytest.mark.parametrize("case", sorted(CASES))
def test_failure_mode_is_diagnosed_from_a_dump_with_object_reason_and_fix(case, tmp_path):
    report = _diagnose(case, tmp_path)
    for expected in CASES[case].expected:
        hits = found(report.findings, expected)
        assert hits, (
            f"{case}: no {expected.id} on {expected.object} mentioning {expected.what!r}:\n{render_text(report)}"
        )
        for f in hits:
            assert f.fix or f.confirm
            assert f.why and f.reference
            assert f.reference == CHECKS[f.id].reference
    doctor_ids = {f.id for f in report.findings if f.id.startswith("AIGW-D")}
    assert doctor_ids == {e.id for e in CASES[case].expected}, render_text(report)
    assert not report.ok


def test_secret_values_are_dropped_when_a_dump_is_read_and_never_printed(tmp_path):
    directory = compose("healthy", tmp_path / "healthy")
    snapshot = load_dump([str(directory)], [str(FIXTURES / "config-dumps" / "healthy.yaml")])
    held = json.dumps([o.doc for o in snapshot.objects]) + json.dumps(
        [d.configs for d in snapshot.config_dumps]
    )
    report = diagnose(snapshot)
    for marker in SECRET_VALUE_MARKERS:
        assert marker not in held
        assert marker not in render_json(report) + render_text(report)
    secret = snapshot.get("Secret", "default", "openai-apikey")
    assert secret is not None and secret.doc["data"] == {"apiKey": ""}
    assert not any("SecretsConfigDump" in json.dumps(d.configs) for d in snapshot.config_dumps)


def test_summary_puts_version_skew_before_the_status_it_explains(tmp_path):
    directory = compose("status-not-accepted", tmp_path / "both")
    for path in (FIXTURES / "version-skew").glob("*.yaml"):
        (directory / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    report = diagnose(load_dump([str(directory)], [str(FIXTURES / "config-dumps" / "healthy.yaml")]))
    layers = [f.layer for f in report.findings]
    assert layers.index("install") < layers.index("status")
    assert report.summary[0].startswith("1. [versions and controllers]")
    assert "AIGW-D0" in report.summary[0] and "run `" in report.summary[0]


def test_egctl_and_admin_config_dump_shapes_are_both_read():
    egctl = load_dump([str(FIXTURES / "config-dumps" / "healthy.yaml")]).config_dumps[0]
    admin = load_dump([str(FIXTURES / "config-dumps" / "no-ext-proc.yaml")]).config_dumps[0]
    assert egctl.pod == "envoy-gateway-system/envoy-default-envoy-ai-gateway-basic-21ffb0f1-6c9d7b8f5-x2k9p"
    assert FILTER in view(egctl).listeners["default/envoy-ai-gateway-basic/http"]
    assert view(egctl).clusters["ai-gateway-extproc-uds"] == ["/etc/ai-gateway-extproc-uds/run.sock"]
    assert view(egctl).routes_enabling_filter == 1
    assert view(admin).listeners["default/envoy-ai-gateway-basic/http"] == ["envoy.filters.http.router"]
    assert "ai-gateway-extproc-uds" not in view(admin).clusters


def test_a_partial_dump_says_what_it_could_not_check_instead_of_guessing(tmp_path):
    only_routes = tmp_path / "routes.yaml"
    only_routes.write_text((FIXTURES / "healthy" / "ai.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    report = diagnose(load_dump([str(only_routes)]))
    ids = {f.id for f in report.findings}
    assert not ids & {"AIGW-D010", "AIGW-D021", "AIGW-D022", "AIGW-D040", "AIGW-D055"}
    skipped = "\n".join(report.checks_skipped)
    for what in (
        "envoy-gateway-config",
        "no config dump",
        "Secrets",
        "CustomResourceDefinitions",
        "Deployments",
    ):
        assert what in skipped


def test_secret_named_in_another_namespace_is_flagged_where_the_controller_reads_it(tmp_path):
    directory = compose("healthy", tmp_path / "ns")
    ai = (directory / "ai.yaml").read_text(encoding="utf-8")
    (directory / "ai.yaml").write_text(
        ai.replace(
            "secretRef: {name: openai-apikey}", "secretRef: {name: openai-apikey, namespace: secrets}"
        ),
        encoding="utf-8",
    )
    report = diagnose(load_dump([str(directory)]))
    [hit] = [f for f in report.findings if f.id == "AIGW-D042"]
    assert hit.object == "BackendSecurityPolicy/default/openai-apikey"
    assert "reads default/openai-apikey" in hit.what


def test_cli_exit_codes_match_validate_and_json_is_stable(tmp_path):
    healthy = compose("healthy", tmp_path / "healthy")
    broken = compose("secrets-missing", tmp_path / "broken")
    ok = subprocess.run([*CLI, "doctor", str(healthy)], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "0 errors, 0 warnings" in ok.stdout
    runs = [
        subprocess.run(
            [*CLI, "doctor", str(broken), "--format", "json"], capture_output=True, text=True, timeout=120
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [1, 1]
    assert runs[0].stdout == runs[1].stdout
    data = json.loads(runs[0].stdout)
    assert {f["id"] for f in data["findings"]} >= {"AIGW-D040", "AIGW-D041"}
    assert all(f["object"] and (f["fix"] or f["confirm"]) for f in data["findings"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("items: [\n", encoding="utf-8")
    failed = subprocess.run([*CLI, "doctor", str(bad)], capture_output=True, text=True, timeout=120)
    assert failed.returncode == 2
    assert "bad.yaml: not valid YAML or JSON at line" in failed.stderr and "Traceback" not in failed.stderr


def test_every_finding_id_is_documented_in_the_command_help():
    out = subprocess.run([*CLI, "doctor", "--help"], capture_output=True, text=True, timeout=120).stdout
    for check in CHECKS.values():
        assert f"{check.id}  " in out
    assert "Exit status: 0" in out


def test_warnings_alone_pass_unless_strict(tmp_path):
    dump = compose("no-matching-route", tmp_path / "warn")  # without --model: only the x-model header warning
    plain = subprocess.run([*CLI, "doctor", str(dump)], capture_output=True, text=True, timeout=120)
    strict = subprocess.run(
        [*CLI, "doctor", str(dump), "--strict"], capture_output=True, text=True, timeout=120
    )
    assert "AIGW-D061" in plain.stdout and "0 errors, 1 warning" in plain.stdout
    assert (plain.returncode, strict.returncode) == (0, 1)


def test_live_mode_without_kubectl_says_how_to_diagnose_a_dump_instead(tmp_path):
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    result = subprocess.run([*CLI, "doctor"], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(
        "aigw-skills doctor: kubectl not found on PATH; install kubectl, or diagnose a dump"
    )
    assert "aigw-skills doctor --collect DIR" in result.stderr and "`aigw-skills doctor DIR`" in result.stderr


def test_summary_quotes_commands_and_keeps_instructions_as_prose(tmp_path):
    conflicted = _diagnose("token-limits-conflicted", tmp_path)
    assert conflicted.summary[0].endswith(
        "; merge this policy's settings into BackendTrafficPolicy/default/"
        "token-limit and delete this one: kubectl delete backendtrafficpolicy "
        "provider-retry -n default"
    )
    skew = _diagnose("version-skew", tmp_path)
    assert (
        "; run `helm upgrade eg oci://docker.io/envoyproxy/gateway-helm --version v1.8.1" in skew.summary[0]
    )


def test_max_findings_keeps_the_most_urgent_and_the_exit_code_still_counts_all(tmp_path):
    directory = compose("status-not-accepted", tmp_path / "many")
    full = diagnose(load_dump([str(directory)]))
    short = diagnose(load_dump([str(directory)]), max_findings=1)
    assert short.findings == full.findings[:1] and short.omitted == len(full.findings) - 1
    assert short.counts == full.counts and short.summary == full.summary
    text = render_text(short)
    assert f"... {short.omitted} more finding" in text and "raise --max-findings" in text
    from orchestrator.analysis.doctor.report import exit_code

    assert exit_code(short) == exit_code(full) == 1


def test_a_dump_without_ai_routes_says_so_instead_of_a_clean_bill(tmp_path):
    only_gateway = tmp_path / "gateway.yaml"
    only_gateway.write_text(
        (FIXTURES / "healthy" / "gateway.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    report = diagnose(load_dump([str(only_gateway)]))
    assert any("no AIGatewayRoute or MCPRoute attaches to a Gateway" in s for s in report.checks_skipped)


@pytest.mark.parametrize("case", ["ext-hooks-missing", "version-skew"])
def test_text_report_reads_as_the_golden_file(case, tmp_path, golden):
    snapshot = load_dump([str(compose(case, tmp_path / case))], [config_dump(CASES[case])])
    snapshot.source = f"dump {case}"  # the temporary directory's name would change every run
    golden(f"doctor/{case}.txt", render_text(diagnose(snapshot)))
