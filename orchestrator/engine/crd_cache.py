"""The per-version CRD cache: which upstream files belong to an AI Gateway version, fetching them, reading them.

Layout: ``<cache>/crds/<version>/<source>/<file>`` plus ``SOURCES.json`` (URL, sha256, size and API groups of
every file) and ``crds.json`` (their CRD documents, parsed once so later loads take milliseconds). ``<cache>`` is ``$AIGW_SKILLS_CACHE``, else ``$XDG_CACHE_HOME/aigw-skills``, else
``~/.cache/aigw-skills``. :func:`pull_crds` is the only network access in the package; it downloads into a
temporary directory next to the destination and renames it into place, so a failed pull never leaves a
half-filled version behind. Reading the cache checks every checksum and never touches the network.

Which files belong to a release comes from the one version table, :data:`skills.versions.PULLABLE`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestrator.engine.contract import CACHE_ENV
from orchestrator.engine.crdset import CRDSet, CRDSourceError, CRDVersion, read_manifest_file, versions_of_crd
from skills.versions import PULLABLE

SOURCES_FILE = "SOURCES.json"
INDEX_FILE = "crds.json"  # the CRD documents of all files, parsed once at pull time (checksummed too)
USER_AGENT = "aigw-skills-crd-pull"

AIGW_GROUPS = ("aigateway.envoyproxy.io",)
EG_GROUPS = ("gateway.envoyproxy.io",)
GWAPI_GROUPS = ("gateway.networking.k8s.io", "gateway.networking.x-k8s.io")
GIE_GROUPS = ("inference.networking.k8s.io", "inference.networking.x-k8s.io")

DEFAULT_BASE_URLS: dict[str, str] = {
    "ai-gateway": "https://raw.githubusercontent.com/envoyproxy/ai-gateway",
    "envoy-gateway": "https://github.com/envoyproxy/gateway/releases/download",
    "gateway-api": "https://github.com/kubernetes-sigs/gateway-api/releases/download",
    "inference-extension": "https://github.com/kubernetes-sigs/gateway-api-inference-extension/releases/download",
}


@dataclass(frozen=True)
class RemoteFile:
    source: str
    relpath: str
    groups: tuple[str, ...]

    def url(self, base_urls: Mapping[str, str]) -> str:
        return base_urls[self.source].rstrip("/") + "/" + self.relpath


def remote_files(version: str) -> list[RemoteFile]:
    """The upstream files holding the CRDs of AI Gateway ``version`` and of what it depends on."""
    pin = PULLABLE.get(version)
    if pin is None:
        known = ", ".join(PULLABLE)
        raise CRDSourceError(f"no CRD pins known for AI Gateway {version}; known versions: {known}")
    files = [
        RemoteFile(
            "ai-gateway",
            f"{pin.ai_gateway}/{pin.crd_chart_dir}/aigateway.envoyproxy.io_{p}.yaml",
            AIGW_GROUPS,
        )
        for p in pin.crd_plurals
    ]
    if pin.gateway_api_crds:
        files.append(RemoteFile("envoy-gateway", f"{pin.envoy_gateway}/envoy-gateway-crds.yaml", EG_GROUPS))
        files.append(RemoteFile("gateway-api", f"{pin.gateway_api}/experimental-install.yaml", GWAPI_GROUPS))
    else:
        files.append(
            RemoteFile("envoy-gateway", f"{pin.envoy_gateway}/install.yaml", EG_GROUPS + GWAPI_GROUPS)
        )
    if pin.inference_extension_crds:
        files.append(
            RemoteFile("inference-extension", f"{pin.inference_extension}/manifests.yaml", GIE_GROUPS)
        )
    return files


def cache_root() -> Path:
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "aigw-skills"
    return Path.home() / ".cache" / "aigw-skills"


def version_dir(version: str, cache_dir: Path | None = None) -> Path:
    return (cache_dir or cache_root()) / "crds" / version


@dataclass(frozen=True)
class PulledFile:
    source: str
    url: str
    path: str
    sha256: str
    bytes: int
    groups: tuple[str, ...]
    crds: int


@dataclass(frozen=True)
class PullResult:
    version: str
    dest: Path
    files: tuple[PulledFile, ...]


Fetch = Callable[[str, float], bytes]


def fetch_url(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as exc:
        raise CRDSourceError(f"GET {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise CRDSourceError(f"GET {url}: {getattr(exc, 'reason', exc)}") from exc


def _crd_documents(path: Path, groups: tuple[str, ...]) -> list[Any]:
    return [d for d in read_manifest_file(path) if any(v.group in groups for v in versions_of_crd(d))]


def pull_crds(
    version: str,
    base_urls: Mapping[str, str] | None = None,
    dest: Path | None = None,
    *,
    timeout: float = 60.0,
    fetch: Fetch = fetch_url,
) -> PullResult:
    """Download the CRDs for AI Gateway ``version`` into ``dest`` (default: the cache), atomically."""
    urls = dict(DEFAULT_BASE_URLS)
    for key, value in (base_urls or {}).items():
        if key not in urls:
            raise CRDSourceError(f"unknown CRD source {key!r}; sources are {', '.join(DEFAULT_BASE_URLS)}")
        if not value.startswith(("http://", "https://")):
            raise CRDSourceError(f"base URL for {key} must start with http:// or https://: {value}")
        urls[key] = value
    target = Path(dest).expanduser() if dest is not None else version_dir(version)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        downloads = [_download_one(f, urls, tmp, timeout, fetch) for f in remote_files(version)]
        pulled = [p for p, _ in downloads]
        index = json.dumps([d for _, docs in downloads for d in docs]).encode("utf-8")
        (tmp / INDEX_FILE).write_bytes(index)
        manifest = {
            "aigw_version": version,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": [{**p.__dict__, "groups": list(p.groups)} for p in pulled],
            "index": {"path": INDEX_FILE, "sha256": hashlib.sha256(index).hexdigest()},
        }
        (tmp / SOURCES_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return PullResult(version=version, dest=target, files=tuple(pulled))


def _download_one(
    remote: RemoteFile, urls: Mapping[str, str], tmp: Path, timeout: float, fetch: Fetch
) -> tuple[PulledFile, list[Any]]:
    url = remote.url(urls)
    data = fetch(url, timeout)
    rel = f"{remote.source}/{remote.relpath.rsplit('/', 1)[-1]}"
    out = tmp / rel
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    docs = _crd_documents(out, remote.groups)
    if not docs:
        raise CRDSourceError(f"{url} holds no CustomResourceDefinition of {', '.join(remote.groups)}")
    digest = hashlib.sha256(data).hexdigest()
    return PulledFile(remote.source, url, rel, digest, len(data), remote.groups, len(docs)), docs


def _replace_dir(new: Path, target: Path) -> None:
    old: Path | None = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    new.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_sources(directory: Path) -> dict[str, Any] | None:
    path = directory / SOURCES_FILE
    if not path.is_file():
        return None
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CRDSourceError(f"{path} is not valid JSON: {exc}") from exc
    return data


def _verified_bytes(directory: Path, entry: Mapping[str, Any]) -> bytes:
    path = directory / entry["path"]
    if not path.is_file():
        raise CRDSourceError(f"{path} is missing from the CRD cache; run `aigw-skills crds pull` again")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise CRDSourceError(f"{path} does not match its recorded sha256; run `aigw-skills crds pull` again")
    return data


def load_pulled_crds(directory: Path, origin: str | None = None) -> CRDSet:
    """Read a directory written by :func:`pull_crds`, checking every file's sha256 first."""
    manifest = read_sources(directory)
    if manifest is None:
        raise CRDSourceError(f"{directory} has no {SOURCES_FILE}; run `aigw-skills crds pull` again")
    entries = manifest.get("files", [])
    for entry in entries:
        _verified_bytes(directory, entry)
    label = origin or f"cache {manifest.get('aigw_version', directory.name)} ({directory})"
    if isinstance(manifest.get("index"), dict):
        return CRDSet.from_documents(json.loads(_verified_bytes(directory, manifest["index"])), origin=label)
    versions: list[CRDVersion] = []
    for entry in entries:
        groups = set(entry.get("groups", []))
        docs = read_manifest_file(directory / entry["path"])
        versions.extend(v for d in docs for v in versions_of_crd(d) if v.group in groups)
    return CRDSet.from_versions(versions, origin=label)


def load_cached_crds(version: str, cache_dir: Path | None = None) -> CRDSet | None:
    """The cached CRDs for ``version``, or None when that version was never pulled."""
    directory = version_dir(version, cache_dir)
    if not (directory / SOURCES_FILE).is_file():
        return None
    return load_pulled_crds(directory)


@dataclass(frozen=True)
class CachedVersion:
    version: str
    path: Path
    fetched_at: str
    files: tuple[dict[str, Any], ...]


def list_cached(cache_dir: Path | None = None) -> list[CachedVersion]:
    root = (cache_dir or cache_root()) / "crds"
    if not root.is_dir():
        return []
    out = []
    for d in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = read_sources(d)
        if manifest is not None:
            out.append(
                CachedVersion(
                    d.name, d, str(manifest.get("fetched_at", "")), tuple(manifest.get("files", []))
                )
            )
    return out
