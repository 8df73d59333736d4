"""`aigw-skills trace` and `aigw_trace`: the same core behind both doors, with the same request fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp.types import CallToolResult

from orchestrator.analysis.trace.model import TraceRequest
from server.cli.main import main
from tests.server.conftest import connect

OLD = Path(__file__).resolve().parents[1] / "fixtures" / "trace-old"
APIKEY = OLD / "apikey-client-auth" / "manifests.yaml"


def text(result: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


def test_cli_traces_and_exits_1_when_a_step_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["trace", str(APIKEY), "--model", "claude-3-5-sonnet", "--credentials", "none"])
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "[FAIL] translation" in out
        and "[FAIL] client-auth" in out
        and out.rstrip().splitlines()[-1].startswith("verdict: fails")
    )


def test_cli_exits_0_when_the_request_reaches_its_backend(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "trace",
            str(APIKEY),
            "--path",
            "/anthropic/v1/messages",
            "--model",
            "claude-3-5-sonnet",
            "--header",
            "Authorization: *",
        ]
    )
    assert code == 0 and "verdict: reaches AIServiceBackend/default/anthropic" in capsys.readouterr().out


@pytest.mark.parametrize(("fmt", "start"), [("json", '{\n  "traces"'), ("mermaid", "sequenceDiagram")])
def test_cli_formats(fmt: str, start: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["trace", str(APIKEY), "--model", "claude-3-5-sonnet", "--format", fmt])
    out = capsys.readouterr().out
    assert out.startswith(start)
    if fmt == "json":
        assert json.loads(out)["traces"][0]["reaches_backend"] is False


def test_cli_options_are_the_core_request_fields() -> None:
    from server.cli.main import build_parser

    sub = next(a for a in build_parser()._subparsers._group_actions if a.dest == "command")  # type: ignore[union-attr]
    options = {o for action in sub.choices["trace"]._actions for o in action.option_strings}
    assert {"--" + name.replace("_", "-") for name in TraceRequest.model_fields} <= options


def test_cli_refuses_bad_input_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(APIKEY), "--header", "no colon"]) == 2
    assert "must look like 'Name: value'" in capsys.readouterr().err
    assert main(["trace", "/nonexistent.yaml"]) == 2
    assert "no such file" in capsys.readouterr().err


@pytest.mark.anyio
async def test_mcp_tool_returns_the_same_trace_with_a_sequence_diagram(mode: str) -> None:
    manifests = APIKEY.read_text(encoding="utf-8")
    async with connect(mode) as client:
        result = await client.call_tool(
            "aigw_trace", {"manifests": manifests, "model": "claude-3-5-sonnet", "credentials": "none"}
        )
    assert not result.is_error, text(result)
    data = result.structured_content
    assert data is not None and data["reaches_backend"] is False
    assert [s["stage"] for s in data["steps"] if s["status"] == "fail"] == ["translation", "client-auth"]
    assert data["mermaid"].startswith("sequenceDiagram")


@pytest.mark.anyio
async def test_mcp_tool_refuses_a_key_in_a_header(mode: str) -> None:
    async with connect(mode) as client:
        result = await client.call_tool(
            "aigw_trace",
            {
                "manifests": APIKEY.read_text(encoding="utf-8"),
                "headers": ["Authorization: sk-proj-" + "Ab3dE5gH7jK9mN1pQ3sT5vX7zB9dF1hJ3lN5"],
            },
        )
    assert result.is_error and "looks like" in text(result)
