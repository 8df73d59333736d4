"""The CLI subcommands for the atomic skills: flags, --input FILE / -, --format, -o, and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.cli.main import main
from skills.api import auth, backend, install, route
from tests.conftest import REPO

SECRET = "sk-proj-" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2"


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a subprocess (stdin, exit code and both streams as a user sees them)."""
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run main() in-process (fast); argparse's own exits count as exit codes."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def invoke(capsys: pytest.CaptureFixture[str], args: list[str], stdin: str | None) -> tuple[int, str, str]:
    if stdin is None:
        return run(capsys, *args)
    proc = cli(*args, stdin=stdin)
    return proc.returncode, proc.stdout, proc.stderr


FLAG_CASES: list[tuple[list[str], Any]] = [
    (
        ["install", "--version", "v1.0.0", "--addon", "inference-pool", "--no-envoy-gateway-installed"],
        lambda: install(version="v1.0.0", addons=["inference-pool"]),
    ),
    (
        [
            "backend",
            "--name",
            "azure",
            "--provider",
            "azure-openai",
            "--resource",
            "my-openai",
            "--namespace",
            "llm",
            "--header-mutation",
            "{set: [{name: X-A, value: b}]}",
        ],
        lambda: backend(
            name="azure",
            provider="azure-openai",
            resource="my-openai",
            namespace="llm",
            header_mutation={"set": [{"name": "X-A", "value": "b"}]},
        ),
    ),
    (
        [
            "auth",
            "--type",
            "AWSCredentials",
            "--target",
            "bedrock",
            "--target",
            "claude",
            "--aws-region",
            "us-east-1",
            "--aws-mode",
            "credentials-file",
            "--secret-file",
            "~/.aws/credentials",
        ],
        lambda: auth(
            type="AWSCredentials",
            targets=["bedrock", "claude"],
            aws_region="us-east-1",
            aws_mode="credentials-file",
            secret_file="~/.aws/credentials",
        ),
    ),
    (
        [
            "route",
            "--rule",
            "gpt-4o-mini=openai",
            "--rule",
            "{models: [claude-3-5-sonnet], backends: [{name: anthropic, priority: 1}]}",
            "--no-create-gateway",
            "--listener-port",
            "8080",
            "--retry-status-codes",
            "429",
        ],
        lambda: route(
            rules=[
                "gpt-4o-mini=openai",
                {"models": ["claude-3-5-sonnet"], "backends": [{"name": "anthropic", "priority": 1}]},
            ],
            create_gateway=False,
            listener_port=8080,
            retry_status_codes=[429],
        ),
    ),
]


@pytest.mark.parametrize(("args", "expected"), FLAG_CASES, ids=lambda v: v[0] if isinstance(v, list) else "")
def test_flags_give_the_same_result_as_the_api_in_json(capsys, args: list[str], expected: Any) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    assert json.loads(out) == expected().model_dump(mode="json")


@pytest.mark.parametrize(
    ("args", "expected"), FLAG_CASES[1:], ids=lambda v: v[0] if isinstance(v, list) else ""
)
def test_yaml_format_prints_exactly_the_manifests(capsys, args: list[str], expected: Any) -> None:  # type: ignore[no-untyped-def]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    result = expected()
    assert out == result.yaml
    for secret in result.secrets:
        assert secret.command in err, "Secret commands go to stderr so stdout stays pure YAML"


def test_install_yaml_format_is_a_bash_script_that_writes_the_values_file(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "install")
    assert code == 0
    script = tmp_path / "install.sh"
    script.write_text(out)
    subprocess.run(["bash", "-n", str(script)], check=True)
    values = out.split("<<'AIGW_SKILLS_EOF'\n", 1)[1].split("\nAIGW_SKILLS_EOF\n", 1)[0] + "\n"
    assert values == install().files["envoy-gateway-values.yaml"]
    assert [line for line in out.splitlines() if line.startswith("helm ")] == [
        s.command for s in install().steps if s.command.startswith("helm ")
    ]


def test_input_file_and_flags_merge_with_flags_winning(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "backend.yaml"
    spec.write_text("name: openai\nprovider: openai\nnamespace: from-file\n")
    code, out, err = run(
        capsys, "backend", "--input", str(spec), "--namespace", "from-flag", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out) == backend(name="openai", provider="openai", namespace="from-flag").model_dump(
        mode="json"
    )


def test_input_from_stdin(tmp_path: Path) -> None:
    data = {"rules": ["gpt-4o-mini=openai"], "create_gateway": False}
    proc = cli("route", "--input", "-", stdin=json.dumps(data))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == route(**data).yaml


def test_output_file_is_written_and_stdout_stays_empty(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    proc = cli("backend", "--name", "openai", "--provider", "openai", "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert target.read_text() == backend(name="openai", provider="openai").yaml
    assert next(iter(yaml.safe_load_all(target.read_text())))["kind"] == "Backend"


@pytest.mark.parametrize(
    ("args", "stdin", "path"),
    [
        (["backend", "--name", "Bad_Name", "--provider", "openai"], None, "name"),
        (["backend", "--name", "x", "--provider", "openai", "--port", "99999"], None, "port"),
        (["route", "--rule", "m=a", "--rule", "m=b"], None, "rules[1].models"),
        (
            ["route", "--input", "-"],
            "rules:\n  - models: [m]\n    backends: [{name: a, weight: -1}]\n",
            "rules[0].backends[0].weight",
        ),
        (["auth", "--type", "APIKey"], None, "targets"),
        (["install", "--version", "v0.1.0"], None, "version"),
        (["route", "--input", "-"], "rules: [m=a\n", "--input -"),
        (["route", "--input", "-"], "- a\n- b\n", "--input -"),
        (["backend", "--name", "x", "--header-mutation", "{set: ["], None, "--header-mutation"),
        (["backend", "--input", "/nonexistent/in.yaml"], None, "--input /nonexistent/in.yaml"),
    ],
)
def test_bad_input_exits_2_with_the_field_path_on_stderr_and_nothing_on_stdout(
    capsys: pytest.CaptureFixture[str], args: list[str], stdin: str | None, path: str
) -> None:
    code, out, err = invoke(capsys, args, stdin)
    assert code == 2
    assert out == ""
    assert path in err
    assert "Traceback" not in err


def test_unwritable_output_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(
        capsys, "backend", "--name", "o", "--provider", "openai", "-o", str(tmp_path / "no" / "x.yaml")
    )
    assert code == 2 and out == ""
    assert f"{tmp_path / 'no'} does not exist; create it first or choose another path" in err


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["auth", "--type", "APIKey", "--target", "openai", "--secret-env", SECRET], None),
        (["auth", "--type", "APIKey", "--target", SECRET], None),
        (
            [
                "backend",
                "--name",
                "x",
                "--provider",
                "openai",
                "--header-mutation",
                json.dumps({"set": [{"name": "Authorization", "value": f"Bearer {SECRET}"}]}),
            ],
            None,
        ),
        (["route", "--rule", f"{SECRET}=openai"], None),
        (["auth", "--input", "-"], f"type: APIKey\ntargets: [openai]\nsecret_name: {SECRET}\n"),
        (["auth", "--input", "-"], f"type: APIKey\ntargets: [openai\nkey: {SECRET}\n"),  # malformed YAML
        (["install", "--input", "-"], f"version: v1.1.0\napi_key: {SECRET}\n"),  # unknown field
        (["backend", "--input", "-"], f"- {SECRET}\n"),
    ],
)
def test_a_credential_anywhere_exits_2_and_is_never_printed(
    capsys: pytest.CaptureFixture[str], args: list[str], stdin: str | None
) -> None:
    code, out, err = invoke(capsys, args, stdin)
    assert code == 2
    assert out == ""
    assert SECRET not in err
    assert SECRET[:12] not in err


def test_help_lists_every_input_field(capsys: pytest.CaptureFixture[str]) -> None:
    from skills.route import RouteInput

    code, out, _ = run(capsys, "route", "--help")
    assert code == 0
    for name in RouteInput.model_fields:
        assert "--" + name.replace("_", "-") in out
