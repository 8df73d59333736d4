"""Validate 1,000 manifests in-process and with check-jsonschema on the same documents and schemas.

The documents are the upstream examples' CRD-backed objects, replicated with distinct names. The schemas for
check-jsonschema are each CRD version's openAPIV3Schema converted to JSON Schema, written to a temporary directory
at run time (nothing upstream-derived is kept). check-jsonschema checks structure only (no defaults, CEL or
lint); it runs as users run it, one process per apiVersion/kind with all that kind's files, so its time includes
process start and schema loading. Plain in-process jsonschema on the same schemas is printed as the library
baseline.

    python benchmarks/validate_bench.py [--shared PATH] [--count 1000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from orchestrator.engine.crds import CRDSet, load_crds  # noqa: E402
from orchestrator.engine.schema import to_json_schema  # noqa: E402
from orchestrator.engine.validate import load_documents, validate_documents  # noqa: E402


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


def corpus(shared: Path, crds: CRDSet, count: int) -> list[dict[str, Any]]:
    loaded = load_documents([shared / "upstream-examples"])
    base = [d for d in loaded.documents if crds.get(d["apiVersion"], d["kind"]) is not None]
    docs = []
    for i in range(count):
        doc = json.loads(json.dumps(base[i % len(base)]))
        doc["metadata"]["name"] = f"{doc['metadata']['name']}-{i // len(base)}"
        docs.append(doc)
    return docs


def timed(fn: Callable[[], Any], repeats: int) -> list[float]:
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return runs


def check_jsonschema_runner(docs: list[dict[str, Any]], crds: CRDSet, workdir: Path) -> Callable[[], None]:
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent)) or shutil.which(
        "check-jsonschema"
    )
    if exe is None:
        raise SystemExit("check-jsonschema is not installed: pip install check-jsonschema")
    groups: dict[tuple[str, str], list[Path]] = {}
    for i, doc in enumerate(docs):
        key = (doc["apiVersion"], doc["kind"])
        folder = workdir / f"{key[0].replace('/', '_')}_{key[1]}"
        folder.mkdir(exist_ok=True)
        path = folder / f"{i:04d}.json"
        path.write_text(json.dumps(doc))
        groups.setdefault(key, []).append(path)
    commands = []
    for (api_version, kind), paths in groups.items():
        crd = crds.get(api_version, kind)
        assert crd is not None
        schema_file = workdir / f"{api_version.replace('/', '_')}_{kind}.schema.json"
        schema_file.write_text(json.dumps(strict_json_schema(dict(crd.schema))))
        commands.append(
            [exe, "--regex-variant", "python", "--schemafile", str(schema_file), *map(str, paths)]
        )

    def run() -> None:
        for command in commands:
            subprocess.run(command, capture_output=True, check=False)

    return run


def jsonschema_runner(docs: list[dict[str, Any]], crds: CRDSet) -> Callable[[], None]:
    """Plain jsonschema (Draft 7, Python re) in-process on the same exported schemas: the library baseline."""
    from jsonschema import Draft7Validator

    validators: dict[tuple[str, str], Any] = {}
    for doc in docs:
        key = (doc["apiVersion"], doc["kind"])
        if key not in validators:
            crd = crds.get(*key)
            assert crd is not None
            validators[key] = Draft7Validator(strict_json_schema(dict(crd.schema)))

    def run() -> None:
        for doc in docs:
            for _ in validators[(doc["apiVersion"], doc["kind"])].iter_errors(doc):
                pass

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", type=Path, default=REPO / ".." / "shared", help="the shared reference folder"
    )
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    crds = load_crds(args.shared / "crds")
    docs = corpus(args.shared, crds, args.count)
    kinds = len({(d["apiVersion"], d["kind"]) for d in docs})
    validate_documents(
        docs[:50], crds=crds
    )  # compile the validators and rules once, as a long-lived process does
    ours = timed(lambda: validate_documents(docs, crds=crds, lint=False), args.repeats)
    ours_lint = timed(lambda: validate_documents(docs, crds=crds), args.repeats)
    plain = jsonschema_runner(docs, crds)
    plain()
    baseline = timed(plain, args.repeats)
    with tempfile.TemporaryDirectory(prefix="aigw-bench-") as tmp:
        theirs = timed(check_jsonschema_runner(docs, crds, Path(tmp)), args.repeats)
    rows = [
        ("aigw-skills, in-process: schema + defaults + CEL", ours),
        ("aigw-skills, in-process: schema + defaults + CEL + lint", ours_lint),
        ("jsonschema Draft 7, in-process: JSON Schema only (same exported schemas)", baseline),
        (f"check-jsonschema CLI: JSON Schema only ({kinds} processes, one per kind)", theirs),
    ]
    print(f"{len(docs)} documents of {kinds} kinds, median of {args.repeats} runs\n")
    print("| validator | median (s) | documents/s |")
    print("|---|---:|---:|")
    for label, runs in rows:
        median = statistics.median(runs)
        print(f"| {label} | {median:.3f} | {len(docs) / median:,.0f} |")
    ratio = statistics.median(theirs) / statistics.median(ours)
    print(f"\ncheck-jsonschema / aigw-skills (schema + CEL): {ratio:.1f}x")
    print(
        f"aigw-skills (schema + CEL) / plain jsonschema: {statistics.median(ours) / statistics.median(baseline):.1f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
