"""aigw_doctor's answer keeps the most urgent findings when max_findings cuts it: every error before any warning
(doctor's layer order within a severity), a `more` line saying how many of each severity were left out and how to
see them, and a summary whose count of the rest says how many of them are really listed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import connect

pytestmark = pytest.mark.anyio

BACKENDS = 40


def dump_of_backends_without_their_backends(tmp_path: Path) -> Path:
    """The QA dump: 40 AIServiceBackends whose EG Backends are missing. Each gives an error (the Backend it names is
    not there, AIGW-L001) and a warning in an earlier layer (no controller set a status, AIGW-D005)."""
    docs = [
        "apiVersion: aigateway.envoyproxy.io/v1beta1\nkind: AIServiceBackend\n"
        f"metadata: {{name: b{i}, namespace: default}}\n"
        f"spec: {{schema: {{name: OpenAI}}, backendRef: {{name: missing{i}, kind: Backend, "
        "group: gateway.envoyproxy.io}}\n"
        for i in range(BACKENDS)
    ]
    path = tmp_path / "backends.yaml"
    path.write_text("---\n".join(docs))
    return path


async def doctor(arguments: dict[str, Any]) -> dict[str, Any]:
    async with connect("auto") as client:
        result = await client.call_tool("aigw_doctor", arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def test_the_default_cut_lists_errors_before_the_warnings_of_earlier_layers(tmp_path: Path) -> None:
    from server.mcp.tool_models import MCP_MAX_FINDINGS

    report = await doctor({"dump": [str(dump_of_backends_without_their_backends(tmp_path))]})
    assert report["counts"] == {"error": BACKENDS, "warning": BACKENDS, "info": 0}
    everything = await doctor({"dump": [str(tmp_path / "backends.yaml")], "max_findings": 1000})
    layers = [f["layer"] for f in everything["findings"]]
    warnings_first = [f["severity"] for f in everything["findings"]]
    # doctor's own order puts the status warnings (an earlier layer) before the lint errors
    assert warnings_first[0] == "warning" and layers.index("lint") > 0

    listed = report["findings"]
    assert len(listed) == MCP_MAX_FINDINGS and {f["severity"] for f in listed} == {"error"}
    errors_in_doctor_order = [f for f in everything["findings"] if f["severity"] == "error"]
    assert listed == errors_in_doctor_order[:MCP_MAX_FINDINGS]
    assert report["omitted"] == 2 * BACKENDS - MCP_MAX_FINDINGS
    assert report["more"] == (
        f"{report['omitted']} more findings left out ({BACKENDS - MCP_MAX_FINDINGS} errors, {BACKENDS} warnings); "
        "to see them, raise max_findings (up to 1000), narrow a live diagnosis with `namespace`, or run "
        "`aigw-skills doctor [DUMP...] --format json` (the same dump or context) for the whole report"
    )
    assert everything["omitted"] == 0 and everything["more"] is None


async def test_the_summary_says_how_many_of_the_rest_are_listed_below(tmp_path: Path) -> None:
    dump = str(dump_of_backends_without_their_backends(tmp_path))
    report = await doctor({"dump": [dump]})
    steps, rest = report["summary"][:-1], report["summary"][-1]
    assert len(steps) == 5 and all("(AIGW-D005)" in s for s in steps)  # the plan keeps doctor's layer order
    # 75 more errors and warnings; the 25 listed errors are not among the five steps, the other 50 are left out
    assert (
        rest
        == "... and 75 more (25 listed below, 50 left out); fixing the first ones often clears later ones."
    )

    everything = await doctor({"dump": [dump], "max_findings": 1000})
    assert everything["summary"][:-1] == steps
    assert (
        everything["summary"][-1] == "... and 75 more below; fixing the first ones often clears later ones."
    )


async def test_within_a_severity_the_cut_keeps_the_layer_order(tmp_path: Path) -> None:
    dump = str(dump_of_backends_without_their_backends(tmp_path))
    report = await doctor({"dump": [dump], "max_findings": BACKENDS + 3})
    severities = Counter(f["severity"] for f in report["findings"])
    assert severities == {"error": BACKENDS, "warning": 3}
    everything = await doctor({"dump": [dump], "max_findings": 1000})
    first_warnings = [f for f in everything["findings"] if f["severity"] == "warning"][:3]
    assert [f for f in report["findings"] if f["severity"] == "warning"] == first_warnings
    # listed in the order to fix them: the kept warnings' layer comes first, as in the whole report
    assert report["findings"] == [f for f in everything["findings"] if f in report["findings"]]
    assert report["more"].startswith(f"{BACKENDS - 3} more findings left out ({BACKENDS - 3} warnings); ")


@pytest.mark.parametrize("tool", ["aigw_doctor", "aigw_validate"])
@pytest.mark.parametrize("bad", [True, False, 2.0, 2.5, "25"])
async def test_max_findings_that_is_not_an_integer_is_refused_naming_the_field(
    tool: str, bad: object, tmp_path: Path
) -> None:
    arguments: dict[str, Any] = {"max_findings": bad}
    if tool == "aigw_doctor":
        arguments["dump"] = [str(dump_of_backends_without_their_backends(tmp_path))]
    else:
        arguments["manifests"] = dump_of_backends_without_their_backends(tmp_path).read_text()
    async with connect("auto") as client:
        result = await client.call_tool(tool, arguments)
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    assert result.is_error and "max_findings" in text and "integer" in text, text
    assert "Traceback" not in text


def test_the_command_line_reads_max_findings_as_a_whole_number_and_refuses_true(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from tests.server.conftest import subprocess_env

    dump = str(dump_of_backends_without_their_backends(tmp_path))
    cli = [sys.executable, "-m", "server", "doctor", dump, "--format", "json", "--max-findings"]
    three = subprocess.run([*cli, "3"], capture_output=True, text=True, env=subprocess_env(), check=False)
    assert three.returncode == 1, three.stderr  # errors found
    report = json.loads(three.stdout)
    assert len(report["findings"]) == 3 and report["more"].startswith(
        "77 more findings left out (37 errors, "
    )
    assert (
        "raise --max-findings (or leave it out), or narrow a live diagnosis with --namespace"
        in report["more"]
    )
    refused = subprocess.run(
        [*cli, "true"], capture_output=True, text=True, env=subprocess_env(), check=False
    )
    assert (
        refused.returncode == 2
        and "max_findings: Input should be a valid integer (got 'true')" in refused.stderr
    )
