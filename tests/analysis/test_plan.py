"""`plan`: server-side dry run and diff through the real kubectl against a fake API server, summarised per object."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from orchestrator.analysis.plan import (
    changed_paths,
    list_replacements,
    parse_apply,
    parse_diff_name,
    summarise_plan,
)

CLI = [sys.executable, "-m", "server"]
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ai"}}
GATEWAY = {
    "apiVersion": "gateway.networking.k8s.io/v1",
    "kind": "Gateway",
    "metadata": {"name": "eg", "namespace": "ai"},
    "spec": {"gatewayClassName": "eg", "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]},
}
BACKEND = {
    "apiVersion": "aigateway.envoyproxy.io/v1beta1",
    "kind": "AIServiceBackend",
    "metadata": {"name": "openai", "namespace": "ai"},
    "spec": {
        "schema": {"name": "OpenAI"},
        "backendRef": {"name": "openai", "kind": "Backend", "group": "gateway.envoyproxy.io"},
    },
}
NEW_BACKEND = {**BACKEND, "metadata": {"name": "anthropic", "namespace": "ai"}}


def _rule(name: str, model: str) -> dict[str, Any]:
    return {
        "name": name,
        "matches": [{"headers": [{"type": "Exact", "name": "x-ai-eg-model", "value": model}]}],
        "backendRefs": [{"name": "openai"}],
    }


ROUTE = {
    "apiVersion": "aigateway.envoyproxy.io/v1beta1",
    "kind": "AIGatewayRoute",
    "metadata": {"name": "route", "namespace": "ai"},
    "spec": {"parentRefs": [{"name": "eg"}], "rules": [_rule("a", "gpt-5.4-mini"), _rule("b", "gpt-5.5")]},
}


def _crd(group: str, kind: str, plural: str, version: str) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {
            "group": group,
            "names": {"kind": kind, "plural": plural},
            "scope": "Namespaced",
            "versions": [{"name": version, "served": True, "storage": True}],
        },
    }


CRDS = [
    _crd("gateway.networking.k8s.io", "Gateway", "gateways", "v1"),
    _crd("aigateway.envoyproxy.io", "AIGatewayRoute", "aigatewayroutes", "v1beta1"),
    _crd("aigateway.envoyproxy.io", "AIServiceBackend", "aiservicebackends", "v1beta1"),
]


def _applied(doc: dict[str, Any], live_spec: dict[str, Any] | None = None) -> dict[str, Any]:
    """`doc` as the cluster holds it after an earlier `kubectl apply`, optionally edited by hand since."""
    live = json.loads(json.dumps(doc))
    recorded = json.loads(json.dumps(doc))
    recorded["metadata"]["annotations"] = {}  # what kubectl records: compact, sorted keys, trailing newline
    live["metadata"]["annotations"] = {
        LAST_APPLIED: json.dumps(recorded, sort_keys=True, separators=(",", ":")) + "\n"
    }
    live["metadata"]["generation"] = 3
    if live_spec is not None:
        live["spec"] = live_spec
    return live


def _cluster() -> list[dict[str, Any]]:
    hand_edited_gateway = dict(
        GATEWAY["spec"],
        listeners=[*GATEWAY["spec"]["listeners"], {"name": "https", "protocol": "HTTPS", "port": 443}],
    )
    hand_edited_route = dict(ROUTE["spec"], rules=[*ROUTE["spec"]["rules"], _rule("c", "claude-haiku-4-5")])
    return [
        *CRDS,
        _applied(NAMESPACE),
        _applied(GATEWAY, hand_edited_gateway),
        _applied(ROUTE, hand_edited_route),
        _applied(BACKEND),
    ]


def _bundle(tmp_path: Path, docs: list[dict[str, Any]]) -> Path:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "manifests.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    (bundle / "kustomization.yaml").write_text("resources:\n- manifests.yaml\n", encoding="utf-8")
    return bundle


def _run(server: Any, bundle: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "plan", str(bundle), "--kubeconfig", str(server.kubeconfig), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_plan_reports_created_changed_unchanged_and_flags_list_replacement(api_server, tmp_path):
    server = api_server(_cluster())
    route = json.loads(json.dumps(ROUTE))
    route["spec"]["rules"][1]["matches"][0]["headers"][0]["value"] = "claude-sonnet-4-6"
    bundle = _bundle(tmp_path, [NAMESPACE, GATEWAY, route, BACKEND, NEW_BACKEND])
    result = _run(server, bundle, "--format", "json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    by_object = {o["object"]: o for o in plan["objects"]}
    assert by_object["AIServiceBackend/ai/anthropic"]["action"] == "created"
    assert by_object["AIServiceBackend/ai/openai"]["action"] == "unchanged"
    assert by_object["Namespace/ai"]["action"] == "unchanged"
    gateway = by_object["Gateway/ai/eg"]
    assert gateway["action"] == "changed" and gateway["fields"] == ["spec.listeners[name=https] (removed)"]
    [listeners] = gateway["replaces"]
    assert listeners == {
        "path": "spec.listeners",
        "live": ["http", "https"],
        "after": ["http"],
        "dropped": ["https"],
    }
    changed = by_object["AIGatewayRoute/ai/route"]
    assert changed["action"] == "changed"
    assert changed["fields"] == ["spec.rules[name=b].matches", "spec.rules[name=c] (removed)"]
    assert changed["replaces"][0]["dropped"] == ["c"]
    assert plan["ok"] and plan["summary"].startswith(
        "5 objects: 1 created, 2 changed, 2 unchanged, 0 rejected"
    )
    assert plan["next"].endswith(f"kubectl apply -k {bundle}")
    assert server.api.refused_writes == []  # dry runs only
    assert all("dryRun=All" in r for r in server.api.requests if r.startswith(("PATCH", "POST")))
    text = _run(server, bundle).stdout
    assert (
        "! replaces spec.listeners wholesale: live [http, https] -> [http]; removes https from the cluster"
        in text
    )
    assert "claude-sonnet-4-6" not in text  # field paths, never values


def test_plan_exits_1_with_the_api_servers_message_for_a_rejected_object(api_server, tmp_path):
    message = "spec.rules: Too many: 16: must have at most 15 items"
    server = api_server(_cluster(), reject={"route": message})
    bundle = _bundle(tmp_path, [NAMESPACE, GATEWAY, ROUTE, BACKEND])
    result = _run(server, bundle)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error     AIGatewayRoute/ai/route" in result.stdout
    assert message in result.stdout
    assert "Next: Fix the rejected objects" in result.stdout


def test_plan_without_a_reachable_cluster_or_bundle_exits_2(api_server, tmp_path):
    server = api_server([])
    missing = _run(server, tmp_path / "nope")
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
    server.stop()
    bundle = _bundle(tmp_path, [NAMESPACE])
    down = _run(server, bundle)
    assert down.returncode == 2 and "Traceback" not in down.stderr and "refused" in down.stderr


def test_diff_file_names_parse_with_dotted_groups_and_names():
    assert parse_diff_name("gateway.networking.k8s.io.v1.Gateway.default.eg") == (
        "gateway.networking.k8s.io",
        "v1",
        "Gateway",
        "default",
        "eg",
    )
    assert parse_diff_name("v1.Namespace..ai") == ("", "v1", "Namespace", None, "ai")
    assert parse_diff_name("admissionregistration.k8s.io.v1.MutatingWebhookConfiguration..a.b") == (
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        None,
        "a.b",
    )


def test_unnamed_lists_are_compared_by_position_and_dropped_entries_named():
    live = {"spec": {"items": [1, 2, 3]}}
    assert changed_paths(live, {"spec": {"items": [1, 2]}}) == ["spec.items"]
    [rep] = list_replacements("Thing", live, {"spec": {"items": [1, 2]}})
    assert rep.dropped == ["#2"]
    assert list_replacements("Thing", live, {"spec": {"items": [1, 2, 3, 4]}}) == []  # only additions


def test_apply_output_is_parsed_per_object():
    verdicts, errors = parse_apply(
        "namespace/ai unchanged (server dry run)\ngateway.gateway.networking.k8s.io/eg configured (server dry run)\n",
        'The request is invalid: error when applying patch:\n{"data":{"apiKey":"czNjcjN0LXY0bHVl"}}\nto:\n'
        'Resource: "aigateway.envoyproxy.io/v1beta1, Resource=aigatewayroutes"\nName: "route", Namespace: "ai"\n'
        'for: "bundle": error when patching "bundle": AIGatewayRoute.aigateway.envoyproxy.io "route" is invalid: x\n',
    )
    assert verdicts == {
        ("namespace", "ai"): "unchanged",
        ("gateway.gateway.networking.k8s.io", "eg"): "configured",
    }
    assert errors == [(("AIGatewayRoute", "route"), 'AIGatewayRoute "route" is invalid: x')]


def test_plan_tool_returns_the_same_plan_as_the_command(api_server, tmp_path, monkeypatch):
    import anyio

    from orchestrator.engine.contract import CACHE_ENV
    from tests.server.conftest import connect

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "schema-cache"))
    server = api_server(_cluster())
    bundle = _bundle(tmp_path, [NAMESPACE, GATEWAY, ROUTE, BACKEND, NEW_BACKEND])

    async def call() -> dict[str, Any]:
        async with connect("auto") as client:
            result = await client.call_tool(
                "aigw_plan", {"bundle": str(bundle), "kubeconfig": str(server.kubeconfig)}
            )
        assert not result.is_error, result.content
        return result.structured_content

    plan = anyio.run(call)
    assert plan == json.loads(_run(server, bundle, "--format", "json").stdout)
    assert {o["object"]: o["action"] for o in plan["objects"]}["AIServiceBackend/ai/anthropic"] == "created"


def test_an_object_whose_crd_is_not_installed_is_rejected_by_name():
    # What kubectl prints against a real API server when a kind is not served (the fake server has no OpenAPI v2
    # document, so kubectl stops earlier there).
    stderr = (
        'error: resource mapping not found for name: "tools" namespace: "ai" from "bundle": no matches for kind '
        '"MCPRoute" in version "aigateway.envoyproxy.io/v1beta1"\nensure CRDs are installed first\n'
    )
    plan = summarise_plan(
        "bundle",
        "namespace/ai unchanged (server dry run)\n",
        stderr,
        {},
        {},
        "kubectl apply -k bundle",
        [("Namespace", None, "ai"), ("MCPRoute", "ai", "tools")],
    )
    by_object = {o.object: o for o in plan.objects}
    assert by_object["MCPRoute/ai/tools"].action == "error"
    assert (
        'no matches for kind "MCPRoute" in version "aigateway.envoyproxy.io/v1beta1": install its CRDs first'
        in (by_object["MCPRoute/ai/tools"].error or "")
    )
    assert by_object["Namespace/ai"].action == "unchanged"
    assert not plan.ok and plan.summary == "2 objects: 0 created, 0 changed, 1 unchanged, 1 rejected"


def test_an_error_kubectl_ties_to_no_object_still_fails_the_plan_and_is_counted():
    plan = summarise_plan(
        "bundle",
        "namespace/ai unchanged (server dry run)\n",
        'error: error validating "bundle": boom\n',
        {},
        {},
        "kubectl apply -k bundle",
        [("Namespace", None, "ai")],
    )
    assert not plan.ok and plan.summary.endswith("0 rejected; 1 error not tied to one object")
