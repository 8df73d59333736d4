"""`aigw-skills build` and `init`: intake files, stdin, built-in examples, terminal questions, safe writes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.server.conftest import REPO, subprocess_env

GOLDEN = REPO / "tests" / "golden" / "bundles"
CLI = [sys.executable, "-m", "server"]


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], input=stdin, capture_output=True, text=True, env=subprocess_env(), cwd=cwd, timeout=120
    )


def test_build_of_a_built_in_example_writes_the_golden_bundle(tmp_path, shared_crds):
    done = run(
        "build", "--example", "openai-anthropic", "-o", str(tmp_path / "b"), "--crds", str(shared_crds)
    )
    assert done.returncode == 0, done.stderr
    assert "Bundle valid" in done.stdout and "- [x] No secret value appears" in done.stdout
    for path in (GOLDEN / "openai-anthropic").iterdir():
        assert (tmp_path / "b" / path.name).read_text() == path.read_text(), path.name


def test_build_reads_an_intake_file_or_stdin(tmp_path, shared_crds):
    intake = (REPO / "orchestrator" / "intake" / "examples" / "failover-three.yaml").read_text()
    (tmp_path / "intake.yaml").write_text(intake)
    from_file = run(
        "build", str(tmp_path / "intake.yaml"), "-o", str(tmp_path / "a"), "--crds", str(shared_crds)
    )
    from_stdin = run("build", "-", "-o", str(tmp_path / "b"), "--crds", str(shared_crds), stdin=intake)
    assert from_file.returncode == from_stdin.returncode == 0, from_file.stderr + from_stdin.stderr
    expected = (GOLDEN / "failover-three" / "manifests.yaml").read_text()
    assert (
        (tmp_path / "a" / "manifests.yaml").read_text()
        == (tmp_path / "b" / "manifests.yaml").read_text()
        == expected
    )


def test_a_second_build_into_the_same_directory_is_refused_and_changes_nothing(tmp_path, shared_crds):
    out = tmp_path / "b"
    assert (
        run("build", "--example", "openai-anthropic", "-o", str(out), "--crds", str(shared_crds)).returncode
        == 0
    )
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = run("build", "--example", "ollama-in-cluster", "-o", str(out), "--crds", str(shared_crds))
    assert again.returncode == 2
    assert "--force" in again.stderr and again.stdout == ""
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    forced = run(
        "build", "--example", "ollama-in-cluster", "-o", str(out), "--crds", str(shared_crds), "--force"
    )
    assert forced.returncode == 0
    assert "ollama" in (out / "manifests.yaml").read_text()


def test_build_without_crds_says_what_was_skipped_and_how_to_enable_it(tmp_path):
    env_home = tmp_path / "home"
    done = subprocess.run(
        [*CLI, "build", "--example", "openai-anthropic", "-o", str(tmp_path / "b")],
        capture_output=True,
        text=True,
        env=subprocess_env(HOME=str(env_home), XDG_CACHE_HOME=str(env_home / ".cache")),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "CRD schema checks skipped" in done.stdout
    assert "aigw-skills crds pull --version v1.1.0" in done.stdout


@pytest.mark.parametrize(
    ("intake", "expected"),
    [
        ("providers: [\n", "stdin:2: invalid YAML"),
        ("- just a list\n", "an intake is a mapping"),
        ("providers: [{provider: nope, models: [m]}]\n", "providers[0].provider"),
        ("providers: [{provider: azure-openai, models: [m]}]\n", "providers[0].resource"),
    ],
)
def test_bad_intakes_exit_2_naming_the_problem(tmp_path, intake, expected):
    done = run("build", "-", "-o", str(tmp_path / "b"), stdin=intake)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "b").exists()


def test_a_key_in_the_intake_is_refused_and_never_printed(tmp_path):
    key = "AKIA" + "ABCDEFGHIJKLMNOP"
    intake = f"providers: [{{provider: openai, models: [m], auth: {{secret_env: {key}}}}}]\n"
    done = run("build", "-", "-o", str(tmp_path / "b"), stdin=intake)
    assert done.returncode == 2
    assert key not in done.stderr + done.stdout
    assert "AWS access key" in done.stderr


def test_no_intake_and_no_terminal_is_a_usage_error(tmp_path):
    done = run("build", "-o", str(tmp_path / "b"), stdin="")
    assert done.returncode == 2
    assert "run in a terminal" in done.stderr and "--questions" in done.stderr


def test_init_writes_a_commented_example_that_builds(tmp_path, shared_crds):
    assert run("init", cwd=tmp_path).returncode == 0
    text = (tmp_path / "intake.yaml").read_text()
    assert text.startswith("# aigw-skills intake")
    again = run("init", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    built = run("build", "intake.yaml", "-o", "b", "--crds", str(shared_crds), cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert run("init", "-o", "-").stdout == text


def test_build_in_a_terminal_asks_the_questions_and_defaults_give_the_openai_anthropic_bundle(
    tmp_path, shared_crds
):
    out = tmp_path / "b"
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [*CLI, "build", "-o", str(out), "--crds", str(shared_crds)],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=subprocess_env(),
    )
    os.close(follower)
    # Accept every default: 5 environment, 1 providers, 4 details questions, and no production feature.
    os.write(leader, b"\n" * 11)
    _stdout, stderr = proc.communicate(timeout=120)
    os.close(leader)
    assert proc.returncode == 0, stderr.decode()[-2000:]
    asked = stderr.decode()
    assert (
        "Namespace for routes, backends and Secrets" in asked and "OpenAI: model names clients send" in asked
    )
    expected = (GOLDEN / "openai-anthropic" / "manifests.yaml").read_text()
    assert (out / "manifests.yaml").read_text() == expected


def test_target_version_overrides_the_intake_and_builds_that_release(tmp_path):
    done = run(
        "build", "--example", "openai-anthropic", "--target-version", "v0.5.0", "-o", str(tmp_path / "b")
    )
    assert done.returncode == 0, done.stderr
    install = (tmp_path / "b" / "install.sh").read_text()
    assert "ai-gateway-helm --version v0.5.0" in install and "gateway-helm --version v1.6.0" in install
    docs = [d for d in yaml.safe_load_all((tmp_path / "b" / "manifests.yaml").read_text()) if d]
    assert {d["apiVersion"] for d in docs if d["kind"] == "AIGatewayRoute"} == {
        "aigateway.envoyproxy.io/v1alpha1"
    }
    assert "no CRDs for AI Gateway v0.5.0" in done.stdout + done.stderr


def test_an_unknown_target_version_is_a_usage_error_listing_the_choices(tmp_path):
    done = run(
        "build", "--example", "openai-anthropic", "--target-version", "v2.0.0", "-o", str(tmp_path / "b")
    )
    assert done.returncode == 2 and "v1.1.0" in done.stderr
    assert not (tmp_path / "b").exists()


def test_validate_of_a_written_bundle_directory_passes_with_its_own_secrets(tmp_path, shared_crds):
    out = tmp_path / "b"
    assert (
        run("build", "--example", "openai-anthropic", "-o", str(out), "--crds", str(shared_crds)).returncode
        == 0
    )
    done = run("validate", str(out), "--crds", str(shared_crds))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kustomization.yaml#1: a kustomize file (kubectl apply -k), not a cluster object" in done.stdout
    assert "AIGW-L007" not in done.stdout
