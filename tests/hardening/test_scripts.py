"""The scripts a bundle carries (install.sh, secrets.sh) run exactly the commands they mean, whatever the values.

Each property renders a script from generated values, runs it under bash with stub kubectl/helm that log their
argv (tests/hardening/script_run.py) and compares the argv with the intended tokens: nothing else may run, no
file may appear, and every value arrives as one argument, byte for byte. The default run replays fixed
examples; AIGW_SKILLS_PROPERTY_EXAMPLES=N explores N per property (benchmarks/hardening_run.py reports the
count of tries and escapes).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orchestrator.compose.bundle import build_bundle
from orchestrator.compose.readme import render_secrets_script
from skills import shell
from skills.errors import InputError
from skills.install import build_install, render_script
from skills.result import SecretShape, SkillResult, Step
from skills.secret_command import secret_command
from tests.hardening.inputs import property_examples
from tests.hardening.script_run import run_script, simple_argv

SETTINGS = settings(
    max_examples=property_examples(25),
    deadline=None,
    database=None,
    derandomize=not os.environ.get("AIGW_SKILLS_PROPERTY_EXAMPLES"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Text a shell would act on, plus anything else printable (argv cannot carry NUL; paths cannot hold '/').
SHELL_META = "$`\"'\\;|&<>(){}[]*?!#~= \t\n%^"
HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from(SHELL_META), st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
    ),
    min_size=1,
    max_size=40,
)
FILE_NAME = HOSTILE.filter(lambda s: "/" not in s and s not in (".", "..") and len(s.encode()) < 200)
ENV_NAME = st.from_regex(r"[A-Z_][A-Z0-9_]{0,20}", fullmatch=True)
TRIES = {"scripts": 0, "escapes": 0}


def _create_argv(secret: SecretShape) -> tuple[str, ...]:
    # Env var or file, the value arrives on stdin: kubectl splits a --from-file path at ',' and '='.
    create = ("kubectl", "create", "secret", "generic", secret.name, "-n", secret.namespace)
    return (*create, f"--from-file={secret.key}=/dev/stdin", "--dry-run=client", "-o", "yaml")


def _expected_secret(secret: SecretShape, home: Path, work: Path) -> list[tuple[str, ...]]:
    return [_create_argv(secret), ("kubectl", "apply", "-f", "-")]


def _check(run: Any, expected: list[tuple[str, ...]]) -> None:
    TRIES["scripts"] += 1
    escaped = run.stray or sorted(run.argv) != sorted(expected)
    TRIES["escapes"] += bool(escaped)
    assert run.returncode == 0, run.stderr
    assert run.stray == [], f"the script created files: {run.stray}"
    assert sorted(run.argv) == sorted(expected)


@SETTINGS
@given(name=HOSTILE, namespace=HOSTILE, key=HOSTILE, file_name=FILE_NAME, used_by=HOSTILE, home=st.booleans())
def test_secrets_script_runs_the_intended_argv_for_any_file_secret(
    name: str, namespace: str, key: str, file_name: str, used_by: str, home: bool
) -> None:
    path = f"~/{file_name}" if home else file_name
    source = f"file:{path}"
    secret = SecretShape(
        name=name,
        namespace=namespace,
        key=key,
        source=source,
        command=secret_command(name, namespace, key, source),
        used_by=used_by,
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "home").mkdir()
        (root / "work").mkdir()
        content = f"value of {file_name}"
        ((root / "home") if home else (root / "work")).joinpath(file_name).write_text(
            content, encoding="utf-8"
        )
        run = run_script(render_secrets_script([secret]), root)
        _check(run, _expected_secret(secret, root / "home", root / "work"))
        assert run.stdin[_create_argv(secret)] == [content.encode()], "the file did not reach kubectl's stdin"


@SETTINGS
@given(var=ENV_NAME, name=HOSTILE, key=HOSTILE, used_by=HOSTILE, present=st.booleans())
def test_secrets_script_reads_env_secrets_and_says_which_variable_is_missing(
    var: str, name: str, key: str, used_by: str, present: bool
) -> None:
    source = f"env:{var}"
    secret = SecretShape(
        name=name,
        namespace="default",
        key=key,
        source=source,
        command=secret_command(name, "default", key, source),
        used_by=used_by,
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        run = run_script(render_secrets_script([secret]), root, env={var: "value"} if present else {})
        if present:
            _check(run, _expected_secret(secret, root / "home", root / "work"))
        else:
            assert run.returncode == 1 and run.argv == [] and run.stray == []
            assert f"secrets.sh: set {var} (used by {used_by})" in run.stderr


@SETTINGS
@given(
    version=st.sampled_from(["v1.1.0", "v1.0.0", "v0.6.0", "v0.5.0"]),
    installed=st.booleans(),
    addons=st.lists(st.sampled_from(["inference-pool", "semantic-router", "rate-limit"]), unique=True),
    eg_ns=st.from_regex(r"[a-z]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
    ai_ns=st.from_regex(r"[a-z]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True),
    timeout=st.sampled_from(["2m", "90s", "1h30m"]),
)
def test_install_script_runs_each_step_once_with_its_own_argv(
    version: str, installed: bool, addons: list[str], eg_ns: str, ai_ns: str, timeout: str
) -> None:
    router = {"semantic_router": {"models": ["math-expert=math", "general-expert"]}}
    result = build_install(
        (router if "semantic-router" in addons else {})
        | {
            "version": version,
            "envoy_gateway_installed": installed,
            "addons": addons,
            "envoy_gateway_namespace": eg_ns,
            "ai_gateway_namespace": ai_ns,
            "wait_timeout": timeout,
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        run = run_script(render_script(result, embed_files=False), Path(tmp), files=result.files)
        _check(run, [simple_argv(step.command) for step in result.steps])


def test_a_step_title_with_a_line_break_stays_a_comment(tmp_path: Path) -> None:
    step = Step(
        title="Install\nhelm uninstall everything",
        command=shell.command("helm", "list"),
        why="why\r\n`touch PWNED`",
    )
    script = render_script(SkillResult(skill="t", steps=[step], uninstall=[step]), embed_files=False)
    run = run_script(script, tmp_path)
    _check(run, [("helm", "list")])


HOSTILE_PATHS = [
    "/nonexistent/x$(touch PWNED)",
    'key"; touch PWNED; echo "',
    "key`touch PWNED`",
    "key'; touch PWNED; '",
    "key\ntouch PWNED",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
@pytest.mark.parametrize(
    "place",
    [
        "providers[0].auth.secret_file",
        "providers[0].auth.oidc_secret_file",
        "client_auth.clients[0].secret_file",
        "observability.tracing_headers_file",
    ],
)
def test_a_hostile_secret_file_in_an_intake_is_refused_or_runs_as_data(
    tmp_path: Path, path: str, place: str
) -> None:
    intake: dict[str, Any] = {"providers": [{"provider": "openai", "models": ["gpt-4o-mini"]}]}
    if place == "providers[0].auth.secret_file":
        intake["providers"][0]["auth"] = {"secret_file": path}
    elif place == "providers[0].auth.oidc_secret_file":
        intake["providers"] = [
            {
                "provider": "azure-openai",
                "resource": "r",
                "models": ["gpt-4o-mini"],
                "auth_type": "AzureCredentials",
                "auth": {"azure_client_id": "c", "azure_tenant_id": "t", "oidc_secret_file": path},
            }
        ]
    elif place == "client_auth.clients[0].secret_file":
        intake["client_auth"] = {"type": "apikey", "clients": [{"id": "team-a", "secret_file": path}]}
    else:
        intake["observability"] = {
            "tracing_endpoint": "https://otel.example.com:4317",
            "tracing_headers_file": path,
        }
    try:
        bundle = build_bundle(intake)
    except InputError as exc:
        assert any(p.path.endswith(place.rsplit(".", 1)[-1]) for p in exc.problems), str(exc)
        return
    secrets = bundle.composition.secrets
    files = {}
    for secret in secrets:
        kind, _, where = secret.source.partition(":")
        if kind == "file" and "/" not in where:
            files[where] = "k"
    run = run_script(bundle.files["secrets.sh"], tmp_path, env={"OPENAI_API_KEY": "v"}, files=files)
    assert run.stray == [], f"secrets.sh created {run.stray}"
    assert "PWNED" not in " ".join(a for argv in run.argv for a in argv if not a.startswith("--from-file="))


@pytest.mark.parametrize(
    ("build", "data"),
    [
        ("skills.auth:build_auth", {"type": "APIKey", "targets": ["0pen-ai"]}),
        ("skills.clientauth:build_clientauth", {"type": "apikey", "clients": ["1team"]}),
    ],
)
def test_a_default_variable_name_is_a_valid_shell_name_even_from_a_leading_digit(
    tmp_path: Path, build: str, data: dict[str, Any]
) -> None:
    import importlib

    module, _, function = build.partition(":")
    result = getattr(importlib.import_module(module), function)(data)
    (secret,) = result.secrets
    var = secret.source.removeprefix("env:")
    assert var[0] == "_" and var[1:2].isdigit()
    run = run_script(render_secrets_script([secret]), tmp_path, env={var: "v"})
    _check(run, _expected_secret(secret, tmp_path / "home", tmp_path / "work"))


@pytest.mark.parametrize("name", ["FOO\n", "FOO\nrm -rf /", "1A", "A-B", "$A", "A}"])
def test_only_a_shell_variable_name_becomes_an_expansion(name: str) -> None:
    with pytest.raises(ValueError, match="not an environment variable name"):
        shell.env_value(name)
    with pytest.raises(ValueError, match="not an environment variable name"):
        shell.env_is_set(name)
