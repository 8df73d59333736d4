"""The upstream examples (../shared/upstream-examples) against the upstream CRDs: every Kubernetes manifest is
accepted except the three objects KNOWN-DEFECTS.md lists, which are rejected for the reason it gives; files that
hold no Kubernetes object are skipped with a reason; no CEL rule goes unevaluated."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import SHARED, shared_params, shared_path

EXAMPLES = SHARED / "upstream-examples"
DEFECTS_MD = EXAMPLES / "KNOWN-DEFECTS.md"
NOT_MANIFESTS = {
    "inference-pool/envoy-gateway-values-addon.yaml",
    "token_ratelimit/envoy-gateway-values-addon.yaml",
    "goose/kiwi_recipe.yaml",
}
# Outside KNOWN-DEFECTS.md (which covers CRD-backed objects): this Secret is meant for `aigw run`, whose
# substitution annotation key has two '/' and so is not a qualified name; the API server's ObjectMeta validation
# rejects it on `kubectl apply`.
CORE_OBJECT_REJECTIONS = {
    ("mcp/mcp_example.yaml", "Secret", "metadata.annotations"): "a qualified name must consist of",
}


def known_defects() -> dict[str, tuple[str, str]]:
    """``dir/file.yaml`` -> (kind, the backticked reason) from the table in KNOWN-DEFECTS.md."""
    out: dict[str, tuple[str, str]] = {}
    for line in DEFECTS_MD.read_text(encoding="utf-8").splitlines():
        row = re.match(r"^\|\s*([\w./-]+\.yaml)\s*\|\s*(\w+)\s*\|\s*(.*)\|\s*$", line)
        if row:
            reason = re.search(r"`([^`]+)`", row.group(3))
            assert reason, f"no backticked reason in {line!r}"
            out[row.group(1)] = (row.group(2), reason.group(1))
    return out


def example_files() -> list[Any]:
    return shared_params(
        ("upstream-examples",),
        lambda folder: [
            pytest.param(str(p.relative_to(folder)), id=str(p.relative_to(folder)))
            for p in sorted(folder.rglob("*.yaml"))
        ],
    )


def _report(name: str, crd_set: Any) -> Any:
    from orchestrator.engine.load import load_documents
    from orchestrator.engine.validate import validate_documents

    loaded = load_documents([EXAMPLES / name])
    assert loaded.findings == [], "YAML syntax errors in an upstream example"
    report = validate_documents(loaded.documents, crds=crd_set, sources=loaded.sources, lint=False)
    return loaded, report


@pytest.mark.parametrize("name", example_files())
def test_example_is_accepted_unless_it_is_a_known_defect(name: str, crd_set: Any) -> None:
    shared_path("upstream-examples")
    loaded, report = _report(name, crd_set)
    if name in NOT_MANIFESTS:
        assert loaded.documents == []
        assert [s.reason for s in loaded.skipped] == [
            "not a Kubernetes object: no apiVersion/kind (e.g. Helm values, an agent recipe)"
        ]
        return
    assert loaded.skipped == []
    assert report.documents > 0
    errors = {(f.kind, f.path, f.message) for f in report.errors}
    expected_core = {(k, p): text for (f, k, p), text in CORE_OBJECT_REJECTIONS.items() if f == name}
    for (kind, path), text in expected_core.items():
        assert any(k == kind and p == path and text in m for k, p, m in errors)
    errors = {e for e in errors if (e[0], e[1]) not in expected_core}
    defect = known_defects().get(name)
    if defect is None:
        assert errors == set()
        return
    kind, reason = defect
    assert errors, f"{name} should be rejected: {reason}"
    assert all(k == kind and reason in m for k, _, m in errors), errors


def test_known_defects_table_names_three_files_that_exist() -> None:
    shared_path("upstream-examples", "KNOWN-DEFECTS.md")
    defects = known_defects()
    assert len(defects) == 3
    assert all((EXAMPLES / name).is_file() for name in defects)


def test_no_cel_rule_goes_unevaluated_across_all_examples(crd_set: Any) -> None:
    shared_path("upstream-examples")
    from orchestrator.engine.load import load_documents
    from orchestrator.engine.validate import validate_documents

    loaded = load_documents([EXAMPLES])
    report = validate_documents(loaded.documents, crds=crd_set, sources=loaded.sources, lint=False)
    assert report.documents >= 150
    assert [f for f in report.findings if f.rule == "cel-unsupported"] == []
    assert not [f for f in report.findings if f.rule == "cel" and f.severity == "info"], (
        "CEL skipped somewhere"
    )
