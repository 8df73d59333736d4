"""Production traffic scenarios (failover with a health check, a canary split, per-user token limits): each
built-in example composes, validates clean against the upstream CRDs, matches its golden bundle and builds with
`kubectl kustomize`; token limits bring the rate-limit addon's Redis along."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from orchestrator.compose.bundle import FILE_ORDER, build_bundle, write_bundle
from server.cli.build import example_text, examples

SCENARIOS = ["failover-health-check", "canary-split", "token-limits-per-user"]


def bundle_of(scenario: str, crds=None):
    return build_bundle(yaml.safe_load(example_text(scenario)), crds=crds)


def kinds(bundle) -> list[str]:
    return [d["kind"] for d in yaml.safe_load_all(bundle.files["manifests.yaml"]) if d]


def test_every_traffic_scenario_is_a_built_in_example():
    assert set(SCENARIOS) <= set(examples())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_traffic_scenario_bundle_is_valid_and_matches_golden(scenario, crd_set, golden):
    bundle = bundle_of(scenario, crd_set)
    assert [f.message for f in bundle.report.findings if f.severity != "info"] == []
    assert bundle.report.checks_skipped == []
    assert bundle.valid, bundle.summary()
    assert all(item.passed for item in bundle.checklist), [i.title for i in bundle.checklist if not i.passed]
    extra = {
        "token-limits-per-user": ["redis.yaml"],
        "canary-split": [f"canary-stage-{n}-{p}pct.yaml" for n, p in enumerate([5, 25, 50, 100], start=1)],
    }.get(scenario, [])
    assert list(bundle.files) == [*FILE_ORDER, *extra]
    for name, text in bundle.files.items():
        golden(f"bundles/{scenario}/{name}", text)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_traffic_scenario_bundle_builds_with_kubectl_kustomize(scenario, tmp_path):
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl is not installed")
    bundle = bundle_of(scenario)
    write_bundle(bundle, tmp_path / "b")
    built = subprocess.run(
        ["kubectl", "kustomize", str(tmp_path / "b")], capture_output=True, text=True, timeout=60
    )
    assert built.returncode == 0, built.stderr
    assert sorted(d["kind"] for d in yaml.safe_load_all(built.stdout) if d) == sorted(kinds(bundle))


def test_failover_scenario_retries_and_ejects_failing_backends():
    docs = [d for d in yaml.safe_load_all(bundle_of("failover-health-check").files["manifests.yaml"]) if d]
    policy = next(d for d in docs if d["kind"] == "BackendTrafficPolicy")
    assert policy["spec"]["retry"]["numRetries"] == 5
    assert policy["spec"]["healthCheck"]["passive"]["consecutive5XxErrors"] == 3
    route = next(d for d in docs if d["kind"] == "AIGatewayRoute")
    assert [r.get("priority") for r in route["spec"]["rules"][0]["backendRefs"]] == [0, 1]


def test_canary_scenario_starts_at_the_first_stage_and_lists_every_stage():
    bundle = bundle_of("canary-split")
    route = next(
        d for d in yaml.safe_load_all(bundle.files["manifests.yaml"]) if d and d["kind"] == "AIGatewayRoute"
    )
    assert [(r["name"], r["weight"]) for r in route["spec"]["rules"][0]["backendRefs"]] == [
        ("openai", 95),
        ("azure-openai", 5),
    ]
    assert "stage 4 (100%): gpt-5.4-mini: openai=0, azure-openai=100" in bundle.files["README.md"]


def test_canary_bundle_carries_each_stage_route_and_each_validates_in_place_of_the_current_route(crd_set):
    from orchestrator.engine.validate import validate_documents

    bundle = bundle_of("canary-split")
    docs = [d for d in yaml.safe_load_all(bundle.files["manifests.yaml"]) if d]
    baseline = [
        f.message for f in validate_documents(docs, crds=crd_set).errors
    ]  # Secrets made by secrets.sh
    weights = []
    for name in [n for n in bundle.files if n.startswith("canary-stage-")]:
        (stage,) = [d for d in yaml.safe_load_all(bundle.files[name]) if d]
        assert stage["kind"] == "AIGatewayRoute"
        swapped = [stage if d["kind"] == "AIGatewayRoute" else d for d in docs]
        report = validate_documents(swapped, crds=crd_set)
        assert [f.message for f in report.errors] == baseline, name
        weights.append([r["weight"] for r in stage["spec"]["rules"][0]["backendRefs"]])
    assert weights == [[95, 5], [75, 25], [50, 50], [0, 100]]


def test_force_replaces_a_previous_canary_bundle_stage_files_included(tmp_path):
    bundle = bundle_of("canary-split")
    write_bundle(bundle, tmp_path / "b")
    write_bundle(bundle, tmp_path / "b", force=True)
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == sorted(bundle.files)


def test_token_limit_scenario_installs_redis_and_lints_clean_only_with_it(crd_set):
    data = yaml.safe_load(example_text("token-limits-per-user"))
    bundle = build_bundle(data, crds=crd_set)
    assert "kubectl apply -f redis.yaml" in bundle.files["install.sh"]
    assert "type: Redis" in bundle.files["envoy-gateway-values.yaml"]
    assert {"BackendTrafficPolicy", "QuotaPolicy"} <= set(kinds(bundle))
    from orchestrator.engine.lint.linter import LintContext, lint_documents

    docs = [d for d in yaml.safe_load_all(bundle.files["manifests.yaml"]) if d]
    assert "AIGW-L030" in {f.rule for f in lint_documents(docs, LintContext())}


def test_quota_on_an_unknown_backend_is_an_intake_error():
    from skills.errors import InputError

    data = yaml.safe_load(example_text("token-limits-per-user"))
    data["limits"]["quotas"][0]["backend"] = "mistral"
    with pytest.raises(InputError, match="no provider has the backend name 'mistral'"):
        build_bundle(data)


def _with_cel_limit(cel: str, version: str = "v1.1.0") -> dict:
    data = yaml.safe_load(example_text("token-limits-per-user"))
    data["installation"] = {"version": version}
    data["limits"]["token_limits"].append(
        {"type": "CEL", "cel": cel, "limit": 1000, "per_header": "x-user-id"}
    )
    return data


def test_a_cel_token_limit_that_does_not_type_check_is_an_intake_error_naming_the_field():
    from skills.errors import InputError

    with pytest.raises(InputError) as refused:
        build_bundle(_with_cel_limit("input_tokens + 2 * output_tokens"))
    (problem,) = refused.value.problems
    assert problem.path == "limits.token_limits[2].cel"
    assert "applied to '(int, uint)'" in problem.message and "2u * output_tokens" in problem.message


def test_a_cel_token_limit_uses_route_name_where_the_release_declares_it(crd_set):
    from skills.errors import InputError

    cel = "route_name == 'default/ai-gateway' ? 2u * total_tokens : total_tokens"
    bundle = build_bundle(_with_cel_limit(cel), crds=crd_set)
    assert cel in bundle.files["manifests.yaml"]
    assert [f.message for f in bundle.report.findings if f.rule == "AIGW-L050"] == []
    with pytest.raises(InputError) as refused:
        build_bundle(_with_cel_limit(cel, version="v0.5.0"))
    assert [p.path for p in refused.value.problems] == ["limits.token_limits[2].cel"]
    assert "route_name is declared from AI Gateway v0.6.0 on" in refused.value.problems[0].message
