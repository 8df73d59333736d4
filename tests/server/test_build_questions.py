"""`aigw-skills build --questions` and `--answers FILE`: an agent without a terminal runs the intake round by
round from JSON (the same walker as the MCP forms) and builds once every round that applies is answered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.server.test_build_cli import GOLDEN, run
from tests.server.test_orchestrate_tool import SCENARIOS


def questions(tmp_path: Path, answers: dict[str, Any] | None = None) -> dict[str, Any]:
    args = ["build", "--questions"]
    if answers is not None:
        (tmp_path / "answers.json").write_text(json.dumps(answers))
        args += ["--answers", str(tmp_path / "answers.json")]
    done = run(*args)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_questions_print_the_first_rounds_with_fields_choices_and_defaults(tmp_path):
    data = questions(tmp_path)
    assert data["complete"] is False and data["answers"] == {}
    assert data["next"]["rounds"] == ["environment", "providers"]
    fields = {f["name"]: f for f in data["next"]["fields"]}
    assert fields["namespace"]["default"] == "default" and "RFC 1123" in fields["namespace"]["type"]
    assert {"value": "anthropic", "title": "Anthropic"} in fields["providers"]["choices"]
    assert "--questions --answers answers.json" in data["command"]


def test_an_agent_answers_round_by_round_and_builds_the_golden_bundle(tmp_path, shared_crds):
    scenario = SCENARIOS["openai-anthropic"]
    answers: dict[str, Any] = {}
    for _ in range(5):
        data = questions(tmp_path, answers)
        if data["complete"]:
            break
        for round_id in data["next"]["rounds"]:
            answers[round_id] = scenario.get(round_id, data["next"]["example_answers"][round_id])
    assert data["complete"] is True and list(answers) == ["environment", "providers", "details", "features"]
    out = tmp_path / "bundle"
    done = run(
        "build", "--answers", str(tmp_path / "answers.json"), "-o", str(out), "--crds", str(shared_crds)
    )
    assert done.returncode == 0, done.stderr
    expected = (GOLDEN / "openai-anthropic" / "manifests.yaml").read_text()
    assert (out / "manifests.yaml").read_text() == expected


def test_a_bad_answer_comes_back_in_its_round_with_the_problem(tmp_path):
    data = questions(
        tmp_path, {"environment": {"namespace": "Bad_NS"}, "providers": {"providers": ["openai"]}}
    )
    assert data["next"]["rounds"] == ["environment", "details"]
    assert data["next"]["problems"][0]["path"] == "answers.environment.namespace"
    assert data["answers"] == {"providers": {"providers": ["openai"]}}


def test_building_from_incomplete_answers_exits_1_with_the_next_question_and_writes_nothing(tmp_path):
    (tmp_path / "answers.json").write_text(json.dumps({"providers": {"providers": ["openai"]}}))
    done = run("build", "--answers", str(tmp_path / "answers.json"), "-o", str(tmp_path / "out"))
    assert done.returncode == 1 and "does not answer every question yet; nothing written" in done.stderr
    assert json.loads(done.stdout)["next"]["rounds"] == ["environment", "details"]
    assert not (tmp_path / "out").exists()


def test_answers_that_are_not_a_mapping_of_rounds_are_refused_with_the_shape(tmp_path):
    (tmp_path / "answers.json").write_text('["openai"]')
    done = run("build", "--questions", "--answers", str(tmp_path / "answers.json"))
    assert done.returncode == 2 and "mapping of round id" in done.stderr and "Traceback" not in done.stderr


def test_questions_with_an_intake_file_is_a_usage_error(tmp_path):
    done = run("build", "--questions", "--example", "openai-anthropic")
    assert done.returncode == 2 and "--questions walks the intake questions" in done.stderr


def test_answers_under_a_misspelt_round_id_come_back_as_json_problems_and_never_build_with_defaults(tmp_path):
    answers = {
        "enviroment": {"namespace": "ai"},
        "providers": {"providers": ["openai"]},
        "details": {},
        "features": None,
    }
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    for extra, code in ((["--questions"], 0), (["-o", str(tmp_path / "bundle")], 1)):
        done = run("build", "--answers", str(tmp_path / "answers.json"), *extra)
        assert done.returncode == code and "Traceback" not in done.stderr
        data = json.loads(done.stdout)
        assert data["complete"] is False and "enviroment" not in data["answers"]
        [problem] = data["problems"]
        assert problem["path"] == "answers.enviroment" and problem["message"] == "no such round"
        assert "environment, providers" in problem["expected"]
        assert data["answers"]["providers"] == {"providers": ["openai"]}
    assert "has 1 problem(s); nothing written" in done.stderr
    assert not (tmp_path / "bundle").exists()


def test_an_unknown_round_a_bad_namespace_and_a_bad_provider_are_reported_together(tmp_path):
    answers = {
        "enviroment": {"namespace": "ai"},
        "environment": {"namespace": "Bad_NS"},
        "providers": {"providers": ["opneai"]},
    }
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    for extra, code in ((["--questions"], 0), (["-o", str(tmp_path / "bundle")], 1)):
        done = run("build", "--answers", str(tmp_path / "answers.json"), *extra)
        assert done.returncode == code and "Traceback" not in done.stderr
        problems = json.loads(done.stdout)["problems"]
        assert [p["path"] for p in problems] == [
            "answers.enviroment",
            "answers.environment.namespace",
            "answers.providers.providers[0]",
        ]
        assert problems[1]["value"] == "'Bad_NS'" and problems[2]["value"] == "'opneai'"
    assert not (tmp_path / "bundle").exists()


def test_questions_with_an_output_directory_is_a_usage_error_saying_it_builds_nothing(tmp_path):
    (tmp_path / "answers.json").write_text(json.dumps(SCENARIOS["openai-anthropic"]))
    out = tmp_path / "bundle"
    done = run("build", "--questions", "--answers", str(tmp_path / "answers.json"), "-o", str(out))
    assert done.returncode == 2 and "builds nothing" in done.stderr and not out.exists()


def test_a_valid_features_answer_is_kept_while_details_is_invalid_and_not_asked_again(tmp_path, shared_crds):
    details = SCENARIOS["openai-anthropic"]["details"]
    answers = {
        "environment": {},
        "providers": {"providers": ["openai", "anthropic"]},
        "details": details | {"anthropic__secret_env": "not a variable!"},
        "features": {"features": ["token-limits"]},
    }
    data = questions(tmp_path, answers)
    assert data["next"]["rounds"] == ["details"]
    assert [p["path"] for p in data["next"]["problems"]] == ["answers.details.anthropic__secret_env"]
    assert data["answers"]["features"] == {"features": ["token-limits"]}  # echoed back, to send unchanged
    kept = {f["name"]: f.get("answered") for f in data["next"]["fields"]}
    assert kept["openai__models"] == "gpt-5.4-mini" and kept["anthropic__secret_env"] is None
    fixed = data["answers"] | {"details": details}  # the agent corrects details only
    data = questions(tmp_path, fixed)
    assert data["next"]["rounds"] == ["production"]  # features is not asked again
    assert data["answers"]["features"] == {"features": ["token-limits"]}
    fixed["production"] = data["next"]["example_answers"]["production"]
    (tmp_path / "answers.json").write_text(json.dumps(fixed))
    out = tmp_path / "bundle"
    done = run(
        "build", "--answers", str(tmp_path / "answers.json"), "-o", str(out), "--crds", str(shared_crds)
    )
    assert done.returncode == 0, done.stderr
    assert "kind: BackendTrafficPolicy" in (out / "manifests.yaml").read_text()


def test_an_answer_to_a_round_that_no_longer_applies_is_built_without_and_reported_as_ignored(
    tmp_path, shared_crds
):
    answers = dict(SCENARIOS["openai-anthropic"]) | {"features": None, "routing": {"strategy": "weighted"}}
    data = questions(tmp_path, answers)
    assert data["complete"] is True and "routing" not in data["answers"]
    [ignored] = data["ignored"]
    assert ignored["path"] == "answers.routing" and ignored["message"].startswith("ignored")
    done = run(
        "build",
        "--answers",
        str(tmp_path / "answers.json"),
        "-o",
        str(tmp_path / "b"),
        "--crds",
        str(shared_crds),
    )
    assert done.returncode == 0, done.stderr
    assert "Ignored: answers.routing: ignored, not asked with the other answers" in done.stderr


QA_ANSWERS = {  # qa2 D3: a bad gateway name and key variable among valid answers
    "environment": {"namespace": "team-a", "gateway_name": "BAD GW"},
    "providers": {"providers": ["openai", "anthropic"]},
    "details": {
        "openai__models": "gpt-4o",
        "openai__secret_env": "not a var!",
        "anthropic__models": "claude-sonnet-4-5",
    },
}


def test_answers_with_problems_send_back_every_valid_field_and_ask_the_rest_prefilled(tmp_path):
    data = questions(tmp_path, QA_ANSWERS)
    assert data["answers"] == {
        "environment": {"namespace": "team-a"},
        "providers": {"providers": ["openai", "anthropic"]},
        "details": {"openai__models": "gpt-4o", "anthropic__models": "claude-sonnet-4-5"},
    }
    assert [p["path"] for p in data["problems"]] == [
        "answers.environment.gateway_name",
        "answers.details.openai__secret_env",
    ]
    answered = {f["name"]: f.get("answered") for f in data["next"]["fields"]}
    assert answered["namespace"] == "team-a" and answered["anthropic__models"] == "claude-sonnet-4-5"
    assert answered["gateway_name"] is None and answered["openai__secret_env"] is None


def test_a_leftover_field_of_a_dropped_provider_is_ignored_and_the_round_is_answered(tmp_path):
    answers = QA_ANSWERS | {
        "environment": {"namespace": "team-a"},
        "providers": {"providers": ["openai"]},
        "details": {"openai__models": "gpt-4o", "anthropic__models": "claude-sonnet-4-5"},
    }
    data = questions(tmp_path, answers)
    assert data["answers"]["details"]["openai__models"] == "gpt-4o" and data["problems"] == []
    assert data["next"]["rounds"] == ["features"]
    [ignored] = data["ignored"]
    assert ignored["path"] == "answers.details.anthropic__models"
    assert "anthropic is not among the providers (openai)" in ignored["message"]


def test_type_errors_in_later_rounds_come_back_as_json_problems_and_a_build_exits_1(tmp_path):
    answers = {
        "environment": {"namespace": "team-a"},
        "providers": {"providers": ["openai"]},
        "features": {"features": "token-limits"},
        "production": {"token_limit": "lots", "token_limit_unit": "Fortnight"},
    }
    data = questions(tmp_path, answers)
    assert data["complete"] is False and data["next"]["rounds"] == ["details"]
    assert [(p["path"], p["value"]) for p in data["problems"]] == [
        ("answers.production.token_limit", "'lots'"),
        ("answers.production.token_limit_unit", "'Fortnight'"),
    ]
    assert "production" not in data["answers"] and data["answers"]["features"] == answers["features"]
    out = tmp_path / "bundle"
    done = run("build", "--answers", str(tmp_path / "answers.json"), "-o", str(out))
    assert done.returncode == 1 and "has 2 problem(s); nothing written" in done.stderr
    assert json.loads(done.stdout)["problems"] == data["problems"] and not out.exists()


def test_a_list_of_model_names_builds_as_the_intake_yaml_writes_it(tmp_path, shared_crds):
    answers = dict(SCENARIOS["openai-anthropic"]) | {
        "details": SCENARIOS["openai-anthropic"]["details"] | {"openai__models": ["gpt-5.4-mini", "gpt-4o"]},
        "features": None,
    }
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    out = tmp_path / "bundle"
    done = run(
        "build", "--answers", str(tmp_path / "answers.json"), "-o", str(out), "--crds", str(shared_crds)
    )
    assert done.returncode == 0, done.stderr
    assert "gpt-4o" in (out / "manifests.yaml").read_text()
