"""Reading manifests as kubectl does, core kinds, the report as data and its renderings."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from orchestrator.engine.findings import Finding, Report, Skipped, exit_code
from orchestrator.engine.load import InputError, load_documents, load_text
from orchestrator.engine.report_format import render, render_text, summary_line
from orchestrator.engine.validate import validate_documents


def meta(kind: str, name: str, api: str = "v1", **extra: Any) -> dict[str, Any]:
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": "default"}, **extra}


def test_timestamps_stay_strings_and_yes_no_follow_yaml_1_1() -> None:
    loaded = load_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {when: 2026-08-21, at: 2026-08-21T10:00:00Z}\n",
        "f.yaml",
    )
    assert loaded.documents[0]["data"] == {"when": "2026-08-21", "at": "2026-08-21T10:00:00Z"}


def test_documents_from_yaml_safe_load_are_validated_as_kubectl_would_send_them() -> None:
    import yaml

    doc = yaml.safe_load(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {at: 2026-08-21T10:00:00Z, on: 2026-08-21}\n"
    )
    report = validate_documents([doc], crds=None, lint=False)
    assert report.errors == []


def test_duplicate_keys_are_a_yaml_error_with_the_line() -> None:
    loaded = load_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n", "dup.yaml")
    (finding,) = loaded.findings
    assert finding.rule == "yaml" and finding.source == "dup.yaml:5"
    assert 'mapping key "name" already defined at line 4' in finding.message


def test_lists_are_expanded_and_sources_number_documents() -> None:
    text = "kind: List\napiVersion: v1\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n---\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
    loaded = load_text(text, "l.yaml")
    assert loaded.sources == ["l.yaml#1.items[0]", "l.yaml#3"]  # the empty document #2 is ignored


def test_non_objects_are_skipped_with_a_reason() -> None:
    loaded = load_text("- a\n- b\n---\nreplicaCount: 2\n", "values.yaml")
    assert [(s.source, s.reason.split(":")[0]) for s in loaded.skipped] == [
        ("values.yaml#1", "not a Kubernetes object"),
        ("values.yaml#2", "not a Kubernetes object"),
    ]
    assert loaded.documents == []


def test_documents_before_a_syntax_error_are_kept() -> None:
    loaded = load_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\nkind: [\n", "s.yaml")
    assert len(loaded.documents) == 1 and len(loaded.findings) == 1


def test_json_files_and_directories_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j"}}')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n")
    (tmp_path / "README.md").write_text("# not read")
    assert [d["metadata"]["name"] for d in load_documents([tmp_path]).documents] == ["j", "s"]
    with pytest.raises(InputError):
        load_documents([tmp_path / "missing"])


@pytest.mark.parametrize(
    "doc",
    [
        meta(
            "Secret",
            "k",
            type="Opaque",
            data={"apiKey": base64.b64encode(b"x").decode()},
            stringData={"a.b_c-d": "v"},
        ),
        meta("ConfigMap", "c", data={"config.yaml": "a: b"}),
        meta("Service", "svc", spec={"ports": [{"port": 80}]}),
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ai-gateway"}},
        meta("Deployment", "d", "apps/v1", spec={"replicas": 1}),
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRole",
            "metadata": {"name": "system:reader"},
        },
    ],
)
def test_valid_core_objects_get_no_error(doc: dict[str, Any]) -> None:
    assert validate_documents([doc], crds=None, lint=False).errors == []


def test_core_object_problems_the_api_server_rejects() -> None:
    docs = [
        meta("Secret", "k", data={"apiKey": "not base64!"}),
        meta("Service", "My_Service"),
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a.b"}},
    ]
    found = [(f.kind, f.path) for f in validate_documents(docs, crds=None, lint=False).errors]
    assert found == [("Secret", "data[apiKey]"), ("Service", "metadata.name"), ("Namespace", "metadata.name")]
    report = validate_documents(docs[:1], crds=None, lint=False)
    assert "not base64!" not in report.errors[0].message


def test_kinds_without_a_schema_are_listed_in_checks_skipped(crd_set: Any) -> None:
    docs = [
        meta("Deployment", "a", "apps/v1"),
        meta("Deployment", "b", "apps/v1"),
        meta("Thing", "t", "example.com/v1"),
    ]
    report = validate_documents(docs, crds=crd_set, lint=False)
    assert report.findings == []
    assert [c.split(":")[0] for c in report.checks_skipped] == [
        "No schema for apps/v1 Deployment (2 documents)",
        "No schema for example.com/v1 Thing (1 document)",
    ]


def test_without_crds_the_report_says_how_to_enable_schema_checks() -> None:
    report = validate_documents([meta("ConfigMap", "c")], crds=None, lint=False, target_version="v1.0.0")
    assert report.checks_skipped[0].startswith("Schema and CEL checks did not run")
    assert "aigw-skills crds pull --version v1.0.0" in report.checks_skipped[0]
    custom = validate_documents([meta("ConfigMap", "c")], crds=None, crds_note="CRDs unreadable.")
    assert custom.checks_skipped == ["CRDs unreadable."]


def _finding(severity: str, **kw: Any) -> Finding:
    base: dict[str, Any] = {
        "rule": "schema",
        "severity": severity,
        "kind": "Backend",
        "namespace": "ns",
        "name": "b",
        "path": "spec",
        "message": "m",
        "source": "f.yaml#1",
    }
    return Finding(**{**base, **kw})


def test_report_ok_and_exit_codes_follow_error_severity() -> None:
    clean = Report(findings=[_finding("warning"), _finding("info")], documents=1)
    failing = Report(findings=[_finding("error")], documents=1)
    assert clean.ok and exit_code(clean) == 0 and exit_code(clean, strict=True) == 1
    assert not failing.ok and exit_code(failing) == 1
    assert [f.severity for f in clean.warnings] == ["warning"] and failing.errors[
        0
    ].resource == "Backend/ns/b"


def test_resource_is_kind_slash_name_when_cluster_scoped() -> None:
    assert _finding("error", kind="GatewayClass", namespace=None, name="eg").resource == "GatewayClass/eg"


def test_findings_are_frozen() -> None:
    with pytest.raises(ValueError):
        _finding("error").message = "x"  # type: ignore[misc]


def test_text_rendering_has_lines_hints_and_the_summary() -> None:
    report = Report(
        findings=[_finding("error", hint="do this"), _finding("warning", rule="AIGW-L005")],
        skipped=[Skipped(source="v.yaml#1", reason="not a Kubernetes object")],
        checks_skipped=["CEL skipped."],
        documents=3,
    )
    assert render_text(report).splitlines() == [
        "error: Backend/ns/b: spec: m [schema] (f.yaml#1)",
        "  hint: do this",
        "warning: Backend/ns/b: spec: m [AIGW-L005] (f.yaml#1)",
        "skipped: v.yaml#1: not a Kubernetes object",
        "not checked: CEL skipped.",
        "3 documents, 1 error, 1 warning, 1 skipped",
    ]
    assert summary_line(Report(documents=1)) == "1 document, 0 errors, 0 warnings, 0 skipped"


def test_junit_rendering_is_well_formed_xml_with_escaped_text() -> None:
    report = validate_documents([meta("Service", 'Bad<&>"Name')], crds=None, lint=False)
    root = ET.fromstring(render(report, "junit"))
    (case,) = root.iter("testcase")
    failure = case.find("failure")
    assert failure is not None and 'Bad<&>"Name' in (failure.text or "")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown format"):
        render(Report(), "yaml")


def test_to_dict_carries_summary_and_resource() -> None:
    data = Report(findings=[_finding("error")], documents=1).to_dict()
    assert data["ok"] is False and data["summary"] == {"errors": 1, "warnings": 0, "infos": 0, "skipped": 0}
    assert data["findings"][0]["resource"] == "Backend/ns/b"


def test_a_number_where_a_formatted_string_belongs_is_a_type_error_not_a_crash(crd_set: Any) -> None:
    """`issuer` is `type: string, format: uri`; before, the uri check ran on the integer and raised TypeError."""
    golden = Path(__file__).resolve().parents[1] / "golden/skills/mcproute/upstream-mcp_oauth_example.yaml"
    (route,) = [d for d in load_text(golden.read_text(), "route.yaml").documents if d["kind"] == "MCPRoute"]
    route["spec"]["securityPolicy"]["oauth"]["issuer"] = 7
    report = validate_documents([route], crds=crd_set, lint=False)
    assert [(f.path, f.message) for f in report.errors] == [
        (
            "spec.securityPolicy.oauth.issuer",
            'Invalid value: "integer": spec.securityPolicy.oauth.issuer in body must be of type string: "integer"',
        )
    ]


def test_a_name_with_a_trailing_newline_is_refused_as_the_api_server_refuses_it() -> None:
    """Go's regexp $ is the end of the text; Python's also matches before a final newline."""
    report = validate_documents(
        [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings\n"}}], crds=None
    )
    assert [f.path for f in report.errors] == ["metadata.name"]


def test_validating_leaves_every_golden_document_as_it_was_and_gives_the_same_report_twice(
    crd_set: Any,
) -> None:
    """The structural pass shares the parts of an object it does not change (no copy per document): nothing
    downstream may write into them, and the compiled shapes cached per kind keep no state between objects."""
    import copy

    golden = Path(__file__).resolve().parents[1] / "golden" / "bundles"
    loaded = load_documents(sorted(golden.rglob("manifests.yaml")))
    assert len(loaded.documents) > 100
    before = copy.deepcopy(loaded.documents)
    first = validate_documents(loaded.documents, crds=crd_set, sources=loaded.sources, as_loaded=True)
    assert loaded.documents == before
    again = validate_documents(before, crds=crd_set, sources=loaded.sources)
    assert first.model_dump() == again.model_dump()


def test_a_json_file_is_read_at_its_size_and_a_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    from skills.yaml_input import YamlInputError, read_text

    small = tmp_path / "a.json"
    small.write_text('{"apiVersion": "v1"}', encoding="utf-8")
    assert read_text(small, 1024) == '{"apiVersion": "v1"}'
    big = tmp_path / "b.yaml"
    big.write_text("x" * 2048, encoding="utf-8")
    with pytest.raises(YamlInputError, match="larger than 1 KiB"):
        read_text(big, 1024)
    with pytest.raises(YamlInputError, match="is a directory"):
        read_text(tmp_path, 1024)
