"""The aigw-trace worked example traces what `build --example apikey-client-auth` writes, so it cannot drift."""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestrator.compose.bundle import build_bundle

REPO = Path(__file__).resolve().parents[2]


def test_the_trace_skills_asset_is_the_apikey_client_auth_bundles_manifests() -> None:
    asset = REPO / "skills" / "aigw-trace" / "assets" / "apikey-anthropic.yaml"
    intake = REPO / "orchestrator" / "intake" / "examples" / "apikey-client-auth.yaml"
    bundle = build_bundle(yaml.safe_load(intake.read_text(encoding="utf-8")))
    header = [
        line for line in asset.read_text(encoding="utf-8").splitlines(keepends=True) if line.startswith("#")
    ]
    assert "build --example apikey-client-auth" in header[0]
    body = asset.read_text(encoding="utf-8")[len("".join(header[:2])) :]
    assert body == bundle.files["manifests.yaml"], (
        "rebuild the asset from `aigw-skills build --example apikey-client-auth`"
    )
