"""`aigw-skills validate`: exit codes 0/1/2, text/JSON/JUnit output, stdin, skipped files, -o, context flags."""

from __future__ import annotations

import argparse
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from server.cli.validate import register
from tests.conftest import shared_path

CLEAN = """\
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: eg
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: ClientTrafficPolicy
metadata: {name: buffer, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]
  connection: {bufferLimit: 50Mi}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: route, namespace: default}
spec:
  parentRefs: [{name: gw, kind: Gateway, group: gateway.networking.k8s.io}]
  rules:
    - matches: [{headers: [{type: Exact, name: x-ai-eg-model, value: llama3}]}]
      backendRefs: [{name: ollama}]
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: ollama, namespace: default}
spec:
  schema: {name: OpenAI}
  backendRef: {name: ollama, kind: Backend, group: gateway.envoyproxy.io}
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: Backend
metadata: {name: ollama, namespace: default}
spec:
  endpoints: [{fqdn: {hostname: ollama.default.svc.cluster.local, port: 11434}}]
"""

WITH_SECRET_REF = """\
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: BackendSecurityPolicy
metadata: {name: key, namespace: default}
spec:
  targetRefs: [{group: aigateway.envoyproxy.io, kind: AIServiceBackend, name: ollama}]
  type: APIKey
  apiKey: {secretRef: {name: ollama-key}}
"""

INVALID = """\
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: bad, namespace: default}
spec:
  schema: {name: SomeRandomVendor}
  backendRef: {name: b, kind: Backend, group: gateway.envoyproxy.io}
  timeouts: {request: 10s}
"""

VALUES = "config:\n  envoyGateway:\n    extensionApis: {enableBackend: true}\n"


@pytest.fixture(scope="module")
def crds_dir() -> Path:
    """The shared CRDs; `--crds DIR` reads them through the checksummed index after the first run."""
    return shared_path("crds").resolve()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, text in {
        "clean.yaml": CLEAN,
        "invalid.yaml": INVALID,
        "values.yaml": VALUES,
        "ref.yaml": WITH_SECRET_REF,
    }.items():
        out[name] = tmp_path / name
        out[name].write_text(text)
    return out


@pytest.fixture(autouse=True)
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("AIGW_SKILLS_CRDS", raising=False)


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="aigw-skills")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    code = int(args.handler(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_clean_manifests_exit_0_with_a_summary(
    crds_dir: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(["validate", "--crds", str(crds_dir), str(files["clean.yaml"])], capsys)
    assert code == 0
    assert out == "6 documents, 0 errors, 0 warnings, 0 skipped\n"


def test_invalid_manifests_exit_1_with_api_server_messages(
    crds_dir: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(["validate", "--crds", str(crds_dir), str(files["invalid.yaml"])], capsys)
    assert code == 1
    assert 'error: AIServiceBackend/default/bad: spec.timeouts: unknown field "spec.timeouts" [schema]' in out
    assert 'spec.schema.name: Unsupported value: "SomeRandomVendor"' in out
    assert "  hint: " in out
    assert "AIGW-L001" in out  # lint: the Backend "b" is not in the manifests
    assert out.endswith("1 document, 3 errors, 0 warnings, 1 info, 0 skipped\n")  # info: CEL skipped


def test_missing_path_and_unreadable_crds_exit_2_with_one_line_naming_the_command(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each error is one line `aigw-skills validate: ...`, as every other command names itself (it read
    `aigw-skills: ...` before)."""
    missing = tmp_path / "nope.yaml"
    code, out, err = cli(["validate", str(missing)], capsys)
    assert (code, out, err) == (2, "", f"aigw-skills validate: {missing}: no such file or directory\n")
    no_crds = tmp_path / "no-crds"
    code, out, err = cli(["validate", "--crds", str(no_crds), str(files["clean.yaml"])], capsys)
    assert (code, out, err) == (2, "", f"aigw-skills validate: CRDs: CRD path {no_crds} does not exist\n")
    bad_crds = tmp_path / "bad-crds"
    bad_crds.mkdir()
    (bad_crds / "broken.yaml").write_text("a: [\n")
    code, out, err = cli(["validate", "--crds", str(bad_crds), str(files["clean.yaml"])], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"aigw-skills validate: CRDs: {bad_crds / 'broken.yaml'}:2: invalid YAML")
    assert err.count("\n") == 1
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    code, out, err = cli(["validate", str(empty)], capsys)
    assert (code, out, err) == (2, "", f"aigw-skills validate: no YAML or JSON documents found in {empty}\n")


def test_without_crds_schema_checks_are_reported_as_not_run(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(["validate", str(files["invalid.yaml"])], capsys)
    assert code == 1  # lint still runs: the Backend "b" is not in the manifests
    assert "not checked: Schema and CEL checks did not run" in out
    assert "aigw-skills crds pull --version v1.1.0" in out and "--cluster" in out


def test_json_output_is_the_report_as_data(
    crds_dir: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(
        [
            "validate",
            "--format",
            "json",
            "--crds",
            str(crds_dir),
            str(files["invalid.yaml"]),
            str(files["values.yaml"]),
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert data["documents"] == 1 and data["summary"]["skipped"] == 1
    assert {f["rule"] for f in data["findings"]} >= {"schema", "AIGW-L001"}
    assert data["findings"][0]["resource"] == "AIServiceBackend/default/bad"
    assert data["skipped"][0]["source"].endswith("values.yaml#1")


def test_junit_has_one_testcase_per_document_and_skipped_files(
    crds_dir: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(
        [
            "validate",
            "--format",
            "junit",
            "--crds",
            str(crds_dir),
            str(files["clean.yaml"]),
            str(files["invalid.yaml"]),
            str(files["values.yaml"]),
        ],
        capsys,
    )
    suite = ET.fromstring(out).find("testsuite")
    assert code == 1 and suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == 6 + 1 + 1
    assert suite.get("failures") == "1" and suite.get("skipped") == "1"
    failed = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == [f"AIServiceBackend/default/bad ({files['invalid.yaml']}#1)"]
    assert [c.get("name") for c in cases if c.find("skipped") is not None] == [f"{files['values.yaml']}#1"]


def test_stdin_is_read_with_dash(
    crds_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(INVALID))
    code, out, _ = cli(["validate", "--crds", str(crds_dir), "-"], capsys)
    assert code == 1
    assert "(<stdin>#1)" in out


def test_files_without_kubernetes_objects_are_skipped_not_failed(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(["validate", str(files["clean.yaml"]), str(files["values.yaml"])], capsys)
    assert code == 0
    assert f"skipped: {files['values.yaml']}#1: not a Kubernetes object" in out


def test_input_with_no_kubernetes_object_exits_2_saying_what_was_skipped_and_why(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA M6: a JSON array or values files alone printed "0 documents, 0 errors" and exited 0, so a CI job whose
    files were all skipped stayed green. Like an empty file (exit 2, one line), with what was skipped."""
    array = tmp_path / "objects.json"
    array.write_text(json.dumps([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}]))
    code, out, err = cli(["validate", str(array), str(files["values.yaml"])], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith(
        f"aigw-skills validate: no Kubernetes object to check in {array} {files['values.yaml']}: "
    )
    assert f"skipped {array}#1 (not a Kubernetes object: a YAML list)" in err
    assert f"skipped {files['values.yaml']}#1 (not a Kubernetes object: no apiVersion/kind" in err
    assert err.rstrip().endswith("give files that hold Kubernetes objects (apiVersion and kind)")
    # Many files skipped for one reason: three named, the rest counted, still one line.
    for i in range(5):
        (tmp_path / f"v{i}.yaml").write_text(VALUES)
    code, _, err = cli(["validate", *(str(tmp_path / f"v{i}.yaml") for i in range(5))], capsys)
    assert code == 2 and err.count("\n") == 1 and f"{tmp_path / 'v2.yaml'}#1 and 2 more (" in err


def test_strict_fails_when_a_check_did_not_run_and_says_which(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """QA M6: without CRDs the schema and CEL checks are skipped; --strict now fails the run on it."""
    code, out, err = cli(["validate", str(files["clean.yaml"])], capsys)
    assert code == 0 and "not checked: Schema and CEL checks did not run" in out and err == ""
    code, out, err = cli(["validate", "--strict", str(files["clean.yaml"])], capsys)
    assert code == 1 and out.startswith("not checked: Schema and CEL checks did not run")
    assert err.startswith(
        "aigw-skills validate: --strict: 1 check did not run, so the run fails: Schema and CEL checks did not run"
    )
    assert err.count("\n") == 1


def test_strict_passes_when_every_check_ran(
    crds_dir: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(["validate", "--strict", "--crds", str(crds_dir), str(files["clean.yaml"])], capsys)
    assert (code, err) == (0, "") and "not checked" not in out


def test_a_missing_input_is_reported_before_any_crd_fetch(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """QA L7: `validate /nonexistent.yaml` printed "fetching the pinned ... CRDs" before "no such file"."""
    from orchestrator.engine import crd_cache
    from orchestrator.engine.crds import CRDSourceError

    fetches: list[str] = []

    def no_network(version: str, **_: object) -> None:
        fetches.append(version)
        raise CRDSourceError("no network in this test")

    monkeypatch.delenv("AIGW_SKILLS_OFFLINE")  # as a user's first run: the pinned CRDs would be fetched
    monkeypatch.setattr(crd_cache, "pull_crds", no_network)
    missing = tmp_path / "nonexistent.yaml"
    code, out, err = cli(["validate", str(missing)], capsys)
    assert (code, out, err, fetches) == (
        2,
        "",
        f"aigw-skills validate: {missing}: no such file or directory\n",
        [],
    )
    # With readable input the fetch is attempted (and its failure reported as checks not run).
    code, out, err = cli(["validate", str(files["clean.yaml"])], capsys)
    assert code == 0 and fetches == ["v1.1.0"] and "fetching the pinned AI Gateway v1.1.0 CRDs" in err
    assert "fetching them failed: no network in this test" in out


def test_output_file_is_not_overwritten_without_force(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA M2: -o overwrote an existing file; it refuses, as the other commands do, unless --force is given."""
    target = tmp_path / "report.json"
    target.write_text("a report kept from yesterday\n")
    argv = ["validate", "--format", "json", "-o", str(target), str(files["clean.yaml"])]
    code, out, err = cli(argv, capsys)
    assert (code, out) == (2, "") and target.read_text() == "a report kept from yesterday\n"
    assert err == f"aigw-skills validate: {target} exists; use --force to overwrite it\n"
    code, out, err = cli([*argv, "--force"], capsys)
    assert (code, out) == (0, "") and json.loads(target.read_text())["documents"] == 6
    assert err.endswith(f"report written to {target}\n")


def test_yaml_syntax_errors_are_findings_with_a_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [unclosed\n")
    code, out, err = cli(["validate", str(broken)], capsys)
    assert code == 1 and err == ""
    assert f"error: {broken}:" in out and "YAML syntax error" in out


def test_output_file_receives_the_report(
    crds_dir: Path, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "report.xml"
    code, out, err = cli(
        [
            "validate",
            "--format",
            "junit",
            "-o",
            str(target),
            "--crds",
            str(crds_dir),
            str(files["clean.yaml"]),
        ],
        capsys,
    )
    assert code == 0 and out == ""
    assert "report written to" in err
    assert ET.fromstring(target.read_text()).tag == "testsuites"


def test_external_secret_flag_declares_a_secret_created_at_apply_time(
    crds_dir: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [str(files["clean.yaml"]), str(files["ref.yaml"])]
    code, out, _ = cli(["validate", "--crds", str(crds_dir), *paths], capsys)
    assert code == 1 and "AIGW-L007" in out
    code, out, _ = cli(
        ["validate", "--crds", str(crds_dir), "--external-secret", "default/ollama-key", *paths], capsys
    )
    assert code == 0, out


def test_strict_turns_warnings_into_a_failing_exit(
    crds_dir: Path, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_buffer = tmp_path / "no-buffer.yaml"
    no_buffer.write_text("---\n".join(d for d in CLEAN.split("---\n") if "ClientTrafficPolicy" not in d))
    code, out, _ = cli(["validate", "--crds", str(crds_dir), str(no_buffer)], capsys)
    assert code == 0 and "AIGW-L005" in out
    code, _, _ = cli(["validate", "--strict", "--crds", str(crds_dir), str(no_buffer)], capsys)
    assert code == 1


def test_directories_are_searched_recursively(
    crds_dir: Path, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "clean.yml").write_text(CLEAN)
    (nested / "notes.txt").write_text("not yaml: [")
    code, out, _ = cli(["validate", "--crds", str(crds_dir), str(tmp_path / "a")], capsys)
    assert code == 0 and out.startswith("6 documents")


def test_crds_without_a_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(["crds"], capsys)
    assert code == 2 and "pull" in err


def test_the_installed_cli_dispatches_validate(
    crds_dir: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from server.cli import main as cli_module

    assert cli_module.main(["validate", "--crds", str(crds_dir), str(files["clean.yaml"])]) == 0
    assert capsys.readouterr().out.startswith("6 documents, 0 errors")


def test_partial_input_turns_references_outside_the_files_into_notes(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # ref.yaml names a Secret and an AIServiceBackend it does not hold: an error on its own, a note when the
    # user says the files are part of a larger set.
    code, out, _ = cli(["validate", "--format", "json", str(files["ref.yaml"])], capsys)
    whole = json.loads(out)
    assert code == 1 and [f["rule"] for f in whole["findings"] if f["severity"] == "error"] == ["AIGW-L007"]
    code, out, _ = cli(["validate", "--partial", "--format", "json", str(files["ref.yaml"])], capsys)
    part = json.loads(out)
    assert code == 0 and part["ok"] is True
    (note,) = [f for f in part["findings"] if f["rule"] == "AIGW-L007"]
    assert note["severity"] == "info" and "partial input: it may exist outside these files" in note["message"]
    # A finding about the files themselves stays an error with --partial: two policies on one backend.
    twice = files["ref.yaml"].with_name("twice.yaml")
    twice.write_text(WITH_SECRET_REF + "---\n" + WITH_SECRET_REF.replace("name: key,", "name: key-2,"))
    code, out, _ = cli(["validate", "--partial", "--format", "json", str(twice)], capsys)
    errors = [f["rule"] for f in json.loads(out)["findings"] if f["severity"] == "error"]
    assert code == 1 and errors == ["AIGW-L006"]


def test_findings_name_the_file_and_document_they_are_in(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out, _ = cli(["validate", "--format", "json", str(files["ref.yaml"])], capsys)
    (finding,) = [f for f in json.loads(out)["findings"] if f["rule"] == "AIGW-L007"]
    assert finding["source"] == f"{files['ref.yaml']}#1"


GLOBAL_LIMIT = """\
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: BackendTrafficPolicy
metadata: {name: limits, namespace: default}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: route}]
  rateLimit:
    type: Global
    global:
      rules: [{limit: {requests: 100, unit: Hour}}]
"""
REDIS_VALUES = (
    "config:\n  envoyGateway:\n    rateLimit:\n      backend:\n        type: Redis\n"
    "        redis: {url: redis.redis-system.svc.cluster.local:6379}\n"
)


def test_the_redis_rate_limit_lint_reads_the_envoy_gateway_values_given_with_the_manifests(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    limit = tmp_path / "limit.yaml"
    limit.write_text(GLOBAL_LIMIT)
    redis = tmp_path / "envoy-gateway-values.yaml"
    redis.write_text(REDIS_VALUES)

    def l030(*paths: Path) -> list[str]:
        _code, out, _ = cli(["validate", "--format", "json", *map(str, paths)], capsys)
        return [f["message"] for f in json.loads(out)["findings"] if f["rule"] == "AIGW-L030"]

    assert l030(limit, redis) == []  # before: warned although the values configure Redis
    (alone,) = l030(limit)
    assert "no Envoy Gateway helm values among the files" in alone
    (other,) = l030(limit, files["values.yaml"])  # Envoy Gateway values without a rate limit backend
    assert f"{files['values.yaml']}#1" in other and "have no config.envoyGateway.rateLimit.backend" in other


def test_a_bundle_folder_is_validated_as_kubectl_apply_k_applies_it(
    crds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The canary-split bundle's stage files are alternatives to manifests.yaml (applied later, one at a time);
    reading them with it made every stage's route a duplicate (AIGW-L060) of the current one."""
    import yaml

    from orchestrator.compose.bundle import build_bundle, write_bundle

    repo = Path(__file__).resolve().parents[2]
    intake = yaml.safe_load((repo / "orchestrator/intake/examples/canary-split.yaml").read_text())
    bundle = build_bundle(intake)
    folder = tmp_path / "bundle"
    write_bundle(bundle, folder)
    stages = sorted(p.name for p in folder.glob("canary-stage-*.yaml"))
    assert stages, "the example has canary stages"
    code, out, _ = cli(["validate", "--crds", str(crds_dir), "--format", "json", str(folder)], capsys)
    report = json.loads(out)
    assert code == 0 and not [f for f in report["findings"] if f["rule"] == "AIGW-L060"], report["findings"]
    left_out = {s["source"].rsplit("/", 1)[-1] for s in report["skipped"] if "kustomization" in s["reason"]}
    assert left_out == {f"{name}#1" for name in stages}
    # Each stage still validates as what it is: the route that replaces the current one.
    code, _, _ = cli(["validate", "--crds", str(crds_dir), "--partial", str(folder / stages[0])], capsys)
    assert code == 0


def test_a_folder_whose_kustomization_cannot_be_read_says_every_file_was_checked_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: default}\n"
    (tmp_path / "a.yaml").write_text(cm % "a")
    (tmp_path / "b.yaml").write_text(cm % "b")
    (tmp_path / "kustomization.yaml").write_text("resources: [a.yaml\n")  # unclosed flow sequence
    code, out, _ = cli(["validate", "--format", "json", str(tmp_path)], capsys)
    report = json.loads(out)
    # The broken file is an error of its own; the note says what it cost: both ConfigMaps were checked.
    assert code == 1 and report["documents"] == 2
    assert [f["source"].rsplit("/", 1)[-1] for f in report["findings"]] == ["kustomization.yaml:2"]
    (note,) = [c for c in report["checks_skipped"] if "kustomization.yaml" in c]
    assert "could not be read" in note and "every manifest in" in note and "as if `kubectl apply -k`" in note
    code, out, _ = cli(["validate", str(tmp_path)], capsys)
    assert "not checked: " in out and "could not be read" in out


def test_a_remote_resource_in_a_kustomization_is_named_as_not_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n"
    )
    remote = "https://github.com/envoyproxy/ai-gateway/examples/basic?ref=v1.1.0"
    (tmp_path / "kustomization.yaml").write_text(f"resources:\n- a.yaml\n- {remote}\n")
    code, out, _ = cli(["validate", "--format", "json", str(tmp_path)], capsys)
    report = json.loads(out)
    assert code == 0 and report["documents"] == 1
    assert any(remote in c and "not fetched" in c for c in report["checks_skipped"]), report["checks_skipped"]
