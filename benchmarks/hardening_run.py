"""The hardening report (issue 16): script-injection tries and escapes, alias bombs and the peak memory they
cause, a 100-client HTTP run, waves of TypeScript SDK clients, and idle sockets held while a valid client still
gets through.

    python benchmarks/hardening_run.py [--tries 300] [--clients 100] [--calls 4] [--idle 60]
                                       [--ts-waves 3] [--ts-clients 50]

* **scripts**: ``--tries`` secrets.sh scripts rendered from random hostile values (shell syntax, quotes, line
  breaks, any printable text) for the secret name, namespace, key, file path and owner, each run under bash with
  stub kubectl/helm that log their argv (tests/hardening/script_run.py); an escape is any argv that differs from
  the intended tokens, any extra command, or any file the script creates.
* **alias bombs**: 'billion laughs' documents of 5-10 levels through the one YAML loader and through
  ``aigw-skills validate`` in a child process each; the child's peak RSS (ru_maxrss) is reported next to a plain
  document's, so the bound is visible.
* **HTTP**: ``serve --http`` on 127.0.0.1 and ``--clients`` MCP SDK clients at once, each making ``--calls``
  tool calls; every exception or tool error counts.
* **TypeScript SDK waves**: ``serve --http`` with its default limits (and ../shared/crds when present, so
  aigw_validate runs its schema and CEL checks), then ``--ts-waves`` waves, one after another, of
  ``--ts-clients`` official TypeScript SDK clients at once (tests/ts/http_clients.mjs): each connects, keeps the
  event stream (GET) the SDK opens, lists tools, calls aigw_backend, aigw_route, aigw_validate and one refused
  input, and closes. Errors: any HTTP 503, connection error, refused event stream or result other than the
  expected one. Per wave: errors, 503s, HTTP requests, tool calls, median and max request latency (noisy: the
  node process and the server share the machine). Needs node and ``npm ci`` in tests/ts; ``--ts-waves 0``
  skips it.
* **idle sockets**: ``--idle`` sockets that never send a byte (more than ``--max-connections 32``), then one
  valid request; reports its status and how many idle sockets were still open (held, not refused).

Everything runs on loopback and stops by itself. Exits 1 when any escape, unbounded bomb, HTTP error or
locked-out client is seen. Timings are not targets here (see run_all.py); the figures are counts and memory.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHELL_META = "$`\"'\\;|&<>(){}[]*?!#~= \t\n%^"
PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F)) + "é中😀"
MEMORY_LIMIT_KIB = 512 * 1024  # a bomb's child must stay under 512 MiB (a 9-level bomb took 1.2 GB before)


def hostile(rng: random.Random, *, file_name: bool = False) -> str:
    alphabet = SHELL_META + PRINTABLE
    text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
    if file_name:
        text = text.replace("/", "_").replace("\n", "_")
        return text if text not in (".", "..") else "f" + text
    return text


def script_tries(tries: int, seed: int) -> tuple[int, int]:
    from orchestrator.compose.readme import render_secrets_script
    from skills.result import SecretShape
    from skills.secret_command import secret_command
    from tests.hardening.script_run import expand_home, run_script

    rng = random.Random(seed)
    escapes = 0
    for _ in range(tries):
        name, ns, key, owner = (hostile(rng) for _ in range(4))
        file_name = hostile(rng, file_name=True)
        home = rng.random() < 0.3
        source = f"file:{'~/' if home else ''}{file_name}"
        secret = SecretShape(
            name=name,
            namespace=ns,
            key=key,
            source=source,
            command=secret_command(name, ns, key, source),
            used_by=owner,
        )
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for d in ("home", "work"):
                (root / d).mkdir()
            ((root / "home") if home else (root / "work")).joinpath(file_name).write_text("k")
            run = run_script(render_secrets_script([secret]), root)
            target = expand_home(source[5:], root / "home")
            intended = sorted(
                [
                    (
                        "kubectl",
                        "create",
                        "secret",
                        "generic",
                        name,
                        "-n",
                        ns,
                        f"--from-file={key}={target}",
                        "--dry-run=client",
                        "-o",
                        "yaml",
                    ),
                    ("kubectl", "apply", "-f", "-"),
                ]
            )
            if run.returncode != 0 or run.stray or sorted(run.argv) != intended:
                escapes += 1
    return tries, escapes


def bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


CHILD = """
import resource, sys
sys.path.insert(0, {repo!r})
from server.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "EXIT", code, file=sys.stderr)
"""


def child_validate(path: Path) -> tuple[int, int]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(repo=str(REPO)), "validate", "--offline", str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"AIGW_SKILLS_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    words = done.stderr.split()
    return int(words[words.index("RSS") + 1]), int(words[words.index("EXIT") + 1])


def alias_bombs() -> list[tuple[str, int, int, int]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.yaml"
        plain.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n")
        rss, code = child_validate(plain)
        rows.append(("plain ConfigMap", plain.stat().st_size, rss, code))
        for levels in (5, 7, 9, 10):
            path = Path(tmp) / f"bomb{levels}.yaml"
            path.write_text(bomb(levels))
            rss, code = child_validate(path)
            rows.append((f"{levels}-level alias bomb (9^{levels} nodes)", path.stat().st_size, rss, code))
    return rows


async def http_run(clients: int, calls: int) -> tuple[int, list[str]]:
    from tests.server.conftest import subprocess_env
    from tests.server.test_http import TOKEN, run_clients, start, stop

    proc, port = start(env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN))
    try:
        failures = await run_clients(f"http://127.0.0.1:{port}/mcp", clients, calls)
    finally:
        stop(proc)
    return clients * (calls + 2), failures  # initialize + list_tools + calls, per client


@dataclass(frozen=True)
class Wave:
    errors: list[str]
    http_503: int
    requests: int
    calls: int
    median_ms: float
    max_ms: float


def ts_waves(waves: int, clients: int) -> list[Wave]:
    from tests.server.conftest import subprocess_env
    from tests.server.test_http import TOKEN, start, stop
    from tests.server.ts_http import SDK, run_ts_clients

    if shutil.which("node") is None:
        raise FileNotFoundError("node is not installed (or pass --ts-waves 0)")
    if not SDK.exists():
        raise FileNotFoundError(f"{SDK} is missing; run `npm ci` in tests/ts first (or pass --ts-waves 0)")
    crds = REPO.parent / "shared" / "crds"
    args = ["--crds", str(crds)] if crds.is_dir() else []
    rows = []
    with tempfile.TemporaryFile() as log:  # the server logs more than a pipe buffers
        proc, port = start(*args, env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN), stderr=log)
        try:
            for _ in range(waves):
                seen = run_ts_clients(f"http://127.0.0.1:{port}/mcp", TOKEN, clients)
                latencies = [ms for client in seen for ms in client.latencies_ms]
                statuses = [(key, n) for client in seen for key, n in client.statuses.items()]
                rows.append(
                    Wave(
                        errors=[f"client {i}: {e}" for i, c in enumerate(seen) for e in c.errors],
                        http_503=sum(n for key, n in statuses if key.endswith(" 503")),
                        requests=sum(n for _, n in statuses),
                        calls=sum(client.calls for client in seen),
                        median_ms=statistics.median(latencies),
                        max_ms=max(latencies),
                    )
                )
        finally:
            stop(proc)
    return rows


def idle_sockets(count: int) -> tuple[int, int, int]:
    import httpx2

    from tests.server.conftest import subprocess_env
    from tests.server.test_http import INITIALIZE, MCP_HEADERS, TOKEN, start, stop

    proc, port = start("--max-connections", "32", env=subprocess_env(AI_GATEWAY_API_KEY=TOKEN))
    idle = []
    try:
        idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]
        response = httpx2.post(
            f"http://127.0.0.1:{port}/mcp",
            content=json.dumps(INITIALIZE).encode(),
            headers={**MCP_HEADERS, "authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        held = 0
        for sock in idle:
            sock.setblocking(False)
            try:
                held += sock.recv(1) != b""
            except BlockingIOError:
                held += 1
            except OSError:
                pass
        return count, held, response.status_code
    finally:
        for sock in idle:
            sock.close()
        stop(proc)


def main(argv: list[str] | None = None) -> int:
    import anyio

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--tries", type=int, default=300, help="hostile secrets.sh scripts to run (default 300)"
    )
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--clients", type=int, default=100, help="concurrent MCP clients (default 100)")
    parser.add_argument("--calls", type=int, default=4, help="tool calls per client (default 4)")
    parser.add_argument("--idle", type=int, default=60, help="idle sockets, past --max-connections 32")
    parser.add_argument("--ts-waves", type=int, default=3, help="waves of TypeScript SDK clients (default 3)")
    parser.add_argument(
        "--ts-clients", type=int, default=50, help="TypeScript SDK clients at once per wave (default 50)"
    )
    args = parser.parse_args(argv)
    ok = True

    tries, escapes = script_tries(args.tries, args.seed)
    ok &= escapes == 0
    print("| script injection | tries | escapes |\n|---|---:|---:|")
    print(f"| secrets.sh under bash, stub kubectl/helm logging argv | {tries:,} | {escapes} |\n")

    rows = alias_bombs()
    print(
        "| YAML input (aigw-skills validate) | bytes | peak RSS of the process | exit |\n|---|---:|---:|---:|"
    )
    for label, size, rss, code in rows:
        print(f"| {label} | {size:,} | {rss / 1024:.0f} MiB | {code} |")
        ok &= rss < MEMORY_LIMIT_KIB
    ok &= all(
        code in (0, 1) for _, _, _, code in rows
    )  # small bombs load (under budget), big ones are refused
    print()

    requests, failures = anyio.run(http_run, args.clients, args.calls)
    ok &= not failures
    print("| HTTP run (serve --http, default cap 128) | clients | requests | errors |\n|---|---:|---:|---:|")
    print(
        f"| MCP SDK clients at once, {args.calls} tool calls each | {args.clients} | {requests:,} | {len(failures)} |"
    )
    for failure in failures[:5]:
        print(f"  - {failure}")
    print()

    from tests.server.ts_http import CALLS

    waves: list[Wave] = []
    if args.ts_waves > 0:
        try:
            waves = ts_waves(args.ts_waves, args.ts_clients)
        except FileNotFoundError as exc:
            print(f"hardening_run: TypeScript SDK waves not run: {exc}", file=sys.stderr)
            ok = False
    if waves:
        print(
            "| HTTP waves (serve --http, default limits) | TS SDK clients at once | errors | 503s | requests "
            "| tool calls | median latency | max latency |\n|---|---:|---:|---:|---:|---:|---:|---:|"
        )
        for number, wave in enumerate(waves, 1):
            ok &= not wave.errors
            print(
                f"| wave {number} of {len(waves)}: connect, event stream, tools/list, {len(CALLS)} calls, close "
                f"| {args.ts_clients} | {len(wave.errors)} | {wave.http_503} | {wave.requests:,} "
                f"| {wave.calls:,} | {wave.median_ms:.0f} ms | {wave.max_ms:.0f} ms |"
            )
            for failure in wave.errors[:5]:
                print(f"  - {failure}")
        print()

    count, held, status = idle_sockets(args.idle)
    ok &= status == 200 and held == count
    print(
        "| idle sockets (--max-connections 32) | opened | still held | valid client |\n|---|---:|---:|---:|"
    )
    print(f"| never send a byte | {count} | {held} | HTTP {status} |")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
