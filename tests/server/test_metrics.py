"""`aigw-skills metrics URL` and the aigw_metrics tool read a gateway's Prometheus endpoint (a local HTTP server
here) and summarise tokens, requests, errors and latency per model and backend; failures are reported in words."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from orchestrator.analysis.inputs import MetricsInput
from orchestrator.analysis.metrics import parse_exposition, summarise
from server.cli.main import main
from server.mcp.analysis_models import run_metrics
from skills.errors import InputError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "metrics" / "aigw-extproc.prom"
PAGES = {
    "/metrics": FIXTURE.read_text(encoding="utf-8"),
    "/broken": FIXTURE.read_text(encoding="utf-8") + 'gen_ai_oops{model="x" 3\nnot a metric line at all\n',
    "/legacy": (  # no unit suffixes, as the upstream docs' PromQL spells them
        'gen_ai_client_token_usage_sum{gen_ai_request_model="llama",ai_backend="ml/vllm",gen_ai_token_type="input"} 7\n'
        'gen_ai_server_request_duration_count{gen_ai_request_model="llama",ai_backend="ml/vllm"} 2\n'
        'gen_ai_server_request_duration_sum{gen_ai_request_model="llama",ai_backend="ml/vllm"} 1.5\n'
    ),
    "/other": "# TYPE up gauge\nup 1\n",
    "/html": "<!DOCTYPE html>\n<html><head><title>Grafana</title></head>\n<body>Sign in</body></html>\n",
    "/json": '{"status": "success", "data": {"resultType": "vector", "result": []}}\n',
    # Issue 16: a local endpoint's body with a key came back to the client and into the log.
    "/leak": "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\nsecret = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    "/mixed": "# TYPE up gauge\nup 1\nAKIAIOSFODNN7EXAMPLE leaked here\n",
    "/inf-only": (
        'gen_ai_server_request_duration_seconds_bucket{gen_ai_request_model="m",ai_backend="b",le="+Inf"} 4\n'
        'gen_ai_server_request_duration_seconds_count{gen_ai_request_model="m",ai_backend="b"} 4\n'
        'gen_ai_server_request_duration_seconds_sum{gen_ai_request_model="m",ai_backend="b"} 2\n'
    ),
}
REDIRECTS = {"/elsewhere": "http://localhost:9/metrics", "/same": "/metrics"}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path in REDIRECTS:
            target = REDIRECTS[self.path]
            if target.startswith("/"):
                target = f"http://127.0.0.1:{self.server.server_address[1]}{target}"
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()
            return
        if self.path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            chunk = b"up 1\n" * 200_000
            try:
                for _ in range(20):  # 20 MB, past the 16 MiB cap
                    self.wfile.write(chunk)
            except OSError:
                pass
            return
        body = PAGES.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        data = body.encode()
        self.send_response(200)
        kind = {"/html": "text/html", "/json": "application/json"}.get(self.path, "text/plain; version=0.0.4")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_: object) -> None:
        return


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_summary_groups_tokens_requests_errors_and_latency_per_model_and_backend(server: str) -> None:
    summary = run_metrics(MetricsInput.parse({"url": f"{server}/metrics"}))
    rows = {(r.model, r.backend): r for r in summary.rows}
    assert list(rows) == [("gpt-4o-mini", "default/openai"), ("claude-sonnet-4-5", "default/anthropic")]
    gpt, claude = rows[("gpt-4o-mini", "default/openai")], rows[("claude-sonnet-4-5", "default/anthropic")]
    assert gpt.tokens == {"cached_input": 640, "input": 1192, "output": 1005, "total": 2197}
    assert (gpt.requests, gpt.errors) == (5, 1)
    assert gpt.latency is not None and gpt.latency.mean_seconds == pytest.approx(3.45 / 5)
    assert gpt.latency.p50_seconds is not None and 0.32 <= gpt.latency.p50_seconds <= 0.64
    assert claude.tokens["cache_creation_input"] == 1024 and claude.tokens["total"] == 7000
    assert (
        claude.time_to_first_token is not None
        and claude.time_to_first_token.mean_seconds == pytest.approx(0.5)
    )
    assert summary.totals == {
        "requests": 7,
        "errors": 1,
        "input_tokens": 6192,
        "output_tokens": 3005,
        "total_tokens": 9197,
    }
    assert summary.problems == []


def test_cli_prints_a_table_and_json(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", f"{server}/metrics"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == [
        "MODEL",
        "BACKEND",
        "REQUESTS",
        "ERRORS",
        "IN",
        "TOK",
        "OUT",
        "TOK",
        "MEAN",
        "s",
        "P95",
        "s",
        "TTFT",
        "s",
    ]
    assert table[1].split()[:6] == ["gpt-4o-mini", "default/openai", "5", "1", "1192", "1005"]
    assert table[-1].startswith("total: 7 requests, 1 errors, 6192 input and 3005 output tokens")
    assert main(["metrics", f"{server}/metrics", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"][1]["backend"] == "default/anthropic" and data["source"] == f"{server}/metrics"


def test_metric_names_without_unit_suffixes_are_read_too(server: str) -> None:
    (row,) = run_metrics(MetricsInput.parse({"url": f"{server}/legacy"})).rows
    assert (row.model, row.backend, row.requests, row.tokens) == (
        "llama",
        "ml/vllm",
        2,
        {"input": 7, "total": 7},
    )


def test_malformed_lines_are_skipped_and_reported_with_their_line_numbers(
    server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = run_metrics(MetricsInput.parse({"url": f"{server}/broken"}))
    assert len(summary.rows) == 2
    lines = len(PAGES["/metrics"].splitlines())
    assert [p.split(":")[0] for p in summary.problems] == [f"line {lines + 1}", f"line {lines + 2}"]
    assert main(["metrics", f"{server}/broken"]) == 0
    assert f"warning: line {lines + 2}: not a Prometheus sample" in capsys.readouterr().out


def test_an_endpoint_without_gateway_metrics_says_so(server: str) -> None:
    summary = run_metrics(MetricsInput.parse({"url": f"{server}/other"}))
    assert summary.rows == [] and "no gen_ai_* series found" in summary.problems[0]


def test_http_404_is_reported_with_the_status(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", f"{server}/nope"]) == 1
    assert "HTTP 404" in capsys.readouterr().err
    with pytest.raises(InputError, match="HTTP 404"):
        run_metrics(MetricsInput.parse({"url": f"{server}/nope"}))


def test_connection_refused_is_reported_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_free_port()}/metrics"
    assert main(["metrics", url]) == 1
    assert "connection refused" in capsys.readouterr().err
    with pytest.raises(InputError) as err:
        run_metrics(MetricsInput.parse({"url": url}))
    assert err.value.problems[0].path == "url"


@pytest.mark.parametrize(("path", "first"), [("/html", "<!DOCTYPE html>"), ("/json", '{"status"')])
def test_a_body_that_is_not_a_prometheus_exposition_is_an_error_naming_the_url(
    server: str, path: str, first: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{server}{path}"
    assert (
        main(["metrics", url]) == 2
    )  # what was fetched is not metrics: unreadable input, not a failed fetch
    err = capsys.readouterr().err
    assert f"{url}: the answer is not a Prometheus text exposition" in err
    assert first not in err and "its content is not shown" in err and "/metrics" in err
    with pytest.raises(InputError) as exc:
        run_metrics(MetricsInput.parse({"url": url}))
    assert exc.value.problems[0].path == "url"


def test_a_server_that_never_answers_times_out_with_the_wait_in_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as listener:  # accepts connections (backlog) but never reads or writes
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/metrics"
        assert main(["metrics", url, "--timeout", "0.3"]) == 1
    assert f"{url}: no answer within 0.3s" in capsys.readouterr().err


def test_a_url_that_is_not_http_is_refused_before_any_request(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["metrics", "file:///etc/passwd"]) == 2
    assert "url" in capsys.readouterr().err


def test_label_values_with_escapes_and_special_values_parse() -> None:
    text = 'x_count{a="q\\"uote",b="back\\\\slash",le="+Inf"} NaN 1700000000000\n'
    (sample,) = parse_exposition(text).samples
    assert sample.labels == {"a": 'q"uote', "b": "back\\slash", "le": "+Inf"}
    assert summarise(parse_exposition(text), "t").rows == []


def test_aigw_metrics_tool_is_registered_as_open_world_and_answers_with_the_summary(server: str) -> None:
    from server.mcp.tools import skill_tools

    tool = {t.name: t for t in skill_tools()}["aigw_metrics"]
    assert tool.annotations is not None and tool.annotations.open_world_hint is True
    assert tool.parameters["required"] == ["url"]
    result = tool.fn({"url": f"{server}/metrics"})
    assert result.structured_content["totals"]["requests"] == 7


def test_metrics_has_a_skill_a_prompt_and_a_cli_command_from_one_catalog_entry() -> None:
    from server.mcp.prompts import render
    from skills.catalog import BY_COMMAND, BY_TOOL

    entry = BY_TOOL["aigw_metrics"]
    assert entry is BY_COMMAND["metrics"] and entry.name == "aigw-metrics"
    assert not entry.atomic  # served by its door in server/doors.py, not a second generic tool
    text = render(entry, {"request": "why is claude slow?"})
    assert "`aigw_metrics`" in text and "why is claude slow?" in text and "`url` (required)" in text


def test_a_saved_scrape_is_read_from_a_file_or_stdin_with_the_same_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    saved = tmp_path / "scrape.prom"
    saved.write_text(PAGES["/metrics"], encoding="utf-8")
    assert main(["metrics", str(saved), "--format", "json"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert from_file["source"] == str(saved) and from_file["totals"]["requests"] == 7
    monkeypatch.setattr("sys.stdin", io.StringIO(PAGES["/metrics"]))
    assert main(["metrics", "-", "--format", "json"]) == 0
    from_stdin = json.loads(capsys.readouterr().out)
    assert from_stdin["source"] == "stdin" and from_stdin["rows"] == from_file["rows"]


def test_a_missing_file_is_bad_input_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.prom"
    assert main(["metrics", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "url: no such file" in err and str(missing) in err


def test_a_saved_html_page_is_not_taken_for_metrics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "login.html"
    saved.write_text(PAGES["/html"], encoding="utf-8")
    assert main(["metrics", str(saved)]) == 2
    assert "not a Prometheus text exposition" in capsys.readouterr().err


def test_fetched_content_never_comes_back_to_the_client(
    server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{server}/leak"
    assert main(["metrics", url]) == 2
    err = capsys.readouterr().err
    assert "AKIA" not in err and "wJalr" not in err
    with pytest.raises(InputError) as exc:
        run_metrics(MetricsInput.parse({"url": url}))
    assert "AKIA" not in str(exc.value)
    summary = run_metrics(MetricsInput.parse({"url": f"{server}/mixed"}))
    assert "line 3: not a Prometheus sample" in summary.problems
    assert not any("AKIA" in p for p in summary.problems)


def test_redirects_to_another_host_are_refused_and_same_host_ones_followed(server: str) -> None:
    with pytest.raises(InputError, match="redirected to another host"):
        run_metrics(MetricsInput.parse({"url": f"{server}/elsewhere"}))
    assert run_metrics(MetricsInput.parse({"url": f"{server}/same"})).rows


def test_an_endless_answer_stops_at_the_size_cap(server: str) -> None:
    with pytest.raises(InputError, match="larger than 16 MiB"):
        run_metrics(MetricsInput.parse({"url": f"{server}/huge", "timeout_seconds": 60}))


def test_over_http_only_allowed_hosts_are_fetched(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    inp = MetricsInput.parse({"url": f"{server}/metrics"})
    with pytest.raises(InputError, match="--metrics-host"):
        run_metrics(inp, allowed_hosts=())
    with pytest.raises(InputError, match=r"allowed: example\.com"):
        run_metrics(inp, allowed_hosts=("example.com",))
    with pytest.raises(InputError, match="--metrics-host"):
        run_metrics(inp, allowed_hosts=("127.0.0.1:1",))
    assert run_metrics(inp, allowed_hosts=("127.0.0.1",)).rows
    assert run_metrics(inp, allowed_hosts=(f"127.0.0.1:{port}",)).rows


def test_percentiles_are_unknown_when_only_the_inf_bucket_has_counts(server: str) -> None:
    """Issue 16: p50/p95 printed 0.000 when every observation was in the +Inf bucket."""
    summary = run_metrics(MetricsInput.parse({"url": f"{server}/inf-only"}))
    (row,) = summary.rows
    assert row.latency is not None and row.latency.mean_seconds == 0.5
    assert row.latency.p50_seconds is None and row.latency.p95_seconds is None
