"""The intake rounds as data and the one walker: open rounds for a partial intake, each answer validated when it
is given (form constraints, then the intake model), prefilled values never asked, skipped optional rounds."""

from __future__ import annotations

from typing import Any

import pytest

from orchestrator.intake.build_check import to_intake
from orchestrator.intake.form_schema import answer_from_form, form_schema
from orchestrator.intake.model import Intake
from orchestrator.intake.prefill import orchestrate_input, prefill_rounds, unused_prefill
from orchestrator.intake.rounds import ROUND_IDS, ROUNDS
from orchestrator.intake.walker import group_form, split_answer, walk
from skills.errors import InputError
from skills.providers import PRESETS

# "OpenAI and Anthropic, JWT auth, 10k tokens per user per hour", as a model maps it onto aigw_orchestrate.
SENTENCE_ARGUMENTS = {
    "providers": ["openai", "anthropic"],
    "features": ["token-limits", "client-auth"],
    "token_limit": 10000,
    "token_limit_unit": "Hour",
    "token_limit_header": "x-user-id",
    "client_auth": "jwt",
}
SENTENCE = prefill_rounds(orchestrate_input().parse(SENTENCE_ARGUMENTS))
SCENARIOS_DETAILS = {"openai__models": "gpt-5.4-mini", "openai__secret_env": "OPENAI_API_KEY"}
JWT = {"jwt_issuer": "https://auth.example.com", "jwt_jwks_uri": "https://auth.example.com/jwks"}


def _ids(items: Any) -> list[str]:
    return [item.id for item in items]


def test_every_round_is_declared_once_with_a_message_a_form_and_a_reason() -> None:
    assert ROUND_IDS == ("environment", "providers", "details", "routing", "features", "production")
    for r in ROUNDS:
        assert r.message and r.title and r.why
        assert all(need in ROUND_IDS[: ROUND_IDS.index(r.id)] for need in r.needs), r.id


def test_field_names_never_repeat_across_rounds_so_rounds_can_share_one_form() -> None:
    every = list(PRESETS)
    answers = {
        "providers": {"providers": every},
        "features": {"features": ["token-limits", "client-auth", "observability"]},
    }
    seen: dict[str, str] = {}
    for r in ROUNDS:
        for name in r.form(answers).model_fields:
            assert name not in seen, f"{name} in {seen.get(name)} and {r.id}"
            seen[name] = r.id


def test_a_fresh_intake_asks_environment_and_providers_together_and_the_rest_waits() -> None:
    state = walk()
    assert _ids(state.open) == list(ROUND_IDS)
    assert [item.ready for item in state.open] == [True, True, False, False, False, False]
    assert _ids(state.next_group()) == ["environment", "providers"]


def test_the_sentence_prefill_lands_in_the_rounds_that_ask_it() -> None:
    assert SENTENCE == {
        "providers": {"providers": ["openai", "anthropic"]},
        "features": {"features": ["token-limits", "client-auth"]},
        "production": {
            "token_limit": 10000,
            "token_limit_unit": "Hour",
            "token_limit_header": "x-user-id",
            "client_auth": "jwt",
        },
    }
    models = prefill_rounds(orchestrate_input().parse({"models": {"aws-bedrock": ["a", "b"]}}))
    assert models == {"details": {"aws_bedrock__models": "a, b"}}


def test_the_openai_anthropic_sentence_prefilled_needs_two_forms() -> None:
    first = walk({}, SENTENCE)
    group = first.next_group()
    assert _ids(group) == ["environment", "details"]
    assert {"openai__models", "anthropic__secret_env", "namespace"} <= set(group_form(group).model_fields)
    answered = split_answer(group, {"namespace": "ai", "openai__models": "gpt-4o-mini"})
    second = walk(answered, SENTENCE)
    group = second.next_group()
    assert _ids(group) == ["production"]
    asked = set(group_form(group).model_fields)
    assert {"jwt_issuer", "jwt_jwks_uri"} <= asked and "token_limit" not in asked
    assert "apikey_clients" not in asked, "client_auth jwt is known: the API key fields are moot"
    done = walk(answered | {"production": JWT}, SENTENCE)
    assert done.complete
    intake = Intake.parse(to_intake(done.answers))
    assert intake.environment.namespace == "ai"
    assert intake.limits is not None and intake.limits.token_limits[0].limit == 10000
    assert intake.client_auth is not None and intake.client_auth.type == "jwt"


def test_a_round_whose_asked_fields_are_all_prefilled_is_answered_not_asked_as_an_empty_form() -> None:
    known = {"providers": ["openai"], "features": ["client-auth"], "client_auth": "apikey"}
    prefill = prefill_rounds(orchestrate_input().parse(known | {"apikey_clients": "team-a"}))
    state = walk({"environment": {}, "details": {}}, prefill)
    assert state.complete, [(item.id, list(item.asked().model_fields)) for item in state.open]
    assert state.answers["production"]["apikey_clients"] == "team-a"
    partly = walk({"environment": {}, "details": {}}, prefill_rounds(orchestrate_input().parse(known)))
    assert [list(item.asked().model_fields) for item in partly.open] == [["apikey_clients"]]


def test_an_empty_model_list_is_refused_as_the_argument_the_caller_sent() -> None:
    with pytest.raises(InputError) as caught:
        orchestrate_input().parse({"providers": ["openai"], "models": {"openai": []}})
    assert [p.path for p in caught.value.problems] == ["models.openai"]


def test_prefill_arguments_no_round_used_are_named_with_why() -> None:
    arguments = orchestrate_input().parse(
        {
            "providers": ["openai"],
            "models": {"openai": ["gpt-5.4-mini"], "anthropic": ["claude-sonnet-4-6"]},
            "features": ["client-auth"],
            "client_auth": "apikey",
            "apikey_clients": "team-a",
            "token_limit": 10000,
            "strategy": "failover",
        }
    )
    state = walk({"environment": {}, "details": {}}, prefill_rounds(arguments))
    assert state.complete
    problems = {p.path: p.render() for p in unused_prefill(arguments, state.answers)}
    assert set(problems) == {"models.anthropic", "token_limit", "strategy"}
    assert "anthropic is not among the providers (openai)" in problems["models.anthropic"]
    assert "(features: client-auth)" in problems["token_limit"]
    assert "more than one provider serves the same model name" in problems["strategy"]
    used = orchestrate_input().parse({"providers": ["openai"], "models": {"openai": ["gpt-5.4-mini"]}})
    answers = {"environment": {}, "details": {}, "features": {"features": []}}
    assert unused_prefill(used, walk(answers, prefill_rounds(used)).answers) == []
    skipped = orchestrate_input().parse({"providers": ["openai"], "token_limit": 10000})
    answers = {"environment": {}, "details": {}, "features": None}
    assert unused_prefill(skipped, walk(answers, prefill_rounds(skipped)).answers) == []


def test_a_bad_namespace_keeps_its_round_open_with_the_problem_and_every_other_answer() -> None:
    state = walk({"environment": {"namespace": "Bad_NS"}, "providers": {"providers": ["openai"]}})
    assert "providers" in state.answers and "environment" not in state.answers
    environment = state.open[0]
    assert environment.id == "environment"
    assert [p.path for p in environment.problems] == ["answers.environment.namespace"]
    assert "namespace" in environment.message() and "RFC 1123" in environment.message()
    assert _ids(state.next_group()) == ["environment", "details"]


def test_an_answer_under_a_misspelt_round_id_is_refused_naming_the_round_ids() -> None:
    answers = {"enviroment": {"namespace": "ai"}, "providers": {"providers": ["openai"]}}
    with pytest.raises(InputError) as caught:
        walk(answers)
    [problem] = caught.value.problems
    assert problem.path == "answers.enviroment" and problem.value == "'enviroment'"
    assert problem.expected == "one of: " + ", ".join(ROUND_IDS)


def test_an_answer_to_a_round_the_other_answers_do_not_ask_is_reported_as_ignored_with_why() -> None:
    base = {"environment": {}, "providers": {"providers": ["openai"]}, "details": {}}
    state = walk(base | {"features": {"features": []}, "production": {"token_limit": 5000}})
    assert state.complete and "production" not in state.answers and "production" not in state.kept
    [problem] = state.ignored
    assert problem.path == "answers.production" and "(features: none)" in problem.message
    assert problem.message.startswith("ignored")
    routed = walk(base | {"routing": {"strategy": "failover"}})
    assert [p.path for p in routed.ignored] == ["answers.routing"] and "routing" not in routed.kept
    assert "same model name" in routed.ignored[0].message
    assert walk(base | {"routing": {}, "features": None}).ignored == ()  # an empty answer loses nothing


def test_every_problem_of_the_answers_is_reported_at_once_each_naming_round_and_field() -> None:
    answers = {
        "enviroment": {"namespace": "ai"},
        "environment": {"namespace": "Bad_NS", "colour": "red"},
        "providers": {"providers": ["opneai"]},
        "features": {"feature": ["canary"], "features__canary": True},  # waits for details, but no such field
    }
    with pytest.raises(InputError) as caught:
        walk(answers)
    assert [p.path for p in caught.value.problems] == [
        "answers.enviroment",
        "answers.environment.namespace",
        "answers.environment.colour",
        "answers.providers.providers[0]",
        "answers.features.feature",
    ]


def test_answers_to_rounds_after_an_open_one_are_kept_and_checked_once_it_is_answered() -> None:
    scenario = SCENARIOS_DETAILS
    answers = {
        "environment": {},
        "providers": {"providers": ["openai"]},
        "details": scenario | {"openai__secret_env": "bad env!"},
        "features": {"features": ["token-limits"]},
    }
    state = walk(answers)
    assert state.waiting == {"features": {"features": ["token-limits"]}}
    assert list(state.kept) == ["environment", "providers", "details", "features"]
    details = next(item for item in state.open if item.id == "details")
    assert details.kept == {"openai__models": "gpt-5.4-mini"}  # the valid field of the answer with a problem
    assert state.kept["details"] == details.kept  # sent back too, never the field with the problem
    assert details.asked().model_fields["openai__models"].default == "gpt-5.4-mini"
    fixed = walk(state.kept | {"details": scenario})
    assert fixed.waiting == {} and fixed.answers["features"] == {"features": ["token-limits"]}
    assert [item.id for item in fixed.next_group()] == ["production"]
    bad_later = walk(state.kept | {"details": scenario, "features": {"features": ["teleport"]}})
    assert [p.path for p in bad_later.problems] == ["answers.features.features[0]"]


def test_a_pasted_key_is_refused_in_the_round_that_holds_it_and_never_echoed() -> None:
    key = "sk-proj-" + "A1b2C3d4" * 5
    state = walk(
        {"environment": {}, "providers": {"providers": ["openai"]}, "details": {"openai__secret_env": key}}
    )
    details = next(item for item in state.open if item.id == "details")
    assert details.problems and key not in details.message()
    assert details.problems[0].path == "answers.details.openai__secret_env"


def test_what_the_intake_model_refuses_is_named_by_the_answer_that_set_it() -> None:
    answers = {
        "environment": {},
        "providers": {"providers": ["openai"]},
        "details": {"openai__models": "bad model"},
    }
    details = next(item for item in walk(answers).open if item.id == "details")
    assert details.problems[0].path.startswith("answers.details.openai__models")


def test_jwt_without_an_issuer_reopens_the_production_round_keeping_the_prefill() -> None:
    answers = {"environment": {}, "details": {}, "production": {"jwt_issuer": ""}}
    state = walk(answers, SENTENCE)
    (production,) = state.open
    assert {p.path for p in production.problems} == {
        "answers.production.jwt_issuer",
        "answers.production.jwt_jwks_uri",
    }
    assert production.known["token_limit"] == 10000


def test_routing_is_asked_only_when_several_providers_serve_one_model() -> None:
    base = {"environment": {}, "providers": {"providers": ["openai", "anthropic"]}}
    apart = walk(base | {"details": {}})
    assert "routing" not in _ids(apart.open) and _ids(apart.next_group()) == ["features"]
    shared = walk(
        base
        | {"details": {"openai__models": "chat=gpt-4o-mini", "anthropic__models": "chat=claude-sonnet-4-5"}}
    )
    assert _ids(shared.next_group()) == ["routing"]


def test_skipping_an_optional_round_settles_it_and_the_intake_has_no_features() -> None:
    state = walk({"environment": {}, "providers": {"providers": ["openai"]}, "details": {}, "features": None})
    assert state.complete and state.answers["features"] is None
    assert "limits" not in to_intake(state.answers)


def test_choosing_no_feature_completes_without_the_production_round() -> None:
    state = walk({"environment": {}, "providers": {"providers": ["openai"]}, "details": {}, "features": {}})
    assert state.complete


def test_optional_rounds_are_never_asked_in_one_form_with_required_ones() -> None:
    state = walk({"environment": {"namespace": "x_x"}, "details": {}}, SENTENCE)
    assert _ids(state.next_group()) == ["environment"]


@pytest.mark.parametrize("multi_select", [True, False])
def test_form_schemas_carry_titles_defaults_and_constraints(multi_select: bool) -> None:
    form = walk().next_group()
    schema = form_schema(group_form(form), multi_select=multi_select)
    props = schema["properties"]
    assert props["namespace"]["pattern"] and props["namespace"]["default"] == "default"
    if multi_select:
        assert props["providers"]["type"] == "array"
        assert props["providers"]["default"] == ["openai", "anthropic"]
        assert {"const": "openai", "title": "OpenAI"} in props["providers"]["items"]["anyOf"]
    else:
        assert {p["type"] for p in props.values()} <= {"string", "boolean", "integer", "number"}
        assert props["providers"]["default"] == "openai, anthropic"


def test_primitive_answers_map_back_to_lists() -> None:
    features = ROUNDS[4].form({})
    booleans = form_schema(features, multi_select=False)["properties"]
    assert all(p["type"] == "boolean" for p in booleans.values())
    content = {name: name.endswith("observability") for name in booleans}
    assert answer_from_form(features, content) == {"features": ["observability"]}
    providers = ROUNDS[1].form({})
    assert answer_from_form(providers, {"providers": "openai, gemini"}) == {"providers": ["openai", "gemini"]}


def test_a_key_in_any_round_is_refused_even_where_its_form_would_accept_it() -> None:
    key = "9f86d081884c7d659a2feaa0c55ad015"  # 32 hex digits: also a valid RFC 1123 label
    state = walk({"environment": {"namespace": key}})
    environment = state.open[0]
    assert environment.problems[0].path == "answers.environment.namespace"
    assert "looks like" in environment.message() and key not in environment.message()
    assert "environment" not in state.answers


def test_the_round_catalog_lists_every_round_with_its_fields_for_the_answers_given() -> None:
    from orchestrator.intake.questions_text import round_catalog

    fresh = {entry["id"]: entry for entry in round_catalog()}
    assert list(fresh) == list(ROUND_IDS)
    assert [f["name"] for f in fresh["providers"]["fields"]] == ["providers"]
    assert fresh["details"]["fields"] == [] and fresh["details"]["needs"] == ["providers"]
    chosen = {entry["id"]: entry for entry in round_catalog({"providers": {"providers": ["aws-bedrock"]}})}
    assert chosen["providers"]["answered"] is True and chosen["providers"]["fields"][0]["name"] == "providers"
    assert "aws_bedrock__region" in [f["name"] for f in chosen["details"]["fields"]]
    assert chosen["features"]["optional"] is True and chosen["features"]["why"]


@pytest.mark.parametrize("waiting", [False, True], ids=["in-its-round", "waiting-for-an-earlier-round"])
def test_a_hex_digest_model_id_is_a_model_in_the_details_round_and_a_key_there_is_still_refused(
    waiting: bool,
) -> None:
    """The details round read every answer strictly, so a 32-hex model id was refused as an opaque token."""
    hex_id = "d41d8cd98f00b204e9800998ecf8427e"
    key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z" * 2
    start: dict[str, Any] = {} if waiting else {"environment": {}, "providers": {"providers": ["openai"]}}
    accepted = walk({**start, "details": {"openai__models": hex_id}})
    assert not any(p.path.startswith("answers.details") for o in accepted.open for p in o.problems)
    try:  # refused in the open round's problems, or (an answer still waiting) as an input error
        refused = walk({**start, "details": {"openai__models": key}})
        found = [p for o in refused.open for p in o.problems]
        kept = repr(refused.answers)
    except InputError as exc:
        found, kept = exc.problems, ""
    problems = [p for p in found if p.path == "answers.details.openai__models"]
    assert problems and "looks like" in problems[0].message
    assert key not in kept and key not in repr(problems)


# The QA example (qa2 D3): a bad gateway name and a bad key variable, with valid answers around them.
QA_ANSWERS = {
    "environment": {"namespace": "team-a", "gateway_name": "BAD GW"},
    "providers": {"providers": ["openai", "anthropic"]},
    "details": {
        "openai__models": "gpt-4o",
        "openai__secret_env": "not a var!",
        "anthropic__models": "claude-sonnet-4-5",
    },
}


def test_every_field_that_passes_its_checks_is_sent_back_while_another_field_of_its_round_is_fixed() -> None:
    state = walk(QA_ANSWERS)
    assert state.kept == {
        "environment": {"namespace": "team-a"},
        "providers": {"providers": ["openai", "anthropic"]},
        "details": {"openai__models": "gpt-4o", "anthropic__models": "claude-sonnet-4-5"},
    }
    assert [p.path for p in state.problems] == [
        "answers.environment.gateway_name",
        "answers.details.openai__secret_env",
    ]
    environment, details = state.next_group()
    assert environment.asked().model_fields["namespace"].default == "team-a"  # asked again, prefilled
    assert details.asked().model_fields["anthropic__models"].default == "claude-sonnet-4-5"


def test_a_field_its_round_no_longer_asks_is_ignored_with_why_and_never_blocks_the_round() -> None:
    answers = QA_ANSWERS | {
        "environment": {"namespace": "team-a"},
        "providers": {"providers": ["openai"]},
        "details": {"openai__models": "gpt-4o", "anthropic__models": "claude-sonnet-4-5"},
    }
    state = walk(answers)
    assert state.answers["details"]["openai__models"] == "gpt-4o"
    assert "details" not in [item.id for item in state.open]
    [ignored] = state.ignored
    assert ignored.path == "answers.details.anthropic__models" and ignored.message.startswith("ignored")
    assert "anthropic is not among the providers (openai)" in ignored.message
    bogus = walk(answers | {"details": {"openai__models": "gpt-4o", "colour": "red"}})
    assert [p.path for p in bogus.problems] == ["answers.details.colour"]  # no form has it: a problem


def test_without_refuse_an_unknown_round_and_a_waiting_answers_bad_fields_are_listed_and_never_kept() -> None:
    key = "sk-proj-" + "A1b2C3d4" * 5
    answers = {
        "enviroment": {"namespace": "ai"},
        "details": {"openai__models": "gpt-4o", "openai__secret_env": key, "colour": "red"},
    }
    state = walk(answers, refuse=False)
    assert [p.path for p in state.problems] == [
        "answers.enviroment",
        "answers.details.openai__secret_env",
        "answers.details.colour",
    ]
    assert not state.complete and state.kept == {"details": {"openai__models": "gpt-4o"}}
    assert key not in repr(state.kept) and key not in repr(state.problems)
    with pytest.raises(InputError):
        walk(answers)


def test_a_later_rounds_type_errors_are_reported_when_given_and_its_valid_fields_kept() -> None:
    answers = {
        "environment": {"namespace": "team-a"},
        "providers": {"providers": ["openai"]},
        "routing": {"strategy": "by-model"},
        "features": {"features": "token-limits"},  # text for a list of choices: read as one
        "production": {
            "token_limit": "lots",
            "token_limit_unit": "Fortnight",
            "token_limit_header": "x-user",
        },
    }
    with pytest.raises(InputError) as caught:
        walk(answers)
    assert [p.path for p in caught.value.problems] == [
        "answers.routing.strategy",
        "answers.production.token_limit",
        "answers.production.token_limit_unit",
    ]
    state = walk(answers, refuse=False)
    assert state.kept["features"] == {"features": "token-limits"}
    assert state.kept["production"] == {"token_limit_header": "x-user"}
    assert "routing" not in state.kept  # its one field was bad: asked in full when reached
    later = walk({"features": {"features": ["teleport"]}}, refuse=False)
    assert [p.path for p in later.problems] == ["answers.features.features[0]"]


def test_a_list_of_model_names_is_accepted_for_a_models_field_as_the_intake_yaml_writes_it() -> None:
    hex_id = "d41d8cd98f00b204e9800998ecf8427e"
    answers = {
        "environment": {},
        "providers": {"providers": ["openai"]},
        "details": {"openai__models": ["gpt-4o", hex_id]},
        "features": None,
    }
    state = walk(answers)
    assert state.complete and state.answers["details"]["openai__models"] == f"gpt-4o, {hex_id}"
    assert to_intake(state.answers)["providers"][0]["models"] == ["gpt-4o", hex_id]
    waiting = {"details": {"openai__models": ["gpt-4o"]}}  # before providers: kept as given, not refused
    assert walk(waiting).waiting == waiting
