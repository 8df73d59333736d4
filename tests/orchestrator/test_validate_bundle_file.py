"""`aigw-skills validate` given a bundle's own files (QA L9) and CRDs of another release than the target (QA H2)."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest
import yaml

from orchestrator.compose.bundle import build_bundle, write_bundle
from orchestrator.compose.report_file import bundle_folders
from server.cli.build import example_text
from server.cli.validate import register
from tests.conftest import shared_path


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("AIGW_SKILLS_CRDS", raising=False)


def validate(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    parser = argparse.ArgumentParser(prog="aigw-skills")
    register(parser.add_subparsers())
    args = parser.parse_args(["validate", "--format", "json", *argv])
    code = int(args.handler(args))
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return code, json.loads(out)


def missing_secrets(report: dict) -> list[str]:
    return [f["message"] for f in report["findings"] if f["rule"] == "AIGW-L007"]


@pytest.fixture
def bundle_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "aigw-bundle"
    write_bundle(build_bundle(yaml.safe_load(example_text("openai-anthropic"))), folder)
    return folder


def test_validating_a_bundles_manifests_file_alone_counts_the_secrets_its_secrets_sh_creates(
    bundle_dir: Path, shared_crds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifests = bundle_dir / "manifests.yaml"
    code, report = validate(["--crds", str(shared_crds), str(manifests)], capsys)
    assert (code, missing_secrets(report)) == (0, [])
    _, folder_report = validate(["--crds", str(shared_crds), str(bundle_dir)], capsys)
    assert missing_secrets(folder_report) == []


def test_the_same_manifests_outside_their_bundle_folder_still_need_their_secrets_declared(
    bundle_dir: Path, shared_crds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = tmp_path / "elsewhere" / "manifests.yaml"
    alone.parent.mkdir()
    shutil.copy(bundle_dir / "manifests.yaml", alone)
    code, report = validate(["--crds", str(shared_crds), str(alone)], capsys)
    assert code == 1
    assert sorted(m.split('"')[1] for m in missing_secrets(report)) == [
        "default/anthropic-apikey",
        "default/openai-apikey",
    ]


def test_bundle_folders_are_found_from_a_folder_or_a_file_in_it_once_and_only_with_a_report(
    bundle_dir: Path, tmp_path: Path
) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("{}\n")
    paths = [bundle_dir / "manifests.yaml", bundle_dir, stray, tmp_path / "missing.yaml", "-"]
    assert bundle_folders(paths) == [bundle_dir]


def test_validate_with_another_releases_crds_warns_and_names_the_release_loaded(
    bundle_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = shared_path("crds-releases", "v1.0.0")
    _, report = validate(["--crds", str(folder), str(bundle_dir / "manifests.yaml")], capsys)
    warning = report["checks_skipped"][0]
    assert warning.startswith(f"Schema and CEL checks ran against the AI Gateway v1.0.0 CRDs ({folder})")
    assert "`aigw-skills crds pull --version v1.1.0`" in warning
    assert warning.endswith("--target-version v1.0.0.")
    _, matched = validate(
        ["--crds", str(folder), "--target-version", "v1.0.0", str(bundle_dir / "manifests.yaml")], capsys
    )
    assert not any("ran against" in text for text in matched["checks_skipped"])


def test_validate_with_the_target_releases_crds_says_nothing_about_the_release(
    bundle_dir: Path, shared_crds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = validate(["--crds", str(shared_crds), str(bundle_dir / "manifests.yaml")], capsys)
    assert report["checks_skipped"] == []


def test_validate_with_a_release_folder_lacking_one_crd_passes_and_says_which_file_to_add(
    bundle_dir: Path, shared_crds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "most"
    shutil.copytree(shared_crds, folder)
    (folder / "ai-gateway" / "aigateway.envoyproxy.io_backendsecuritypolicies.yaml").unlink()
    code, report = validate(["--crds", str(folder), str(bundle_dir / "manifests.yaml")], capsys)
    assert code == 0 and not [f for f in report["findings"] if f["rule"] == "schema"]
    assert report["checks_skipped"] == [
        "No schema for aigateway.envoyproxy.io/v1beta1 BackendSecurityPolicy (2 documents): the CRD is not in "
        f"{folder} (AI Gateway v1.1.0 serves it); add aigateway.envoyproxy.io_backendsecuritypolicies.yaml, or run "
        "`aigw-skills crds pull --version v1.1.0`"
    ]
