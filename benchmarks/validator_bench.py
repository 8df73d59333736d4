"""aigw-skills validate against check-jsonschema: cold vs cold, warm vs warm, on the same documents.

Corpus: the manifests of every example bundle (built in-process from orchestrator/intake/examples), replicated to
N documents by moving each copy into its own namespace, so references still resolve and the set is one a user
could apply. Every document is written to its own file.

* **cold**: whole processes, as a user runs them. ``aigw-skills validate DIR --crds CRDS`` is one process;
  check-jsonschema checks one schema per process, so it is run once per apiVersion/kind with that kind's files
  (JSON Schema converted from the same CRDs). Runs alternate A, B, A, B after one warm-up each; each pair gives a
  ratio (ours / theirs), reported as min and median. Peak memory is the largest resident set of any process
  of the run (from the kernel's accounting of each finished child).
* **warm**: in one process, documents already parsed: ``validate_documents`` (schema, defaults, CEL, and the same
  with lint) against the jsonschema library (what check-jsonschema runs) on the same exported schemas; per
  document, median of repeats.

check-jsonschema checks structure only (no defaults, CEL or lint), so every ratio favours it.

    python benchmarks/validator_bench.py [--shared ../shared] [--counts 1,1000,10000] [--pairs 5]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bytecode import compile_project  # noqa: E402  (benchmarks/, this script's folder)

from orchestrator.engine.crds import CRDSet, load_crds  # noqa: E402
from orchestrator.engine.schema import to_json_schema  # noqa: E402
from orchestrator.engine.validate import validate_documents  # noqa: E402


def strict_json_schema(node: Any) -> dict[str, Any]:
    """JSON Schema for one CRD version, with unknown fields refused where the structural schema prunes them."""
    out = to_json_schema(node)

    def close(schema: dict[str, Any], source: Any) -> None:
        if not isinstance(source, dict):
            return
        props = source.get("properties")
        if isinstance(props, dict) and not source.get("x-kubernetes-preserve-unknown-fields"):
            schema["additionalProperties"] = False
        for name, child in (props or {}).items():
            if name != "metadata":
                close(schema["properties"][name], child)
        if isinstance(source.get("items"), dict):
            close(schema["items"], source["items"])
        if isinstance(source.get("additionalProperties"), dict):
            close(schema["additionalProperties"], source["additionalProperties"])

    close(out, node)
    out["properties"]["metadata"] = {"type": "object"}
    return {"$schema": "http://json-schema.org/draft-07/schema#", **out}


TARGETS = {"cold_one": 1.0, "cold_many": 0.15, "memory": 1.5, "warm_us": 100.0}


def base_documents() -> list[tuple[int, dict[str, Any]]]:
    """The objects of every example bundle with the bundle's number (Namespaces left out: copies get their own)."""
    import yaml

    from orchestrator.compose.bundle import build_bundle

    docs: list[tuple[int, dict[str, Any]]] = []
    intakes = sorted((REPO / "orchestrator" / "intake" / "examples").glob("*.yaml"))
    for number, intake in enumerate(intakes):
        bundle = build_bundle(yaml.safe_load(intake.read_text(encoding="utf-8")))
        for doc in yaml.safe_load_all(bundle.files["manifests.yaml"]):
            if isinstance(doc, dict) and doc.get("kind") != "Namespace":
                docs.append((number, doc))
    return docs


def corpus(base: Sequence[tuple[int, dict[str, Any]]], count: int) -> list[dict[str, Any]]:
    """``count`` documents: copy k of bundle b lives in namespaces ``<ns>-k-b``, so no two copies define the same
    object and every reference still resolves; the cluster-scoped GatewayClass all bundles share appears once."""
    out: list[dict[str, Any]] = []
    seen_cluster_scoped: set[tuple[str, str]] = set()
    i = 0
    while len(out) < count:
        number, original = base[i % len(base)]
        k = i // len(base)
        i += 1
        doc = copy.deepcopy(original)
        meta = doc.setdefault("metadata", {})
        if doc["kind"] == "GatewayClass":
            key = (doc["kind"], meta["name"])
            if key in seen_cluster_scoped:
                continue
            seen_cluster_scoped.add(key)
        else:
            meta["namespace"] = f"{meta.get('namespace', 'default')}-{k}-{number}"
        out.append(doc)
    return out


@dataclass
class Workload:
    ours: list[list[str]]
    theirs: list[list[str]]


def write_workload(docs: Sequence[dict[str, Any]], crds: CRDSet, crds_dir: Path, work: Path) -> Workload:
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
        "check-jsonschema"
    )
    ours_exe = shutil.which("aigw-skills", path=str(Path(sys.executable).parent))
    if exe is None or ours_exe is None:
        raise SystemExit("install the project with its test extras: pip install -e '.[test]'")
    groups: dict[tuple[str, str], list[str]] = {}
    files = work / "docs"
    files.mkdir()
    for i, doc in enumerate(docs):
        path = files / f"doc-{i:05d}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        groups.setdefault((doc["apiVersion"], doc["kind"]), []).append(str(path))
    theirs = []
    for (api_version, kind), paths in sorted(groups.items()):
        crd = crds.get(api_version, kind)
        if crd is None:
            continue  # core kinds: check-jsonschema has no schema for them here
        schema = work / f"{api_version.replace('/', '_')}_{kind}.schema.json"
        schema.write_text(json.dumps(strict_json_schema(dict(crd.schema))), encoding="utf-8")
        theirs.append([exe, "--regex-variant", "python", "--schemafile", str(schema), *paths])
    ours = [[ours_exe, "validate", str(files), "--crds", str(crds_dir), "--format", "json"]]
    return Workload(ours=ours, theirs=theirs)


TIME = shutil.which("time", path="/usr/bin:/bin")


def run_processes(commands: Sequence[Sequence[str]]) -> tuple[float, int]:
    """Wall seconds for the commands one after another, and the largest peak RSS (KiB) of any of them.

    Peak RSS comes from GNU time (/usr/bin/time -f %M): the kernel's figure for a child forked from this large
    benchmark process would count this process's pages until the exec.
    """
    start = time.perf_counter()
    peak = 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "rss"
        for command in commands:
            wrapped = [TIME, "-f", "%M", "-o", str(out), *command] if TIME else list(command)
            done = subprocess.run(wrapped, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{command[0]} exited {done.returncode}: {' '.join(command[:6])} …")
            if TIME:
                peak = max(peak, int(out.read_text().split()[-1]))
    return time.perf_counter() - start, peak


@dataclass
class Cold:
    count: int
    ours: list[float]
    theirs: list[float]
    ratios: list[float]
    ours_kib: list[int]
    theirs_kib: list[int]


def cold(workload: Workload, count: int, pairs: int) -> Cold:
    run_processes(workload.ours)  # warm-up: OS file cache, bytecode, the CRD index in the cache
    run_processes(workload.theirs)
    result = Cold(count, [], [], [], [], [])
    for _ in range(pairs):
        a, a_kib = run_processes(workload.ours)
        b, b_kib = run_processes(workload.theirs)
        result.ours.append(a)
        result.theirs.append(b)
        result.ratios.append(a / b)
        result.ours_kib.append(a_kib)
        result.theirs_kib.append(b_kib)
    return result


def per_document(fn: Callable[[], Any], count: int, repeats: int) -> float:
    """Median microseconds per document over ``repeats`` calls of ``fn``."""
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) / count * 1e6


def warm(base: Sequence[dict[str, Any]], crds: CRDSet, count: int, repeats: int) -> dict[str, float]:
    from jsonschema import Draft7Validator

    docs = corpus(base, count)
    validate_documents(docs[: len(base)], crds=crds)  # compile validators and rules once
    validators: dict[tuple[str, str], Any] = {}
    for doc in docs:
        key = (doc["apiVersion"], doc["kind"])
        crd = crds.get(*key)
        if crd is not None and key not in validators:
            validators[key] = Draft7Validator(strict_json_schema(dict(crd.schema)))
    typed = [
        (validators[(d["apiVersion"], d["kind"])], d)
        for d in docs
        if (d["apiVersion"], d["kind"]) in validators
    ]

    def jsonschema_all() -> None:
        for validator, doc in typed:
            for _ in validator.iter_errors(doc):
                pass

    return {
        "ours": per_document(lambda: validate_documents(docs, crds=crds, lint=False), count, repeats),
        "ours_lint": per_document(lambda: validate_documents(docs, crds=crds), count, repeats),
        "jsonschema": per_document(jsonschema_all, len(typed), repeats),
    }


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", type=Path, default=REPO / ".." / "shared", help="the shared reference folder"
    )
    parser.add_argument("--counts", default="1,1000,10000", help="corpus sizes for the cold runs")
    parser.add_argument("--pairs", type=int, default=5, help="interleaved pairs per size")
    parser.add_argument("--repeats", type=int, default=5, help="warm repeats")
    args = parser.parse_args(argv)
    crds_dir = (args.shared / "crds").resolve()
    if not crds_dir.is_dir():
        print(f"skipped: {crds_dir} is not available")
        return 0
    compile_project()  # as an installed wheel has it (check-jsonschema's is compiled too)
    crds = load_crds(crds_dir)
    base = base_documents()
    counts = [int(c) for c in args.counts.split(",")]
    colds = []
    with tempfile.TemporaryDirectory(prefix="aigw-validator-bench-") as tmp:
        os.environ.setdefault("AIGW_SKILLS_CACHE", str(Path(tmp) / "cache"))
        for count in counts:
            work = Path(tmp) / f"n{count}"
            work.mkdir()
            docs = corpus(base, count)
            if count == 1:
                docs = [next(d for _, d in base if d["kind"] == "AIGatewayRoute")]
            colds.append(cold(write_workload(docs, crds, crds_dir, work), count, args.pairs))
    warms = {count: warm(base, crds, count, args.repeats) for count in (1000, 10000) if count <= max(counts)}

    kinds = len({d["kind"] for _, d in base})
    print(f"corpus: {len(base)} objects of {kinds} kinds from {len({n for n, _ in base})} example bundles\n")
    print(
        "| cold, whole processes | aigw-skills validate (median) | check-jsonschema (median) | ratio min | "
        "ratio median | peak MiB ours | peak MiB theirs | memory ratio |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for c in colds:
        mem = median(c.ours_kib) / median(c.theirs_kib)
        print(
            f"| {c.count:,} document{'s' if c.count > 1 else ''} | {median(c.ours):.2f} s | {median(c.theirs):.2f} s | "
            f"{min(c.ratios):.2f}x | {median(c.ratios):.2f}x | {median(c.ours_kib) / 1024:.0f} | "
            f"{median(c.theirs_kib) / 1024:.0f} | {mem:.2f}x |"
        )
    many = [c for c in colds if c.count > 1]
    if len(many) >= 2:
        # The marginal cost of a document, cold: both tools start the same processes at both sizes (one per
        # kind for check-jsonschema), so the difference between the two sizes is the documents' own cost.
        low, high = many[0], many[-1]
        extra = high.count - low.count
        ours_us = (median(high.ours) - median(low.ours)) / extra * 1e6
        theirs_us = (median(high.theirs) - median(low.theirs)) / extra * 1e6
        print(
            f"\ncold, per document added ({low.count:,} -> {high.count:,}): aigw-skills {ours_us:.0f} µs, "
            f"check-jsonschema {theirs_us:.0f} µs ({ours_us / theirs_us:.2f}x)"
        )
    print(
        "\n| warm, in-process, per document | schema + defaults + CEL | + lint | jsonschema library | ratio |"
    )
    print("|---|---:|---:|---:|---:|")
    for count, w in warms.items():
        print(
            f"| {count:,} documents | {w['ours']:.0f} µs | {w['ours_lint']:.0f} µs | {w['jsonschema']:.0f} µs | "
            f"{w['ours_lint'] / w['jsonschema']:.2f}x |"
        )
    print()
    for c in colds:
        key = "cold_one" if c.count == 1 else "cold_many"
        print(f"target cold-{c.count}: {median(c.ratios):.3f} <= {TARGETS[key]}")
        if c.count == max(counts):
            print(
                f"target memory-{c.count}: {median(c.ours_kib) / median(c.theirs_kib):.3f} <= {TARGETS['memory']}"
            )
    for count, w in warms.items():
        print(f"target warm-{count}: {w['ours_lint']:.1f} <= {TARGETS['warm_us']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
