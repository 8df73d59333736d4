"""Migration: manifests shaped like AI Gateway v0.2, v0.3 and v0.5 become v1.1 manifests that the validation
engine accepts against the v1.1 CRDs, with a golden report of every change; the core never guesses silently."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from orchestrator.analysis.migrate.report import migrate_and_validate, render_changes, render_manifests
from orchestrator.analysis.migrate.rewrite import migrate_documents
from orchestrator.engine.lint.linter import LintContext
from orchestrator.engine.load import load_documents

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "migrate"
EXAMPLES = Path(__file__).resolve().parents[2] / "orchestrator" / "intake" / "examples"
SECRETS = {
    "v0.2": "ai/bedrock-credentials",
    "v0.3": "default/openai-apikey",
    "v0.5": "default/gemini-apikey",
}


def fixture_docs(name: str) -> list[dict[str, Any]]:
    return list(load_documents([FIXTURES / f"{name}.yaml"]).documents)


def find(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


@pytest.mark.parametrize("release", sorted(SECRETS))
def test_old_release_manifests_migrate_to_v1_1_clean_under_the_engine_with_a_golden_report(
    release: str, crd_set: Any, golden: Any
) -> None:
    result = migrate_and_validate(
        fixture_docs(release),
        "v1.1.0",
        crds=crd_set,
        context=LintContext(external_secrets=frozenset({SECRETS[release]})),
    )
    assert result.migration.warnings == []
    assert [f"{f.resource}: {f.path}: {f.message}" for f in result.report.findings] == []
    assert result.report.checks_skipped == []
    assert result.ok
    golden(f"migrate/{release}-to-v1.1.0.txt", render_changes(result))
    golden(f"migrate/{release}-to-v1.1.0.yaml", render_manifests(result.migration))


def test_v0_3_route_attaches_with_parent_refs_and_loses_schema_and_filter_config() -> None:
    docs = migrate_documents(fixture_docs("v0.3"), "v1.1.0").documents
    spec = find(docs, "AIGatewayRoute", "ai-gateway")["spec"]
    assert "targetRefs" not in spec and "schema" not in spec and "filterConfig" not in spec
    assert spec["parentRefs"] == [
        {"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "ai-gateway"}
    ]
    config = find(docs, "GatewayConfig", "ai-gateway-config")
    assert config["apiVersion"] == "aigateway.envoyproxy.io/v1beta1"
    assert config["spec"]["extProc"]["kubernetes"]["resources"] == {
        "requests": {"cpu": "100m", "memory": "128Mi"}
    }
    gateway = find(docs, "Gateway", "ai-gateway")
    assert gateway["metadata"]["annotations"] == {
        "aigateway.envoyproxy.io/gateway-config": "ai-gateway-config"
    }


def test_service_backend_ref_becomes_a_generated_backend_on_the_service_cluster_dns_name() -> None:
    docs = migrate_documents(fixture_docs("v0.3"), "v1.1.0").documents
    asb = find(docs, "AIServiceBackend", "ollama")
    assert asb["spec"]["backendRef"] == {
        "name": "ollama",
        "kind": "Backend",
        "group": "gateway.envoyproxy.io",
    }
    backend = find(docs, "Backend", "ollama")
    assert backend["metadata"]["namespace"] == "default"
    assert backend["spec"]["endpoints"] == [
        {"fqdn": {"hostname": "ollama.models.svc.cluster.local", "port": 11434}}
    ]
    assert docs.index(backend) == docs.index(asb) + 1


def test_backend_security_policy_ref_moves_to_the_policy_target_refs() -> None:
    docs = migrate_documents(fixture_docs("v0.2"), "v1.1.0").documents
    assert "backendSecurityPolicyRef" not in find(docs, "AIServiceBackend", "bedrock")["spec"]
    policy = find(docs, "BackendSecurityPolicy", "bedrock-credentials")
    assert policy["spec"]["targetRefs"] == [
        {"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend", "name": "bedrock"}
    ]


def test_backend_timeouts_move_to_the_rules_that_use_the_backend() -> None:
    docs = migrate_documents(fixture_docs("v0.2"), "v1.1.0").documents
    assert "timeouts" not in find(docs, "AIServiceBackend", "bedrock")["spec"]
    assert find(docs, "AIGatewayRoute", "llm-route")["spec"]["rules"][0]["timeouts"] == {"request": "120s"}


def test_openai_schema_version_becomes_prefix_and_tls_policy_moves_to_v1() -> None:
    docs = migrate_documents(fixture_docs("v0.5"), "v1.1.0").documents
    assert find(docs, "AIServiceBackend", "gemini")["spec"]["schema"] == {
        "name": "OpenAI",
        "prefix": "v1beta/openai",
    }
    assert find(docs, "BackendTLSPolicy", "gemini-tls")["apiVersion"] == "gateway.networking.k8s.io/v1"


def test_v0_5_mcp_route_only_changes_api_version() -> None:
    before = find(fixture_docs("v0.5"), "MCPRoute", "mcp")
    after = find(migrate_documents(fixture_docs("v0.5"), "v1.1.0").documents, "MCPRoute", "mcp")
    assert after["apiVersion"] == "aigateway.envoyproxy.io/v1beta1"
    assert after["spec"] == before["spec"]


def test_target_v0_5_keeps_v1alpha1_and_filter_config_which_that_release_still_serves() -> None:
    docs = migrate_documents(fixture_docs("v0.3"), "v0.5.0").documents
    route = find(docs, "AIGatewayRoute", "ai-gateway")
    assert route["apiVersion"] == "aigateway.envoyproxy.io/v1alpha1"
    assert "filterConfig" in route["spec"] and "targetRefs" not in route["spec"]
    assert not [d for d in docs if d["kind"] == "GatewayConfig"]


def test_v0_3_alpha_inference_pool_becomes_the_v1_pool_its_route_rule_points_at() -> None:
    docs = migrate_documents(fixture_docs("v0.3"), "v1.1.0").documents
    pool = find(docs, "InferencePool", "vllm-llama3")
    assert pool["apiVersion"] == "inference.networking.k8s.io/v1"
    assert pool["spec"] == {
        "selector": {"matchLabels": {"app": "vllm-llama3"}},
        "targetPorts": [{"number": 8000}],
        "endpointPickerRef": {
            "name": "vllm-llama3-epp",
            "port": {"number": 9002},
            "failureMode": "FailClose",
        },
    }
    rule = find(docs, "AIGatewayRoute", "ai-gateway")["spec"]["rules"][2]
    assert rule["backendRefs"] == [
        {"name": "vllm-llama3", "group": "inference.networking.k8s.io", "kind": "InferencePool"}
    ]


def test_an_inference_model_is_reported_not_guessed_at() -> None:
    model = {
        "apiVersion": "inference.networking.x-k8s.io/v1alpha2",
        "kind": "InferenceModel",
        "metadata": {"name": "llama", "namespace": "default"},
        "spec": {"modelName": "llama", "criticality": "Critical", "poolRef": {"name": "vllm-llama3"}},
    }
    migration = migrate_documents([model], "v1.1.0")
    assert migration.documents == [model] and migration.changes == []
    assert migration.warnings[0].startswith("InferenceModel/default/llama: InferenceModel was removed")


def test_quota_policy_stays_v1alpha1_and_is_refused_for_a_target_without_it() -> None:
    quota = {
        "apiVersion": "aigateway.envoyproxy.io/v1alpha1",
        "kind": "QuotaPolicy",
        "metadata": {"name": "q", "namespace": "default"},
        "spec": {},
    }
    assert migrate_documents([quota], "v1.1.0").changes == []
    warnings = migrate_documents([quota], "v0.5.0").warnings
    assert warnings == [
        "QuotaPolicy/default/q: QuotaPolicy needs AI Gateway v0.6.0 or later; target v0.5.0 does not serve it"
    ]


def test_what_cannot_be_rewritten_safely_is_a_warning_not_a_guess() -> None:
    docs = fixture_docs("v0.3")
    asb = find(docs, "AIServiceBackend", "ollama")
    del asb["spec"]["backendRef"]["port"]
    docs = [d for d in docs if d["kind"] not in ("BackendSecurityPolicy", "Gateway")]
    migration = migrate_documents(docs, "v1.1.0")
    assert any("has no port" in w for w in migration.warnings)
    assert any(
        "BackendSecurityPolicy default/openai-apikey is not in the input" in w for w in migration.warnings
    )
    assert any("annotate it with aigateway.envoyproxy.io/gateway-config" in w for w in migration.warnings)
    assert find(migration.documents, "AIServiceBackend", "ollama")["spec"]["backendRef"]["kind"] == "Service"


def test_too_many_rules_for_the_target_is_reported() -> None:
    route = {
        "apiVersion": "aigateway.envoyproxy.io/v1alpha1",
        "kind": "AIGatewayRoute",
        "metadata": {"name": "big", "namespace": "default"},
        "spec": {
            "parentRefs": [{"name": "gw"}],
            "rules": [{"backendRefs": [{"name": f"b{i}"}]} for i in range(16)],
        },
    }
    # v0.6.0's CRD admits 128 rules, but the HTTPRoute generated from them holds 16, route-not-found included.
    for target in ("v0.6.0", "v1.1.0"):
        assert "16 rules" in migrate_documents([route], target).warnings[0]
    route["spec"]["rules"].pop()
    assert migrate_documents([route], "v0.6.0").warnings == []


def test_migration_does_not_modify_its_input_and_a_second_run_changes_nothing() -> None:
    docs = fixture_docs("v0.3")
    before = copy.deepcopy(docs)
    first = migrate_documents(docs, "v1.1.0")
    assert docs == before
    again = migrate_documents(first.documents, "v1.1.0")
    assert again.changes == [] and again.warnings == []
    assert again.documents == first.documents


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `aigw-skills migrate ...` through the real argument parser and handler; (exit code, stdout, stderr)."""
    from server.cli.main import build_parser

    parsed = build_parser(("server.cli.migrate",)).parse_args(list(args))
    code = parsed.handler(parsed)
    out, err = capsys.readouterr()
    return int(code), out, err


def test_cli_writes_migrated_yaml_and_reports_changes_on_stderr(
    shared_crds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "migrated.yaml"
    code, stdout, stderr = _cli(
        capsys,
        "migrate",
        str(FIXTURES / "v0.3.yaml"),
        "--crds",
        str(shared_crds),
        "--external-secret",
        SECRETS["v0.3"],
        "-o",
        str(out),
    )
    assert code == 0, stderr
    assert stdout == ""
    assert (
        "spec.targetRefs" in stderr
        and "Validation of the result: 12 documents, 0 errors, 0 warnings" in stderr
    )
    kinds = [d["kind"] for d in yaml.safe_load_all(out.read_text()) if d]
    assert "GatewayConfig" in kinds and kinds.count("Backend") == 2


def test_cli_json_has_manifests_changes_and_validation_and_exits_1_on_findings(
    shared_crds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, stdout, _ = _cli(
        capsys, "migrate", str(FIXTURES / "v0.3.yaml"), "--crds", str(shared_crds), "--format", "json"
    )
    assert code == 1  # the API-key Secret is neither in the input nor declared external
    data = json.loads(stdout)
    assert data["target_version"] == "v1.1.0" and data["ok"] is False
    assert {c["path"] for c in data["changes"]} >= {"spec.targetRefs", "spec.backendSecurityPolicyRef"}
    assert all(f["rule"] != "schema" and f["rule"] != "cel" for f in data["validation"]["findings"])


def test_cli_refuses_unreadable_input_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: [unclosed\n")
    code, _, stderr = _cli(capsys, "migrate", str(bad))
    assert code == 2 and "aigw-skills migrate: cannot read the input" in stderr


def test_cli_findings_name_the_input_file_and_partial_input_makes_outside_references_notes(
    shared_crds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixture = FIXTURES / "v0.3.yaml"
    code, stdout, _ = _cli(capsys, "migrate", str(fixture), "--crds", str(shared_crds), "--format", "json")
    (missing,) = [f for f in json.loads(stdout)["validation"]["findings"] if f["rule"] == "AIGW-L007"]
    assert code == 1 and missing["severity"] == "error"
    assert missing["source"].startswith(f"{fixture}#") and "<input>" not in stdout
    code, stdout, _ = _cli(
        capsys, "migrate", str(fixture), "--crds", str(shared_crds), "--format", "json", "--partial"
    )
    (note,) = [f for f in json.loads(stdout)["validation"]["findings"] if f["rule"] == "AIGW-L007"]
    assert code == 0 and note["severity"] == "info"


def test_objects_the_migration_creates_are_named_after_the_document_that_needed_them() -> None:
    from orchestrator.analysis.migrate.rewrite import migrate_documents

    docs = fixture_docs("v0.3")
    migration = migrate_documents(docs, "v1.1.0", [f"in.yaml#{i + 1}" for i in range(len(docs))])
    assert len(migration.sources) == len(migration.documents)
    created = [s for s in migration.sources if s.endswith(" (created)")]
    kinds = [d["kind"] for d, s in zip(migration.documents, migration.sources, strict=True) if s in created]
    assert created and "GatewayConfig" in kinds and all(s.startswith("in.yaml#") for s in migration.sources)


def _missing_secrets(capsys: pytest.CaptureFixture[str], command: str, folder: Path, crds: Path) -> set[str]:
    """The `Kind/namespace/name path: message` of every AIGW-L007 (Secret not found) finding `command` reports."""
    from server.cli.main import build_parser

    argv = [command, str(folder), "--crds", str(crds), "--format", "json"]
    parsed = build_parser(("server.cli.migrate", "server.cli.validate")).parse_args(argv)
    code = parsed.handler(parsed)
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    data = json.loads(out)
    findings = data["validation"]["findings"] if command == "migrate" else data["findings"]
    return {f"{f['resource']} {f['path']}: {f['message']}" for f in findings if f["rule"] == "AIGW-L007"}


@pytest.mark.parametrize("example", ["openai-anthropic", "apikey-client-auth"])
def test_migrate_and_validate_read_a_bundle_folders_secrets_the_same_way(
    example: str, shared_crds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bundle folder's report.json declares the Secrets its secrets.sh creates at apply time. `validate DIR`
    counted them as existing while `migrate DIR` reported each one missing (AIGW-L007, an error); both read them
    through orchestrator.compose.report_file.with_bundle_secrets now. Without the report, both flag them."""
    from orchestrator.compose.bundle import build_bundle, write_bundle

    intake = yaml.safe_load((EXAMPLES / f"{example}.yaml").read_text())
    folder = tmp_path / "bundle"
    write_bundle(build_bundle(intake), folder)
    report = json.loads((folder / "report.json").read_text())
    users = {s["used_by"] for s in report["secrets"]}
    assert users, f"{example} declares Secrets"

    assert _missing_secrets(capsys, "migrate", folder, shared_crds) == set()
    assert _missing_secrets(capsys, "validate", folder, shared_crds) == set()

    (folder / "report.json").unlink()
    missing = _missing_secrets(capsys, "validate", folder, shared_crds)
    assert missing and {m.split(" ", 1)[0] for m in missing} <= users
    assert _missing_secrets(capsys, "migrate", folder, shared_crds) == missing
