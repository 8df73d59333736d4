"""The per-version CRD cache: which upstream files belong to an AI Gateway release, fetching, verifying, reading.

Layout: ``<cache>/crds/<version>/<source>/<file>`` plus ``SOURCES.json`` (where each file came from) and
``crds.json`` (their CRD documents, parsed once so later loads take milliseconds). ``<cache>`` is
``$AIGW_SKILLS_CACHE``, else ``$XDG_CACHE_HOME/aigw-skills``, else ``~/.cache/aigw-skills``.

Every file is pinned in code (:mod:`orchestrator.engine.crd_pins`: path at a tag, size, sha256). :func:`pull_crds`
is the only network access in the package: https only (plain http needs ``allow_http``, for a local mirror), no
redirect to another host, at most the pinned size read, the checksum checked and every CRD document
shape-checked before anything is written; the files are then written by the one directory writer
(:func:`skills.safe_write.replace_directory`), which swaps the version folder in whole and never deletes a folder
that holds anything but a previous pull. Reading the cache checks each file against the pins in code (not
against SOURCES.json, which a tampered cache could match) and opens only the paths the pins name.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestrator.engine.contract import cache_root
from orchestrator.engine.crd_pins import PINS, UPSTREAM_REPOS, PinnedFile
from orchestrator.engine.crdset import (
    CRDSet,
    CRDSourceError,
    crd_shape_problems,
    parse_manifest_text,
    versions_of_crd,
)
from skills.safe_write import WriteRefused, replace_directory

SOURCES_FILE = "SOURCES.json"
INDEX_FILE = "crds.json"  # the CRD documents of all files, parsed once at pull time
USER_AGENT = "aigw-skills-crd-pull"
OFFLINE_ENV = "AIGW_SKILLS_OFFLINE"

DEFAULT_BASE_URLS: dict[str, str] = {
    source: f"https://raw.githubusercontent.com/{repo}" for source, repo in UPSTREAM_REPOS.items()
}
SOURCE_GROUPS: dict[str, tuple[str, ...]] = {
    "ai-gateway": ("aigateway.envoyproxy.io",),
    "envoy-gateway": ("gateway.envoyproxy.io", "gateway.networking.k8s.io", "gateway.networking.x-k8s.io"),
    "gateway-api": ("gateway.networking.k8s.io", "gateway.networking.x-k8s.io"),
    "inference-extension": ("inference.networking.k8s.io", "inference.networking.x-k8s.io"),
}
# What a version folder may hold: the writer replaces a folder only when it holds nothing else.
CACHE_ENTRIES = frozenset({SOURCES_FILE, INDEX_FILE, *UPSTREAM_REPOS})


def is_offline(offline: bool = False, environ: Mapping[str, str] | None = None) -> bool:
    """True with --offline or AIGW_SKILLS_OFFLINE set to anything but '', 0, false or no."""
    value = (os.environ if environ is None else environ).get(OFFLINE_ENV, "")
    return offline or value.strip().lower() not in ("", "0", "false", "no")


def pinned_files(version: str) -> tuple[PinnedFile, ...]:
    pins = PINS.get(version)
    if pins is None:
        raise CRDSourceError(f"no CRD pins known for AI Gateway {version}; known versions: {', '.join(PINS)}")
    return pins


def local_path(pin: PinnedFile) -> str:
    """Where a pinned file lives inside a version folder (built from the pin, never from SOURCES.json)."""
    return f"{pin.source}/{pin.path.rsplit('/', 1)[-1]}"


def pin_url(pin: PinnedFile, base_urls: Mapping[str, str] = DEFAULT_BASE_URLS) -> str:
    return f"{base_urls[pin.source].rstrip('/')}/{pin.tag}/{pin.path}"


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


Fetch = Callable[[str, float, int], bytes]


def fetch_url(url: str, timeout: float, max_bytes: int) -> bytes:
    """GET ``url``, reading at most ``max_bytes`` + 1 bytes (the caller checks the size); a redirect is followed
    only to the same scheme, host and port. (urllib.request, with ssl and http.client, is imported here: every
    other run of validate reads the cache and would pay ~7 ms to import them.)"""
    import urllib.error
    import urllib.request

    class SameHostRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
            old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
            if (old.scheme, old.netloc) != (new.scheme, new.netloc):
                raise CRDSourceError(
                    f"GET {req.full_url}: redirected to another host ({new.netloc}); refused"
                )
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(SameHostRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            data: bytes = response.read(max_bytes + 1)
            return data
    except urllib.error.HTTPError as exc:
        raise CRDSourceError(f"GET {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise CRDSourceError(f"GET {url}: {getattr(exc, 'reason', exc)}") from exc


def base_urls_for(overrides: Mapping[str, str] | None, *, allow_http: bool = False) -> dict[str, str]:
    urls = dict(DEFAULT_BASE_URLS)
    for key, value in (overrides or {}).items():
        if key not in urls:
            raise CRDSourceError(f"unknown CRD source {key!r}; sources are {', '.join(DEFAULT_BASE_URLS)}")
        scheme = urllib.parse.urlsplit(value).scheme
        if scheme != "https" and not (allow_http and scheme == "http"):
            hint = " (plain http only with --allow-http, e.g. for a local mirror)" if scheme == "http" else ""
            raise CRDSourceError(f"base URL for {key} must start with https://{hint}: {value}")
        urls[key] = value
    return urls


def _checked_documents(data: bytes, pin: PinnedFile, url: str) -> list[Any]:
    """The CRD documents of a verified file, each shape-checked; a file with none of its groups is an error."""
    groups = SOURCE_GROUPS[pin.source]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CRDSourceError(f"{url}: not UTF-8 text") from exc
    docs = [d for d in parse_manifest_text(text, url) if isinstance(d, dict)]
    crds = [d for d in docs if d.get("kind") == "CustomResourceDefinition"]
    for doc in crds:
        problems = crd_shape_problems(doc)
        if problems:
            name = (doc.get("metadata") or {}).get("name", "?")
            raise CRDSourceError(
                f"{url}: CustomResourceDefinition {name} is malformed: {'; '.join(problems)}"
            )
    ours = [d for d in crds if any(v.group in groups for v in versions_of_crd(d))]
    if not ours:
        raise CRDSourceError(f"{url} holds no CustomResourceDefinition of {', '.join(groups)}")
    return ours


def pull_crds(
    version: str,
    base_urls: Mapping[str, str] | None = None,
    dest: Path | None = None,
    *,
    timeout: float = 60.0,
    fetch: Fetch = fetch_url,
    allow_http: bool = False,
) -> PullResult:
    """Download and verify the pinned CRD files of AI Gateway ``version`` into ``dest`` (default: the cache).

    Nothing is written unless every file matches its pinned size and sha256 and holds well-formed CRDs; then the
    folder is replaced whole. A ``dest`` holding anything but a previous pull is refused (never deleted)."""
    urls = base_urls_for(base_urls, allow_http=allow_http)
    pins = pinned_files(version)
    target = Path(dest).expanduser() if dest is not None else version_dir(version)
    files: dict[str, bytes] = {}
    pulled: list[PulledFile] = []
    documents: list[Any] = []
    for pin in pins:
        url = pin_url(pin, urls)
        data = fetch(url, timeout, pin.size)
        digest = hashlib.sha256(data).hexdigest()
        if len(data) != pin.size or digest != pin.sha256:
            raise CRDSourceError(
                f"{url}: does not match its pin ({len(data)} bytes, sha256 {digest[:16]}…; pinned {pin.size} "
                f"bytes, sha256 {pin.sha256[:16]}…); the download was altered or the mirror serves another "
                "file; nothing was written"
            )
        docs = _checked_documents(data, pin, url)
        documents += docs
        files[local_path(pin)] = data
        pulled.append(
            PulledFile(
                pin.source, url, local_path(pin), digest, len(data), SOURCE_GROUPS[pin.source], len(docs)
            )
        )
    index = json.dumps(documents, separators=(",", ":")).encode("utf-8")
    manifest = {
        "aigw_version": version,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [{**p.__dict__, "groups": list(p.groups)} for p in pulled],
        "index": {"path": INDEX_FILE, "sha256": hashlib.sha256(index).hexdigest()},
    }
    files[INDEX_FILE] = index
    files[SOURCES_FILE] = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    try:
        written = replace_directory(
            target, files, owned=CACHE_ENTRIES.__contains__, force=True, what="CRD pull"
        )
    except WriteRefused as exc:
        raise CRDSourceError(str(exc)) from None
    return PullResult(version=version, dest=written, files=tuple(pulled))


def read_sources(directory: Path) -> dict[str, Any] | None:
    path = directory / SOURCES_FILE
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise CRDSourceError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise CRDSourceError(f"{path} is not a SOURCES.json written by `aigw-skills crds pull`")
    return data


def _verified(directory: Path, name: str, sha256: str, again: str) -> bytes:
    path = directory / name
    if not path.is_file():
        raise CRDSourceError(f"{path} is missing from the CRD cache; {again}")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise CRDSourceError(f"{path} does not match its pinned sha256; {again}")
    return data


@functools.cache
def _releases_by_digest() -> dict[str, frozenset[str]]:
    by_digest: dict[str, set[str]] = {}
    for version, pins in PINS.items():
        for pin in pins:
            by_digest.setdefault(pin.sha256, set()).add(version)
    return {digest: frozenset(versions) for digest, versions in by_digest.items()}


def releases_holding(digests: Iterable[str]) -> tuple[str, ...]:
    """The AI Gateway releases whose pinned files include every file with these sha256 digests (hex), in the
    order of PINS (newest first): one release for an unmodified folder of one release's CRDs (or part of it),
    several when those files are shared by releases, none when any file is pinned by no release (edited,
    another project's, or one set mixed with another)."""
    table = _releases_by_digest()
    found: frozenset[str] | None = None
    for digest in digests:
        versions = table.get(digest, frozenset())
        found = versions if found is None else found & versions
        if not found:
            return ()
    return tuple(v for v in PINS if v in (found or ()))


@functools.cache
def pinned_groups() -> frozenset[str]:
    """The API groups whose CRDs some release's pinned files hold."""
    return frozenset(g for pins in PINS.values() for pin in pins for g in SOURCE_GROUPS[pin.source])


def releases_of_files(digests: Mapping[str, str], groups: Mapping[str, set[str]]) -> tuple[str, ...]:
    """:func:`releases_holding` for a folder's files (sha256 by relative path, and the API groups of the CRDs in
    each): a file no release pins counts only when it holds CRDs of a group some release pins (an edited
    upstream file, or another release's); the user's own CRDs (their groups are in no release) and files with no
    CRD do not make a release's folder unpinned."""
    table, ours = _releases_by_digest(), pinned_groups()
    return releases_holding(
        digest for path, digest in digests.items() if digest in table or groups.get(path, set()) & ours
    )


def plural_candidates(kind: str) -> set[str]:
    """The plurals Kubernetes code generators derive from a kind (``Gateway`` -> gateways, ``GatewayClass`` ->
    gatewayclasses, ``BackendSecurityPolicy`` -> backendsecuritypolicies, ``XMesh`` -> xmeshes); the pinned
    files are named ``<group>_<plural>.yaml``, so one of these names a kind's file."""
    lower = kind.lower()
    return {lower + "s", lower + "es", *([lower[:-1] + "ies"] if lower.endswith("y") else [])}


def pinned_crd_file(releases: Sequence[str], group: str, kind: str) -> tuple[str, tuple[str, ...]] | None:
    """The pinned file (``<group>_<plural>.yaml``) holding the CRD of ``group``/``kind`` in any of ``releases``,
    and those of ``releases`` whose pins include it; None when none does (the kind is not one of theirs)."""
    names = {f"{group}_{plural}.yaml" for plural in plural_candidates(kind)}
    found: dict[str, list[str]] = {}
    for version in releases:
        for pin in PINS.get(version, ()):
            name = pin.path.rsplit("/", 1)[-1]
            if name in names:
                found.setdefault(name, []).append(version)
    if not found:
        return None
    name = min(found)
    return name, tuple(found[name])


def load_pulled_crds(directory: Path, origin: str | None = None) -> CRDSet:
    """Read a directory written by :func:`pull_crds`: every pinned file checked against the pins in code."""
    manifest = read_sources(directory)
    if manifest is None:
        raise CRDSourceError(f"{directory} has no {SOURCES_FILE}; run `aigw-skills crds pull` again")
    version = str(manifest.get("aigw_version", ""))
    again = f"run `aigw-skills crds pull --version {version}` again"
    if version not in PINS:
        raise CRDSourceError(f"{directory}: {SOURCES_FILE} names AI Gateway {version!r}, which has no pins")
    pins = PINS[version]
    blobs = {local_path(p): _verified(directory, local_path(p), p.sha256, again) for p in pins}
    label = origin or f"cache {version} ({directory})"
    index = manifest.get("index")
    if isinstance(index, dict) and isinstance(index.get("sha256"), str):
        try:
            docs = json.loads(_verified(directory, INDEX_FILE, index["sha256"], again))
            if isinstance(docs, list) and all(
                isinstance(d, dict) and not crd_shape_problems(d) for d in docs
            ):
                return CRDSet.from_documents(docs, origin=label, releases=(version,))
        except (CRDSourceError, ValueError):
            pass  # the parsed index is only a shortcut: read the verified files instead
    documents = [
        d
        for pin in pins
        for d in _checked_documents(blobs[local_path(pin)], pin, str(directory / local_path(pin)))
    ]
    return CRDSet.from_documents(documents, origin=label, releases=(version,))


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
            files = manifest.get("files", [])
            out.append(
                CachedVersion(
                    d.name,
                    d,
                    str(manifest.get("fetched_at", "")),
                    tuple(f for f in files if isinstance(f, dict)) if isinstance(files, list) else (),
                )
            )
    return out


def pins_table(versions: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The pins as data (for `crds list --format json` and docs)."""
    return [
        {"version": v, "source": p.source, "url": pin_url(p), "sha256": p.sha256, "bytes": p.size}
        for v in (versions or list(PINS))
        for p in PINS[v]
    ]
