"""aigw_validate's answer fits a chat context whatever the input: summary first (exact counts per severity and rule,
documents read, checks that did not run), then the most severe findings up to max_findings, then one line saying how
many were left out and how to see them. Structured content is cut the same way as the text."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from tests.server.conftest import connect

pytestmark = pytest.mark.anyio

TEXT_BUDGET = 20_000  # bytes of the text content (and of the structured content as compact JSON)


def many_documents() -> str:
    """1,000 documents with about 1,400 findings: backends and routes whose references lead nowhere (errors),
    routes attached to no Gateway (warnings), and documents that are not Kubernetes objects (skipped)."""
    docs = []
    for i in range(400):
        docs.append(
            "apiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIServiceBackend\n"
            f"metadata: {{name: b{i}, namespace: ai}}\n"
            f"spec: {{schema: {{name: OpenAI}}, backendRef: {{name: nowhere{i}, kind: Backend, "
            "group: gateway.envoyproxy.io}}\n"
        )
    for i in range(400):
        docs.append(
            "apiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIGatewayRoute\n"
            f"metadata: {{name: r{i}, namespace: ai}}\n"
            f"spec: {{parentRefs: [{{name: gw{i}, kind: Gateway, group: gateway.networking.k8s.io}}], "
            f"rules: [{{backendRefs: [{{name: missing{i}}}]}}]}}\n"
        )
    for i in range(180):
        docs.append(
            f"apiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIGatewayRoute\n"
            f"metadata: {{name: loose{i}, namespace: ai}}\nspec: {{rules: []}}\n"
        )
    docs += [f"note: not a Kubernetes object {i}\n" for i in range(20)]
    return "---\n".join(docs)


def full_report(text: str) -> dict[str, Any]:
    """What the engine finds in `text`, uncut (the command line's --format json)."""
    from orchestrator.engine.inputs import ValidateInput, validate_loaded
    from orchestrator.engine.load import load_text

    return validate_loaded(load_text(text, "manifests"), ValidateInput(manifests=text), None).to_dict()


async def call(arguments: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    async with connect("auto") as client:
        result = await client.call_tool("aigw_validate", arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return "\n".join(getattr(c, "text", "") for c in result.content), result.structured_content


async def test_a_thousand_documents_with_more_findings_stay_in_budget_with_exact_counts() -> None:
    from server.mcp.tool_models import MCP_MAX_FINDINGS, SKIPPED_SHOWN

    text = many_documents()
    full = full_report(text)
    assert full["documents"] + len(full["skipped"]) == 1000 and len(full["findings"]) > 1000
    answer, report = await call({"manifests": text})

    assert len(answer.encode()) <= TEXT_BUDGET, len(answer.encode())
    assert len(json.dumps(report, separators=(",", ":")).encode()) <= TEXT_BUDGET
    assert json.loads(answer) == report  # the text is the same cut, for clients that read only text

    # summary first, and exact although most findings are left out
    assert list(report)[:4] == ["ok", "documents", "summary", "checks_skipped"]
    assert report["ok"] is False and report["documents"] == full["documents"]
    severities = Counter(f["severity"] for f in full["findings"])
    summary = report["summary"]
    assert (summary["errors"], summary["warnings"], summary["infos"]) == (
        severities["error"],
        severities["warning"],
        severities["info"],
    )
    assert summary["skipped"] == 20 and len(report["skipped"]) == SKIPPED_SHOWN
    assert summary["by_rule"] == dict(Counter(f["rule"] for f in full["findings"]))
    rank = {
        r: min(["error", "warning", "info"].index(f["severity"]) for f in full["findings"] if f["rule"] == r)
        for r in summary["by_rule"]
    }
    assert list(summary["by_rule"]) == sorted(
        summary["by_rule"], key=lambda r: (rank[r], -summary["by_rule"][r], r)
    )

    # the most severe findings, then what was left out and how to see it
    assert len(report["findings"]) == MCP_MAX_FINDINGS
    assert {f["severity"] for f in report["findings"]} == {"error"}
    assert report["omitted"] == len(full["findings"]) - MCP_MAX_FINDINGS
    more = report["more"]
    assert more.startswith(f"{report['omitted']} more findings left out (")
    assert f"{severities['warning']} warnings" in more
    assert "raise max_findings (up to 1000)" in more and "`aigw-skills validate PATH --format json`" in more
    assert "10 more documents that are not Kubernetes objects are not listed either" in more


MIXED = """\
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: loose, namespace: ai}
spec: {rules: []}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIServiceBackend
metadata: {name: b, namespace: ai}
spec: {schema: {name: OpenAI}, backendRef: {name: nowhere, kind: Backend, group: gateway.envoyproxy.io}}
---
apiVersion: aigateway.envoyproxy.io/v1beta1
kind: AIGatewayRoute
metadata: {name: r, namespace: ai}
spec: {parentRefs: [{name: gw, kind: Gateway, group: gateway.networking.k8s.io}], rules: []}
"""


async def test_errors_come_before_warnings_and_max_findings_sets_how_many_are_listed() -> None:
    full = full_report(MIXED)
    order = [f["severity"] for f in full["findings"]]
    assert order.index("warning") < order.index("error")  # the document order puts a warning first

    _, everything = await call({"manifests": MIXED, "max_findings": 1000})
    listed = [f["severity"] for f in everything["findings"]]
    assert listed == sorted(order, key=["error", "warning", "info"].index)
    assert everything["omitted"] == 0 and everything["more"] is None

    _, one = await call({"manifests": MIXED, "max_findings": 1})
    assert [f["severity"] for f in one["findings"]] == ["error"]
    assert one["omitted"] == len(order) - 1 and one["summary"] == everything["summary"]
    assert one["more"].startswith(f"{len(order) - 1} more finding")


async def test_skipped_documents_beyond_ten_are_counted_and_said_without_offering_max_findings() -> None:
    text = "---\n".join(f"note: not a Kubernetes object {i}\n" for i in range(15))
    _, report = await call({"manifests": text + "---\n" + MIXED})
    assert report["summary"]["skipped"] == 15 and len(report["skipped"]) == 10
    assert report["more"] == (
        "5 more documents that are not Kubernetes objects are not listed; to see them, validate a smaller part of "
        "the manifests or run `aigw-skills validate PATH --format json` for the whole report"
    )


@pytest.mark.parametrize("bad", [0, 1001, "many"])
async def test_max_findings_outside_1_to_1000_is_refused_naming_the_field(bad: object) -> None:
    async with connect("auto") as client:
        result = await client.call_tool("aigw_validate", {"manifests": MIXED, "max_findings": bad})
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    assert result.is_error and "max_findings" in text
