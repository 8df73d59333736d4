"""AIGW-L050: cost expressions on AIGatewayRoute, GatewayConfig and QuotaPolicy are type-checked with the
variables the target release declares (token counts uint), as the controller does before it uses them."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from orchestrator.engine.lint.linter import LintContext, lint_documents
from orchestrator.engine.validate import validate_documents
from server.cli.validate import register
from tests.orchestrator.test_lint import AIGW, Docs, base, find, obj

WRONG = "input_tokens + 2 * output_tokens"  # int * uint: the controller refuses it
RIGHT = "input_tokens + 2u * output_tokens"


def route_cost(cel: str, kind: str = "CEL") -> Callable[[Docs], Docs]:
    def mutate(docs: Docs) -> Docs:
        find(docs, "AIGatewayRoute", "route")["spec"]["llmRequestCosts"] = [
            {"metadataKey": "llm_total_token", "type": "TotalToken"},
            {"metadataKey": "weighted", "type": kind, "cel": cel},
        ]
        return docs

    return mutate


def gateway_config(cel: str) -> Callable[[Docs], Docs]:
    def mutate(docs: Docs) -> Docs:
        spec = {"globalLLMRequestCosts": [{"metadataKey": "weighted", "type": "CEL", "cel": cel}]}
        return [*docs, obj(AIGW, "GatewayConfig", "config", spec)]

    return mutate


def quota(cel: str) -> Callable[[Docs], Docs]:
    def mutate(docs: Docs) -> Docs:
        spec = {
            "targetRefs": [
                {"group": "aigateway.envoyproxy.io", "kind": "AIServiceBackend", "name": "openai"}
            ],
            "perModelQuotas": [
                {
                    "modelName": "gpt-4o-mini",
                    "quota": {"costExpression": cel, "defaultBucket": {"limit": 100, "duration": "1h"}},
                }
            ],
        }
        return [*docs, obj("aigateway.envoyproxy.io/v1alpha1", "QuotaPolicy", "quota", spec)]

    return mutate


TRIPS: dict[str, tuple[Callable[[Docs], Docs], str, str]] = {
    "route-int-literal": (route_cost(WRONG), "v1.1.0", "spec.llmRequestCosts[1].cel"),
    "route-singular-variable": (route_cost("input_token + 1u"), "v1.1.0", "spec.llmRequestCosts[1].cel"),
    "route-name-on-v0.5": (
        route_cost("route_name == 'a' ? 2u : 1u"),
        "v0.5.0",
        "spec.llmRequestCosts[1].cel",
    ),
    "route-divides-by-zero": (
        route_cost("total_tokens / output_tokens"),
        "v1.1.0",
        "spec.llmRequestCosts[1].cel",
    ),
    "gateway-config": (gateway_config(WRONG), "v1.1.0", "spec.globalLLMRequestCosts[0].cel"),
    "quota": (quota("total_tokens * 2"), "v1.1.0", "spec.perModelQuotas[0].quota.costExpression"),
}
QUIET: dict[str, tuple[Callable[[Docs], Docs], str]] = {
    "route-uint-literal": (route_cost(RIGHT), "v1.1.0"),
    "route-name-on-v1.1": (route_cost("route_name == 'a' ? 2u * total_tokens : total_tokens"), "v1.1.0"),
    "route-name-on-v0.6": (route_cost("route_name == 'a' ? 2u : 1u"), "v0.6.0"),
    "cel-field-without-type-cel": (
        route_cost(WRONG, kind="TotalToken"),
        "v1.1.0",
    ),  # the controller ignores it
    "gateway-config": (gateway_config(RIGHT), "v1.1.0"),
    "quota": (quota("input_tokens + cached_input_tokens + output_tokens"), "v1.1.0"),
}


@pytest.mark.parametrize("case", sorted(TRIPS))
def test_a_cost_expression_the_controller_refuses_is_an_error_at_its_json_path(case: str) -> None:
    mutate, version, path = TRIPS[case]
    findings = lint_documents(mutate(base()), LintContext(target_version=version), rules=["AIGW-L050"])
    (finding,) = findings
    assert (finding.severity, finding.path) == ("error", path)
    assert finding.kind and finding.name and finding.source and finding.hint
    assert finding.message.startswith("CEL cost expression ")


@pytest.mark.parametrize("case", sorted(QUIET))
def test_a_cost_expression_the_controller_accepts_is_quiet(case: str) -> None:
    mutate, version = QUIET[case]
    assert lint_documents(mutate(base()), LintContext(target_version=version), rules=["AIGW-L050"]) == []


def test_validate_checks_cost_expressions_against_its_target_version() -> None:
    docs = route_cost("reasoning_tokens + 1u")(base())
    newer = validate_documents(docs, crds=None, target_version="v1.1.0")
    older = validate_documents(docs, crds=None, target_version="v0.5.0")
    assert [f for f in newer.findings if f.rule == "AIGW-L050"] == []
    (finding,) = [f for f in older.findings if f.rule == "AIGW-L050"]
    assert finding.resource == "AIGatewayRoute/default/route"
    assert "reasoning_tokens is declared from AI Gateway v0.6.0 on; target v0.5.0" in finding.message


def test_the_validate_command_reports_the_documented_wrong_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("AIGW_SKILLS_CRDS", raising=False)
    manifest = tmp_path / "route.yaml"
    manifest.write_text(yaml.safe_dump_all(route_cost(WRONG)(base())))
    parser = argparse.ArgumentParser(prog="aigw-skills")
    register(parser.add_subparsers())
    args = parser.parse_args(["validate", str(manifest)])
    code = int(args.handler(args))
    out = capsys.readouterr().out
    assert code == 1
    assert (
        "error: AIGatewayRoute/default/route: spec.llmRequestCosts[1].cel: CEL cost expression does not compile: "
        "found no matching overload for '_*_' applied to '(int, uint)'"
    ) in out
    assert "[AIGW-L050]" in out


def test_the_uint_advice_is_given_for_type_errors_only_not_for_syntax_or_unknown_variables() -> None:
    def hint(expression: str) -> str:
        (finding,) = lint_documents(
            route_cost(expression)(base()), LintContext(target_version="v1.1.0"), rules=["AIGW-L050"]
        )
        return finding.hint or ""

    assert "2u * output_tokens" in hint(WRONG)
    assert "uint" not in hint("input_tokens +")  # a syntax error
    assert "uint" not in hint("input_token + 1u")  # an unknown variable (the message names the right one)
