"""Bundles: each built-in scenario composes, validates clean against the upstream CRDs, matches its golden
copy, builds with `kubectl kustomize`, and is written atomically."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from orchestrator.compose.bundle import FILE_ORDER, BundleExistsError, build_bundle, write_bundle
from server.cli.build import example_text, examples

SCENARIOS = [
    "openai-anthropic",
    "bedrock-irsa",
    "azure-client-secret",
    "ollama-in-cluster",
    "failover-three",
    "weighted-split",
]


@pytest.fixture(scope="module")
def crds(shared_crds):
    from orchestrator.engine.crds import load_crds

    return load_crds(shared_crds)


def test_every_scenario_is_a_built_in_example():
    assert set(SCENARIOS) <= set(examples())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_bundle_is_valid_and_matches_golden(scenario, crds, golden):
    bundle = build_bundle(yaml.safe_load(example_text(scenario)), crds=crds)
    assert [f.message for f in bundle.report.findings if f.severity != "info"] == []
    assert bundle.report.checks_skipped == []
    assert bundle.valid, bundle.summary()
    assert all(item.passed for item in bundle.checklist), [i.title for i in bundle.checklist if not i.passed]
    assert list(bundle.files) == list(FILE_ORDER)
    for name, text in bundle.files.items():
        golden(f"bundles/{scenario}/{name}", text)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_bundle_builds_with_kubectl_kustomize(scenario, crds, tmp_path):
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    bundle = build_bundle(yaml.safe_load(example_text(scenario)), crds=crds)
    out = tmp_path / "bundle"
    write_bundle(bundle, out)
    built = subprocess.run(["kubectl", "kustomize", str(out)], capture_output=True, text=True, timeout=60)
    assert built.returncode == 0, built.stderr
    objects = [d for d in yaml.safe_load_all(built.stdout) if d]
    ours = [d for d in yaml.safe_load_all(bundle.files["manifests.yaml"]) if d]
    key = lambda d: (d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"])  # noqa: E731
    assert sorted(map(key, objects)) == sorted(map(key, ours))


def test_bundle_without_crds_says_which_checks_were_skipped_and_is_not_fully_checked():
    bundle = build_bundle(
        yaml.safe_load(example_text("openai-anthropic")), crds=None, crds_note="no CRDs: pull them"
    )
    assert not bundle.fully_checked
    assert "CRD schema checks skipped" in bundle.summary()
    readme = bundle.files["README.md"]
    assert "- [ ] Manifests accepted by the CRD schemas" in readme
    assert "not checked: no CRDs were loaded" in readme
    assert readme.count("no CRDs: pull them") == 1  # the full sentence once, under Validation


def test_no_secret_value_is_in_any_file_even_when_env_vars_hold_keys(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-proj-" + "Z" * 40)
    bundle = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=None)
    for text in bundle.files.values():
        assert "ZZZZZZZZZZ" not in text
    secrets_sh = bundle.files["secrets.sh"]
    assert "OPENAI_API_KEY" in secrets_sh and "--from-file=apiKey=/dev/stdin" in secrets_sh


def test_secrets_script_refuses_to_run_when_a_variable_is_missing(tmp_path):
    bundle = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=None)
    write_bundle(bundle, tmp_path / "b")
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY")}
    env["PATH"] = str(tmp_path)  # no kubectl reachable: the script must stop before calling it
    run = subprocess.run(
        ["/bin/bash", str(tmp_path / "b" / "secrets.sh")], capture_output=True, text=True, env=env
    )
    assert run.returncode == 1
    assert "set OPENAI_API_KEY" in run.stderr and "set ANTHROPIC_API_KEY" in run.stderr


def test_second_write_without_force_is_refused_and_changes_nothing(tmp_path):
    bundle = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=None)
    out = tmp_path / "out"
    write_bundle(bundle, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "manifests.yaml").write_text("edited by the user\n")
    with pytest.raises(BundleExistsError, match="--force"):
        write_bundle(bundle, out)
    assert (out / "manifests.yaml").read_text() == "edited by the user\n"
    assert sorted(p.name for p in out.iterdir()) == sorted(before)
    write_bundle(bundle, out, force=True)
    assert (out / "manifests.yaml").read_bytes() == before["manifests.yaml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_write_interrupted_half_way_leaves_the_old_bundle_and_no_debris(tmp_path, monkeypatch):
    bundle = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=None)
    out = tmp_path / "out"
    write_bundle(bundle, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(KeyboardInterrupt):
        write_bundle(bundle, out, force=True)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_scripts_are_executable_and_other_files_are_not(tmp_path):
    bundle = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=None)
    paths = write_bundle(bundle, tmp_path / "b")
    modes = {p.name: p.stat().st_mode & 0o777 for p in paths}
    assert modes["install.sh"] == modes["secrets.sh"] == 0o755
    assert modes["manifests.yaml"] == 0o644


def test_a_file_path_in_place_of_the_output_directory_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    bundle = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=None)
    with pytest.raises(BundleExistsError, match="not a directory"):
        write_bundle(bundle, target)
    assert target.read_text() == "x"


def test_bundle_output_is_byte_stable():
    data = yaml.safe_load(example_text("failover-three"))
    assert build_bundle(data, crds=None).files == build_bundle(data, crds=None).files


def test_install_script_checks_for_its_values_file_before_running_helm(tmp_path):
    bundle = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=None)
    write_bundle(bundle, tmp_path / "b")
    (tmp_path / "b" / "envoy-gateway-values.yaml").unlink()
    run = subprocess.run(
        ["/bin/bash", str(tmp_path / "b" / "install.sh")],
        capture_output=True,
        text=True,
        env={"PATH": str(tmp_path)},
    )
    assert run.returncode == 1
    assert "envoy-gateway-values.yaml is missing" in run.stderr


def test_readme_lists_models_and_apply_steps():
    readme = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=None).files["README.md"]
    assert "| `gpt-5.4-mini` | `openai` | openai | `gpt-5.4-mini` |" in readme
    assert "kubectl apply -k ." in readme and "./install.sh" in readme and "./secrets.sh" in readme


def test_custom_envoy_gateway_namespace_reaches_the_readme_and_the_controller_install():
    intake = yaml.safe_load(example_text("openai-anthropic"))
    intake.setdefault("installation", {})["envoy_gateway_namespace"] = "edge-system"
    bundle = build_bundle(intake, crds=None)
    (forward,) = [line for line in bundle.files["README.md"].splitlines() if "port-forward" in line]
    assert forward.startswith("kubectl port-forward -n edge-system svc/$(kubectl get svc -n edge-system ")
    assert "envoy-gateway-system" not in bundle.files["README.md"]
    assert "--set envoyGateway.namespace=edge-system" in bundle.files["install.sh"]


def test_semantic_router_addon_ships_its_chart_values_and_needs_the_router_models():
    from skills.errors import InputError

    intake = yaml.safe_load(example_text("openai-anthropic"))
    intake.setdefault("installation", {})["addons"] = ["semantic-router"]
    with pytest.raises(
        InputError, match=r"installation\.semantic_router: required with the semantic-router addon"
    ):
        build_bundle(intake, crds=None)
    intake["installation"]["semantic_router"] = {"models": [intake["providers"][0]["models"][0]]}
    bundle = build_bundle(intake, crds=None)
    values = yaml.safe_load(bundle.files["semantic-router-values.yaml"])["config"]
    assert values["routing"]["modelCards"] == [{"name": intake["providers"][0]["models"][0]}]
    assert "-f semantic-router-values.yaml" in bundle.files["install.sh"]


def test_example_intake_paths_are_package_data():
    assert (
        Path(__file__)
        .resolve()
        .parents[2]
        .joinpath("orchestrator", "intake", "examples", "openai-anthropic.yaml")
        .exists()
    )
