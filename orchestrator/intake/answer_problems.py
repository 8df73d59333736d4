"""What is wrong with a set of answers beyond a round's own form: a round id that does not exist, a pasted key or a
field no form has in an answer that waits for an earlier round, an answer to a round the other answers do not ask.
The walker (orchestrator.intake.walker) reports them together with every round's own problems, in the order the
answers give them, so one look shows everything to fix."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from orchestrator.intake.form_schema import answer_from_form
from orchestrator.intake.rounds import ROUND_IDS, Answers, Round, chosen_features
from skills.errors import Problem


def unknown_round(key: str) -> Problem:
    """An answer under a round id that does not exist (a misspelt id), which would otherwise be dropped."""
    from skills.credentials import describe_credential
    from skills.errors import show_value

    where = "<key>" if describe_credential(key) else key  # a pasted key as a round id is never echoed
    return Problem(f"answers.{where}", "no such round", show_value(key), "one of: " + ", ".join(ROUND_IDS))


def in_file_order(given: Mapping[str, Any], by_round: Mapping[str, list[Problem]]) -> list[Problem]:
    """Every problem of the answers: per round in the order the answers give them, then any other round's."""
    order = [*given, *(rid for rid in ROUND_IDS if rid not in given)]
    return [p for key in order for p in by_round.get(key, [])]


def leaked(round_id: str, given: Mapping[str, Any], form: type[BaseModel] | None = None) -> list[Problem]:
    """The fields of an answer whose value looks like a credential: refused, so a key is never echoed back.

    With the round's ``form``, each field is read in the mode its type declares (a hex digest in a models field
    is a model id, not a key); without it (an answer waiting for an earlier round), ``<provider>__models``
    fields as model ids and every other field strictly."""
    from skills.credential_scan import scan_input
    from skills.credentials import REFUSAL_HINT, describe_credential

    if form is not None:
        found = scan_input(form, dict(given))
        return [
            Problem(f"answers.{round_id}.{path}", f"looks like {kind}. {REFUSAL_HINT}")
            for path, kind in found
        ]
    return [
        Problem(f"answers.{round_id}.{name}", f"looks like {kind}. {REFUSAL_HINT}")
        for name, value in given.items()
        for text in (value if isinstance(value, list) else [value])
        if isinstance(text, str)
        and (kind := describe_credential(text, "model" if name.endswith("__models") else "strict"))
    ]


def _widest_forms(r: Round, answers: Answers) -> list[type[BaseModel]]:
    """Every form `r` can have given `answers` (every provider and feature where those rounds are open or, with
    `answers` holding them, as answered; either routing strategy unless routing is answered)."""
    from orchestrator.intake.production import FEATURES
    from skills.providers import PRESETS

    widest = {"providers": {"providers": list(PRESETS)}, **answers, "features": {"features": list(FEATURES)}}
    strategies = (
        [answers["routing"]] if "routing" in answers else [{"strategy": s} for s in ("failover", "split")]
    )
    return [r.form({**widest, "routing": strategy}) for strategy in strategies]


def unknown_names(r: Round, given: Mapping[str, Any], answers: Answers) -> list[str]:
    """The fields of an answer that no form of its round has, whatever the open rounds are answered with."""
    forms = _widest_forms(r, answers)
    unknown = [{name for name in answer_from_form(f, given) if name not in f.model_fields} for f in forms]
    return [name for name in given if all(name in names for names in unknown)]


def unknown_fields(r: Round, given: Mapping[str, Any], answers: Answers) -> list[Problem]:
    """Fields of a waiting answer that no form of its round has, whatever the open rounds are answered with
    (every provider, every feature, either routing strategy): wrong now and later, so reported now."""
    from skills.credentials import describe_credential

    return [
        Problem(
            f"answers.{r.id}.{'<key>' if describe_credential(name) else name}",
            "no such field in this round",
            expected=f"a field of the {r.id} round, as its question lists them",
        )
        for name in unknown_names(r, given, answers)
    ]


def early_problems(r: Round, given: Mapping[str, Any], answers: Answers) -> list[Problem]:
    """The type, pattern and choice problems of a waiting answer's fields that every form its round can have
    refuses (a string for a number, "Fortnight" for a time unit, a feature no routing offers): checked when
    given, as a field whose form depends on an earlier answer is checked when its round is reached."""
    from pydantic import ValidationError, create_model

    from orchestrator.intake.forms import Form
    from skills.errors import from_validation_error

    forms = _widest_forms(r, answers)
    problems: list[Problem] = []
    for name, value in given.items():
        found: list[Problem] = []
        for form in forms:
            info = form.model_fields.get(name)
            if info is None:
                continue
            spec: dict[str, Any] = {name: (info.annotation, info)}
            one = create_model("FieldForm", __base__=Form, **spec)
            try:
                one.model_validate(answer_from_form(one, {name: value}))
            except ValidationError as exc:
                found = found or list(from_validation_error(exc, prefix=f"answers.{r.id}").problems)
                continue
            found = []
            break
        problems += found
    return problems


def moot_fields(
    r: Round, form: type[BaseModel], given: Mapping[str, Any], answers: Answers
) -> tuple[list[str], list[Problem]]:
    """The fields of a ready round's answer that its form for these answers does not ask but a form of the round
    does for other answers (anthropic__models once anthropic is no longer among the providers): left out and
    reported as ignored, with why, so they never block the round. Returns their names and the reports."""
    from orchestrator.intake.rounds import chosen_providers
    from skills.providers import PRESETS

    data = answer_from_form(form, given)
    extra = [name for name in data if name not in form.model_fields]
    if not extra:
        return [], []
    earlier = {rid: v for rid, v in answers.items() if rid not in (*r.needs, "routing", "features")}
    wider = set().union(*(f.model_fields for f in _widest_forms(r, earlier)))
    providers = chosen_providers(answers)
    names: list[str] = []
    reports: list[Problem] = []
    for name in extra:
        if name not in wider:
            continue  # no form of the round has it: the form's own check reports it as not a field
        owner = next((pid for pid in PRESETS if name.startswith(pid.replace("-", "_") + "__")), None)
        if owner is not None and owner not in providers:
            why = f"{owner} is not among the providers ({', '.join(providers) or 'none'})"
        elif r.id == "production":
            why = f"its feature is not chosen (features: {', '.join(chosen_features(answers)) or 'none'})"
        else:
            why = "the other answers do not ask it"
        names.append(name)
        reports.append(
            Problem(
                f"answers.{r.id}.{name}",
                f"ignored, not asked with the other answers: {why}; its answer is left out",
                expected=f"the answers that ask it, or no {name} answer",
            )
        )
    return names, reports


def unasked(r: Round, answers: Answers) -> Problem:
    """Why an answered round is not asked with the other answers, and what to change."""
    note = ""
    if r.id == "production":
        note = f" (features: {', '.join(chosen_features(answers)) or 'none'})"
    return Problem(
        f"answers.{r.id}",
        f"ignored, not asked with the other answers: {r.why}{note}; its answer is left out",
        expected=f"the answers that ask it, or no {r.id} answer",
    )
