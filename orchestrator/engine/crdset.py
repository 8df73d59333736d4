"""The CRDSet index: CRD versions parsed from CustomResourceDefinition documents, looked up by apiVersion and
kind. Where the documents come from (a path, the cluster, the cache) is :mod:`orchestrator.engine.crds`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


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


@dataclass
class CRDSet:
    """CRD versions indexed by (group, version, kind), plus caches of compiled validators."""

    origin: str
    _by_gvk: dict[tuple[str, str, str], CRDVersion] = field(default_factory=dict)
    _groups: set[str] = field(default_factory=set)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    # The AI Gateway releases whose pinned files these CRDs are (crd_cache.releases_holding): one for a release's
    # folder or cache entry, several when releases share those files, () when some file is pinned by no release,
    # None when unknown (the cluster's CRDs, or a set built in code).
    releases: tuple[str, ...] | None = None

    @classmethod
    def from_versions(
        cls, versions: Iterable[CRDVersion], origin: str, releases: tuple[str, ...] | None = None
    ) -> CRDSet:
        crdset = cls(origin=origin, releases=releases)
        for v in versions:
            crdset._by_gvk[v.gvk] = v
            crdset._groups.add(v.group)
        return crdset

    @classmethod
    def from_documents(
        cls, docs: Iterable[Any], origin: str, releases: tuple[str, ...] | None = None
    ) -> CRDSet:
        return cls.from_versions((v for d in docs for v in versions_of_crd(d)), origin, releases)

    @property
    def label(self) -> str:
        """What these CRDs are and where they came from, for messages: ``the AI Gateway v0.5.0 CRDs (DIR)``,
        ``unpinned CRDs (DIR)``, or ``the CRDs from ORIGIN`` when the release is unknown (the cluster's)."""
        if self.releases is None:
            return f"the CRDs from {self.origin}"
        if not self.releases:
            return f"unpinned CRDs ({self.origin})"
        return f"the AI Gateway {' / '.join(self.releases)} CRDs ({self.origin})"

    def is_release(self, version: str) -> bool | None:
        """Whether these are CRDs of AI Gateway ``version`` (True), of another release or of none (False), or
        unknown (None: the cluster's)."""
        return None if self.releases is None else version in self.releases

    def __len__(self) -> int:
        return len(self._by_gvk)

    def __iter__(self) -> Iterator[CRDVersion]:
        return iter(self._by_gvk.values())

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


def expand_lists(docs: Iterable[Any]) -> Iterator[Any]:
    for d in docs:
        if (
            isinstance(d, dict)
            and isinstance(d.get("items"), list)
            and str(d.get("kind", "")).endswith("List")
        ):
            yield from d["items"]
        else:
            yield d


def parse_manifest_text(text: str, source: str) -> list[Any]:
    """All documents of a YAML or JSON text (``kind: List`` wrappers expanded), read by the one YAML loader
    (alias expansion budget, depth cap)."""
    from skills.yaml_input import YamlInputError, load_documents

    try:
        return list(expand_lists(load_documents(text, source)))
    except YamlInputError as exc:
        raise CRDSourceError(str(exc)) from None


def read_manifest_file(path: Path) -> list[Any]:
    """All documents of one YAML or JSON file (``kind: List`` wrappers expanded), at most 64 MiB."""
    from skills.yaml_input import MAX_MANIFEST_BYTES, YamlInputError, read_text

    try:
        text = read_text(path, MAX_MANIFEST_BYTES)
    except YamlInputError as exc:
        raise CRDSourceError(str(exc)) from None
    return parse_manifest_text(text, str(path))


def read_checked_crd_file(path: Path) -> list[Any]:
    """:func:`read_manifest_file`, refusing a CustomResourceDefinition that is malformed (naming file and CRD)."""
    docs = read_manifest_file(path)
    for doc in docs:
        if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
            problems = crd_shape_problems(doc)
            if problems:
                name = (doc.get("metadata") or {}).get("name", "?")
                raise CRDSourceError(
                    f"{path}: CustomResourceDefinition {name} is malformed: {'; '.join(problems)}"
                )
    return docs


def crd_shape_problems(doc: Any) -> list[str]:
    """What makes ``doc`` not a usable CustomResourceDefinition (empty when it is one): the fields the engine
    reads must exist with the right types, so a malformed CRD is refused where it is read, not deep in a check."""
    if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
        return ["not a CustomResourceDefinition"]
    problems = []
    if doc.get("apiVersion") not in ("apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"):
        problems.append(f"apiVersion {doc.get('apiVersion')!r} is not apiextensions.k8s.io/v1")
    spec = doc.get("spec")
    if not isinstance(spec, dict):
        return [*problems, "spec is not a mapping"]
    names = spec.get("names")
    if not isinstance(spec.get("group"), str) or not spec.get("group"):
        problems.append("spec.group is missing")
    if not isinstance(names, dict) or not all(isinstance(names.get(k), str) for k in ("kind", "plural")):
        problems.append("spec.names.kind and spec.names.plural must be strings")
    if spec.get("scope", "Namespaced") not in ("Namespaced", "Cluster"):
        problems.append("spec.scope must be Namespaced or Cluster")
    versions = spec.get("versions")
    if not isinstance(versions, list) or not versions:
        return [*problems, "spec.versions must be a non-empty list"]
    for i, v in enumerate(versions):
        if not isinstance(v, dict) or not isinstance(v.get("name"), str):
            problems.append(f"spec.versions[{i}] has no name")
            continue
        schema = v.get("schema")
        if schema is not None and not (
            isinstance(schema, dict) and isinstance(schema.get("openAPIV3Schema", {}), dict)
        ):
            problems.append(f"spec.versions[{i}].schema.openAPIV3Schema must be a mapping")
        for flag in ("served", "storage", "deprecated"):
            if flag in v and not isinstance(v[flag], bool):
                problems.append(f"spec.versions[{i}].{flag} must be true or false")
    return problems
