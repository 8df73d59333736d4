"""`--crds DIR` is parsed once: later loads read an index in the cache keyed by the files' checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orchestrator.engine.crd_index import INDEX_DIR, cached_crd_documents
from orchestrator.engine.crds import crd_files, load_crds, read_manifest_file

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer, maximum: %d}
"""


@pytest.fixture
def crd_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "crds"
    folder.mkdir()
    (folder / "widget.yaml").write_text(CRD % 10)
    (folder / "notes.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    return folder


def _counting_parser() -> tuple[list[Path], Any]:
    calls: list[Path] = []

    def parse(path: Path) -> list[Any]:
        calls.append(path)
        return read_manifest_file(path)

    return calls, parse


def test_the_second_load_reads_the_index_instead_of_parsing(crd_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    calls, parse = _counting_parser()
    first = cached_crd_documents(crd_dir, crd_files(crd_dir), parse, cache)
    assert len(calls) == 2 and [d["kind"] for d in first] == ["CustomResourceDefinition"]
    second = cached_crd_documents(crd_dir, crd_files(crd_dir), parse, cache)
    assert len(calls) == 2, "parsed again although the files did not change"
    assert second == first
    assert len(list((cache / INDEX_DIR).glob("*.json"))) == 1


def test_an_edited_crd_file_is_parsed_again_and_its_new_schema_used(
    crd_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(tmp_path / "cache"))
    before = load_crds(crd_dir).get("example.com/v1", "Widget")
    (crd_dir / "widget.yaml").write_text(CRD % 99)
    after = load_crds(crd_dir).get("example.com/v1", "Widget")
    assert before is not None and after is not None
    size = lambda v: v.schema["properties"]["spec"]["properties"]["size"]["maximum"]  # noqa: E731
    assert (size(before), size(after)) == (10, 99)
    assert len(list((tmp_path / "cache" / INDEX_DIR).glob("*.json"))) == 2


def test_a_damaged_index_is_rebuilt_not_trusted(crd_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    calls, parse = _counting_parser()
    cached_crd_documents(crd_dir, crd_files(crd_dir), parse, cache)
    (index,) = (cache / INDEX_DIR).glob("*.json")
    for damage in ("{not json", '[{"kind": "Secret"}]'):
        index.write_text(damage)
        docs = cached_crd_documents(crd_dir, crd_files(crd_dir), parse, cache)
        assert [d["metadata"]["name"] for d in docs] == ["widgets.example.com"]
    assert len(calls) == 6


def test_an_unwritable_cache_still_loads_the_crds(crd_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    docs = cached_crd_documents(crd_dir, crd_files(crd_dir), read_manifest_file, blocker)
    assert [d["metadata"]["name"] for d in docs] == ["widgets.example.com"]


def test_the_shared_crds_load_the_same_from_the_index(
    shared_crds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(tmp_path / "cache"))
    parsed = load_crds(shared_crds)
    indexed = load_crds(shared_crds)
    assert [v.gvk for v in parsed] == [v.gvk for v in indexed]
    assert all(a.schema == b.schema for a, b in zip(parsed, indexed, strict=True))
