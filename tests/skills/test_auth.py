"""aigw-auth: golden policy and Secret shapes per auth variant; secret values never enter or leave the tool."""

from __future__ import annotations

import base64
import json
import os
import shlex
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from skills.api import auth
from skills.credentials import describe_credential
from skills.errors import InputError
from skills.result import SkillResult

GOLDEN_DIR = "skills/auth"
OIDC = {"oidc_issuer": "https://issuer.example.com/realms/ai", "oidc_client_id": "ai-gateway"}

VARIANTS: dict[str, dict[str, Any]] = {
    # The OpenAI + Anthropic pair used across the skills.
    "openai-apikey": {"type": "APIKey", "targets": ["openai"]},
    "anthropic-apikey": {
        "type": "AnthropicAPIKey",
        "targets": ["anthropic"],
        "secret_env": "ANTHROPIC_API_KEY",
    },
    "azure-apikey": {
        "type": "AzureAPIKey",
        "targets": ["azure-openai"],
        "secret_env": "AZURE_OPENAI_API_KEY",
    },
    "apikey-from-file-two-targets": {
        "type": "APIKey",
        "targets": ["groq", "groq-fast"],
        "name": "groq-key",
        "namespace": "llm",
        "secret_name": "groq.api-key",
        "secret_file": "./secrets/groq key.txt",
    },
    "aws-default-chain": {"type": "AWSCredentials", "targets": ["bedrock"], "aws_region": "us-east-1"},
    "aws-credentials-file": {
        "type": "AWSCredentials",
        "targets": ["bedrock", "bedrock-anthropic"],
        "aws_region": "eu-central-1",
        "aws_mode": "credentials-file",
        "aws_profile": "bedrock",
        "secret_file": "~/.aws/credentials",
    },
    "aws-oidc": {
        "type": "AWSCredentials",
        "targets": ["bedrock"],
        "aws_region": "us-west-2",
        "aws_mode": "oidc",
        "aws_role_arn": "arn:aws:iam::123456789012:role/ai-gateway-bedrock",
        "oidc_aud": "sts.amazonaws.com",
        **OIDC,
    },
    "azure-client-secret": {
        "type": "AzureCredentials",
        "targets": ["azure-openai"],
        "azure_client_id": "00000000-0000-0000-0000-000000000001",
        "azure_tenant_id": "00000000-0000-0000-0000-000000000002",
    },
    "azure-oidc": {
        "type": "AzureCredentials",
        "targets": ["azure-openai"],
        "azure_client_id": "00000000-0000-0000-0000-000000000001",
        "azure_tenant_id": "00000000-0000-0000-0000-000000000002",
        "azure_mode": "oidc",
        "oidc_secret_file": "./oidc-client-secret",
        **OIDC,
    },
    "gcp-credentials-file": {
        "type": "GCPCredentials",
        "targets": ["vertex", "vertex-anthropic"],
        "gcp_project": "my-project",
        "gcp_region": "us-central1",
        "secret_file": "./service-account.json",
    },
    "gcp-workload-identity": {
        "type": "GCPCredentials",
        "targets": ["vertex"],
        "gcp_project": "my-project",
        "gcp_region": "us-central1",
        "gcp_mode": "workload-identity",
        "gcp_wif_project_id": "my-wif-project",
        "gcp_wif_pool": "ai-gateway-pool",
        "gcp_wif_provider": "ai-gateway-provider",
        "gcp_service_account": "vertex-caller@my-project.iam.gserviceaccount.com",
        "oidc_secret_env": "WIF_CLIENT_SECRET",
        **OIDC,
    },
    "gcp-adc": {
        "type": "GCPCredentials",
        "targets": ["vertex"],
        "gcp_project": "my-project",
        "gcp_region": "global",
        "gcp_mode": "adc",
    },
    "older-version-v0.5.0": {"type": "APIKey", "targets": ["openai"], "target_version": "v0.5.0"},
}


def _secrets_json(result: SkillResult) -> str:
    return json.dumps([s.model_dump() for s in result.secrets], indent=2) + "\n"


def _assert_no_secret_material(result: SkillResult) -> None:
    assert all(m["kind"] != "Secret" for m in result.manifests), (
        "Secrets are never emitted, only their shapes"
    )
    text = result.yaml + _secrets_json(result) + "\n".join(result.notes)
    assert "stringData" not in text
    assert describe_credential(result.yaml) is None
    for shape in result.secrets:
        assert shape.source.startswith(("env:", "file:"))
        assert describe_credential(shape.command) is None


@pytest.mark.parametrize("case", sorted(VARIANTS))
def test_auth_variant_matches_its_golden_policy_and_secret_shapes(case: str, golden) -> None:  # type: ignore[no-untyped-def]
    result = auth(**VARIANTS[case])
    golden(f"{GOLDEN_DIR}/{case}.yaml", result.yaml)
    golden(f"{GOLDEN_DIR}/{case}.secrets.json", _secrets_json(result))
    _assert_no_secret_material(result)
    assert list(yaml.safe_load_all(result.yaml)) == result.manifests


@pytest.mark.parametrize("case", sorted(VARIANTS))
def test_policy_sets_exactly_the_sub_object_of_its_type(case: str) -> None:
    spec = auth(**VARIANTS[case]).manifests[0]["spec"]
    field = {
        "APIKey": "apiKey",
        "AnthropicAPIKey": "anthropicAPIKey",
        "AzureAPIKey": "azureAPIKey",
        "AWSCredentials": "awsCredentials",
        "AzureCredentials": "azureCredentials",
        "GCPCredentials": "gcpCredentials",
    }[spec["type"]]
    assert set(spec) == {"targetRefs", "type", field}
    assert [r["name"] for r in spec["targetRefs"]] == VARIANTS[case]["targets"]
    assert all(
        (r["group"], r["kind"]) == ("aigateway.envoyproxy.io", "AIServiceBackend") for r in spec["targetRefs"]
    )


@pytest.mark.parametrize(
    ("case", "key"),
    [
        ("openai-apikey", "apiKey"),
        ("anthropic-apikey", "apiKey"),
        ("azure-apikey", "apiKey"),
        ("aws-credentials-file", "credentials"),
        ("azure-client-secret", "client-secret"),
        ("gcp-credentials-file", "service_account.json"),
        ("aws-oidc", "client-secret"),
    ],
)
def test_secret_shape_uses_the_key_the_policy_type_reads(case: str, key: str) -> None:
    result = auth(**VARIANTS[case])
    assert [s.key for s in result.secrets] == [key]
    spec = result.manifests[0]["spec"]
    names = json.dumps(spec)
    assert all(f'"name": "{s.name}"' in names for s in result.secrets), "the policy must name each Secret"


@pytest.mark.parametrize("case", ["aws-default-chain", "gcp-adc"])
def test_ambient_credential_modes_need_no_secret(case: str) -> None:
    assert auth(**VARIANTS[case]).secrets == []


kubectl = pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
APPLY_TAIL = " | kubectl apply -f -"


def _run_dry(command: str, env: dict[str, str], cwd: str) -> dict[str, Any]:
    assert command.endswith(APPLY_TAIL)
    head = command[: -len(APPLY_TAIL)]
    full_env = {"PATH": os.environ["PATH"], "KUBECONFIG": os.devnull, "HOME": cwd, **env}
    out = subprocess.run(
        ["bash", "-c", head], env=full_env, cwd=cwd, capture_output=True, text=True, timeout=30, check=True
    )
    return yaml.safe_load(out.stdout)


@kubectl
def test_aws_default_chain_runs_the_envoy_pods_as_a_named_service_account_through_an_envoy_proxy() -> None:
    # Envoy Gateway v1.8.1 EnvoyProxy.spec.provider.kubernetes.envoyServiceAccount, as upstream ai-gateway
    # examples/basic/aws-pod-identity.yaml (v1.1.0): no more annotating the hashed account Envoy Gateway creates.
    result = auth(**VARIANTS["aws-default-chain"], envoy_gateway_namespace="eg", gateway_namespace="edge")
    _policy, account, proxy = result.manifests
    assert (account["kind"], account["metadata"]["namespace"]) == ("ServiceAccount", "eg")
    assert "annotations" not in account["metadata"]  # EKS Pod Identity: an association, not an annotation
    assert (proxy["kind"], proxy["metadata"]["namespace"]) == ("EnvoyProxy", "edge")
    assert proxy["spec"]["provider"] == {
        "type": "Kubernetes",
        "kubernetes": {"envoyServiceAccount": {"name": account["metadata"]["name"]}},
    }
    assert any("create-pod-identity-association" in n and "--namespace eg" in n for n in result.notes)
    assert not any("annotate the ServiceAccount EG creates" in n for n in result.notes)
    irsa = auth(**VARIANTS["aws-default-chain"], aws_role_arn="arn:aws:iam::123456789012:role/bedrock")
    annotations = irsa.manifests[1]["metadata"]["annotations"]
    assert annotations == {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/bedrock"}
    assert any("system:serviceaccount:envoy-gateway-system:ai-gateway-envoy-aws" in n for n in irsa.notes)


def test_only_the_aws_default_chain_emits_a_proxy_identity() -> None:
    for case in ("aws-credentials-file", "aws-oidc", "openai-apikey"):
        assert [m["kind"] for m in auth(**VARIANTS[case]).manifests] == ["BackendSecurityPolicy"]
    with pytest.raises(InputError, match="aws_service_account: only used with aws_mode default-chain"):
        auth(**VARIANTS["aws-credentials-file"], aws_service_account="envoy")
    with pytest.raises(InputError, match="aws_role_arn: not used with a credentials file"):
        auth(**VARIANTS["aws-credentials-file"], aws_role_arn="arn:aws:iam::123456789012:role/x")


@kubectl
def test_secret_command_reads_the_value_from_the_env_var_at_apply_time(tmp_path) -> None:  # type: ignore[no-untyped-def]
    value = "value with spaces, 'quotes' and $dollar"
    (shape,) = auth(**VARIANTS["openai-apikey"]).secrets
    assert value not in shape.command
    secret = _run_dry(shape.command, {"OPENAI_API_KEY": value}, str(tmp_path))
    assert secret["metadata"] == {"name": "openai-apikey", "namespace": "default", "creationTimestamp": None}
    assert base64.b64decode(secret["data"]["apiKey"]).decode() == value


@kubectl
def test_secret_command_fails_when_the_env_var_is_unset(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (shape,) = auth(**VARIANTS["openai-apikey"]).secrets
    head = shape.command[: -len(APPLY_TAIL)]
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", head],
        env={"PATH": os.environ["PATH"], "KUBECONFIG": os.devnull, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode != 0
    assert "set OPENAI_API_KEY first" in proc.stderr


@kubectl
def test_secret_command_reads_a_file_whose_path_has_spaces(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "groq key.txt").write_text("file-value\n")
    (shape,) = auth(**VARIANTS["apikey-from-file-two-targets"]).secrets
    secret = _run_dry(shape.command, {}, str(tmp_path))
    assert secret["metadata"]["name"] == "groq.api-key"
    assert secret["metadata"]["namespace"] == "llm"
    assert base64.b64decode(secret["data"]["apiKey"]).decode() == "file-value\n"
    assert shlex.split(shape.command[: -len(APPLY_TAIL)])[-2:] == ["<", "./secrets/groq key.txt"]


# A real kubectl creates the Secret (client-side dry run); this stub stands in for `kubectl apply -f -` only and
# keeps what it was given, so the test reads the Secret the script would apply.
APPLY_STUB = """#!/bin/sh
if [ "$1" = apply ]; then cat > "$APPLIED/$$.yaml"; exit 0; fi
exec {kubectl} "$@"
"""
# Paths FilePath accepts that kubectl's --from-file would split (',' and '=' separate its key and sources).
AWKWARD_PATHS = ["k,x.txt", "k=x.txt", "a dir/my key, v2=new.txt", "~/keys/a,b=c d.txt", "100%+@x:y.txt"]


def _run_secrets_script(script: str, tmp_path: Any) -> list[dict[str, Any]]:
    """Run secrets.sh under bash in tmp/work (HOME tmp/home) with the apply stub; the Secrets it applied."""
    bin_dir, applied = tmp_path / "bin", tmp_path / "applied"
    bin_dir.mkdir()
    applied.mkdir()
    stub = bin_dir / "kubectl"
    stub.write_text(APPLY_STUB.format(kubectl=shlex.quote(str(shutil.which("kubectl")))), encoding="utf-8")
    stub.chmod(0o755)
    (tmp_path / "work" / "secrets.sh").write_text(script, encoding="utf-8")
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "KUBECONFIG": os.devnull,
        "HOME": str(tmp_path / "home"),
        "APPLIED": str(applied),
    }
    run = subprocess.run(
        ["bash", "secrets.sh"], cwd=tmp_path / "work", env=env, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(applied.iterdir())]


@kubectl
@pytest.mark.parametrize("path", AWKWARD_PATHS)
def test_secrets_script_reads_a_file_whose_path_holds_commas_equals_or_spaces(path: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from orchestrator.compose.readme import render_secrets_script

    content = f"file-value for {path}\n"  # a stand-in: no real key is ever written or printed
    (tmp_path / "work").mkdir()
    (tmp_path / "home").mkdir()
    target = tmp_path / "home" / path[2:] if path.startswith("~/") else tmp_path / "work" / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content, encoding="utf-8")
    shapes = auth(type="APIKey", targets=["openai"], secret_file=path).secrets
    (secret,) = _run_secrets_script(render_secrets_script(list(shapes)), tmp_path)
    assert secret["metadata"]["name"] == "openai-apikey"
    assert secret["data"] == {"apiKey": base64.b64encode(content.encode()).decode()}


@kubectl
def test_secret_command_reads_a_file_whose_path_holds_quotes_and_dollars(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # FilePath refuses these characters; the command itself still keeps such a path one word.
    from orchestrator.compose.readme import render_secrets_script
    from skills.result import SecretShape
    from skills.secret_command import secret_command

    path = 'it\'s "k" $HOME `x`, a=b.txt'
    (tmp_path / "work").mkdir()
    (tmp_path / "home").mkdir()
    (tmp_path / "work" / path).write_text("quoted-value", encoding="utf-8")
    source = f"file:{path}"
    shape = SecretShape(
        name="s",
        namespace="default",
        key="apiKey",
        source=source,
        command=secret_command("s", "default", "apiKey", source),
        used_by="BackendSecurityPolicy/default/s",
    )
    (secret,) = _run_secrets_script(render_secrets_script([shape]), tmp_path)
    assert secret["data"] == {"apiKey": base64.b64encode(b"quoted-value").decode()}
    with pytest.raises(InputError, match="secret_file"):
        auth(type="APIKey", targets=["openai"], secret_file=path)


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"type": "AWSCredentials", "targets": ["b"]}, "aws_region"),
        (
            {
                "type": "AWSCredentials",
                "targets": ["b"],
                "aws_region": "us-east-1",
                "aws_mode": "oidc",
                **OIDC,
            },
            "aws_role_arn",
        ),
        (
            {
                "type": "AWSCredentials",
                "targets": ["b"],
                "aws_region": "us-east-1",
                "aws_mode": "credentials-file",
            },
            "secret_file",
        ),
        (
            {
                "type": "AWSCredentials",
                "targets": ["b"],
                "aws_region": "us-east-1",
                "aws_mode": "credentials-file",
                "secret_file": "c",
                "secret_env": "AWS_CREDS",
            },
            "secret_env",
        ),
        ({"type": "AzureCredentials", "targets": ["b"], "azure_tenant_id": "t"}, "azure_client_id"),
        (
            {
                "type": "AzureCredentials",
                "targets": ["b"],
                "azure_client_id": "c",
                "azure_tenant_id": "t",
                "azure_mode": "oidc",
            },
            "oidc_issuer",
        ),
        (
            {"type": "GCPCredentials", "targets": ["b"], "gcp_region": "us-central1", "gcp_mode": "adc"},
            "gcp_project",
        ),
        (
            {
                "type": "GCPCredentials",
                "targets": ["b"],
                "gcp_project": "p",
                "gcp_region": "r",
                "gcp_mode": "workload-identity",
                **OIDC,
            },
            "gcp_wif_pool",
        ),
        ({"type": "APIKey", "targets": ["b"], "aws_region": "us-east-1"}, "aws_region"),
        ({"type": "APIKey", "targets": ["b"], **OIDC}, "oidc_issuer"),
        ({"type": "APIKey", "targets": ["b"], "secret_env": "A_KEY", "secret_file": "k"}, "secret_file"),
        (
            {"type": "AWSCredentials", "targets": ["b"], "aws_region": "us-east-1", "secret_name": "s"},
            "secret_name",
        ),
        (
            {
                "type": "GCPCredentials",
                "targets": ["b"],
                "gcp_project": "p",
                "gcp_region": "r",
                "gcp_mode": "adc",
                "target_version": "v0.5.0",
            },
            "gcp_mode",
        ),
        ({"type": "APIKey", "targets": []}, "targets"),
        ({"type": "Basic", "targets": ["b"]}, "type"),
    ],
)
def test_inconsistent_auth_input_names_the_field(data: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as exc:
        auth(**data)
    assert path in [p.path for p in exc.value.problems], str(exc.value)


def test_default_secret_env_is_derived_from_the_first_target() -> None:
    (shape,) = auth(type="APIKey", targets=["together-ai"]).secrets
    assert shape.source == "env:TOGETHER_AI_API_KEY"


def test_credential_override_fields_are_not_emitted() -> None:
    spec = auth(**VARIANTS["openai-apikey"]).manifests[0]["spec"]
    assert "credentialOverride" not in spec


def test_an_api_key_given_as_input_is_refused_and_not_echoed() -> None:
    key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0" * 2
    with pytest.raises(InputError) as exc:
        auth(type="APIKey", targets=["openai"], secret_name=key)
    assert key not in str(exc.value)
    assert "secret_name" in str(exc.value)


@kubectl
def test_secret_command_expands_a_home_relative_credentials_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The documented example path is ~/.aws/credentials: the shell must expand it, not pass '~' to kubectl.
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text("[bedrock]\naws_access_key_id = placeholder\n")
    (shape,) = auth(**VARIANTS["aws-credentials-file"]).secrets
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    secret = _run_dry(shape.command, {"HOME": str(tmp_path)}, str(elsewhere))
    assert base64.b64decode(secret["data"]["credentials"]).decode().startswith("[bedrock]")


def test_a_target_listed_twice_is_refused_once_naming_it() -> None:
    with pytest.raises(InputError) as exc:
        auth(type="APIKey", targets=["openai", "anthropic", "openai", "openai"])
    (problem,) = exc.value.problems
    assert problem.path == "targets[2]"
    assert "AIServiceBackend 'openai' is listed 3 times (first at targets[0])" in problem.message


def test_distinct_targets_each_get_one_target_ref() -> None:
    (policy,) = auth(type="APIKey", targets=["openai", "openai-mini"]).manifests
    assert [r["name"] for r in policy["spec"]["targetRefs"]] == ["openai", "openai-mini"]
