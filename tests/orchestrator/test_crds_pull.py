"""`crds pull` against a local HTTP server that serves ../shared/crds under the upstream release paths: every
file's sha256 is recorded, later loads are offline and checked, and a failed pull leaves the cache as it was."""

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
    pull_crds,
    remote_files,
    version_dir,
)
from orchestrator.engine.crds import CRDSourceError, resolve_crd_source
from tests.conftest import SHARED, shared_path

CRDS = SHARED / "crds"


def _concat(folder: str) -> bytes:
    return b"\n---\n".join(p.read_bytes() for p in sorted((CRDS / folder).glob("*.yaml")))


def upstream_layout() -> dict[str, bytes]:
    """The shared CRD copies under the paths the real upstream releases use for AI Gateway v1.1.0."""
    files = {
        f"/envoyproxy/ai-gateway/v1.1.0/manifests/charts/ai-gateway-crds-helm/templates/{p.name}": p.read_bytes()
        for p in sorted((CRDS / "ai-gateway").glob("*.yaml"))
    }
    files["/envoyproxy/gateway/releases/download/v1.8.1/envoy-gateway-crds.yaml"] = _concat("envoy-gateway")
    files["/kubernetes-sigs/gateway-api/releases/download/v1.5.1/experimental-install.yaml"] = _concat(
        "gateway-api"
    )
    gie = "/kubernetes-sigs/gateway-api-inference-extension/releases/download/v1.0.2/manifests.yaml"
    files[gie] = _concat("inference-extension")
    return files


class Upstream:
    """A throwaway HTTP server on 127.0.0.1 serving ``files``; records every request path."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.requests: list[str] = []
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]  # kubectl adds ?limit=500
                upstream.requests.append(path)
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
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.base_urls = {
            "ai-gateway": f"{base}/envoyproxy/ai-gateway",
            "envoy-gateway": f"{base}/envoyproxy/gateway/releases/download",
            "gateway-api": f"{base}/kubernetes-sigs/gateway-api/releases/download",
            "inference-extension": f"{base}/kubernetes-sigs/gateway-api-inference-extension/releases/download",
        }

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    shared_path("crds")
    server = Upstream(upstream_layout())
    yield server
    server.stop()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(root))
    return root


def test_pull_fetches_every_pinned_file_and_records_its_sha256(upstream: Upstream, cache: Path) -> None:
    result = pull_crds("v1.1.0", base_urls=upstream.base_urls)
    assert result.dest == version_dir("v1.1.0") == cache / "crds" / "v1.1.0"
    assert sorted(upstream.requests) == sorted(upstream.files)
    manifest = json.loads((result.dest / SOURCES_FILE).read_text())
    assert manifest["aigw_version"] == "v1.1.0"
    index = (result.dest / manifest["index"]["path"]).read_bytes()
    assert manifest["index"]["sha256"] == hashlib.sha256(index).hexdigest()
    assert len(manifest["files"]) == len(upstream.files) == len(remote_files("v1.1.0"))
    for entry in manifest["files"]:
        served = upstream.files[entry["url"].split(str(upstream.server.server_address[1]), 1)[1]]
        assert entry["sha256"] == hashlib.sha256(served).hexdigest()
        assert (result.dest / entry["path"]).read_bytes() == served


def test_cached_crds_load_offline_and_match_the_originals(
    upstream: Upstream, cache: Path, crd_set: Any
) -> None:
    pull_crds("v1.1.0", base_urls=upstream.base_urls)
    upstream.stop()
    seen = len(upstream.requests)
    cached = load_cached_crds("v1.1.0")
    assert cached is not None
    assert len(upstream.requests) == seen
    assert {c.gvk for c in cached} == {c.gvk for c in crd_set}
    crds, note = resolve_crd_source(version="v1.1.0")
    assert note is None and crds is not None and "cache v1.1.0" in crds.origin


def test_a_modified_cached_file_is_refused(upstream: Upstream, cache: Path) -> None:
    result = pull_crds("v1.1.0", base_urls=upstream.base_urls)
    target = result.dest / result.files[0].path
    target.write_bytes(target.read_bytes() + b"\n# edited\n")
    with pytest.raises(CRDSourceError, match="sha256"):
        load_cached_crds("v1.1.0")


def test_a_failed_pull_keeps_the_previous_cache_and_leaves_no_temporary_files(
    upstream: Upstream, cache: Path
) -> None:
    first = pull_crds("v1.1.0", base_urls=upstream.base_urls)
    before = (first.dest / SOURCES_FILE).read_text()
    del upstream.files["/kubernetes-sigs/gateway-api/releases/download/v1.5.1/experimental-install.yaml"]
    with pytest.raises(CRDSourceError, match="HTTP 404"):
        pull_crds("v1.1.0", base_urls=upstream.base_urls)
    assert (first.dest / SOURCES_FILE).read_text() == before
    assert [p.name for p in (cache / "crds").iterdir()] == ["v1.1.0"]


def test_a_file_without_crds_of_its_groups_is_refused(upstream: Upstream, cache: Path) -> None:
    upstream.files["/envoyproxy/gateway/releases/download/v1.8.1/envoy-gateway-crds.yaml"] = _concat(
        "gateway-api"
    )
    with pytest.raises(CRDSourceError, match=r"no CustomResourceDefinition of gateway\.envoyproxy\.io"):
        pull_crds("v1.1.0", base_urls=upstream.base_urls)
    assert load_cached_crds("v1.1.0") is None


def test_nothing_cached_means_no_crds_and_a_sentence_saying_how_to_get_them(cache: Path) -> None:
    crds, note = resolve_crd_source(version="v1.1.0")
    assert crds is None
    assert note is not None and "aigw-skills crds pull --version v1.1.0" in note and "--crds PATH" in note


def test_unknown_versions_and_sources_are_refused(cache: Path) -> None:
    with pytest.raises(CRDSourceError, match="no CRD pins"):
        pull_crds("v9.9.9")
    with pytest.raises(CRDSourceError, match="unknown CRD source"):
        pull_crds("v1.1.0", base_urls={"helm": "http://127.0.0.1:1"})


def test_older_versions_take_gateway_api_from_the_envoy_gateway_release() -> None:
    files = {f.source: f for f in remote_files("v0.6.0")}
    assert "gateway-api" not in files
    assert files["envoy-gateway"].relpath == "v1.7.0/install.yaml"
    assert "gateway.networking.k8s.io" in files["envoy-gateway"].groups
    v03 = [f.relpath for f in remote_files("v0.3.0") if f.source == "ai-gateway"]
    assert (
        v03[0] == "v0.3.0/manifests/charts/ai-gateway-helm/crds/aigateway.envoyproxy.io_aigatewayroutes.yaml"
    )


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
    assert _cli(["crds", "pull", "--version", "v1.1.0", "--dest", str(dest), *flags]) == 0
    out = capsys.readouterr().out
    assert "sha256:" in out and str(dest) in out
    ok = CRDS.parent / "conformance" / "crdcel-v1.1" / "aiservicebackends" / "basic.yaml"
    assert _cli(["validate", "--no-lint", "--crds", str(dest), str(ok)]) == 0


def test_cli_list_shows_cached_versions(
    upstream: Upstream, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pull_crds("v1.1.0", base_urls=upstream.base_urls)
    assert [c.version for c in list_cached()] == ["v1.1.0"]
    assert _cli(["crds", "list", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [v["version"] for v in listing["versions"]] == ["v1.1.0"]


def test_cli_pull_reports_a_download_failure_on_stderr(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _cli(["crds", "pull", "--base-url", "ai-gateway=http://127.0.0.1:9/nothing", "--timeout", "5"]) == 1
    )
    assert "crds pull:" in capsys.readouterr().err


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
    with pytest.raises(CRDSourceError, match="kubectl get crd failed"):
        load_cluster_crds(timeout=20)
    with pytest.raises(CRDSourceError, match="not found on PATH"):
        load_cluster_crds(kubectl=str(tmp_path / "no-kubectl"))
