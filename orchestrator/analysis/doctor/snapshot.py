"""The cluster state a diagnosis reads: reduced objects, Envoy config dumps, and what was collected in full.

A snapshot comes from the live cluster (doctor/collect.py, through kubectl) or from a dump: files or directories
of `kubectl get … -o yaml|json` output plus optional Envoy config dumps (`egctl config envoy-proxy all -o json|yaml`
or the admin `/config_dump`). `doctor --collect DIR` writes a snapshot with :func:`dump_files`; reading that
directory back gives the same snapshot, so a dump gives the same findings as the live run it came from.

Coverage says which kinds (and, for Secrets, which namespaces) were listed in full, so that a missing object
means "absent from the cluster" rather than "not in this dump". A hand-made dump has no coverage file: a kind
then counts as covered where the dump holds at least one object of it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orchestrator.analysis.doctor.reduce import reduce_config_dump, reduce_object
from orchestrator.engine.load import json_value

COVERAGE_FILE = "collected.json"
README_FILE = "README.txt"
ALL = "*"
_SUFFIXES = (".yaml", ".yml", ".json")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DumpError(ValueError):
    """A dump path that cannot be read; the message names the file and what to do."""


@dataclass(frozen=True)
class Obj:
    doc: dict[str, Any]
    source: str

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind", ""))

    @property
    def meta(self) -> dict[str, Any]:
        meta = self.doc.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        return str(self.meta.get("name", ""))

    @property
    def namespace(self) -> str | None:
        ns = self.meta.get("namespace")
        return str(ns) if ns else None

    @property
    def group(self) -> str:
        api = str(self.doc.get("apiVersion", ""))
        return api.rpartition("/")[0] if "/" in api else ""

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.doc.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def status(self) -> dict[str, Any]:
        status = self.doc.get("status")
        return status if isinstance(status, dict) else {}

    @property
    def ref(self) -> tuple[str, str | None, str]:
        return (self.kind, self.namespace, self.name)

    @property
    def labels(self) -> dict[str, str]:
        labels = self.meta.get("labels")
        return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


@dataclass(frozen=True)
class ConfigDump:
    """One Envoy's config dump (the `configs` list of an admin ConfigDump), and the pod it came from if known."""

    source: str
    pod: str | None  # "namespace/name" for egctl output
    configs: list[Any]


@dataclass
class Snapshot:
    objects: list[Obj] = field(default_factory=list)
    config_dumps: list[ConfigDump] = field(default_factory=list)
    coverage: dict[str, list[str]] | None = (
        None  # kind -> [ALL] or namespaces listed in full; None: hand-made
    )
    source: str = ""
    notes: list[str] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Obj]:
        return [o for o in self.objects if o.kind in kinds]

    def get(self, kind: str, namespace: str | None, name: str) -> Obj | None:
        for o in self.objects:
            if o.kind == kind and o.name == name and (o.namespace or None) == (namespace or None):
                return o
        return None

    def covers(self, kind: str, namespace: str | None = None) -> bool:
        """Whether an absent `kind` object (in `namespace`) means it does not exist in the cluster."""
        if self.coverage is not None:
            listed = self.coverage.get(kind) or []
            return bool(listed) and (ALL in listed or namespace is None or namespace in listed)
        present = self.of_kind(kind)
        if namespace is None:
            return bool(present)
        return any(o.namespace == namespace for o in present)

    def counts(self) -> dict[str, int]:
        return dict(Counter(o.kind for o in self.objects))


def _is_object(doc: Any) -> bool:
    return (
        isinstance(doc, dict) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str)
    )


def _admin_configs(doc: Any) -> list[Any] | None:
    configs = doc.get("configs") if isinstance(doc, dict) else None
    if isinstance(configs, list) and any(
        isinstance(c, dict) and "envoy.admin.v3" in str(c.get("@type", "")) for c in configs
    ):
        return list(configs)
    return None


def _add(snapshot: Snapshot, doc: Any, source: str) -> None:
    """Add one parsed document: a Kubernetes object or List, an admin config dump, or egctl's per-pod map."""
    if doc is None:
        return
    if _is_object(doc):
        if str(doc["kind"]).endswith("List") and isinstance(doc.get("items"), list):
            for i, item in enumerate(doc["items"]):
                _add(snapshot, item, f"{source}.items[{i}]")
            return
        snapshot.objects.append(Obj(reduce_object(json_value(doc)), source))
        return
    configs = _admin_configs(doc)
    if configs is not None:
        snapshot.config_dumps.append(ConfigDump(source, None, reduce_config_dump(configs)))
        return
    if isinstance(doc, dict) and doc:
        found = False
        for namespace, pods in sorted(doc.items()):
            for pod, dump in sorted(pods.items()) if isinstance(pods, dict) else ():
                configs = _admin_configs(dump)
                if configs is not None:
                    found = True
                    pod_name = f"{namespace}/{pod}"
                    snapshot.config_dumps.append(
                        ConfigDump(f"{source}[{pod_name}]", pod_name, reduce_config_dump(configs))
                    )
        if found:
            return
    snapshot.notes.append(f"{source}: skipped, neither a Kubernetes object nor an Envoy config dump")


def _parse(text: str, name: str) -> list[Any]:
    if name.endswith(".json"):
        try:
            return [json.loads(text)]
        except ValueError:
            pass  # JSON lines or YAML saved as .json: read it as YAML below
    try:
        return list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise DumpError(
            f"{name}: not valid YAML or JSON{where}; re-export it with kubectl get … -o yaml"
        ) from None


def _files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in _SUFFIXES))
        elif path.is_file():
            out.append(path)
        else:
            raise DumpError(f"{raw}: no such file or directory; give the dump directory or files to diagnose")
    return out


def load_dump(paths: list[str], config_dumps: list[str] | None = None) -> Snapshot:
    """Read a dump (files and directories) and optional config-dump files into a snapshot."""
    snapshot = Snapshot(source="dump " + " ".join(paths))
    for path in _files(list(paths) + list(config_dumps or [])):
        if path.name == COVERAGE_FILE:
            snapshot.coverage = _read_coverage(path)
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DumpError(f"{path}: cannot read ({exc}); check the path and permissions") from None
        for number, doc in enumerate(_parse(text, str(path)), start=1):
            _add(snapshot, doc, f"{path}#{number}")
    if not snapshot.objects and not snapshot.config_dumps:
        raise DumpError(
            f"{' '.join(paths)}: no Kubernetes objects or Envoy config dumps found; "
            "export them with kubectl get … -o yaml, or use aigw-skills doctor --collect DIR"
        )
    return snapshot


def _read_coverage(path: Path) -> dict[str, list[str]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        kinds = data["kinds"]
        return {str(k): [str(n) for n in v] for k, v in kinds.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise DumpError(f"{path}: not a coverage file written by aigw-skills doctor --collect") from None


def dump_files(snapshot: Snapshot, *, tool_version: str) -> dict[str, str]:
    """The files `doctor --collect` writes: one List per kind, the config dumps, coverage and a README."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for o in sorted(snapshot.objects, key=lambda o: (o.kind, o.namespace or "", o.name)):
        by_kind.setdefault(o.kind, []).append(o.doc)
    files: dict[str, str] = {}
    for kind, items in by_kind.items():
        listing = {"apiVersion": "v1", "kind": "List", "items": items}
        files[f"{kind.lower()}.yaml"] = yaml.safe_dump(listing, sort_keys=True, default_flow_style=False)
    for i, dump in enumerate(snapshot.config_dumps, start=1):
        body: Any = {"configs": dump.configs}
        if dump.pod:
            namespace, _, pod = dump.pod.partition("/")
            body = {namespace: {pod: body}}
        files[f"config-dump-{i}.json"] = json.dumps(body, indent=1, sort_keys=True) + "\n"
    coverage = {
        "collected_by": f"aigw-skills {tool_version} doctor --collect",
        "kinds": snapshot.coverage or {},
    }
    files[COVERAGE_FILE] = json.dumps(coverage, indent=2, sort_keys=True) + "\n"
    files[README_FILE] = (
        "Collected by `aigw-skills doctor --collect` for diagnosing an Envoy AI Gateway installation.\n"
        "Secrets: only name, namespace, type and key names (values were never written).\n"
        "Pods and Deployments: container names, images and readiness only (no env).\n"
        "CRDs: served versions, version annotations and a few schema fields that identify the release.\n"
        "Envoy config dumps: without the secrets section.\n"
        "Diagnose it with: aigw-skills doctor DIR\n"
    )
    return files
