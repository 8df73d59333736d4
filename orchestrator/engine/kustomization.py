"""Reading a folder as `kubectl apply -k` reads it: its kustomization's ``resources`` (and the older ``bases``),
followed into files and into the kustomization folders they name, wherever those are, then its ``components``
(folders whose kustomization is a Component: their own resources are emitted too, their transformations are not
applied here).

What kustomize refuses becomes an error finding naming the kustomization and the entry: an entry that does not
exist, a cycle, a file outside the kustomization's folder, a folder without a kustomization (or with two), a
Component listed as a resource or a Kustomization as a component, an unknown field, an empty kustomization, a file
whose objects are added twice. What it would change or add (patches, name prefixes, generators, a component's
patches...) and what it would fetch (remote resources) is not applied here: those become sentences for
``Report.checks_skipped`` with the command that checks the real output.

The rules are kustomize's as kubectl v1.32 embeds it (kustomize v5.5.0, sigs.k8s.io/kustomize/api v0.18.0):
api/internal/target/kusttarget.go (Load, LoadKustFile, accumulateResources: a file first, then a folder;
accumulateComponents: after the resources, folders of kind Component only), api/resmap/reswrangler.go (Append:
an id added twice is refused),
api/types/kustomization.go (the fields, FixKustomization: ``bases`` after ``resources``, CheckEmpty,
EnforceFields, Unmarshal with unknown fields refused), api/internal/loader/fileloader.go (New: the cycle check
errIfArgEqualOrHigher; Load: files only in or below the kustomization's folder) and api/internal/git/repospec.go
(which entries are remote).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from orchestrator.engine.findings import Finding
from skills.yaml_input import MAX_MANIFEST_BYTES, Aliases, YamlInputError, load_one, read_text

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
KUSTOMIZE_API = {
    "Kustomization": "kustomize.config.k8s.io/v1beta1",
    "Component": "kustomize.config.k8s.io/v1alpha1",
}

# Fields that say what is applied, or only describe the kustomization.
_READ = ("apiVersion", "kind", "metadata", "resources", "bases", "components")
# Fields that change no object on their own (ordering; schemas and settings other fields use).
_INERT = ("sortOptions", "openapi", "configurations", "crds", "generatorOptions", "helmGlobals")
# Every other field of api/types/kustomization.go (api/v0.18.0) changes, adds or checks objects.
_TRANSFORMING = (
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patchesStrategicMerge",
    "patchesJson6902",
    "patches",
    "images",
    "imageTags",
    "replacements",
    "replicas",
    "vars",
    "configMapGenerator",
    "secretGenerator",
    "helmCharts",
    "helmChartInflationGenerator",
    "generators",
    "transformers",
    "validators",
    "buildMetadata",
)
# Go's JSON decoder matches field names case-insensitively, so kustomize does too.
_FIELDS = {name.lower(): name for name in (*_READ, *_INERT, *_TRANSFORMING)}
# A git or http(s) reference: a scheme, `user@host:` (scp style) or github.com (repospec.go extractHost).
_REMOTE = re.compile(r"^(git::)?((ssh|https?|file)://|[a-zA-Z][a-zA-Z0-9-]*@|github\.com[/:])", re.IGNORECASE)

Role = Literal["kustomization", "resource"]

# The command a transformation note gives for checking kustomize's real output, and what it asks to add; a front
# door that knows the run's options (the CLI) puts them in their place (server/cli/validate.py).
VALIDATE_STDIN = "aigw-skills validate -"
SAME_OPTIONS = " with the other options given to this run (--crds, --external-secret...)"
# Where a note's build command goes once every kustomization is read (NUL: never in a path or a YAML text).
_BUILD = "\0build\0"
_HELM = ("helmCharts", "helmChartInflationGenerator")


@dataclass
class Kustomized:
    """What ``kubectl apply -k FOLDER`` applies, as read here.

    ``files`` is every file read, in kustomize's order: each kustomization (``"kustomization"``: not a cluster
    object) and the resource files it lists (``"resource"``), as paths joined from the folder given (a file
    reached twice is listed once: see ``repeats``)."""

    files: list[tuple[Path, Role]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Why the folder's own kustomization is not YAML, when it is not: then nothing says what is applied (its YAML
    # error is reported when the file is loaded).
    unreadable: str | None = None
    # Files reached a second time: (the file as first listed, the kustomization entry that reached it again, the
    # error kustomize gives). load.py reports the error once per entry when the file holds an object.
    repeats: list[tuple[Path, str, Finding]] = field(default_factory=list)


def kustomization_file(folder: Path) -> Path | None:
    """The folder's kustomization file (the first kustomize recognises), or None."""
    return next((folder / name for name in KUSTOMIZATION_FILES if (folder / name).is_file()), None)


def read_kustomization(folder: Path) -> Kustomized | None:
    """What `kubectl apply -k folder` applies, or None when the folder has no kustomization."""
    if kustomization_file(folder) is None:
        return None
    out = Kustomized()
    reader = _Reader(out)
    reader.accumulate(folder, (), None)
    # One command builds the whole folder: with --enable-helm when any kustomization in it inflates a chart
    # (without it kubectl kustomize stops: "must specify --enable-helm", kustomize v5.5.0
    # api/internal/builtins/HelmChartInflationGenerator.go, as kubectl 1.32 runs it).
    build = f"kubectl kustomize{' --enable-helm' if reader.helm else ''} {folder}"
    out.notes[:] = [note.replace(_BUILD, build) for note in out.notes]
    return out


def _error(kustomization: Path, message: str, hint: str) -> Finding:
    return Finding(
        rule="kustomize",
        severity="error",
        kind="",
        name="",
        message=f"{message}: `kubectl apply -k` fails on it",
        hint=hint,
        source=str(kustomization),
    )


def _paths(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _what(value: Any) -> str:
    if isinstance(value, list):
        return "a list with an entry that is not a path"
    return f"a YAML {type(value).__name__}"


def _joined(folder: Path, entry: str) -> Path:
    """``folder/entry`` with ``..`` and ``.`` folded, relative when ``folder`` is (a source names the real file)."""
    return Path(os.path.normpath(folder / entry))


# One step from the folder given down to a file: the kustomization read, the field, the entry's position and the
# entry it followed.
_Step = tuple[Path, str, int, str]


@dataclass
class _Reader:
    out: Kustomized
    # Every resource file reached (resolved), with its path as first listed and the steps that reached it.
    reached: dict[Path, tuple[Path, tuple[_Step, ...]]] = field(default_factory=dict)
    # The kustomizations that use a transformation (which may rename what they pass up).
    transforming: set[Path] = field(default_factory=set)
    # Whether any kustomization read inflates a Helm chart.
    helm: bool = False

    def _add(self, items: list[Any], item: Any) -> None:
        """A note or finding once: a folder read twice (a diamond) says the same things again."""
        if item not in items:
            items.append(item)

    def accumulate(
        self,
        folder: Path,
        chain: tuple[Path, ...],
        listed_by: tuple[Path, str] | None,
        steps: tuple[_Step, ...] = (),
        component: bool = False,
    ) -> None:
        """Read the kustomization in ``folder`` (listed by ``listed_by``: kustomization and entry; None for the
        folder given; under ``components`` when ``component``), then every resource and component it lists;
        ``chain`` is the real folders being read above it, ``steps`` how it was reached."""
        found = [folder / name for name in KUSTOMIZATION_FILES if (folder / name).is_file()]
        field_name = "components" if component else "resources"
        if len(found) != 1:
            where, entry = listed_by or (folder, str(folder))
            self._add(
                self.out.findings,
                _error(
                    where,
                    f"{field_name} entry {entry!r} is the folder {folder}, which has no kustomization"
                    if not found
                    else f"{folder} holds {' and '.join(f.name for f in found)}: kustomize takes exactly one",
                    "List the files themselves, or add a kustomization.yaml listing them to that folder"
                    if not found
                    else "Keep one kustomization file in the folder",
                ),
            )
            return
        kfile = found[0]
        if (kfile, "kustomization") not in self.out.files:
            self.out.files.append((kfile, "kustomization"))
        try:
            data = load_one(read_text(kfile, MAX_MANIFEST_BYTES), str(kfile), aliases=Aliases.BUDGET)
        except YamlInputError as exc:
            if listed_by is None:
                self.out.unreadable = exc.problem
            return
        fields = self._fields(kfile, data)
        if fields is None:
            return
        kind = fields.get("kind") or "Kustomization"
        if listed_by is not None and (kind == "Component") != component:
            self._add(
                self.out.findings,
                _error(
                    listed_by[0],
                    f"{field_name} entry {listed_by[1]!r} is a {kind} ({kfile})",
                    "List a Component under `components`, not `resources`"
                    if component is False
                    else "List a Kustomization under `resources`; `components` takes kind: Component "
                    "(apiVersion: kustomize.config.k8s.io/v1alpha1)",
                ),
            )
            return
        used = [name for name in _TRANSFORMING if fields.get(name) not in (None, "", [], {})]
        if used:
            self.transforming.add(kfile)
            self.helm = self.helm or any(fields.get(name) for name in _HELM)
            self._add(
                self.out.notes,
                f"{kfile} uses {', '.join(used)}, which this reader does not apply: the objects were checked as "
                f"the listed files hold them. To check what `kubectl apply -k` applies, run `{_BUILD} | "
                f"{VALIDATE_STDIN}`{SAME_OPTIONS}.",
            )
        root = folder.resolve()
        for name in ("resources", "bases"):
            for i, entry in enumerate(fields.get(name) or []):
                self.resource(kfile, folder, entry, (*chain, root), (*steps, (kfile, name, i, entry)))
        # kustomize reads a kustomization's components after its resources (kusttarget.go accumulateTarget).
        for i, entry in enumerate(fields.get("components") or []):
            self.resource(
                kfile,
                folder,
                entry,
                (*chain, root),
                (*steps, (kfile, "components", i, entry)),
                component=True,
            )

    def _fields(self, kfile: Path, data: Any) -> dict[str, Any] | None:
        """The kustomization's fields by their canonical names, or None after a finding when kustomize refuses
        it."""
        problem = None
        fields: dict[str, Any] = {}
        if data is not None and not isinstance(data, dict):
            problem = f"{kfile} is not a kustomization: a YAML {type(data).__name__}, not a mapping"
        else:
            for key, value in (data or {}).items():
                name = _FIELDS.get(str(key).lower())
                if name is None:
                    problem = f"{kfile} has the unknown field {key!r}"
                    break
                fields[name] = value
        if problem is None:
            kind = fields.get("kind") or "Kustomization"
            api = fields.get("apiVersion")
            if kind not in KUSTOMIZE_API:
                problem = f"{kfile} has kind {kind!r}: kustomize takes Kustomization or Component"
            elif api and api != KUSTOMIZE_API[kind]:
                problem = f"{kfile} has apiVersion {api!r}: a {kind} is {KUSTOMIZE_API[kind]}"
            elif all(v in (None, "") for k, v in fields.items() if k not in ("apiVersion", "kind")):
                problem = f"{kfile} is empty: it lists nothing to apply"
        for name in ("resources", "bases", "components"):
            value = fields.get(name)
            if problem is None and value is not None and not _paths(value):
                problem = f"{kfile}: `{name}` must be a list of paths, not {_what(value)}"
        if problem is None:
            return fields
        self._add(
            self.out.findings,
            _error(kfile, problem, "Fix the kustomization (fields: kustomize.io's Kustomization reference)"),
        )
        return None

    def resource(
        self,
        kfile: Path,
        folder: Path,
        entry: str,
        chain: tuple[Path, ...],
        steps: tuple[_Step, ...],
        component: bool = False,
    ) -> None:
        """One ``resources`` (or ``components``) entry of ``kfile`` (in ``folder``): a file, a kustomization
        folder, or remote."""
        target = _joined(folder, entry)
        field_name = "components" if component else "resources"
        if "://" in entry or (not target.exists() and _REMOTE.match(entry)):
            self._add(
                self.out.notes,
                f"{kfile} lists the remote {'component' if component else 'resource'} {entry}: it is not "
                "fetched, so it was not checked.",
            )
            return
        real = target.resolve()
        if target.is_file() and component:
            self._add(
                self.out.findings,
                _error(
                    kfile,
                    f"components entry {entry!r} is the file {target}, not a folder",
                    "A component is a folder whose kustomization has kind: Component: list that folder",
                ),
            )
        elif target.is_file():
            root = chain[-1]
            if not real.is_relative_to(root):
                self._add(
                    self.out.findings,
                    _error(
                        kfile,
                        f"resources entry {entry!r} is the file {real}, outside {root}",
                        "kustomize reads files only in or below the kustomization's folder: move the file there, "
                        "or give its folder a kustomization and list the folder",
                    ),
                )
                return
            if self._first(target, real, steps):
                self.out.files.append((target, "resource"))
        elif target.is_dir() and os.path.isabs(entry):
            self._add(
                self.out.findings,
                _error(
                    kfile,
                    f"{field_name} entry {entry!r} is an absolute folder",
                    "Name the folder relative to it",
                ),
            )
        elif target.is_dir():
            visited = next((c for c in chain if c.is_relative_to(real)), None)
            if visited is not None:
                self._add(
                    self.out.findings,
                    _error(
                        kfile,
                        f"{field_name} entry {entry!r} is {target}, a folder already being read: a cycle"
                        if visited == real
                        else f"{field_name} entry {entry!r} is {target}, above {visited}, which is being read: "
                        "a cycle",
                        "A kustomization may not list its own folder, or one that holds a kustomization being read: move the shared part into a base folder both list",
                    ),
                )
                return
            self.accumulate(target, chain, (kfile, entry), steps, component)
        else:
            self._add(
                self.out.findings,
                _error(
                    kfile,
                    f"{field_name} entry {entry!r} does not exist ({target})",
                    "Fix the path or remove the entry",
                ),
            )

    def _first(self, target: Path, real: Path, steps: tuple[_Step, ...]) -> bool:
        """Whether this is the first time the file ``target`` (really ``real``) is reached (by ``steps``).

        A second time, its objects are not read again. kustomize refuses them (api/resmap/reswrangler.go Append:
        "may not add resource with an already registered id") unless a kustomization between the one that merges
        both reaches and the file transforms them (a namePrefix in one of two overlays of a base); the refusal is
        recorded in ``repeats``, an error once the file is known to hold an object (an empty file adds no id)."""
        if real not in self.reached:
            self.reached[real] = (target, steps)
            return True
        path, first = self.reached[real]
        shared = 0
        while shared < min(len(first), len(steps)) - 1 and first[shared] == steps[shared]:
            shared += 1
        # steps[shared] is the entry of the kustomization that merges both reaches. A kustomization below it on one
        # way only may rename what passes through it (one on both ways renames both alike).
        merger, field_name, index, entry = steps[shared]
        one_way = {step[0] for step in first[shared + 1 :]} ^ {step[0] for step in steps[shared + 1 :]}
        if one_way & self.transforming:
            return False
        through = "" if len(steps) == shared + 1 else f" through {steps[-1][0]}"
        # Both ways part in the merging kustomization (they share every step above it).
        earlier = f"its {first[shared][1]} entry {first[shared][3]!r}"
        finding = _error(
            merger,
            f"{field_name} entry {entry!r} adds {path}{through} a second time ({earlier} added it first): kustomize "
            'refuses an object added twice ("may not add resource with an already registered id")',
            "List each file once: keep one of the entries, or move what both need into one base both "
            "kustomizations list",
        )
        self.out.repeats.append((path, f"{merger}:{field_name}[{index}]", finding))
        return False
