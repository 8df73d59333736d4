"""`--crds DIR` is parsed once: later loads read an index in the cache keyed by the files' checksums."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from orchestrator.engine.crd_index import INDEX_DIR, STAT_FILE, VERSIONS_FILE, LazySchema, cached_crd_versions
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
          description: A widget.
          type: object
          properties:
            spec:
              description: What the widget is.
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


def _size(version: Any) -> int:
    return int(version.schema["properties"]["spec"]["properties"]["size"]["maximum"])


def test_the_second_load_reads_the_index_instead_of_parsing(crd_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    calls, parse = _counting_parser()
    (first,) = cached_crd_versions(crd_dir, crd_files(crd_dir), parse, cache)
    assert len(calls) == 2 and first.gvk == ("example.com", "v1", "Widget")
    (second,) = cached_crd_versions(crd_dir, crd_files(crd_dir), parse, cache)
    assert len(calls) == 2, "parsed again although the files did not change"
    assert isinstance(second.schema, LazySchema) and dict(second.schema) == dict(first.schema)
    assert (second.kind, second.plural, second.namespaced, second.served) == ("Widget", "widgets", True, True)
    assert len([d for d in (cache / INDEX_DIR).iterdir() if d.is_dir()]) == 1


def test_a_schema_is_read_only_when_a_check_looks_into_it(crd_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cached_crd_versions(crd_dir, crd_files(crd_dir), read_manifest_file, cache)
    (version,) = cached_crd_versions(crd_dir, crd_files(crd_dir), read_manifest_file, cache)
    assert version.schema._loaded is None  # type: ignore[attr-defined]
    assert _size(version) == 10
    assert version.schema._loaded is not None  # type: ignore[attr-defined]


def test_an_edited_crd_file_is_parsed_again_and_its_new_schema_used(
    crd_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(tmp_path / "cache"))
    before = load_crds(crd_dir).get("example.com/v1", "Widget")
    (crd_dir / "widget.yaml").write_text(CRD % 99)
    after = load_crds(crd_dir).get("example.com/v1", "Widget")
    assert before is not None and after is not None
    assert (_size(before), _size(after)) == (10, 99)


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(crd_dir: Path, tmp_path: Path) -> None:
    """A recorded digest is reused only while size, inode and change time match; a write changes the latter."""
    cache = tmp_path / "cache"
    target = crd_dir / "widget.yaml"
    cached_crd_versions(crd_dir, crd_files(crd_dir), read_manifest_file, cache)
    stat = target.stat()
    target.write_text(CRD % 77)  # same length: 10 -> 77
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (cache / INDEX_DIR / STAT_FILE).is_file()
    (version,) = cached_crd_versions(crd_dir, crd_files(crd_dir), read_manifest_file, cache)
    assert _size(version) == 77


def test_a_damaged_index_is_rebuilt_not_trusted(crd_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    calls, parse = _counting_parser()
    cached_crd_versions(crd_dir, crd_files(crd_dir), parse, cache)
    (folder,) = [d for d in (cache / INDEX_DIR).iterdir() if d.is_dir()]
    before = len(calls)
    for damage in ("{not json", '[{"kind": "Secret"}]', '[{"group": "example.com"}]'):
        (folder / VERSIONS_FILE).write_text(damage)
        (version,) = cached_crd_versions(crd_dir, crd_files(crd_dir), parse, cache)
        assert _size(version) == 10
    assert len(calls) > before
    rebuilt = len(calls)
    cached_crd_versions(crd_dir, crd_files(crd_dir), parse, cache)
    assert len(calls) == rebuilt, "the rebuilt index is used again"
    (folder / "0.json").write_text("{damaged")
    (version,) = cached_crd_versions(crd_dir, crd_files(crd_dir), parse, cache)
    assert _size(version) == 10, "a damaged schema file is read from the CRD files again"


def test_an_unwritable_cache_still_loads_the_crds(crd_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    (version,) = cached_crd_versions(crd_dir, crd_files(crd_dir), read_manifest_file, blocker)
    assert _size(version) == 10


def test_the_shared_crds_load_the_same_from_the_index(
    shared_crds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(tmp_path / "cache"))
    parsed = load_crds(shared_crds)
    indexed = load_crds(shared_crds)
    assert [v.gvk for v in parsed] == [v.gvk for v in indexed]
    assert all(dict(a.schema) == dict(b.schema) for a, b in zip(parsed, indexed, strict=True))


def test_schema_descriptions_are_dropped_but_a_property_named_description_is_kept() -> None:
    from orchestrator.engine.crdset import without_descriptions

    schema = {
        "description": "a widget",
        "type": "object",
        "properties": {
            "description": {"type": "string", "description": "the widget's own description field"},
            "parts": {"type": "array", "items": {"description": "one part", "type": "string"}},
            "choice": {"anyOf": [{"description": "a number", "type": "integer"}, {"type": "string"}]},
        },
    }
    assert without_descriptions(schema) == {
        "type": "object",
        "properties": {
            "description": {"type": "string"},
            "parts": {"type": "array", "items": {"type": "string"}},
            "choice": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        },
    }


def test_the_index_holds_no_schema_descriptions(crd_dir: Path, tmp_path: Path) -> None:
    cached_crd_versions(crd_dir, crd_files(crd_dir), read_manifest_file, tmp_path / "cache")
    (folder,) = [d for d in (tmp_path / "cache" / INDEX_DIR).iterdir() if d.is_dir()]
    assert "description" not in (folder / "0.json").read_text()
