"""CRD sources (the CRDSet index itself is :mod:`orchestrator.engine.crdset`).

Three sources, tried in this order by :func:`resolve_crd_source`:

1. an explicit path (``--crds``): a directory searched recursively for ``*.yaml``/``*.yml``/``*.json``, or one
   multi-document file;
2. the live cluster (``--cluster``): ``kubectl get crd -o json``;
3. the per-version cache filled by ``aigw-skills crds pull`` (see :mod:`orchestrator.engine.crd_cache`), or
   filled on first use when the caller is not offline (the pinned, checksummed fetch is the only network access).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from orchestrator.engine.contract import CRDS_ENV
from orchestrator.engine.crdset import (
    CRDSet,
    CRDSourceError,
    CRDVersion,
    expand_lists,
    read_checked_crd_file,
    read_manifest_file,
    versions_of_crd,
)
from skills.versions import DEFAULT_VERSION

# The model's names are imported from here by the code that also resolves sources.
__all__ = [
    "CRDS_ENV",
    "CRDSet",
    "CRDSourceError",
    "CRDVersion",
    "configured_crds",
    "how_to_enable",
    "load_cluster_crds",
    "load_crds",
    "read_manifest_file",
    "release_mismatch",
    "resolve_crd_source",
    "versions_of_crd",
]

CRD_SUFFIXES = (".yaml", ".yml", ".json")


def crd_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in CRD_SUFFIXES)
    return [path]


def load_crds(path: str | Path) -> CRDSet:
    """CRDs from a directory (recursive) or from one multi-document YAML/JSON file.

    A directory written by ``aigw-skills crds pull --dest`` is read through its SOURCES.json (checksums verified);
    any other is parsed once and then read from an index in the cache keyed by the files' checksums, each
    schema only when a check first needs it.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise CRDSourceError(f"CRD path {p} does not exist")
    if (p / "SOURCES.json").is_file():  # written by `crds pull --dest`: checksummed, with a parsed index
        from orchestrator.engine.crd_cache import load_pulled_crds

        return load_pulled_crds(p, origin=str(p))
    from orchestrator.engine.crd_cache import cache_root, releases_of_files
    from orchestrator.engine.crd_index import cached_crd_versions

    root = p if p.is_dir() else p.parent
    digests: dict[str, str] = {}
    groups: dict[str, set[str]] = {}
    versions = cached_crd_versions(root, crd_files(p), read_checked_crd_file, cache_root(), digests, groups)
    # Which release the files are, by their pinned sha256 (the digests the index key needs anyway); the user's
    # own CRDs beside them (groups no release pins) do not count.
    crdset = CRDSet.from_versions(versions, origin=str(p), releases=releases_of_files(digests, groups))
    if not len(crdset):
        raise CRDSourceError(f"no CustomResourceDefinition found under {p}")
    return crdset


# client-go's words when the kubeconfig user's `exec` credential plugin is not on PATH (its exec.go); kubectl then
# prints a paragraph about plugins whose last line is only a documentation URL.
_PLUGIN_MISSING = re.compile(r"getting credentials: exec: executable (\S+) not found")


def kubectl_reason(stderr: str) -> str:
    """kubectl's own summary of a failure: its last line that is not a klog line (``E1206 09:14:51 ... memcache.go``
    repeats the discovery error several times before the sentence meant for people), or, for a credential plugin
    that is not installed, a sentence naming the plugin's command (see `missing_plugin`)."""
    plugin = missing_plugin(stderr)
    if plugin:
        return f"the kubeconfig's user gets its credentials from the plugin `{plugin}` (exec), which is not installed"
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    plain = [line for line in lines if not re.match(r"^[EWIF]\d{4} \d{2}:\d{2}:\d{2}", line)]
    return (plain or lines or [""])[-1]


def missing_plugin(stderr: str) -> str | None:
    """The command of the kubeconfig user's `exec` credential plugin when kubectl could not find it, else None."""
    found = _PLUGIN_MISSING.search(stderr)
    return found[1] if found else None


def load_cluster_crds(kubectl: str = "kubectl", *, timeout: float = 60.0) -> CRDSet:
    """CRDs installed in the cluster of the current kubectl context."""
    try:
        proc = subprocess.run(
            [kubectl, "get", "crd", "-o", "json"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        raise CRDSourceError(f"{kubectl} not found on PATH; install kubectl or use --crds PATH") from exc
    except subprocess.TimeoutExpired as exc:
        raise CRDSourceError(f"{kubectl} get crd timed out after {timeout:.0f}s") from exc
    if proc.returncode != 0:
        reason = kubectl_reason(proc.stderr)
        plugin = missing_plugin(proc.stderr)
        if plugin:
            advice = f"install `{plugin}` (or put it on PATH) or fix the user's `exec` in the kubeconfig"
        elif "(Forbidden)" in reason:
            advice = (
                "the identity lacks permission: see what it may do with "
                "`kubectl auth can-i list customresourcedefinitions.apiextensions.k8s.io`"
            )
        else:
            advice = "check the current kubectl context (kubectl config current-context)"
        raise CRDSourceError(
            f"{kubectl} get crd failed: {reason or f'exit {proc.returncode}'}; {advice}, or validate against CRD "
            "files with --crds"
        )
    try:
        listing = json.loads(proc.stdout)
    except ValueError as exc:
        raise CRDSourceError(f"{kubectl} get crd returned invalid JSON: {exc}") from exc
    return CRDSet.from_documents(expand_lists([listing]), origin="cluster (kubectl get crd)")


def configured_crds(explicit: str | None) -> str | None:
    """The CRD path a front door was given: ``explicit`` (``--crds``), else ``$AIGW_SKILLS_CRDS``, else None (then
    :func:`resolve_crd_source` looks in the cluster or the cache). Front doors call this once and pass the
    result on as an argument."""
    return explicit or os.environ.get(CRDS_ENV) or None


def how_to_enable(version: str) -> str:
    return (
        f"Enable them with --crds PATH, or run `aigw-skills crds pull --version {version}` once (offline "
        "afterwards), or use --cluster to read the CRDs installed in the current kubectl context."
    )


def release_mismatch(
    crds: CRDSet | None, version: str, retarget: str = "--target-version {version}"
) -> str | None:
    """A sentence for ``Report.checks_skipped`` when ``crds`` are not AI Gateway ``version``'s pinned CRDs (another
    release's, or files no release pins), with the next step; None when they are, or when that cannot be known
    (no CRDs, the cluster's). ``retarget`` says how the caller's user picks the target release ({version}: the
    release the CRDs hold)."""
    if crds is None or crds.is_release(version) is not False:
        return None
    if crds.releases:
        held = " / ".join(crds.releases)
        return (
            f"Schema and CEL checks ran against {crds.label}, not against AI Gateway {version}'s: what one release "
            f"accepts the other may refuse. Load the {version} CRDs (--crds with that release's files, or "
            f"`aigw-skills crds pull --version {version}`), or target the release these CRDs are with "
            f"{retarget.format(version=crds.releases[0])}."
            if len(crds.releases) == 1
            else f"Schema and CEL checks ran against {crds.label}, not against AI Gateway {version}'s ({held} share "
            f"these files). Load the {version} CRDs (--crds with that release's files, or `aigw-skills crds pull "
            f"--version {version}`)."
        )
    return (
        f"Schema and CEL checks ran against {crds.label}: their files match the pinned CRDs of no AI Gateway "
        f"release (edited, or mixed from several), so they may not be what AI Gateway {version} installs. Check "
        f"against its pinned CRDs with `aigw-skills crds pull --version {version}`, or --crds with that "
        "release's unmodified files."
    )


def resolve_crd_source(
    crds_path: str | Path | None = None,
    version: str = DEFAULT_VERSION,
    cluster: bool = False,
    *,
    kubectl: str = "kubectl",
    cache_dir: Path | None = None,
    offline: bool = True,
    on_fetch: Callable[[str], None] | None = None,
) -> tuple[CRDSet | None, str | None]:
    """Find CRDs: explicit path, then the cluster, then the cache for ``version``, then (unless ``offline``)
    the pinned upstream files fetched into the cache on first use, as kubeconform fetches its schemas.

    Returns the CRDSet (or None) and, when None, a sentence for ``Report.checks_skipped`` saying which checks did
    not run and how to enable them. An explicit source that fails raises :class:`CRDSourceError`. ``on_fetch``
    is told (one sentence) before and after an automatic fetch, for the caller to show on stderr.
    """
    if crds_path is not None:
        return load_crds(crds_path), None
    if cluster:
        return load_cluster_crds(kubectl), None
    from orchestrator.engine.crd_cache import OFFLINE_ENV, PINS, load_cached_crds, pull_crds, version_dir

    cached = load_cached_crds(version, cache_dir=cache_dir)
    if cached is not None:
        return cached, None
    skipped = (
        f"Schema and CEL checks did not run: no CRDs for AI Gateway {version} were found (no --crds, no "
        "--cluster, nothing cached"
    )
    if offline or version not in PINS:
        why = f", and offline by --offline or {OFFLINE_ENV}" if offline else ""
        return None, f"{skipped}{why}). " + how_to_enable(version)
    dest = version_dir(version, cache_dir)
    if on_fetch is not None:
        on_fetch(f"fetching the pinned AI Gateway {version} CRDs into {dest} (once; --offline skips this)")
    try:
        pull_crds(version, dest=dest, timeout=20.0)
    except CRDSourceError as exc:
        return None, f"{skipped}; fetching them failed: {exc}). " + how_to_enable(version)
    if on_fetch is not None:
        on_fetch(f"fetched and verified the AI Gateway {version} CRDs; later runs use the cache offline")
    return load_cached_crds(version, cache_dir=cache_dir), None
