"""The intake rounds, declared once: what each asks (its form), the message, and when it is asked.

How to read them (for every front door: MCP forms, the needs-input reply, the terminal, `build --questions`, the
skill pack's agent-led script):

- `ROUNDS` lists the rounds in asking order. Each `Round` has an `id` (the key of its answer in `answers`), a
  `message` (what to ask), `form(answers)` (a flat pydantic model of the fields, built from the answers so far:
  the details round has one block of fields per chosen provider), `needs` (the rounds `form` and `when` read,
  so a round is *ready* once those are settled), `when(answers)` (whether it is asked at all) and `optional`
  (declining or cancelling it skips that round only); `hides(known)` names fields that are moot once the
  prefilled values are known (JWT fields when client auth is apikey).
- `orchestrator.intake.walker.walk(answers, prefill)` is the one function that gives the open rounds for a
  partial intake; `walker.answer_round` validates one round's answer; `build_check.to_intake` turns the answers into
  intake data. Answers are `{round id: {field: value}}`; an optional round that was skipped is `None`.
- `orchestrator.intake.questions_text.round_catalog(answers)` lists every round with its fields as data (for a
  document that walks through the whole intake); `open_questions(walk(...))` gives just the next question.
- Every field's type, default, allowed values (with titles), pattern and bounds live on the form model; read
  them with `orchestrator.intake.form_schema.form_schema(form)` (JSON Schema) rather than re-stating them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from orchestrator.intake.forms import Form
from orchestrator.intake.production import features_form, production_form
from orchestrator.intake.questions import (
    EnvironmentForm,
    ProvidersForm,
    details_form,
    routing_form,
    shared_models,
)

Answers = Mapping[str, Mapping[str, Any] | None]


def _always(answers: Answers) -> bool:
    return True


def chosen_providers(answers: Answers) -> list[str]:
    """The providers answered so far (empty before the providers round)."""
    return list((answers.get("providers") or {}).get("providers") or [])


def routing_strategy(answers: Answers) -> str | None:
    """The strategy chosen in the routing round, None when that round was not asked."""
    return (answers.get("routing") or {}).get("strategy")


def chosen_features(answers: Answers) -> list[str]:
    return list((answers.get("features") or {}).get("features") or [])


def _nothing_hidden(known: Mapping[str, Any]) -> set[str]:
    return set()


def _other_client_auth(known: Mapping[str, Any]) -> set[str]:
    """With the client auth kind already known, the other kind's fields are not asked."""
    kind = known.get("client_auth")
    prefix = {"jwt": "apikey_", "apikey": "jwt_"}.get(str(kind))
    from orchestrator.intake.production import production_form

    fields = production_form(["client-auth"]).model_fields
    return {name for name in fields if prefix and name.startswith(prefix)}


@dataclass(frozen=True)
class Round:
    """One intake round: a flat form asked in one go."""

    id: str
    title: str
    message: str
    form: Callable[[Answers], type[Form]]
    needs: tuple[str, ...] = ()
    when: Callable[[Answers], bool] = field(default=_always)
    optional: bool = False
    why: str = ""
    hides: Callable[[Mapping[str, Any]], set[str]] = field(default=_nothing_hidden)  # fields moot given known


ROUNDS: tuple[Round, ...] = (
    Round(
        id="environment",
        title="Environment",
        message="Where should Envoy AI Gateway go? (namespace, Gateway, what is installed already)",
        form=lambda answers: EnvironmentForm,
        why="Every object lands in one namespace and attaches to one Gateway",
    ),
    Round(
        id="providers",
        title="Providers",
        message="Which model providers should the gateway connect to?",
        form=lambda answers: ProvidersForm,
        why="Each provider becomes a backend with its own credentials",
    ),
    Round(
        id="details",
        title="Models and credentials",
        message="Models and credentials for each provider (keys stay in environment variables or files)",
        form=lambda answers: details_form(chosen_providers(answers)),
        needs=("providers",),
        why="Requests are routed by model name; keys are read at apply time, never stored",
    ),
    Round(
        id="routing",
        title="Routing",
        message="Some models are served by several providers: fail over in order, or split traffic by weight?",
        form=lambda answers: routing_form(chosen_providers(answers)),
        needs=("providers", "details"),
        when=lambda answers: bool(
            shared_models(chosen_providers(answers), dict(answers.get("details") or {}))
        ),
        why="Asked only when more than one provider serves the same model name",
    ),
    Round(
        id="features",
        title="Production features",
        message="Optional production features: token limits, canary, health checks, client auth, observability "
        "(choose none to skip)",
        form=lambda answers: features_form(routing_strategy(answers)),
        needs=("routing",),
        optional=True,
        why="None by default; each adds objects to the bundle",
    ),
    Round(
        id="production",
        title="Production feature details",
        message="Details of the production features you chose (keys stay in environment variables)",
        form=lambda answers: production_form(chosen_features(answers), chosen_providers(answers)),
        needs=("providers", "features"),
        when=lambda answers: bool(chosen_features(answers)),
        optional=True,
        why="Only the fields of the features chosen",
        hides=_other_client_auth,
    ),
)

ROUND_IDS: tuple[str, ...] = tuple(r.id for r in ROUNDS)
BY_ID: dict[str, Round] = {r.id: r for r in ROUNDS}
