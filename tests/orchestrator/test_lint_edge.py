"""Edge lint rules (client-auth SecurityPolicies, the Gateway's telemetry links): each fires on a bundle that
breaks it and stays quiet on a near miss, starting from test_lint's clean OpenAI + Anthropic bundle."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator.engine.lint.linter import RULES, lint_documents
from tests.orchestrator.edge_lint_cases import EDGE_QUIET, EDGE_TRIPS
from tests.orchestrator.test_lint import base


def cases(table: dict[str, dict[str, Any]]) -> list[Any]:
    return [
        pytest.param(rule, case, id=f"{rule}-{case}") for rule, by_case in table.items() for case in by_case
    ]


def test_every_edge_rule_has_a_tripping_and_a_quiet_case() -> None:
    ours = sorted(r for r, rule in RULES.items() if rule.check.__module__ == "orchestrator.engine.lint.edge")
    assert ours == sorted(EDGE_TRIPS) == sorted(EDGE_QUIET)


def test_the_clean_bundle_with_edge_objects_has_no_findings() -> None:
    docs = base()
    for by_case in EDGE_QUIET.values():
        mutate, context = next(iter(by_case.values()))
        assert lint_documents(mutate(docs), context) == []


@pytest.mark.parametrize(("rule", "case"), cases(EDGE_TRIPS))
def test_rule_fires_when_its_condition_holds(rule: str, case: str) -> None:
    mutate, context = EDGE_TRIPS[rule][case]
    findings = lint_documents(mutate(base()), context)
    hits = [f for f in findings if f.rule == rule]
    assert hits, f"{rule} did not fire; got {[f.rule for f in findings]}"
    assert all(f.hint and f.kind and f.name and f.source for f in hits)
    assert [f.rule for f in findings if f.rule != rule] == []


@pytest.mark.parametrize(("rule", "case"), cases(EDGE_QUIET))
def test_rule_stays_quiet_when_the_condition_does_not_hold(rule: str, case: str) -> None:
    mutate, context = EDGE_QUIET[rule][case]
    findings = lint_documents(mutate(base()), context)
    assert rule not in {f.rule for f in findings}, [f.message for f in findings if f.rule == rule]


def test_jwks_and_attachment_severities() -> None:
    assert {r: RULES[r].severity for r in ("AIGW-L040", "AIGW-L041", "AIGW-L042", "AIGW-L043")} == {
        "AIGW-L040": "error",
        "AIGW-L041": "warning",
        "AIGW-L042": "error",
        "AIGW-L043": "error",
    }
