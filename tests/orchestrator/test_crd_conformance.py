"""The upstream CRD validation cases (../shared/conformance/crdcel-v1.1) against the upstream CRDs: every valid
case is accepted, every invalid case is rejected with an error containing the substring EXPECTED.md gives."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.conftest import SHARED, shared_params, shared_path

CASES_DIR = SHARED / "conformance" / "crdcel-v1.1"
EXPECTED_MD = CASES_DIR / "EXPECTED.md"
# EXPECTED.md: a string field absent from the YAML is "Required value" when kubectl applies the file as written.
REQUIRED_INSTEAD = {
    "backendsecuritypolicies/azure_credentials_missing_tenant_id.yaml": "tenantID: Required value"
}


def expected_cases() -> dict[str, tuple[str, str]]:
    """``dir/file.yaml`` -> (valid|invalid, expected error substring) from the tables in EXPECTED.md."""
    cases: dict[str, tuple[str, str]] = {}
    section = ""
    for line in EXPECTED_MD.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\S+)/\s*$", line)
        if heading:
            section = heading.group(1)
            continue
        row = re.match(r"^\|\s*([\w.-]+\.yaml)\s*\|\s*(valid|invalid)\s*\|\s*(.*?)\s*\|\s*$", line)
        if row and section:
            cases[f"{section}/{row.group(1)}"] = (row.group(2), row.group(3).strip().strip("`"))
    return cases


def _params() -> list[Any]:
    return shared_params(("conformance", "crdcel-v1.1", "EXPECTED.md"), lambda _: _cases())


def _cases() -> list[Any]:
    listed = expected_cases()
    on_disk = {str(p.relative_to(CASES_DIR)) for p in CASES_DIR.glob("*/*.yaml")}
    params = [pytest.param(case, id=case) for case in sorted(listed)]
    params += [
        pytest.param(
            case, id=case, marks=pytest.mark.skip(reason="no expectation for this file in EXPECTED.md")
        )
        for case in sorted(on_disk - set(listed))
    ]
    return params


def _error_texts(case: str, crd_set: Any) -> list[str]:
    from orchestrator.engine.validate import validate_documents

    docs = [d for d in yaml.safe_load_all((CASES_DIR / case).read_text(encoding="utf-8")) if d]
    report = validate_documents(docs, crds=crd_set, lint=False)
    assert report.documents == len(docs) == 1
    assert not [f for f in report.findings if f.rule == "cel-unsupported"], (
        "a CEL rule could not be evaluated"
    )
    return [f"{f.path}: {f.message}" for f in report.errors]


@pytest.mark.parametrize("case", _params())
def test_conformance_case_gets_the_api_servers_verdict(case: str, crd_set: Any) -> None:
    shared_path("conformance", "crdcel-v1.1", "EXPECTED.md")
    verdict, substring = expected_cases()[case]
    errors = _error_texts(case, crd_set)
    if verdict == "valid":
        assert errors == []
        return
    accepted = [substring] + ([REQUIRED_INSTEAD[case]] if case in REQUIRED_INSTEAD else [])
    assert any(s in e for e in errors for s in accepted), f"expected one of {accepted!r} in {errors!r}"


def test_expected_md_lists_both_verdicts_so_the_suite_cannot_pass_empty() -> None:
    shared_path("conformance", "crdcel-v1.1", "EXPECTED.md")
    verdicts = [v for v, _ in expected_cases().values()]
    assert verdicts.count("valid") >= 10
    assert verdicts.count("invalid") >= 10


def test_missing_tenant_id_is_rejected_as_required_when_applied_as_written(crd_set: Any) -> None:
    shared_path("conformance", "crdcel-v1.1", "EXPECTED.md")
    errors = _error_texts("backendsecuritypolicies/azure_credentials_missing_tenant_id.yaml", crd_set)
    assert errors == ["spec.azureCredentials.tenantID: Required value"]


def test_empty_tenant_id_is_rejected_with_the_min_length_message(crd_set: Any) -> None:
    from orchestrator.engine.validate import validate_documents

    bsp = {
        "apiVersion": "aigateway.envoyproxy.io/v1beta1",
        "kind": "BackendSecurityPolicy",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {
            "type": "AzureCredentials",
            "azureCredentials": {"clientID": "id", "tenantID": "", "clientSecretRef": {"name": "s"}},
        },
    }
    report = validate_documents([bsp], crds=crd_set, lint=False)
    assert [f"{f.path}: {f.message}" for f in report.errors] == [
        'spec.azureCredentials.tenantID: Invalid value: "": spec.azureCredentials.tenantID in body should be at '
        "least 1 chars long"
    ]
