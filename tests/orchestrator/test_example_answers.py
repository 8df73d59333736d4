"""The `example_answers` of a needs-input question are accepted when sent back unchanged: an agent that forwards
them (or changes one choice, such as client_auth to apikey) moves the conversation on instead of being asked the
same round again. Driven through the functions both front doors use: `walk` and `open_questions` (what
aigw_orchestrate's needs-input result and `aigw-skills build --questions` print), with the MCP tool's own prefill
parsing for arguments given up front."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from orchestrator.intake.prefill import orchestrate_input, prefill_fields, prefill_rounds
from orchestrator.intake.questions import answer_key
from orchestrator.intake.questions_text import open_questions
from orchestrator.intake.rounds import ROUND_IDS
from orchestrator.intake.walker import walk
from server.cli.build import example_text, examples
from skills.credentials import describe_credential
from skills.providers import PRESETS

Answers = dict[str, Any]
CHOICE_ARGUMENTS = ("providers", "features", "client_auth", "strategy", "token_limit_unit", "metrics")


def _csv(items: list[Any]) -> str:
    return ", ".join(str(item) for item in items)


def _details(providers: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for entry in providers:
        given: dict[str, Any] = {"models": _csv(entry["models"])}
        given |= {field: entry[field] for field in ("region", "resource") if field in entry}
        if "service" in entry:
            given |= {"service": entry["service"]["name"], "port": entry["service"]["port"]}
        if entry.get("auth_type") == "AzureCredentials":
            given["auth"] = "AzureCredentials"
        given |= entry.get("auth") or {}
        out |= {answer_key(entry["provider"], field): value for field, value in given.items()}
    return out


def _production(intake: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    features: list[str] = []
    out: dict[str, Any] = {}
    if limits := (intake.get("limits") or {}).get("token_limits"):
        features.append("token-limits")
        first = limits[0]
        out |= {
            "token_limit": first["limit"],
            "token_limit_unit": first["unit"],
            "token_limit_header": first.get("per_header") or "",
            "token_limit_type": first["type"],
        }
    routing = intake.get("routing") or {}
    if canary := routing.get("canary"):
        features.append("canary")
        out |= {"canary_backend": canary["backend"], "canary_stages": _csv(canary["stages"])}
    if health := routing.get("health_check"):
        features.append("health-check")
        out |= {f"health_check_{name}": value for name, value in health.items()}
    if auth := intake.get("client_auth"):
        features.append("client-auth")
        out["client_auth"] = auth["type"]
        if auth["type"] == "jwt":
            out |= {
                "jwt_issuer": auth["issuer"],
                "jwt_jwks_uri": auth["jwks_uri"],
                "jwt_audiences": _csv(auth.get("audiences") or []),
                "jwt_claim_to_headers": _csv(auth.get("claim_to_headers") or []),
            }
        else:
            out["apikey_clients"] = _csv(auth["clients"])
    if obs := intake.get("observability"):
        features.append("observability")
        keys = ("access_logs", "metrics", "tracing_endpoint", "trace_sample_ratio")
        out |= {name: obs[name] for name in keys if name in obs}
    return features, out


def answers_of(intake: dict[str, Any]) -> Answers:
    """A built-in example intake as the answers a person gives round by round (the walker's input)."""
    environment = {**(intake.get("environment") or {}), **(intake.get("installation") or {})}
    form_fields = ("namespace", "create_gateway", "gateway_name", "envoy_gateway_installed", "version")
    answers: Answers = {
        "environment": {name: environment[name] for name in form_fields if name in environment},
        "providers": {"providers": [entry["provider"] for entry in intake["providers"]]},
        "details": _details(intake["providers"]),
    }
    routing = intake.get("routing") or {}
    if routing.get("strategy") in ("failover", "split"):
        answers["routing"] = {"strategy": routing["strategy"]}
        if "request_timeout" in routing:
            answers["routing"]["request_timeout"] = routing["request_timeout"]
        for entry in intake["providers"]:
            if "weight" in entry:
                answers["routing"][answer_key(entry["provider"], "weight")] = entry["weight"]
    features, production = _production(intake)
    answers["features"] = {"features": features}
    if features:
        answers["production"] = production
    return answers


def example_answers(name: str) -> Answers:
    answers = answers_of(yaml.safe_load(example_text(name)))
    assert walk(answers).complete, f"{name}: the mapping of the example onto the rounds is incomplete"
    return answers


def choice_prefill(answers: Answers) -> dict[str, dict[str, Any]]:
    """The example's providers, features and single choices as aigw_orchestrate arguments, parsed the way the
    tool parses them: the rounds then ask only the rest (client_auth apikey hides the JWT fields)."""
    arguments: dict[str, Any] = {}
    for name, (round_id, _) in prefill_fields().items():
        value = (answers.get(round_id) or {}).get(name)
        if name in CHOICE_ARGUMENTS and value is not None:
            arguments[name] = value
    return prefill_rounds(orchestrate_input().parse(arguments))


def _variants(question: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The offered answers, then each with one single-choice field set to each of its other choices."""
    offered = question["example_answers"]
    out = [("as offered", offered)]
    for field in question["fields"]:
        if field["type"] != "one of the choices":
            continue
        for choice in field["choices"]:
            if choice["value"] == offered[field["round"]][field["name"]]:
                continue
            changed = json.loads(json.dumps(offered))
            changed[field["round"]][field["name"]] = choice["value"]
            out.append((f"{field['round']}.{field['name']}={choice['value']}", changed))
    return out


def walk_with_offered_answers(path: Answers, prefill: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Walk the rounds `path` answers (the offered answers for rounds it leaves out); at every question, send
    the offered example answers (and each one-choice variant of them) and check that the rounds asked are
    accepted. Returns the rounds asked, in order."""
    answers: Answers = {}
    asked: list[str] = []
    for _ in range(len(ROUND_IDS) + 1):  # every question answers at least one round
        question = open_questions(walk(answers, prefill))["next"]
        if question is None:
            return asked
        for label, offered in _variants(question):
            after = walk(answers | offered, prefill)
            reasked = {
                item.id: [p.render() for p in item.problems] for item in after.open if item.id in offered
            }
            assert not reasked, f"{question['rounds']} ({label}) asked again: {reasked}"
            assert all(rid in after.answers for rid in question["rounds"])
        leaked = [v for part in question["example_answers"].values() for v in part.values()]
        assert not [v for v in leaked if isinstance(v, str) and describe_credential(v)]
        for rid in question["rounds"]:
            answers[rid] = path[rid] if rid in path else question["example_answers"][rid]
        asked += question["rounds"]
    raise AssertionError(f"the intake never completed; asked {asked}")


def test_the_offered_answers_complete_the_intake_from_an_empty_start() -> None:
    assert walk_with_offered_answers({}) == ["environment", "providers", "details", "features"]


@pytest.mark.parametrize("name", examples())
def test_every_round_of_a_built_in_example_accepts_its_offered_answers(name: str) -> None:
    answers = example_answers(name)
    asked = walk_with_offered_answers(answers)
    assert set(asked) == set(answers), f"{name}: rounds {asked} asked, the example answers {list(answers)}"


@pytest.mark.parametrize("name", examples())
def test_offered_answers_are_accepted_when_the_choices_came_as_arguments(name: str) -> None:
    answers = example_answers(name)
    walk_with_offered_answers(answers, choice_prefill(answers))


def test_apikey_client_auth_given_up_front_offers_client_ids_not_an_empty_list() -> None:
    answers = example_answers("apikey-client-auth")
    prefill = choice_prefill(answers)
    assert prefill["production"] == {"client_auth": "apikey"}
    state = walk({k: answers[k] for k in ("environment", "details")}, prefill)
    question = open_questions(state)["next"]
    assert question["rounds"] == ["production"]
    assert question["example_answers"] == {"production": {"apikey_clients": "team-a, team-b"}}
    assert walk(state.answers | question["example_answers"], prefill).complete


def test_every_providers_details_round_accepts_its_offered_answers() -> None:
    for pid in PRESETS:
        asked = walk_with_offered_answers({"providers": {"providers": [pid]}})
        assert "details" in asked, pid
