"""`doctor` and `plan` without a cluster they can read: one line that says what failed (which context) and what to do
next, on the command line and over MCP, never kubectl's klog lines nor advice for flags the command lacks.

The real kubectl runs against a kubeconfig whose server is 127.0.0.1:1 (nothing listens there: connection refused).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import anyio
import pytest

from server.cli.main import main
from tests.analysis.conftest import require_kubectl
from tests.server.conftest import connect

KLOG = re.compile(r"\b[EWIF]\d{4} \d{2}:\d{2}:\d{2}")  # kubectl's own log lines (memcache.go:265 ...)
NEVER = ("--validate=false", "Traceback", "memcache.go", "Unhandled Error")


def kubeconfig(
    tmp_path: Path, *, current: str | None = "dead", user: str = "{token: not-a-real-token}"
) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(
        "apiVersion: v1\nkind: Config\n"
        "clusters:\n- name: dead\n  cluster:\n    server: https://127.0.0.1:1\n"
        f"users:\n- name: tester\n  user: {user}\n"
        "contexts:\n- name: dead\n  context:\n    cluster: dead\n    user: tester\n"
        + (f"current-context: {current}\n" if current else ""),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def kube(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    require_kubectl()
    monkeypatch.setenv("KUBECACHEDIR", str(tmp_path / "kube-cache"))
    monkeypatch.delenv("KUBECONFIG", raising=False)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n"
    )
    return tmp_path


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    assert captured.out == ""
    return code, captured.err


def assert_one_clean_line(text: str) -> None:
    assert text.count("\n") <= 1, text
    assert not KLOG.search(text), text
    assert not any(word in text for word in NEVER), text


def test_doctor_and_plan_name_the_unreachable_context_and_the_next_step_in_one_line(kube, capsys):
    config = str(kubeconfig(kube))
    code, doctor = run_cli(["doctor", "--kubeconfig", config], capsys)
    assert code == 2
    assert_one_clean_line(doctor)
    assert doctor.startswith('aigw-skills doctor: kubectl could not reach the cluster of context "dead": ')
    assert "127.0.0.1:1 was refused" in doctor  # kubectl's own sentence, without its log lines
    assert "`kubectl config current-context`" in doctor and "--context NAME" in doctor
    assert "aigw-skills doctor --collect DIR" in doctor  # doctor can read a dump instead

    code, plan = run_cli(["plan", str(kube / "bundle"), "--kubeconfig", config], capsys)
    assert code == 2
    assert_one_clean_line(plan)
    assert plan.startswith('aigw-skills plan: kubectl could not reach the cluster of context "dead": ')
    assert "`kubectl config current-context`" in plan and "--context NAME" in plan
    assert "dump" not in plan and "--collect" not in plan  # plan has no dump to fall back on


def test_no_current_context_is_said_with_how_to_pick_one(kube, capsys):
    config = str(kubeconfig(kube, current=None))
    for argv in (["doctor"], ["plan", str(kube / "bundle")]):
        code, text = run_cli([*argv, "--kubeconfig", config], capsys)
        assert code == 2
        assert_one_clean_line(text)
        assert f"kubectl has no current context in {config}" in text
        assert "kubectl config use-context NAME" in text and "--context NAME" in text


def test_a_context_that_does_not_exist_is_named_with_where_to_list_them(kube, capsys):
    config = str(kubeconfig(kube))
    for argv in (["doctor"], ["plan", str(kube / "bundle")]):
        code, text = run_cli([*argv, "--kubeconfig", config, "--context", "nosuch"], capsys)
        assert code == 2
        assert_one_clean_line(text)
        assert f'kubectl has no context "nosuch" in {config}' in text
        assert "kubectl config get-contexts" in text


def test_a_kubeconfig_without_credentials_is_not_taken_for_an_empty_cluster(kube, capsys):
    """kubectl prompts for a username on stdout (and reads EOF): that prompt once passed for a served resource, and
    doctor reported a clean, empty cluster with exit 0."""
    config = str(kubeconfig(kube, user="{}"))
    for argv in (["doctor"], ["plan", str(kube / "bundle")]):
        code, text = run_cli([*argv, "--kubeconfig", config], capsys)
        assert code == 2
        assert_one_clean_line(text)
        assert (
            'kubectl could not log in to the cluster of context "dead": the kubeconfig holds no credentials'
            in text
        )


def test_plan_of_an_unreadable_bundle_on_a_reachable_cluster_blames_the_bundle(api_server, tmp_path, capsys):
    server = api_server([])
    bundle = tmp_path / "broken"
    bundle.mkdir()
    (bundle / "bad.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n")
    code, text = run_cli(["plan", str(bundle), "--kubeconfig", str(server.kubeconfig)], capsys)
    assert code == 2
    assert_one_clean_line(text)
    assert text.startswith(f"aigw-skills plan: kubectl apply --dry-run=server could not read {bundle}: "), (
        text
    )
    assert "could not reach" not in text


def call(tool: str, arguments: dict[str, Any]) -> tuple[bool, str]:
    async def go() -> tuple[bool, str]:
        async with connect("auto") as client:
            result = await client.call_tool(tool, arguments)
        return bool(result.is_error), "\n".join(getattr(c, "text", "") for c in result.content)

    return anyio.run(go)


def test_over_mcp_an_unreachable_cluster_is_a_tool_error_about_the_cluster_not_an_input_problem(kube):
    config = str(kubeconfig(kube))
    is_error, doctor = call("aigw_doctor", {"kubeconfig": config})
    assert is_error
    assert_one_clean_line(doctor)
    assert doctor.startswith(
        'Error executing tool aigw_doctor: kubectl could not reach the cluster of context "dead": '
    )
    assert "set the `context` field" in doctor and "pass that directory in `dump`" in doctor
    assert "invalid aigw_doctor input" not in doctor and "Fix the field(s)" not in doctor
    assert "--context" not in doctor  # the tool's fields, not the command's options

    is_error, plan = call("aigw_plan", {"bundle": str(kube / "bundle"), "kubeconfig": config})
    assert is_error
    assert_one_clean_line(plan)
    assert plan.startswith(
        'Error executing tool aigw_plan: kubectl could not reach the cluster of context "dead": '
    )
    assert "set the `context` field" in plan and "dump" not in plan
    assert "invalid aigw_plan input" not in plan and "Fix the field(s)" not in plan


def test_over_mcp_a_missing_bundle_stays_an_input_problem_on_bundle(kube):
    is_error, text = call("aigw_plan", {"bundle": str(kube / "nope"), "kubeconfig": str(kubeconfig(kube))})
    assert is_error and "bundle: " in text and "no such file or directory" in text


def test_plan_drops_kubectls_advice_about_its_own_validate_flag_from_an_objects_error():
    from orchestrator.analysis.plan import parse_apply

    line = (
        'error: error validating "b/cm.yaml": error validating data: ValidationError(ConfigMap): unknown field '
        '"bogus" in io.k8s.api.core.v1.ConfigMap; if you choose to ignore these errors, turn validation off with '
        "--validate=false"
    )
    _, errors = parse_apply("", line + "\n")
    assert errors == [(None, line.split("; if you choose")[0])]


def test_credentials_the_cluster_refuses_are_said_as_a_login_failure():
    from orchestrator.analysis.kubectl import Kubectl, Result

    error = Kubectl(context="prod").unreachable(
        Result(
            1,
            "",
            "E1206 10:14:13.470920 1596 memcache.go:265] ...\n"
            "error: You must be logged in to the server (Unauthorized)\n",
        )
    )
    assert error.explain() == (
        'kubectl could not log in to the cluster of context "prod": error: You must be logged in to the server '
        "(Unauthorized); check `kubectl config current-context` and `kubectl cluster-info`, or pass --context NAME"
    )


NO_SUCH_PLUGIN = "aigw-skills-test-no-such-credential-plugin"
EXEC_USER = (
    f"{{exec: {{apiVersion: client.authentication.k8s.io/v1beta1, command: {NO_SUCH_PLUGIN}, args: [token], "
    "interactiveMode: Never}}"
)


def test_a_missing_credential_plugin_is_named_with_install_it_or_fix_the_kubeconfig(kube, capsys):
    """kubectl's last line there is a documentation URL; the reason once was just that URL."""
    config = str(kubeconfig(kube, user=EXEC_USER))
    for argv in (["doctor"], ["plan", str(kube / "bundle")]):
        code, text = run_cli([*argv, "--kubeconfig", config], capsys)
        assert code == 2
        assert_one_clean_line(text)
        assert (
            'kubectl could not get credentials for the cluster of context "dead": the kubeconfig\'s user gets its '
            f"credentials from the plugin `{NO_SUCH_PLUGIN}` (exec), which is not installed; install "
            f"`{NO_SUCH_PLUGIN}` (or put it on PATH), or fix the user's `exec` in the kubeconfig"
        ) in text
        assert "https://" not in text and "cluster-info" not in text


def test_validate_cluster_reads_a_missing_credential_plugin_with_the_same_function(kube, monkeypatch):
    from orchestrator.engine.crds import CRDSourceError, load_cluster_crds

    monkeypatch.setenv("KUBECONFIG", str(kubeconfig(kube, user=EXEC_USER)))
    with pytest.raises(CRDSourceError) as refused:
        load_cluster_crds()
    assert f"the plugin `{NO_SUCH_PLUGIN}` (exec), which is not installed; install `{NO_SUCH_PLUGIN}`" in str(
        refused.value
    )


def test_validate_cluster_with_a_403_asks_kubectl_auth_can_i_about_crds(api_server, monkeypatch):
    from orchestrator.engine.crds import CRDSourceError, load_cluster_crds

    monkeypatch.setenv("KUBECONFIG", str(api_server([], deny_all=True).kubeconfig))
    with pytest.raises(CRDSourceError) as refused:
        load_cluster_crds()
    message = str(refused.value)
    assert "kubectl get crd failed: Error from server (Forbidden)" in message
    assert "the identity lacks permission" in message and "current-context" not in message
    assert "`kubectl auth can-i list customresourcedefinitions.apiextensions.k8s.io`" in message


def test_a_403_says_the_identity_lacks_permission_and_what_to_ask_kubectl_auth_can_i(
    api_server, kube, capsys
):
    server = api_server([], deny_all=True)
    config = str(server.kubeconfig)
    for argv in (["doctor"], ["plan", str(kube / "bundle")]):
        code, text = run_cli([*argv, "--kubeconfig", config], capsys)
        assert code == 2
        assert_one_clean_line(text)
        assert (
            'the identity of context "fake" lacks permission to read the cluster (the API server answered 403 '
            "Forbidden): Error from server (Forbidden)"
        ) in text
        assert "`kubectl auth can-i list aigatewayroutes.aigateway.envoyproxy.io --all-namespaces`" in text
        assert "could not reach" not in text and "cluster-info" not in text  # it was reached
    assert "--collect DIR` as an identity that may read the cluster" not in text  # plan has no dump

    is_error, doctor = call("aigw_doctor", {"kubeconfig": config})
    assert is_error
    assert_one_clean_line(doctor)
    assert (
        'the identity of context "fake" lacks permission' in doctor and "kubectl auth can-i list " in doctor
    )
    assert "set the `context` field with more rights" in doctor and "pass that directory in `dump`" in doctor


def test_a_403_naming_the_refused_verb_and_resource_asks_auth_can_i_about_them():
    from orchestrator.analysis.kubectl import Kubectl, Result

    error = Kubectl(context="prod").unreachable(
        Result(
            1,
            "",
            'Error from server (Forbidden): gateways.gateway.networking.k8s.io is forbidden: User "dev" cannot '
            'list resource "gateways" in API group "gateway.networking.k8s.io" at the cluster scope\n',
        )
    )
    assert error.cause == "forbidden"
    assert "`kubectl auth can-i list gateways.gateway.networking.k8s.io`" in error.explain()
