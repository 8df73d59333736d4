"""The one walker over the intake rounds: which rounds are open for a partial intake, and whether an answer holds.

Pure functions over data (no MCP context, no terminal, no printing): every front door calls `walk` with the answers
it has collected (`{round id: {field: value}}`, an optional round skipped as `None`) and the prefill (values the
caller already knows, `{round id: {field: value}}`), asks the rounds of `Walk.next_group()`, and calls `walk` again
with the new answers. Each round's answer is validated when it is given: first by its form (types, patterns,
bounds, choices), then by the build's own composition (the intake model and every atomic skill's input rules) on
everything answered so far, so a bad namespace, an empty JWT issuer, an Azure client ID missing for
AzureCredentials or a pasted key is reported in the round that holds it, with earlier answers kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import copy
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError, create_model
from pydantic.fields import FieldInfo

from orchestrator.intake.answer_problems import (
    early_problems,
    in_file_order,
    leaked,
    moot_fields,
    unasked,
    unknown_fields,
    unknown_names,
    unknown_round,
)
from orchestrator.intake.build_check import intake_problems, settled
from orchestrator.intake.form_schema import answer_from_form
from orchestrator.intake.forms import Form
from orchestrator.intake.rounds import (
    BY_ID,
    ROUND_IDS,
    ROUNDS,
    Answers,
    Round,
)
from skills.errors import InputError, Problem, from_validation_error

MAX_GROUP_FIELDS = 12  # rounds asked together in one form stay below this many fields


@dataclass(frozen=True)
class OpenRound:
    """A round still to be answered. `form` is None while it depends on an unanswered round. `kept`: the fields of
    an answer with problems that passed the form's checks, asked again with those values as defaults."""

    round: Round
    form: type[Form] | None
    known: dict[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    kept: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.round.id

    @property
    def ready(self) -> bool:
        return self.form is not None

    def asked(self) -> type[Form]:
        """The form without the fields already known from the prefill (only what is unknown is asked), the
        fields kept from an earlier answer defaulting to their value (the person's answer, not asked for again)."""
        assert self.form is not None, f"round {self.id} is not ready"
        if not self.known and not self.kept:
            return self.form
        skip = set(self.known) | self.round.hides(self.known)
        fields: dict[str, Any] = {
            name: (info.annotation, _defaulting(info, self.kept[name]) if name in self.kept else info)
            for name, info in self.form.model_fields.items()
            if name not in skip
        }
        return create_model(self.form.__name__, __base__=Form, __doc__=self.form.__doc__, **fields)

    def message(self) -> str:
        """The round's message, with the problems of an earlier answer when it is asked again."""
        if not self.problems:
            return self.round.message
        prefix = f"answers.{self.id}."
        fixes = "; ".join(replace(p, path=p.path.removeprefix(prefix)).render() for p in self.problems)
        return f"{self.round.message}. Please correct: {fixes}"


def _defaulting(info: FieldInfo, value: Any) -> FieldInfo:
    out = copy(info)
    out.default, out.default_factory = value, None
    return out


@dataclass(frozen=True)
class Walk:
    """Where a partial intake stands: the validated answers and the rounds still open, in asking order."""

    answers: dict[str, dict[str, Any] | None]
    open: tuple[OpenRound, ...]
    waiting: dict[str, Any] = field(default_factory=dict)
    ignored: tuple[Problem, ...] = ()
    refused: tuple[Problem, ...] = ()  # with walk(refuse=False): problems of answers no open round asks now

    @property
    def complete(self) -> bool:
        return not self.open and not self.refused

    @property
    def kept(self) -> dict[str, Any]:
        """Every answer to send back, in round order: the validated ones, the fields of an answer with problems
        that passed their checks (the round is asked again for the rest), and the answers `waiting` for an
        earlier open round (checked when their round is reached; a pasted key or a field no form of the round
        has is never among them)."""
        partial = {r.id: dict(r.kept) for r in self.open if r.problems and r.kept}
        merged = {**partial, **self.waiting, **self.answers}
        return {rid: merged[rid] for rid in ROUND_IDS if rid in merged}

    order: tuple[str, ...] = ()  # the round ids in the order the answers give them

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem of the answers, per round in the order the answers give them."""
        by_round: dict[str, list[Problem]] = {}
        for p in (*self.refused, *(p for r in self.open for p in r.problems)):
            head = p.path.split(" ", 1)[0]
            by_round.setdefault(head.split(".")[1] if "." in head else head, []).append(p)
        ordered = in_file_order(dict.fromkeys(self.order), by_round)
        return (
            *ordered,
            *(p for key in by_round if key not in (*self.order, *ROUND_IDS) for p in by_round[key]),
        )

    def next_group(self, max_fields: int = MAX_GROUP_FIELDS) -> tuple[OpenRound, ...]:
        """The next rounds to ask, as one form: the first open round, plus the ready rounds right after it
        while their fields fit `max_fields` and they are as optional as the first (so Esc on an optional
        form never skips a required round). Empty when the intake is complete."""
        group: list[OpenRound] = []
        size = 0
        for item in self.open:
            if not item.ready:
                break
            width = len(item.asked().model_fields)
            if group and (item.round.optional != group[0].round.optional or size + width > max_fields):
                break
            group.append(item)
            size += width
        return tuple(group)


def group_form(group: tuple[OpenRound, ...]) -> type[Form]:
    """One flat form holding the asked fields of every round in `group` (field names never repeat)."""
    if len(group) == 1:
        return group[0].asked()
    fields: dict[str, Any] = {}
    for item in group:
        for name, info in item.asked().model_fields.items():
            assert name not in fields, f"field {name} appears in two rounds"
            fields[name] = (info.annotation, info)
    doc = " / ".join(item.round.title for item in group)
    return create_model("GroupForm", __base__=Form, __doc__=doc, **fields)


def group_message(group: tuple[OpenRound, ...]) -> str:
    return " Also: ".join(item.message() for item in group)


def split_answer(group: tuple[OpenRound, ...], content: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """A group form's answer, split back into the answer of each round (keys the form did not ask are dropped:
    a form answer covers only its own fields)."""
    out: dict[str, dict[str, Any]] = {item.id: {} for item in group}
    for key, value in content.items():
        owner = next((item.id for item in group if key in item.asked().model_fields), None)
        if owner is not None:
            out[owner][key] = value
    return out


def walk(
    given: Mapping[str, Any] | None = None,
    prefill: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    refuse: bool = True,
) -> Walk:
    """The open rounds for a partial intake.

    `given`: answers so far by round id (raw: each is validated here, in order; `None` skips an optional round).
    `prefill`: values the caller already knows by round id; a round whose every field is known is answered from
    them, otherwise only its unknown fields are asked. Every round whose dependencies are settled is checked, so
    a bad answer in one round never hides the problems of another: each bad answer or prefilled value leaves its
    round open with its problems (the fields that passed their checks kept, the others asked again). An answer
    to a round that waits for an open one is kept in `Walk.waiting` (sent back with the answers, checked once
    that round is reached); an answer to a round the other answers do not ask (routing with no shared model,
    production with no feature), or a field its round no longer asks (anthropic__models once anthropic is not
    among the providers), is left out and listed in `Walk.ignored` with why. A round id that does not exist
    (e.g. a misspelt id), a pasted key or a field no form has in a waiting answer: with `refuse` (the default)
    an InputError with every problem of the answers, rather than losing that answer; without it, listed in
    `Walk.refused` (the waiting answer kept without those fields), so a caller can answer with data.
    """
    given = dict(given or {})
    found = {key: [unknown_round(key)] for key in given if key not in BY_ID}  # else dropped, with its answers
    known_values: dict[str, dict[str, Any]] = {k: dict(v) for k, v in (prefill or {}).items()}
    answers: dict[str, dict[str, Any] | None] = {}
    open_: list[OpenRound] = []
    waiting: dict[str, Any] = {}
    ignored: list[Problem] = []
    for r in ROUNDS:
        if not all(settled(n, answers) for n in r.needs):
            open_.append(OpenRound(r, None, known=known_values.get(r.id, {})))
            if r.id in given:  # checked once the rounds it depends on hold, kept (never dropped) meanwhile
                raw = given[r.id] or {}  # but a pasted key or a field no form of it has is refused now
                found[r.id] = leaked(r.id, raw) + unknown_fields(r, raw, answers)
                bad = {_field_of(p.path) for p in found[r.id]} | set(unknown_names(r, raw, answers))
                found[r.id] += early_problems(r, {k: v for k, v in raw.items() if k not in bad}, answers)
                bad |= {_field_of(p.path) for p in found[r.id]}
                kept = {k: v for k, v in raw.items() if k not in bad}
                if given[r.id] is None or kept or not raw:  # every field bad: asked in full when reached
                    waiting[r.id] = None if given[r.id] is None else kept
            continue
        if not r.when(answers):
            if given.get(r.id):  # left out of the intake, so said (e.g. routing once no model is shared)
                ignored.append(unasked(r, answers))
            continue
        form = r.form(answers)
        known = {k: v for k, v in known_values.get(r.id, {}).items() if k in form.model_fields}
        if r.id in given and given[r.id] is None and r.optional:
            answers[r.id] = None
            continue
        to_ask = set(form.model_fields) - set(known) - r.hides(known)
        if r.id in given or (known and not to_ask):  # nothing left to ask: answered from the prefill
            moot, reports = moot_fields(r, form, given.get(r.id) or {}, answers)
            ignored += reports  # fields this round no longer asks: said, and they never block it
            mine = {k: v for k, v in (given.get(r.id) or {}).items() if k not in moot}
            try:
                answers[r.id] = answer_round(answers, r.id, mine, known)
                continue
            except InputError as exc:
                bad = {_field_of(p.path) for p in exc.problems}
                known = {k: v for k, v in known.items() if k not in bad}
                kept = {
                    k: v
                    for k, v in answer_from_form(form, mine).items()
                    if k in form.model_fields and k not in bad and k not in known
                }
                open_.append(OpenRound(r, form, known, exc.problems, kept))
                continue
        open_.append(OpenRound(r, form, known))
    if any(found.values()) and refuse:  # an answer that would be dropped: refused with every other problem
        for item in open_:
            found.setdefault(item.id, []).extend(item.problems)
        raise InputError(in_file_order(given, found))
    refused = in_file_order(given, found)
    return Walk(
        answers=answers,
        open=tuple(open_),
        waiting=waiting,
        ignored=tuple(ignored),
        refused=tuple(refused),
        order=tuple(given),
    )


def _field_of(path: str) -> str:
    """`answers.<round>.<field> (...)` → field."""
    head = path.split(" ", 1)[0]
    parts = head.split(".")
    return parts[2].split("[", 1)[0] if len(parts) > 2 and parts[0] == "answers" else head


def answer_round(
    answers: Answers, round_id: str, given: Mapping[str, Any], known: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Validate one round's answer given the earlier answers; returns the values (defaults filled in).

    Raises InputError whose problem paths are `answers.<round>.<field>` for the form's own checks (types,
    patterns, choices) and for what the build refuses on everything answered so far (`intake_problems`).
    """
    r = BY_ID[round_id]
    form = r.form(answers)
    data = answer_from_form(form, {**(known or {}), **dict(given)})
    pasted_keys = leaked(round_id, data, form)
    pasted = {_field_of(p.path) for p in pasted_keys}
    rest = {k: v for k, v in data.items() if k not in pasted}
    try:  # a pasted key and the other fields' problems are reported together
        values = form.model_validate(rest).model_dump(mode="json")
    except ValidationError as exc:
        found = from_validation_error(exc, prefix=f"answers.{round_id}").problems
        raise InputError([*pasted_keys, *(p for p in found if _field_of(p.path) not in pasted)]) from None
    if pasted_keys:
        raise InputError(pasted_keys)
    problems = intake_problems({**answers, round_id: values}, round_id)
    if problems:
        raise InputError(problems)
    return values
