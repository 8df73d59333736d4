"""Summarise an AI Gateway's Prometheus metrics: tokens, requests, errors and latency per model and backend.

The AI Gateway extproc records OpenTelemetry GenAI metrics and exposes them in the Prometheus text format
(the admin port's /metrics, 1064 for `aigw run`). Names, as the OTel Prometheus exporter writes them:

- gen_ai_client_token_usage[_token]_{bucket,sum,count}: tokens per request, label gen_ai_token_type
  (input, output, cached_input, cache_creation_input, reasoning; older releases also total);
- gen_ai_server_request_duration[_seconds]_*: request latency; failed requests carry error_type;
- gen_ai_server_time_to_first_token[_seconds]_* and gen_ai_server_time_per_output_token[_seconds]_*.

Every series carries gen_ai_operation_name, gen_ai_provider_name, gen_ai_original_model, gen_ai_request_model,
gen_ai_response_model and ai_backend (namespace/name of the AIServiceBackend). The unit suffix depends on the
exporter settings, so both spellings are read. Parsing and summarising are pure; `fetch` is the only network.
"""

from __future__ import annotations

import math
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

TOKEN_USAGE = ("gen_ai_client_token_usage_token", "gen_ai_client_token_usage")
REQUEST_DURATION = ("gen_ai_server_request_duration_seconds", "gen_ai_server_request_duration")
TIME_TO_FIRST_TOKEN = ("gen_ai_server_time_to_first_token_seconds", "gen_ai_server_time_to_first_token")
TIME_PER_OUTPUT_TOKEN = ("gen_ai_server_time_per_output_token_seconds", "gen_ai_server_time_per_output_token")
MODEL_LABELS = ("gen_ai_request_model", "gen_ai_original_model", "gen_ai_response_model")
BACKEND_LABELS = ("ai_backend", "gen_ai_provider_name")

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_SAMPLE = re.compile(
    rf"^(?P<name>{_NAME})(?:\{{(?P<labels>.*)\}})?\s+(?P<value>\S+)(?:\s+(?P<ts>-?[0-9]+))?\s*$"
)
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)')


class MetricsError(RuntimeError):
    """The metrics could not be read at all. ``unreadable``: what was given is not something this reads (not an
    http(s) URL, a host not allowed, a file or answer that is not Prometheus text) — exit 2 on the CLI; otherwise
    the fetch failed (connection refused, HTTP error, timeout) — exit 1, as a failed download is elsewhere."""

    def __init__(self, message: str, *, unreadable: bool = False) -> None:
        super().__init__(message)
        self.unreadable = unreadable


@dataclass(frozen=True)
class Sample:
    name: str
    labels: dict[str, str]
    value: float


@dataclass
class Exposition:
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "line N: why", for malformed lines


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "\\": "\\", '"': '"'}.get(m[1], "\\" + m[1]), text)


def _labels(text: str) -> dict[str, str] | None:
    out: dict[str, str] = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _LABEL.match(text, pos)
        if not match:
            return None
        out[match[1]] = _unescape(match[2])
        pos = match.end()
    return out


def _value(text: str) -> float | None:
    special = {"+Inf": math.inf, "Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}
    if text in special:
        return special[text]
    try:
        return float(text)
    except ValueError:
        return None


def parse_exposition(text: str) -> Exposition:
    """Samples of a Prometheus text exposition; malformed lines are skipped and reported by line number."""
    out = Exposition()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        labels = _labels(match["labels"]) if match and match["labels"] is not None else {}
        value = _value(match["value"]) if match else None
        if match is None or labels is None or value is None:
            # The line itself is never repeated: a fetched page may hold anything, credentials included.
            out.problems.append(f"line {number}: not a Prometheus sample")
            continue
        out.samples.append(Sample(match["name"], labels, value))
    return out


class LatencyStats(BaseModel):
    count: int = Field(description="Observations")
    mean_seconds: float | None = Field(description="Mean, in seconds")
    p50_seconds: float | None = Field(description="Median estimated from the histogram buckets")
    p95_seconds: float | None = Field(description="95th percentile estimated from the histogram buckets")


class ModelBackendStats(BaseModel):
    model: str = Field(description="gen_ai_request_model (the model the route matched)")
    backend: str = Field(description="ai_backend (namespace/name), else gen_ai_provider_name")
    requests: int = Field(description="Completed requests (request-duration observations)")
    errors: int = Field(description="Requests recorded with an error_type")
    tokens: dict[str, float] = Field(description="Tokens by gen_ai_token_type, plus total")
    latency: LatencyStats | None = Field(description="gen_ai.server.request.duration")
    time_to_first_token: LatencyStats | None = Field(
        description="gen_ai.server.time_to_first_token (streaming)"
    )
    time_per_output_token: LatencyStats | None = Field(description="gen_ai.server.time_per_output_token")


class MetricsSummary(BaseModel):
    source: str = Field(description="Where the metrics were read from")
    rows: list[ModelBackendStats] = Field(description="One row per (model, backend), busiest first")
    totals: dict[str, float] = Field(description="requests, errors and tokens over every row")
    problems: list[str] = Field(description="Lines that could not be parsed, and other caveats")


def _family(sample: str, bases: tuple[str, ...], suffix: str) -> bool:
    return any(sample == f"{base}_{suffix}" for base in bases)


def _key(labels: dict[str, str]) -> tuple[str, str]:
    model = next((labels[k] for k in MODEL_LABELS if labels.get(k) not in (None, "", "unknown")), "unknown")
    backend = next(
        (labels[k] for k in BACKEND_LABELS if labels.get(k) not in (None, "", "unknown")), "unknown"
    )
    return model, backend


def _quantile(q: float, buckets: dict[float, float]) -> float | None:
    """histogram_quantile over cumulative buckets (upper bound → count), linear within the bucket."""
    if not buckets or math.inf not in buckets or buckets[math.inf] <= 0:
        return None
    bounds = sorted(buckets)
    rank = q * buckets[math.inf]
    previous_bound, previous_count = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == math.inf:
                # Above the highest finite bucket: that bound is all we know (Prometheus does the same); with
                # no finite bucket at all there is no estimate (it used to print 0.000).
                return previous_bound if len(bounds) > 1 else None
            if count == previous_count:
                return bound
            return previous_bound + (bound - previous_bound) * (rank - previous_count) / (
                count - previous_count
            )
        previous_bound, previous_count = bound, count
    return None


@dataclass
class _Hist:
    count: float = 0.0
    total: float = 0.0
    buckets: dict[float, float] = field(default_factory=lambda: defaultdict(float))

    def stats(self) -> LatencyStats | None:
        if self.count <= 0:
            return None
        return LatencyStats(
            count=int(self.count),
            mean_seconds=round(self.total / self.count, 6),
            p50_seconds=_round(_quantile(0.5, self.buckets)),
            p95_seconds=_round(_quantile(0.95, self.buckets)),
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _add_hist(hist: _Hist, sample: Sample, bases: tuple[str, ...]) -> None:
    if _family(sample.name, bases, "count"):
        hist.count += sample.value
    elif _family(sample.name, bases, "sum"):
        hist.total += sample.value
    elif _family(sample.name, bases, "bucket") and "le" in sample.labels:
        bound = _value(sample.labels["le"])
        if bound is not None:
            hist.buckets[bound] += sample.value


def summarise(exposition: Exposition, source: str) -> MetricsSummary:
    """Group the GenAI series by (model, backend): tokens by type, requests, errors and latency."""
    tokens: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    hists: dict[str, dict[tuple[str, str], _Hist]] = {n: defaultdict(_Hist) for n in ("req", "ttft", "tpot")}
    errors: dict[tuple[str, str], float] = defaultdict(float)
    families = (("req", REQUEST_DURATION), ("ttft", TIME_TO_FIRST_TOKEN), ("tpot", TIME_PER_OUTPUT_TOKEN))
    seen = False
    for sample in exposition.samples:
        key = _key(sample.labels)
        if _family(sample.name, TOKEN_USAGE, "sum"):
            tokens[key][sample.labels.get("gen_ai_token_type", "unknown")] += sample.value
            seen = True
            continue
        for short, bases in families:
            if any(sample.name.startswith(base + "_") for base in bases):
                # Without the unit suffix a base name is a prefix of the suffixed one: match exactly instead.
                if not any(_family(sample.name, bases, s) for s in ("count", "sum", "bucket")):
                    continue
                _add_hist(hists[short][key], sample, bases)
                if (
                    short == "req"
                    and sample.labels.get("error_type")
                    and _family(sample.name, bases, "count")
                ):
                    errors[key] += sample.value
                seen = True
                break
    problems = list(exposition.problems)
    if not seen:
        problems.append(
            "no gen_ai_* series found: is this the AI Gateway extproc metrics endpoint (admin port /metrics), "
            "and has it served any request yet?"
        )
    rows = []
    for key in sorted(set(tokens) | set(hists["req"]) | set(hists["ttft"])):
        by_type = {t: round(v, 3) for t, v in sorted(tokens[key].items())} if key in tokens else {}
        if by_type and "total" not in by_type:
            by_type["total"] = round(by_type.get("input", 0.0) + by_type.get("output", 0.0), 3)
        req = hists["req"].get(key)
        rows.append(
            ModelBackendStats(
                model=key[0],
                backend=key[1],
                requests=int(req.count) if req else 0,
                errors=int(errors.get(key, 0)),
                tokens=by_type,
                latency=req.stats() if req else None,
                time_to_first_token=hists["ttft"][key].stats() if key in hists["ttft"] else None,
                time_per_output_token=hists["tpot"][key].stats() if key in hists["tpot"] else None,
            )
        )
    rows.sort(key=lambda r: (-r.requests, -r.tokens.get("total", 0.0), r.model, r.backend))
    totals = {
        "requests": float(sum(r.requests for r in rows)),
        "errors": float(sum(r.errors for r in rows)),
        "input_tokens": sum(r.tokens.get("input", 0.0) for r in rows),
        "output_tokens": sum(r.tokens.get("output", 0.0) for r in rows),
        "total_tokens": sum(r.tokens.get("total", 0.0) for r in rows),
    }
    return MetricsSummary(source=source, rows=rows, totals=totals, problems=problems)


MAX_BODY_BYTES = 16 * 1024 * 1024  # a gateway's exposition is kilobytes; more is not a metrics endpoint


def host_allowed(url: str, allowed_hosts: tuple[str, ...]) -> bool:
    """``url``'s host matches an entry: ``host`` (any port) or ``host:port``; names compare case-insensitively."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for entry in allowed_hosts:
        want = urllib.parse.urlsplit(f"//{entry}")
        if (want.hostname or "").lower() == host and want.port in (None, port):
            return True
    return False


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same scheme, host and port; anything else is an error."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.netloc) != (new.scheme, new.netloc):
            raise MetricsError(f"{req.full_url}: redirected to another host; not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, timeout: float = 10.0, allowed_hosts: tuple[str, ...] | None = None) -> str:
    """GET the exposition text, at most MAX_BODY_BYTES, no redirect to another host; with ``allowed_hosts``
    (the HTTP server's --metrics-host list) only those hosts. MetricsError says what went wrong in words."""
    if not url.startswith(("http://", "https://")):
        raise MetricsError(f"{url}: only http:// and https:// URLs are read", unreadable=True)
    if allowed_hosts is not None and not host_allowed(url, allowed_hosts):
        listed = ", ".join(allowed_hosts) or "none"
        raise MetricsError(
            f"{url}: this server fetches metrics only from the hosts given with `serve --http --metrics-host` "
            f"(allowed: {listed})",
            unreadable=True,
        )
    request = urllib.request.Request(url, headers={"Accept": "text/plain;version=0.0.4"})
    opener = urllib.request.build_opener(_SameOrigin)
    try:
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_BODY_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise MetricsError(
            f"{url}: HTTP {exc.code} {exc.reason}; is this the metrics path (e.g. /metrics)?"
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            raise MetricsError(
                f"{url}: connection refused; is the gateway (or a port-forward) listening?"
            ) from None
        raise MetricsError(f"{url}: cannot connect: {reason}") from None
    except TimeoutError:
        raise MetricsError(f"{url}: no answer within {timeout:g}s") from None
    if len(body) > MAX_BODY_BYTES:
        raise MetricsError(f"{url}: the answer is larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB")
    return body.decode("utf-8", errors="replace")


def summarise_text(text: str, source: str) -> MetricsSummary:
    """Parse and summarise; text with no Prometheus sample at all (an HTML page, JSON) is a MetricsError."""
    exposition = parse_exposition(text)
    if exposition.problems and not exposition.samples:
        raise MetricsError(
            f"{source}: the answer is not a Prometheus text exposition (none of its {len(exposition.problems)} "
            "lines is a sample; its content is not shown); point at the extproc admin port's /metrics, e.g. "
            "http://localhost:1064/metrics",
            unreadable=True,
        )
    return summarise(exposition, source)


def read_summary(
    url: str, timeout: float = 10.0, allowed_hosts: tuple[str, ...] | None = None
) -> MetricsSummary:
    """Fetch `url` and summarise it."""
    return summarise_text(fetch(url, timeout, allowed_hosts), url)


def render_table(summary: MetricsSummary) -> str:
    """A fixed-width table, one line per (model, backend), then totals and problems."""
    header = ("MODEL", "BACKEND", "REQUESTS", "ERRORS", "IN TOK", "OUT TOK", "MEAN s", "P95 s", "TTFT s")
    lines = [header]
    for r in summary.rows:
        lat, ttft = r.latency, r.time_to_first_token
        lines.append(
            (
                r.model,
                r.backend,
                str(r.requests),
                str(r.errors),
                _num(r.tokens.get("input")),
                _num(r.tokens.get("output")),
                _sec(lat.mean_seconds if lat else None),
                _sec(lat.p95_seconds if lat else None),
                _sec(ttft.mean_seconds if ttft else None),
            )
        )
    widths = [max(len(row[i]) for row in lines) for i in range(len(header))]
    out = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in lines]
    t = summary.totals
    out.append(
        f"total: {int(t['requests'])} requests, {int(t['errors'])} errors, {_num(t['input_tokens'])} input and "
        f"{_num(t['output_tokens'])} output tokens (from {summary.source})"
    )
    out += [f"warning: {p}" for p in summary.problems]
    return "\n".join(out) + "\n"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _sec(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
