"""Which AI Gateway release a CRD folder holds, known from the pinned sha256 of each file, and what the bundle
checklist may claim about it: the schema item is ticked only when every object of a CRD-served group was checked
against the pinned CRDs of the target release (QA H2); a kind whose CRD a partial release folder lacks is "not
checked", not "not served" (QA D7); the user's own CRDs beside a release's files keep the release known (QA D8)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from orchestrator.compose.bundle import build_bundle
from orchestrator.engine.crd_cache import pinned_crd_file, releases_holding, releases_of_files
from orchestrator.engine.crd_pins import PINS
from orchestrator.engine.crds import load_crds, release_mismatch
from orchestrator.engine.crdset import CRDSet
from orchestrator.engine.validate import validate_documents
from server.cli.build import example_text
from tests.conftest import shared_path

SCHEMA_ITEM = "Manifests accepted by the CRD schemas and CEL rules of AI Gateway v1.1.0"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test reads and writes the CRD index in its own cache (the first load hashes, the next recalls)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(cache))
    return cache


def _bundle(crds: CRDSet | None) -> tuple[dict, dict]:
    bundle = build_bundle(yaml.safe_load(example_text("openai-anthropic")), crds=crds)
    report = json.loads(bundle.files["report.json"])
    item = next(i for i in report["checklist"] if i["title"] == SCHEMA_ITEM)
    return report, item | {"readme": bundle.files["README.md"]}


@pytest.mark.parametrize(
    ("parts", "release"),
    [
        (("crds",), "v1.1.0"),
        (("crds", "ai-gateway"), "v1.1.0"),
        *[(("crds-releases", v), v) for v in ("v0.5.0", "v0.6.0", "v0.7.0", "v1.0.0")],
    ],
)
def test_a_crd_folder_is_identified_by_the_pinned_checksums_of_its_files(parts, release):
    crds = load_crds(shared_path(*parts))
    again = load_crds(shared_path(*parts))  # digests recalled from the index, not re-read: same answer
    assert crds.releases == again.releases == (release,)
    assert crds.label == f"the AI Gateway {release} CRDs ({shared_path(*parts)})"


def test_an_edited_crd_file_makes_the_folder_unpinned_and_says_so(tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(shared_path("crds", "ai-gateway"), folder)
    edited = sorted(folder.glob("*.yaml"))[0]
    edited.write_text(edited.read_text() + "# local edit\n")
    crds = load_crds(folder)
    assert crds.releases == ()
    assert crds.label == f"unpinned CRDs ({folder})"
    note = release_mismatch(crds, "v1.1.0")
    assert note is not None and "match the pinned CRDs of no AI Gateway release" in note
    assert "aigw-skills crds pull --version v1.1.0" in note


def test_files_shared_by_releases_name_every_release_holding_them_and_an_unknown_file_none():
    ai_v020 = [p.sha256 for p in PINS["v0.2.0"] if p.source == "ai-gateway"]
    assert releases_holding(ai_v020) == ("v0.2.1", "v0.2.0")  # v0.2.1 re-tagged the same CRDs
    assert releases_holding([*ai_v020, hashlib.sha256(b"not a pinned file").hexdigest()]) == ()
    mixed = [PINS["v1.1.0"][0].sha256, PINS["v0.5.0"][0].sha256]
    assert releases_holding(mixed) == ()


def test_release_mismatch_is_silent_for_the_target_release_and_the_clusters_crds():
    target = CRDSet.from_versions([], origin="dir", releases=("v1.1.0",))
    cluster = CRDSet.from_versions([], origin="cluster (kubectl get crd)")
    assert release_mismatch(target, "v1.1.0") is None
    assert release_mismatch(cluster, "v1.1.0") is None
    assert release_mismatch(None, "v1.1.0") is None
    other = release_mismatch(target, "v1.0.0")
    assert other is not None and "--target-version v1.1.0" in other


def test_bundle_checked_against_the_target_releases_crds_ticks_the_schema_item(shared_crds):
    report, item = _bundle(load_crds(shared_crds))
    assert item["passed"] is True and report["fully_checked"] is True
    assert f"- [x] {SCHEMA_ITEM}\n" in item["readme"]


def test_bundle_with_partial_crds_leaves_the_schema_item_unticked_and_names_the_kinds_not_checked():
    report, item = _bundle(load_crds(shared_path("crds", "ai-gateway")))
    assert item["passed"] is None
    assert report["fully_checked"] is False
    assert item["detail"].startswith("7 of 12 objects had no CRD schema in the AI Gateway v1.1.0 CRDs")
    assert item["detail"].endswith(": Backend, BackendTLSPolicy, ClientTrafficPolicy, Gateway, GatewayClass")
    assert f"- [ ] {SCHEMA_ITEM} — not checked: 7 of 12 objects" in item["readme"]
    assert f"[x] {SCHEMA_ITEM}" not in item["readme"]


def test_bundle_with_another_releases_crds_is_unticked_and_warns_with_the_next_step():
    folder = shared_path("crds-releases", "v1.0.0")
    report, item = _bundle(load_crds(folder))
    assert item["passed"] is None
    assert (
        item["detail"]
        == f"the CRDs loaded are not AI Gateway v1.1.0's: the AI Gateway v1.0.0 CRDs ({folder})"
    )
    assert report["fully_checked"] is False
    assert "valid as far as checked" in report["summary"]
    warning = report["validation"]["checks_skipped"][0]
    assert warning.startswith(f"Schema and CEL checks ran against the AI Gateway v1.0.0 CRDs ({folder})")
    assert "`aigw-skills crds pull --version v1.1.0`" in warning
    assert "installation.version: v1.0.0 in the intake" in warning
    assert f"- skipped: {warning}" in item["readme"]


def test_bundle_with_edited_crds_does_not_claim_the_target_releases_schemas(tmp_path):
    folder = tmp_path / "edited"
    shutil.copytree(shared_crds_folder(), folder)
    extra = folder / "ai-gateway" / "aigateway.envoyproxy.io_aigatewayroutes.yaml"
    extra.write_text(extra.read_text() + "\n# edited locally\n")
    report, item = _bundle(load_crds(folder))
    assert item["passed"] is None
    assert item["detail"] == f"the CRDs loaded are not AI Gateway v1.1.0's: unpinned CRDs ({folder})"
    assert report["fully_checked"] is False


def shared_crds_folder() -> Path:
    return shared_path("crds")


def test_crds_of_unknown_release_are_labelled_by_where_they_came_from():
    cluster = CRDSet.from_versions([], origin="cluster (kubectl get crd)")
    assert cluster.label == "the CRDs from cluster (kubectl get crd)"
    assert cluster.is_release("v1.1.0") is None


# QA D7: a folder (or file) holding part of a release lacks a kind's CRD; the release still serves the kind.

BSP_FILE = "aigateway.envoyproxy.io_backendsecuritypolicies.yaml"


def _policy(
    api_version: str = "aigateway.envoyproxy.io/v1beta1", kind: str = "BackendSecurityPolicy"
) -> dict:
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"type": "APIKey", "apiKey": {"secretRef": {"name": "s"}}},
    }


def _part_of(tmp_path: Path, parts: tuple[str, ...], names: tuple[str, ...]) -> Path:
    folder = tmp_path / "part"
    folder.mkdir()
    for name in names:
        shutil.copy(shared_path(*parts, name), folder / name)
    return folder


@pytest.mark.parametrize("single_file", [False, True], ids=["folder", "one-file"])
def test_a_kind_whose_crd_a_partial_release_folder_lacks_is_not_checked_and_names_the_file_to_add(
    tmp_path, single_file
):
    folder = _part_of(
        tmp_path,
        ("crds", "ai-gateway"),
        ("aigateway.envoyproxy.io_aigatewayroutes.yaml", "aigateway.envoyproxy.io_aiservicebackends.yaml"),
    )
    path = folder / "aigateway.envoyproxy.io_aigatewayroutes.yaml" if single_file else folder
    crds = load_crds(path)
    assert crds.releases == ("v1.1.0",)
    report = validate_documents([_policy(), _policy()], crds=crds, lint=False, target_version="v1.1.0")
    assert [f for f in report.findings if f.severity == "error"] == []
    add = f"add {BSP_FILE}" if not single_file else f"pass --crds a folder holding it and {BSP_FILE}"
    assert report.checks_skipped == [
        "No schema for aigateway.envoyproxy.io/v1beta1 BackendSecurityPolicy (2 documents): the CRD is not in "
        f"{path} (AI Gateway v1.1.0 serves it); {add}, or run `aigw-skills crds pull --version v1.1.0`"
    ]


def test_files_shared_by_releases_name_the_target_release_for_the_crd_they_lack(tmp_path):
    folder = _part_of(tmp_path, ("crds", "ai-gateway"), ("aigateway.envoyproxy.io_aiservicebackends.yaml",))
    crds = load_crds(folder)
    assert crds.releases == ("v1.1.0", "v1.0.0", "v0.7.0")  # v0.7.0-v1.1.0 pin this file byte for byte
    for target in ("v1.0.0", "v1.1.0"):
        (note,) = validate_documents([_policy()], crds=crds, lint=False, target_version=target).checks_skipped
        assert note.endswith(
            f"(AI Gateway {target} serves it); add {BSP_FILE}, or run `aigw-skills crds pull --version {target}`"
        )


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("aigateway.envoyproxy.io/v1beta2", "BackendSecurityPolicy"),  # a version the group does not serve
        ("aigateway.envoyproxy.io/v1beta1", "Widget"),  # a kind the release has no CRD for
        ("aigateway.envoyproxy.io/v1beta2", "AIServiceBackend"),  # loaded, in other versions only
    ],
)
def test_a_partial_release_folder_still_refuses_what_the_release_does_not_serve(tmp_path, api_version, kind):
    folder = _part_of(tmp_path, ("crds", "ai-gateway"), ("aigateway.envoyproxy.io_aiservicebackends.yaml",))
    report = validate_documents([_policy(api_version, kind)], crds=load_crds(folder), lint=False)
    (error,) = [f for f in report.findings if f.severity == "error"]
    assert error.message == (
        f'no matches for kind "{kind}" in version "{api_version}": the AI Gateway v1.1.0 / v1.0.0 / v0.7.0 CRDs '
        f"({folder}) do not serve it"
    )
    assert report.checks_skipped == []


def test_a_partial_older_release_folder_refuses_a_kind_added_in_a_later_release(tmp_path):
    folder = _part_of(
        tmp_path, ("crds-releases", "v0.5.0", "ai-gateway"), ("aigateway.envoyproxy.io_aigatewayroutes.yaml",)
    )
    crds = load_crds(folder)
    assert crds.releases == ("v0.5.0",)
    quota = _policy("aigateway.envoyproxy.io/v1alpha1", "QuotaPolicy")
    report = validate_documents([quota], crds=crds, lint=False, target_version="v0.5.0")
    (error,) = [f for f in report.findings if f.severity == "error"]
    assert "the AI Gateway v0.5.0 CRDs" in error.message and "do not serve it" in error.message
    kept = validate_documents([_policy("aigateway.envoyproxy.io/v1alpha1")], crds=crds, lint=False)
    assert [
        f for f in kept.findings if f.severity == "error"
    ] == []  # v0.5.0 does serve BackendSecurityPolicy
    assert "(AI Gateway v0.5.0 serves it)" in kept.checks_skipped[0]


def test_every_pinned_crd_file_is_found_from_the_kind_of_the_crd_it_holds(shared_crds):
    versions = list(load_crds(shared_crds))
    assert versions
    for v in versions:
        assert pinned_crd_file(("v1.1.0",), v.group, v.kind) == (f"{v.group}_{v.plural}.yaml", ("v1.1.0",))
    assert pinned_crd_file(("v0.5.0",), "aigateway.envoyproxy.io", "QuotaPolicy") is None


def test_bundle_with_a_release_folder_lacking_one_crd_is_valid_but_leaves_the_schema_item_unticked(tmp_path):
    folder = tmp_path / "most"
    shutil.copytree(shared_crds_folder(), folder)
    (folder / "ai-gateway" / BSP_FILE).unlink()
    report, item = _bundle(load_crds(folder))
    assert report["valid"] is True and report["fully_checked"] is False
    assert item["passed"] is None
    assert item["detail"].endswith(": BackendSecurityPolicy")
    assert any(
        s.endswith(
            f"(AI Gateway v1.1.0 serves it); add {BSP_FILE}, or run `aigw-skills crds pull --version v1.1.0`"
        )
        for s in report["validation"]["checks_skipped"]
    )


# QA D8: the user's own CRDs (groups no release pins) beside a release's files keep the release known.

WIDGET_CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.widgets.example.com}
spec:
  group: widgets.example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object}}
"""


def _release_with_own_crd(tmp_path: Path) -> Path:
    folder = tmp_path / "with-widgets"
    shutil.copytree(shared_crds_folder(), folder)
    (folder / "widgets.yaml").write_text(WIDGET_CRD)
    (folder / "kustomization.yaml").write_text("resources: [widgets.yaml]\n")  # no CRD at all
    return folder


def test_a_users_own_crd_beside_a_release_folder_keeps_the_release_and_the_ticked_schema_item(tmp_path):
    folder = _release_with_own_crd(tmp_path)
    crds, again = load_crds(folder), load_crds(folder)  # parsed, then recalled from the index
    assert crds.releases == again.releases == ("v1.1.0",)
    assert crds.label == f"the AI Gateway v1.1.0 CRDs ({folder})"
    assert crds.get("widgets.example.com/v1", "Widget") is not None
    assert release_mismatch(crds, "v1.1.0") is None
    report, item = _bundle(crds)
    assert item["passed"] is True and report["fully_checked"] is True


def test_an_edited_pinned_file_beside_the_users_own_crd_still_makes_the_folder_unpinned(tmp_path):
    folder = _release_with_own_crd(tmp_path)
    edited = folder / "gateway-api" / "gateway.networking.k8s.io_gateways.yaml"
    edited.write_text(edited.read_text() + "# local edit\n")
    crds = load_crds(folder)
    assert crds.releases == ()
    _, item = _bundle(crds)
    assert item["detail"] == f"the CRDs loaded are not AI Gateway v1.1.0's: unpinned CRDs ({folder})"


def test_only_files_of_groups_no_release_pins_are_left_out_of_the_release_check():
    table = {p.sha256 for p in PINS["v1.1.0"]}
    pinned = {f"f{i}.yaml": digest for i, digest in enumerate(sorted(table))}
    own = hashlib.sha256(b"widgets").hexdigest()
    groups = {
        "own.yaml": {"widgets.example.com"},
        "edited.yaml": {"aigateway.envoyproxy.io", "x.example.com"},
    }
    assert releases_of_files({**pinned, "own.yaml": own, "notes.yaml": own}, groups) == ("v1.1.0",)
    assert releases_of_files({**pinned, "edited.yaml": own}, groups) == ()
