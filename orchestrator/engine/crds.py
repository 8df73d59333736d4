"""CRD sources and the CRDSet index.

Three sources, tried in this order by :func:`resolve_crd_source`:

1. an explicit path (``--crds``): a directory searched recursively for ``*.yaml``/``*.yml``/``*.json``, or one
   multi-document file;
2. the live cluster (``--cluster``): ``kubectl get crd -o json``;
3. the per-version cache filled by ``aigw-skills crds pull`` (see :mod:`orchestrator.engine.crd_cache`).

Nothing here touches the network.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skills.versions import DEFAULT_VERSION

CRD_SUFFIXES = (".yaml", ".yml", ".json")
CRDS_ENV = "AIGW_SKILLS_CRDS"  # the user's default for --crds (read by the front doors only)


class CRDSourceError(Exception):
    """CRDs could not be read from the requested source."""


@dataclass(frozen=True)
class CRDVersion:
    """One version of one CRD: what the API server uses to validate objects of that apiVersion/kind."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    served: bool
    storage: bool
    deprecated: bool
    deprecation_warning: str | None
    schema: Mapping[str, Any]
    crd_name: str
    status_subresource: bool = False

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"

    @property
    def gvk(self) -> tuple[str, str, str]:
        return (self.group, self.version, self.kind)

    @property
    def validations(self) -> list[dict[str, Any]]:
        """The root-level ``x-kubernetes-validations`` (nested ones live inside :attr:`schema`)."""
        return list(self.schema.get("x-kubernetes-validations", []))


@dataclass
class CRDSet:
    """CRD versions indexed by (group, version, kind), plus caches of compiled validators."""

    origin: str
    _by_gvk: dict[tuple[str, str, str], CRDVersion] = field(default_factory=dict)
    _groups: set[str] = field(default_factory=set)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_versions(cls, versions: Iterable[CRDVersion], origin: str) -> CRDSet:
        crdset = cls(origin=origin)
        for v in versions:
            crdset._by_gvk[v.gvk] = v
            crdset._groups.add(v.group)
        return crdset

    @classmethod
    def from_documents(cls, docs: Iterable[Any], origin: str) -> CRDSet:
        return cls.from_versions((v for d in docs for v in versions_of_crd(d)), origin)

    def __len__(self) -> int:
        return len(self._by_gvk)

    def __iter__(self) -> Iterator[CRDVersion]:
        return iter(self._by_gvk.values())

    def lookup(self, group: str, version: str, kind: str) -> CRDVersion | None:
        """The CRD version for this GVK, served or not."""
        return self._by_gvk.get((group, version, kind))

    def get(self, api_version: str, kind: str) -> CRDVersion | None:
        """The *served* CRD version for ``apiVersion``/``kind``, or None."""
        group, _, version = api_version.rpartition("/")
        found = self._by_gvk.get((group, version, kind))
        return found if found is not None and found.served else None

    def knows_group(self, group: str) -> bool:
        return group in self._groups

    def served_versions(self, group: str, kind: str) -> list[str]:
        return sorted(
            v.version for v in self._by_gvk.values() if v.group == group and v.kind == kind and v.served
        )

    def kinds(self, group: str) -> list[str]:
        return sorted({v.kind for v in self._by_gvk.values() if v.group == group})

    def deprecation(self, api_version: str, kind: str) -> str | None:
        """The API server's deprecation warning for this apiVersion/kind, or None when not deprecated."""
        found = self.get(api_version, kind)
        if found is None or not found.deprecated:
            return None
        return found.deprecation_warning


_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions")


def without_descriptions(schema: Any) -> Any:
    """A copy of an OpenAPI schema without ``description`` texts, which no check reads.

    They are two thirds of the CRDs' bytes (2.8 MB of schema JSON -> 0.9 MB for the default target's CRDs), so
    dropping them makes the loaded CRDs and the cached index that much smaller. A *property* named
    ``description`` is kept: only the keyword goes.
    """
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "description" and isinstance(value, str):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: without_descriptions(child) for name, child in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [without_descriptions(child) for child in value]
        elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
            out[key] = without_descriptions(value)
        else:
            out[key] = value
    return out


def versions_of_crd(doc: Any) -> list[CRDVersion]:
    """Every version of one CustomResourceDefinition document (other documents give an empty list)."""
    if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
        return []
    spec = doc.get("spec") or {}
    names = spec.get("names") or {}
    group = spec.get("group", "")
    kind = names.get("kind", "")
    shared_schema = (spec.get("validation") or {}).get("openAPIV3Schema")  # apiextensions v1beta1 layout
    out: list[CRDVersion] = []
    for v in spec.get("versions") or []:
        schema = ((v.get("schema") or {}).get("openAPIV3Schema")) or shared_schema or {}
        deprecated = bool(v.get("deprecated", False))
        warning = v.get("deprecationWarning")
        if deprecated and not warning:
            warning = f"{group}/{v.get('name')} {kind} is deprecated"
        out.append(
            CRDVersion(
                group=group,
                version=str(v.get("name", "")),
                kind=kind,
                plural=names.get("plural", ""),
                namespaced=spec.get("scope", "Namespaced") == "Namespaced",
                served=bool(v.get("served", True)),
                storage=bool(v.get("storage", False)),
                deprecated=deprecated,
                deprecation_warning=warning,
                schema=without_descriptions(schema),
                crd_name=(doc.get("metadata") or {}).get("name", ""),
                status_subresource="status" in (v.get("subresources") or spec.get("subresources") or {}),
            )
        )
    return out


def _expand_lists(docs: Iterable[Any]) -> Iterator[Any]:
    for d in docs:
        if (
            isinstance(d, dict)
            and isinstance(d.get("items"), list)
            and str(d.get("kind", "")).endswith("List")
        ):
            yield from d["items"]
        else:
            yield d


def read_manifest_file(path: Path) -> list[Any]:
    """All documents of one YAML or JSON file (``kind: List`` wrappers expanded)."""
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".json":
            loaded: list[Any] = [json.loads(text)]
        else:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            loaded = list(yaml.load_all(text, Loader=loader))
    except (yaml.YAMLError, ValueError) as exc:
        raise CRDSourceError(f"{path}: not valid YAML/JSON: {exc}") from exc
    return list(_expand_lists(loaded))


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
    from orchestrator.engine.crd_cache import cache_root
    from orchestrator.engine.crd_index import cached_crd_versions

    root = p if p.is_dir() else p.parent
    versions = cached_crd_versions(root, crd_files(p), read_manifest_file, cache_root())
    crdset = CRDSet.from_versions(versions, origin=str(p))
    if not len(crdset):
        raise CRDSourceError(f"no CustomResourceDefinition found under {p}")
    return crdset


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
        raise CRDSourceError(f"{kubectl} get crd failed: {proc.stderr.strip() or proc.returncode}")
    try:
        listing = json.loads(proc.stdout)
    except ValueError as exc:
        raise CRDSourceError(f"{kubectl} get crd returned invalid JSON: {exc}") from exc
    return CRDSet.from_documents(_expand_lists([listing]), origin="cluster (kubectl get crd)")


def pull_crds(
    version: str, base_urls: Mapping[str, str] | None = None, dest: Path | None = None, **kw: Any
) -> Any:
    """Download the CRDs for AI Gateway ``version`` (see :func:`orchestrator.engine.crd_cache.pull_crds`)."""
    from orchestrator.engine.crd_cache import pull_crds as pull

    return pull(version, base_urls=base_urls, dest=dest, **kw)


def load_cached_crds(version: str, cache_dir: Path | None = None) -> CRDSet | None:
    """The cached CRDs for ``version`` or None (see :func:`orchestrator.engine.crd_cache.load_cached_crds`)."""
    from orchestrator.engine.crd_cache import load_cached_crds as load

    return load(version, cache_dir=cache_dir)


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


def resolve_crd_source(
    crds_path: str | Path | None = None,
    version: str = DEFAULT_VERSION,
    cluster: bool = False,
    *,
    kubectl: str = "kubectl",
    cache_dir: Path | None = None,
) -> tuple[CRDSet | None, str | None]:
    """Find CRDs: explicit path, then the cluster, then the cache for ``version``.

    Returns the CRDSet (or None) and, when None, a sentence for ``Report.checks_skipped`` saying which checks did
    not run and how to enable them. An explicit source that fails raises :class:`CRDSourceError`.
    """
    if crds_path is not None:
        return load_crds(crds_path), None
    if cluster:
        return load_cluster_crds(kubectl), None
    cached = load_cached_crds(version, cache_dir=cache_dir)
    if cached is not None:
        return cached, None
    return None, (
        f"Schema and CEL checks did not run: no CRDs for AI Gateway {version} were found (no --crds, no "
        f"--cluster, nothing cached). " + how_to_enable(version)
    )
