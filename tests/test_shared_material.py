"""Tests that need ../shared skip with the reason on a machine without it, and fail in CI, where it is always
laid beside the checkout: a missing folder there is a broken setup, not a reason to stop checking."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED, missing_shared, shared_params, shared_path


def test_missing_material_skips_locally_with_the_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="nowhere is not available"):
        missing_shared(tmp_path / "nowhere")


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_missing_material_fails_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match=r"CI=true runs with \.\./shared"):
        missing_shared(tmp_path / "nowhere")
    with pytest.raises(pytest.fail.Exception):
        shared_path("no-such-folder-in-shared")


def test_parameters_from_a_missing_folder_still_produce_a_test(monkeypatch: pytest.MonkeyPatch) -> None:
    params = shared_params(("no-such-folder-in-shared",), lambda folder: [folder])
    assert [p.id for p in params] == ["missing-no-such-folder-in-shared"]


def test_every_release_in_the_version_table_has_its_crds_in_shared() -> None:
    from skills.versions import DEFAULT_VERSION, PROFILES

    for version in PROFILES:
        path = shared_path("crds") if version == DEFAULT_VERSION else shared_path("crds-releases", version)
        assert path.is_relative_to(SHARED) and any(path.rglob("*.yaml")), version
