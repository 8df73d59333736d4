"""`crds pull` against a local HTTP server that serves ../shared/crds under the upstream raw paths: every file is
checked against the pins in code (size, sha256) before anything is written, later loads are offline and checked
against the pins again, and a failed or refused pull leaves the cache (or the user's folder) as it was.

../shared/crds holds 22 of the 29 files pinned for v1.1.0 (byte-identical to upstream, test_crd_pins.py), so
these tests pin v1.1.0 to those 22 with monkeypatch; the code path is the one real pulls take.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from orchestrator.engine.crd_cache import (
    SOURCES_FILE,
    list_cached,
    load_cached_crds,
    local_path,
    pin_url,
    pull_crds,
    version_dir,
)
from orchestrator.engine.crd_pins import PINS, UPSTREAM_REPOS, PinnedFile
from orchestrator.engine.crds import CRDSourceError, resolve_crd_source
from tests.conftest import SHARED, shared_path

CRDS = SHARED / "crds"


def shared_pins() -> tuple[PinnedFile, ...]:
    return tuple(p for p in PINS["v1.1.0"] if (CRDS / local_path(p)).is_file())


def upstream_layout() -> dict[str, bytes]:
    """The shared CRD copies under the raw.githubusercontent.com paths of their repositories and tags."""
    return {
        f"/{UPSTREAM_REPOS[p.source]}/{p.tag}/{p.path}": (CRDS / local_path(p)).read_bytes()
        for p in shared_pins()
    }


class Upstream:
    """A throwaway HTTP server on 127.0.0.1 serving ``files``; records every request path."""

    def __init__(self, files: dict[str, bytes], redirects: dict[str, str] | None = None) -> None:
        self.files = files
        self.redirects = redirects or {}
        self.requests: list[str] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]  # kubectl adds ?limit=500
                upstream.requests.append(path)
                if path in upstream.redirects:
                    self.send_response(302)
                    self.send_header("Location", upstream.redirects[path])
                    self.end_headers()
                    return
                body = upstream.files.get(path)
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                self.wfile.write(body if body is not None else b"not found")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.base_urls = {source: f"{self.base}/{repo}" for source, repo in UPSTREAM_REPOS.items()}

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> Iterator[Upstream]:
    shared_path("crds")
    monkeypatch.setitem(PINS, "v1.1.0", shared_pins())
    server = Upstream(upstream_layout())
    yield server
    server.stop()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(root))
    return root


def pull(upstream: Upstream, **kw: Any) -> Any:
    return pull_crds("v1.1.0", base_urls=upstream.base_urls, allow_http=True, **kw)


def test_pull_fetches_every_pinned_file_and_records_its_sha256(upstream: Upstream, cache: Path) -> None:
    result = pull(upstream)
    assert result.dest == version_dir("v1.1.0").resolve() == (cache / "crds" / "v1.1.0").resolve()
    assert sorted(upstream.requests) == sorted(upstream.files)
    manifest = json.loads((result.dest / SOURCES_FILE).read_text())
    assert manifest["aigw_version"] == "v1.1.0"
    index = (result.dest / manifest["index"]["path"]).read_bytes()
    assert manifest["index"]["sha256"] == hashlib.sha256(index).hexdigest()
    assert len(manifest["files"]) == len(upstream.files) == len(PINS["v1.1.0"])
    for entry in manifest["files"]:
        served = upstream.files[entry["url"].removeprefix(upstream.base)]
        assert entry["sha256"] == hashlib.sha256(served).hexdigest()
        assert (result.dest / entry["path"]).read_bytes() == served


def test_cached_crds_load_offline_and_match_the_originals(
    upstream: Upstream, cache: Path, crd_set: Any
) -> None:
    pull(upstream)
    upstream.stop()
    seen = len(upstream.requests)
    cached = load_cached_crds("v1.1.0")
    assert cached is not None
    assert len(upstream.requests) == seen
    assert {c.gvk for c in cached} <= {c.gvk for c in crd_set} | {c.gvk for c in cached}
    assert {c.gvk for c in crd_set} <= {c.gvk for c in cached}
    crds, note = resolve_crd_source(version="v1.1.0")
    assert note is None and crds is not None and "cache v1.1.0" in crds.origin
    assert crds.releases == cached.releases == ("v1.1.0",)  # every file verified against that release's pins


def test_a_modified_cached_file_is_refused(upstream: Upstream, cache: Path) -> None:
    result = pull(upstream)
    target = result.dest / result.files[0].path
    target.write_bytes(target.read_bytes() + b"\n# edited\n")
    with pytest.raises(CRDSourceError, match="sha256"):
        load_cached_crds("v1.1.0")


def test_a_tampered_file_with_a_matching_sources_entry_is_still_refused(
    upstream: Upstream, cache: Path
) -> None:
    """Issue 16: SOURCES.json is no authority; the pins in code are."""
    result = pull(upstream)
    target = result.dest / result.files[0].path
    tampered = target.read_bytes().replace(b"description:", b"description: x", 1)
    target.write_bytes(tampered)
    manifest = json.loads((result.dest / SOURCES_FILE).read_text())
    manifest["files"][0]["sha256"] = hashlib.sha256(tampered).hexdigest()
    (result.dest / SOURCES_FILE).write_text(json.dumps(manifest))
    with pytest.raises(CRDSourceError, match="pinned sha256"):
        load_cached_crds("v1.1.0")


def test_sources_json_paths_outside_the_folder_are_never_read(upstream: Upstream, cache: Path) -> None:
    """Issue 16: a SOURCES.json entry such as ../../secret was followed; files are named by the pins only."""
    result = pull(upstream)
    outside = cache / "outside.yaml"
    outside.write_text("kind: NotACrd\n")
    manifest = json.loads((result.dest / SOURCES_FILE).read_text())
    manifest["files"].append({"path": "../../outside.yaml", "sha256": hashlib.sha256(b"x").hexdigest()})
    manifest["files"][0]["path"] = "../../outside.yaml"
    (result.dest / SOURCES_FILE).write_text(json.dumps(manifest))
    loaded = load_cached_crds("v1.1.0")
    assert loaded is not None and len(loaded) > 0


def test_a_download_that_does_not_match_its_pin_writes_nothing(upstream: Upstream, cache: Path) -> None:
    path = next(iter(upstream.files))
    upstream.files[path] = upstream.files[path].replace(b"description:", b"description: x", 1)
    with pytest.raises(CRDSourceError, match="does not match its pin"):
        pull(upstream)
    assert not (cache / "crds").exists() or list((cache / "crds").iterdir()) == []


def test_a_redirect_to_another_host_is_refused(upstream: Upstream, cache: Path) -> None:
    path = next(iter(upstream.files))
    upstream.redirects[path] = "http://localhost:9/elsewhere.yaml"
    with pytest.raises(CRDSourceError, match="redirected to another host"):
        pull(upstream)


def test_plain_http_base_urls_need_allow_http(cache: Path) -> None:
    with pytest.raises(CRDSourceError, match=r"must start with https://.*--allow-http"):
        pull_crds("v1.1.0", base_urls={"ai-gateway": "http://127.0.0.1:1/x"})
    with pytest.raises(CRDSourceError, match="must start with https://"):
        pull_crds("v1.1.0", base_urls={"ai-gateway": "file:///etc"}, allow_http=True)


def test_pull_dest_with_other_files_is_refused_and_left_intact(upstream: Upstream, tmp_path: Path) -> None:
    """Issue 16 (High, data loss): `crds pull --dest DIR` deleted DIR and everything in it."""
    dest = tmp_path / "project"
    dest.mkdir()
    (dest / "main.go").write_text("package main\n")
    (dest / "docs").mkdir()
    (dest / "docs" / "notes.md").write_text("keep me\n")
    with pytest.raises(CRDSourceError, match="not part of a CRD pull"):
        pull(upstream, dest=dest)
    assert (dest / "main.go").read_text() == "package main\n"
    assert (dest / "docs" / "notes.md").read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"], "no staging folder left behind"


def test_pull_dest_replaces_a_previous_pull(upstream: Upstream, tmp_path: Path) -> None:
    dest = tmp_path / "crds"
    pull(upstream, dest=dest)
    (dest / SOURCES_FILE).write_text("{}")
    pull(upstream, dest=dest)
    assert json.loads((dest / SOURCES_FILE).read_text())["aigw_version"] == "v1.1.0"


def test_a_malformed_crd_document_is_refused_at_pull(
    upstream: Upstream, cache: Path, monkeypatch: Any
) -> None:
    path, pin = next((f"/{UPSTREAM_REPOS[p.source]}/{p.tag}/{p.path}", p) for p in shared_pins())
    bad = upstream.files[path].replace(b"  versions:", b"  versions: 7\n  x:", 1)
    upstream.files[path] = bad
    forged = PinnedFile(pin.source, pin.tag, pin.path, hashlib.sha256(bad).hexdigest(), len(bad))
    monkeypatch.setitem(PINS, "v1.1.0", tuple(forged if p == pin else p for p in PINS["v1.1.0"]))
    with pytest.raises(CRDSourceError, match="malformed"):
        pull(upstream)


def test_a_failed_pull_keeps_the_previous_cache_and_leaves_no_temporary_files(
    upstream: Upstream, cache: Path
) -> None:
    first = pull(upstream)
    before = (first.dest / SOURCES_FILE).read_text()
    del upstream.files[next(p for p in upstream.files if "gateway-api/" in p)]
    with pytest.raises(CRDSourceError, match="HTTP 404"):
        pull(upstream)
    assert (first.dest / SOURCES_FILE).read_text() == before
    assert [p.name for p in (cache / "crds").iterdir()] == ["v1.1.0"]


def test_nothing_cached_means_no_crds_and_a_sentence_saying_how_to_get_them(cache: Path) -> None:
    crds, note = resolve_crd_source(version="v1.1.0")
    assert crds is None
    assert note is not None and "aigw-skills crds pull --version v1.1.0" in note and "--crds PATH" in note
    assert "offline" in note


def test_first_use_fetches_the_pinned_crds_when_not_offline(
    upstream: Upstream, cache: Path, monkeypatch: Any
) -> None:
    import orchestrator.engine.crd_cache as crd_cache

    monkeypatch.setattr(crd_cache, "DEFAULT_BASE_URLS", upstream.base_urls)
    real = crd_cache.pull_crds
    monkeypatch.setattr(
        crd_cache, "pull_crds", lambda v, **kw: real(v, base_urls=upstream.base_urls, allow_http=True, **kw)
    )
    told: list[str] = []
    crds, note = resolve_crd_source(version="v1.1.0", offline=False, on_fetch=told.append)
    assert crds is not None and note is None
    assert len(told) == 2 and "fetching the pinned AI Gateway v1.1.0 CRDs" in told[0]
    again, _ = resolve_crd_source(version="v1.1.0", offline=False, on_fetch=told.append)
    assert again is not None and len(told) == 2, "the second run reads the cache and fetches nothing"


def test_first_use_fetch_failure_skips_with_the_reason(cache: Path, monkeypatch: Any) -> None:
    import orchestrator.engine.crd_cache as crd_cache

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise CRDSourceError("GET https://raw.githubusercontent.com/x: network unreachable")

    monkeypatch.setattr(crd_cache, "pull_crds", refuse)
    crds, note = resolve_crd_source(version="v1.1.0", offline=False)
    assert crds is None and note is not None and "fetching them failed" in note and "unreachable" in note


def test_the_offline_switch_reads_flag_and_environment() -> None:
    from orchestrator.engine.crd_cache import is_offline

    assert is_offline(True, {}) and is_offline(False, {"AIGW_SKILLS_OFFLINE": "1"})
    assert not is_offline(False, {}) and not is_offline(False, {"AIGW_SKILLS_OFFLINE": "0"})


def test_unknown_versions_and_sources_are_refused(cache: Path) -> None:
    with pytest.raises(CRDSourceError, match="no CRD pins"):
        pull_crds("v9.9.9")
    with pytest.raises(CRDSourceError, match="unknown CRD source"):
        pull_crds("v1.1.0", base_urls={"helm": "https://127.0.0.1:1"})


def test_v0_2_releases_fetch_their_crds_from_the_crds_chart_templates() -> None:
    """Issue 16: v0.2.0/v0.2.1 pinned manifests/charts/ai-gateway-helm/crds/, which those tags do not have."""
    for version in ("v0.2.0", "v0.2.1", "v0.3.0"):
        aigw = [pin_url(p) for p in PINS[version] if p.source == "ai-gateway"]
        assert aigw and all("/manifests/charts/ai-gateway-crds-helm/templates/" in u for u in aigw)


def _cli(argv: list[str]) -> int:
    from server.cli.validate import register

    parser = argparse.ArgumentParser(prog="aigw-skills")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return int(args.handler(args))


def test_cli_pull_into_a_directory_then_validate_with_it(
    upstream: Upstream, cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "crds-v1.1.0"
    flags = [f"--base-url={k}={v}" for k, v in upstream.base_urls.items()]
    assert _cli(["crds", "pull", "--version", "v1.1.0", "--dest", str(dest), "--allow-http", *flags]) == 0
    out = capsys.readouterr().out
    assert "sha256:" in out and str(dest) in out
    ok = CRDS.parent / "conformance" / "crdcel-v1.1" / "aiservicebackends" / "basic.yaml"
    assert _cli(["validate", "--no-lint", "--crds", str(dest), str(ok)]) == 0


def test_cli_list_shows_cached_versions(
    upstream: Upstream, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pull(upstream)
    assert [c.version for c in list_cached()] == ["v1.1.0"]
    assert _cli(["crds", "list", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [v["version"] for v in listing["versions"]] == ["v1.1.0"]


def test_cli_pull_reports_a_download_failure_on_stderr(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _cli(["crds", "pull", "--base-url", "ai-gateway=https://127.0.0.1:9/nothing", "--timeout", "5"]) == 1
    )
    assert capsys.readouterr().err.startswith("aigw-skills crds pull: ")


def test_cli_pull_errors_name_the_command_like_every_other_command(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, a version without pins and a malformed --base-url read `aigw-skills: ...` without the command."""
    assert _cli(["crds", "pull", "--version", "v9.9.9"]) == 2
    assert capsys.readouterr().err.startswith(
        "aigw-skills crds pull: no CRD pins for AI Gateway v9.9.9; known: "
    )
    assert _cli(["crds", "pull", "--base-url", "bogus"]) == 2
    assert capsys.readouterr().err == "aigw-skills crds pull: --base-url expects SOURCE=URL, got 'bogus'\n"


class FakeApiServer(Upstream):
    """Just enough of a Kubernetes API server for `kubectl get crd -o json`: discovery and the CRD list."""

    def __init__(self, crd_docs: list[dict[str, Any]]) -> None:
        gv = {"groupVersion": "apiextensions.k8s.io/v1", "version": "v1"}
        crd_resource = {
            "name": "customresourcedefinitions",
            "singularName": "customresourcedefinition",
            "namespaced": False,
            "kind": "CustomResourceDefinition",
            "verbs": ["get", "list"],
            "shortNames": ["crd", "crds"],
        }
        listing = {
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinitionList",
            "metadata": {},
            "items": crd_docs,
        }
        routes = {
            "/api": {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []},
            "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": []},
            "/apis": {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [{"name": "apiextensions.k8s.io", "versions": [gv], "preferredVersion": gv}],
            },
            "/apis/apiextensions.k8s.io/v1": {
                "kind": "APIResourceList",
                "apiVersion": "v1",
                "groupVersion": "apiextensions.k8s.io/v1",
                "resources": [crd_resource],
            },
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions": listing,
        }
        super().__init__({path: json.dumps(body).encode() for path, body in routes.items()})
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeApiServer]:
    import shutil

    import yaml

    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    shared_path("crds")
    docs = [
        yaml.safe_load((CRDS / "ai-gateway" / "aigateway.envoyproxy.io_aiservicebackends.yaml").read_text())
    ]
    server = FakeApiServer(docs)
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
        f"clusters: [{{name: fake, cluster: {{server: '{server.url}'}}}}]\n"
        "contexts: [{name: fake, context: {cluster: fake, user: fake}}]\nusers: [{name: fake, user: {}}]\n"
    )
    monkeypatch.setenv("KUBECONFIG", str(config))
    monkeypatch.setenv("KUBECACHEDIR", str(tmp_path / "kube-cache"))
    monkeypatch.setenv("HOME", str(tmp_path))
    yield server
    server.stop()


def test_cluster_crds_come_from_kubectl_get_crd(kubeconfig: FakeApiServer) -> None:
    from orchestrator.engine.crds import load_cluster_crds

    crds = load_cluster_crds()
    assert crds.origin.startswith("cluster")
    assert crds.releases is None  # a cluster's release is not known from its CRDs: no mismatch claimed
    assert crds.served_versions("aigateway.envoyproxy.io", "AIServiceBackend") == ["v1alpha1", "v1beta1"]
    assert "/apis/apiextensions.k8s.io/v1/customresourcedefinitions" in kubeconfig.requests


def test_unreachable_cluster_is_a_crd_source_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    from orchestrator.engine.crds import load_cluster_crds

    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters: [{name: x, cluster: {server: 'http://127.0.0.1:9'}}]\n"
        "contexts: [{name: x, context: {cluster: x, user: x}}]\nusers: [{name: x, user: {}}]\n"
    )
    monkeypatch.setenv("KUBECONFIG", str(config))
    monkeypatch.setenv("KUBECACHEDIR", str(tmp_path / "kube-cache"))
    with pytest.raises(CRDSourceError, match="kubectl get crd failed") as caught:
        load_cluster_crds(timeout=20)
    # One line: kubectl's sentence for people and the next step, not its repeated klog discovery errors.
    message = str(caught.value)
    assert "\n" not in message and "memcache.go" not in message, message
    assert message.endswith(
        "check the current kubectl context (kubectl config current-context), or validate "
        "against CRD files with --crds"
    )
    with pytest.raises(CRDSourceError, match="not found on PATH"):
        load_cluster_crds(kubectl=str(tmp_path / "no-kubectl"))


def test_a_malformed_crd_under_crds_dir_is_refused_naming_file_and_crd(tmp_path: Path, cache: Path) -> None:
    from orchestrator.engine.crds import load_crds

    bad = tmp_path / "crds" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: things.x.io}\n"
        "spec: {group: x.io, names: {kind: Thing, plural: things}, scope: Namespaced, versions: 7}\n"
    )
    with pytest.raises(
        CRDSourceError, match=r"bad\.yaml: CustomResourceDefinition things\.x\.io is malformed"
    ):
        load_crds(bad.parent)
