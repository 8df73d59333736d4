"""aigw-semantic-router: the EnvoyPatchPolicy that runs the router before the AI Gateway filter, the routes for
the names it selects (never the auto name), its values and install steps, as the upstream integration does."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from orchestrator.engine.lint.index import LintContext
from orchestrator.engine.validate import validate_documents
from skills.api import install
from skills.errors import InputError
from skills.semantic_router import build_semantic_router

SELECTED = [
    "math-expert",
    "science-expert",
    "social-expert",
    "humanities-expert",
    "law-expert",
    "general-expert",
]
# The signals of upstream deploy/kubernetes/ai-gateway/semantic-router-values/values.yaml: which domains select
# which LoRA; general-expert takes what nothing else matches.
SIGNALS = [
    "math-expert=math",
    "science-expert=biology,chemistry,physics,health,engineering,computer science",
    "social-expert=business,economics",
    "humanities-expert=psychology,history,philosophy",
    "law-expert=law",
    {"name": "general-expert", "keywords": ["think", "careful"], "priority": 20},
]
UPSTREAM_LIKE: dict[str, Any] = {
    "rules": [
        {
            "models": [m],
            "backends": [{"name": "vllm-llama3-8b-instruct"}],
            "request_timeout": "60s",
            "backend_request_timeout": "60s",
        }
        for m in SELECTED
    ],
    "router_models": SIGNALS,
    "default_model": "general-expert",
}
# What the router chart ships under config: (deploy/helm/semantic-router/values.yaml): placeholder lists that
# a values file must replace. Only the parts the router's startup check reads.
CHART_PLACEHOLDERS: dict[str, Any] = {
    "providers": {
        "defaults": {"default_model": "replace-with-your-model"},
        "models": [{"name": "replace-with-your-model", "backend_refs": [{"endpoint": "placeholder:8000"}]}],
    },
    "routing": {
        "modelCards": [{"name": "replace-with-your-model"}],
        "signals": {"domains": [{"name": "general", "mmlu_categories": ["other"]}]},
        "decisions": [{"name": "default-route", "modelRefs": [{"model": "replace-with-your-model"}]}],
    },
}


def _helm_merge(base: Any, override: Any) -> Any:
    """Helm's values merge: maps merge key by key, everything else (lists included) is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        return {k: _helm_merge(base.get(k), override[k]) if k in base else override[k] for k in override} | {
            k: v for k, v in base.items() if k not in override
        }
    return override


def _refusals(config: dict[str, Any]) -> list[str]:
    """What the router's startup check refuses (semantic-router pkg/config/canonical_config.go
    validateCanonicalContract, pkg/config/validator_domain.go validateDecisionDomainReferences)."""
    routing, providers = config["routing"], config["providers"]
    cards = [c["name"] for c in routing.get("modelCards", [])]
    loras = {lora["name"] for c in routing.get("modelCards", []) for lora in c.get("loras", [])}
    out = [f"duplicate card {n}" for n in cards if cards.count(n) > 1]
    default = providers["defaults"].get("default_model")
    if default and default not in set(cards) | loras:
        out.append(f"default_model {default} not in modelCards")
    out += [
        f"provider model {m['name']} has no card"
        for m in providers.get("models", [])
        if m["name"] not in cards
    ]
    out += [
        f"provider model {m['name']} has no backend or metadata"
        for m in providers.get("models", [])
        if not m.get("backend_refs") and not (m.get("provider_model_id") or m.get("reasoning_family"))
    ]
    declared = {d["name"] for d in routing.get("signals", {}).get("domains", [])}
    names = [d["name"] for d in routing.get("decisions", [])]
    out += [f"duplicate decision {n}" for n in names if names.count(n) > 1]
    for decision in routing.get("decisions", []):
        out += [
            f"{decision['name']} references unknown model {ref['model']}"
            for ref in decision.get("modelRefs", [])
            if ref["model"] not in set(cards) | loras
        ]
        out += [
            f"{decision['name']} references undeclared domain {c['name']}"
            for c in decision.get("rules", {}).get("conditions", [])
            if c["type"] == "domain" and c["name"] not in declared
        ]
    return out


def _patch(result: Any) -> dict[str, Any]:
    (patch,) = [m for m in result.manifests if m["kind"] == "EnvoyPatchPolicy"]
    return patch


def test_upstream_like_input_matches_its_golden_file(golden) -> None:
    result = build_semantic_router(UPSTREAM_LIKE)
    golden("addons/semantic-router/upstream-gwapi-resources.yaml", result.yaml)
    golden("addons/semantic-router/semantic-router.values.yaml", result.files["semantic-router-values.yaml"])
    assert list(yaml.safe_load_all(result.yaml)) == result.manifests


def test_router_extproc_is_inserted_first_on_the_gateway_listener_and_its_cluster_added() -> None:
    patch = _patch(build_semantic_router(UPSTREAM_LIKE))["spec"]
    assert patch["type"] == "JSONPatch"
    assert patch["targetRef"] == {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "name": "semantic-router",
    }
    listener, cluster = patch["jsonPatches"]
    assert listener["type"] == "type.googleapis.com/envoy.config.listener.v3.Listener"
    assert listener["name"] == "default/semantic-router/http"
    assert listener["operation"]["path"] == "/default_filter_chain/filters/0/typed_config/http_filters/0"
    extproc = listener["operation"]["value"]["typed_config"]
    assert extproc["grpc_service"]["envoy_grpc"] == {
        "cluster_name": "semantic-router",
        "authority": "semantic-router.vllm-semantic-router-system:50051",
    }
    assert extproc["processing_mode"]["request_body_mode"] == "BUFFERED"
    assert "failure_mode_allow" not in extproc  # fail closed, as upstream
    value = cluster["operation"]["value"]
    assert (value["type"], value["lb_policy"], value["http2_protocol_options"]) == (
        "STRICT_DNS",
        "ROUND_ROBIN",
        {},
    )
    address = value["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"][
        "socket_address"
    ]
    assert address == {
        "address": "semantic-router.vllm-semantic-router-system.svc.cluster.local",
        "port_value": 50051,
    }


def test_routes_match_the_selected_names_and_never_the_auto_name() -> None:
    result = build_semantic_router(UPSTREAM_LIKE)
    (route,) = [m for m in result.manifests if m["kind"] == "AIGatewayRoute"]
    values = [h["value"] for r in route["spec"]["rules"] for m in r["matches"] for h in m["headers"]]
    assert values == SELECTED
    assert all(r["timeouts"] == {"request": "60s", "backendRequest": "60s"} for r in route["spec"]["rules"])
    (ctp,) = [m for m in result.manifests if m["kind"] == "ClientTrafficPolicy"]
    assert ctp["spec"]["connection"]["bufferLimit"] == "50Mi"
    assert any("'MoM'" in n and "Mixture-of-Models" in n for n in result.notes)
    assert "Clients send model MoM (the auto model name, Mixture-of-Models)" in result.yaml
    renamed = build_semantic_router({**UPSTREAM_LIKE, "auto_model_name": "vllm-sr/auto"})
    assert "Clients send model vllm-sr/auto (" in renamed.yaml
    with pytest.raises(InputError, match="auto model name"):
        build_semantic_router({"rules": ["MoM=vllm"]})


def test_streamed_bodies_set_the_processing_mode_and_the_values_flag() -> None:
    result = build_semantic_router(
        {**UPSTREAM_LIKE, "request_body_mode": "STREAMED", "failure_mode_allow": True}
    )
    extproc = _patch(result)["spec"]["jsonPatches"][0]["operation"]["value"]["typed_config"]
    assert extproc["processing_mode"]["request_body_mode"] == "STREAMED"
    assert extproc["failure_mode_allow"] is True
    values = yaml.safe_load(result.files["semantic-router-values.yaml"])
    assert values["config"]["global"]["router"]["streamed_body"] == {"enabled": True}


def test_every_manifest_including_the_patch_policy_is_clean_under_the_validation_engine(crd_set) -> None:
    result = build_semantic_router(UPSTREAM_LIKE)
    assert any(doc["kind"] == "EnvoyPatchPolicy" for doc in result.manifests)
    context = LintContext(existing_resources=frozenset({"AIServiceBackend/default/vllm-llama3-8b-instruct"}))
    report = validate_documents(result.manifests, crds=crd_set, context=context)
    # ../shared/crds carries Envoy Gateway's EnvoyPatchPolicy CRD, so the patch policy is schema-checked too.
    assert [(f.kind, f.message) for f in report.findings] == []


def _values(result: Any) -> dict[str, Any]:
    data = yaml.safe_load(result.files["semantic-router-values.yaml"])
    assert isinstance(data, dict)
    return data


def test_values_merged_over_the_chart_defaults_pass_the_routers_startup_check() -> None:
    # Before: the values only set default_model (a model the chart's placeholder cards lack): refused at start.
    config = _helm_merge(CHART_PLACEHOLDERS, _values(build_semantic_router(UPSTREAM_LIKE))["config"])
    assert _refusals(config) == []
    assert "replace-with-your-model" not in yaml.safe_dump(config)
    assert _refusals(_helm_merge(CHART_PLACEHOLDERS, {"providers": {"defaults": {"default_model": "x"}}}))


def test_every_selected_model_gets_a_card_a_provider_entry_and_one_decision() -> None:
    config = _values(build_semantic_router(UPSTREAM_LIKE))["config"]
    assert [c["name"] for c in config["routing"]["modelCards"]] == SELECTED
    assert [m["name"] for m in config["providers"]["models"]] == SELECTED
    decisions = {d["modelRefs"][0]["model"]: d for d in config["routing"]["decisions"]}
    assert list(decisions) == SELECTED and len(config["routing"]["decisions"]) == len(SELECTED)
    science = decisions["science-expert"]["rules"]
    assert science["operator"] == "OR"
    assert {c["name"] for c in science["conditions"]} >= {"physics", "computer science"}
    general = decisions["general-expert"]
    assert general["priority"] == 20 and general["rules"]["conditions"] == [
        {"type": "keyword", "name": "general-expert-keywords"}
    ]
    (keywords,) = config["routing"]["signals"]["keywords"]
    assert keywords["keywords"] == ["think", "careful"] and keywords["case_sensitive"] is False
    assert config["providers"]["defaults"]["default_model"] == "general-expert"


def test_the_default_model_without_signals_takes_every_prompt_nothing_else_matches() -> None:
    result = build_semantic_router(
        {"rules": ["math-expert=vllm", "general-expert=vllm"], "router_models": ["math-expert=math"]}
    )
    config = _values(result)["config"]
    assert config["providers"]["defaults"]["default_model"] == "general-expert"
    (catch_all,) = [
        d for d in config["routing"]["decisions"] if d["modelRefs"][0]["model"] == "general-expert"
    ]
    # An empty AND matches every prompt (semantic-router pkg/decision/engine_empty_and_test.go); priority 1 loses
    # to every signal decision under strategy priority.
    assert catch_all["rules"] == {"operator": "AND", "conditions": []} and catch_all["priority"] == 1
    assert config["global"]["router"]["strategy"] == "priority"


def test_a_model_the_router_could_never_select_or_no_rule_serves_is_refused() -> None:
    with pytest.raises(InputError, match="never selects 'science-expert'"):
        build_semantic_router(
            {
                "rules": ["math-expert=vllm", "science-expert=vllm", "general-expert=vllm"],
                "router_models": ["math-expert=math"],
            }
        )
    with pytest.raises(InputError, match=r"router_models\[1\].name: no rule matches 'poetry-expert'"):
        build_semantic_router(
            {"rules": ["math-expert=vllm"], "router_models": ["math-expert=math", "poetry-expert=history"]}
        )
    with pytest.raises(InputError, match=r"router_models\[0\]\.domains\[0\]: Input should be .biology."):
        build_semantic_router({"rules": ["math-expert=vllm"], "router_models": ["math-expert=algebra"]})
    with pytest.raises(InputError, match=r"default_model.*not one of the router.s models"):
        build_semantic_router({"rules": ["math-expert=vllm"], "default_model": "gpt-x"})


def test_install_addon_installs_the_router_with_its_values_before_envoy_gateway_and_uninstalls_it() -> None:
    plan = install(
        addons=["semantic-router"], semantic_router={"models": ["math-expert=math", "general-expert"]}
    )
    commands = [s.command for s in plan.steps]
    assert commands[0].startswith(
        "helm upgrade -i semantic-router oci://ghcr.io/vllm-project/charts/semantic-router"
    )
    assert commands[0].endswith(" -f semantic-router-values.yaml")
    config = _helm_merge(CHART_PLACEHOLDERS, _values(plan)["config"])
    assert _refusals(config) == [] and config["providers"]["defaults"]["default_model"] == "general-expert"
    assert "deployment/semantic-router" in commands[1]
    assert any("helm uninstall semantic-router" in s.command for s in plan.uninstall)
    values = yaml.safe_load(plan.files["envoy-gateway-values.yaml"])
    assert values["config"]["envoyGateway"]["extensionApis"]["enableEnvoyPatchPolicy"] is True


def test_install_addon_without_router_models_is_refused_instead_of_installing_the_placeholder() -> None:
    with pytest.raises(InputError, match="semantic_router: required with the semantic-router addon"):
        install(addons=["semantic-router"])
    with pytest.raises(InputError, match="semantic_router: only used with the semantic-router addon"):
        install(semantic_router={"models": ["general-expert"]})
