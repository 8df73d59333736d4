"""What a caller already knows, as typed optional arguments: the orchestrator's input model.

The prefill fields are the rounds' own form fields (same types, defaults left out, descriptions shortened to
their trailing examples), so a model maps "OpenAI and Anthropic, JWT auth, 10k tokens per user per hour" onto
`providers`, `features`, `token_limit`, `token_limit_unit`, `token_limit_header` and `client_auth`, and the walker
asks only what is still unknown. `models` is the one argument that is not a form field: per provider, the model
names clients send (the details round's `<provider>__models`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

from pydantic import Field, create_model

from orchestrator.intake.production import FEATURES, Feature, production_form
from orchestrator.intake.questions import EnvironmentForm, answer_key, routing_form
from skills.errors import Problem
from skills.model import InputModel
from skills.providers import ProviderId
from skills.types import ModelName

# Round of each prefill argument taken from a form (models is mapped by hand: it fans out per provider).
_ROUTING_FIELDS = ("strategy", "request_timeout")


def _short(text: str | None) -> str | None:
    """A field description without its trailing example, so the tool schema stays small."""
    if not text:
        return text
    return text.split(" (e.g.")[0]


def _optional(form: Any, names: Any = None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, info in form.model_fields.items():
        if names is not None and name not in names:
            continue
        annotation: Any = info.annotation
        if info.metadata:  # keeps patterns and bounds
            annotation = Annotated.__class_getitem__((annotation, *info.metadata))  # type: ignore[attr-defined]
        fields[name] = (annotation | None, Field(None, description=_short(info.description)))
    return fields


@cache
def prefill_fields() -> dict[str, tuple[str, dict[str, Any]]]:
    """Prefill argument name -> (round id, pydantic field definition)."""
    out: dict[str, tuple[str, Any]] = {}
    for name, spec in _optional(EnvironmentForm).items():
        out[name] = ("environment", spec)
    out["providers"] = (
        "providers",
        (
            list[ProviderId] | None,
            Field(None, min_length=1, description="Provider ids to connect, e.g. [openai, anthropic]"),
        ),
    )
    out["models"] = (
        "details",
        (
            dict[ProviderId, Annotated[list[ModelName], Field(min_length=1)]] | None,
            Field(None, description='Model names clients send, per provider: {"openai": ["gpt-4o-mini"]}'),
        ),
    )
    for name, spec in _optional(routing_form([]), _ROUTING_FIELDS).items():
        out[name] = ("routing", spec)
    out["features"] = (
        "features",
        (list[Feature] | None, Field(None, description="Production features wanted: " + ", ".join(FEATURES))),
    )
    for name, spec in _optional(production_form(list(FEATURES))).items():
        out[name] = ("production", spec)
    return out


class _OrchestrateBase(InputModel):
    """The answers are free-form by round: each field's value is read as the forms read it, so a hex digest in
    a ``<provider>__models`` answer is a model id and every other answer is read strictly."""

    @classmethod
    def credential_findings(cls, data: Any) -> list[tuple[str, str]]:
        from skills.credentials import Mode, find_credentials

        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            return super().credential_findings(data)
        found = super().credential_findings({k: v for k, v in data.items() if k != "answers"})
        for round_id, given in data["answers"].items():
            if not isinstance(given, dict):
                found += find_credentials({round_id: given}, "strict", "answers")
                continue
            found += find_credentials({round_id: {}}, "strict", "answers")  # a key pasted as a round id
            where = "answers.<key>" if found and found[-1][0] == "answers.<key>" else f"answers.{round_id}"
            for name, value in given.items():
                mode: Mode = "model" if str(name).endswith("__models") else "strict"
                found += find_credentials({name: value}, mode, where)
        return found


@cache
def orchestrate_input() -> type[InputModel]:
    """The aigw_orchestrate input model: the prefill arguments plus answers, intake and output_dir."""
    fields: dict[str, Any] = {name: spec for name, (_, spec) in prefill_fields().items()}
    fields |= {
        "answers": (
            dict[str, dict[str, Any] | None] | None,
            Field(
                None,
                description="Answers from earlier needs_input results, by round id (null skips an optional "
                "round); resend them all",
            ),
        ),
        "intake": (
            dict[str, Any] | None,
            Field(None, description="A complete intake (as `aigw-skills init` writes): no question is asked"),
        ),
        "output_dir": (
            str | None,
            Field(
                None,
                description="Write the bundle here (relative: to the client's first root) instead of returning it",
            ),
        ),
        "force": (bool, Field(False, description="Replace a previous bundle in output_dir")),
    }
    return create_model(
        "OrchestrateInput",
        __base__=_OrchestrateBase,
        __doc__="What the user already said (every field optional) and how to return the bundle.",
        **fields,
    )


def prefill_rounds(arguments: Any) -> dict[str, dict[str, Any]]:
    """The prefill arguments that were given, as `{round id: {field: value}}` for the walker."""
    out: dict[str, dict[str, Any]] = {}
    for name, (round_id, _) in prefill_fields().items():
        value = getattr(arguments, name, None)
        if value is None:
            continue
        if name == "models":
            for provider, models in value.items():
                out.setdefault(round_id, {})[answer_key(provider, "models")] = ", ".join(models)
            continue
        out.setdefault(round_id, {})[name] = list(value) if isinstance(value, list | tuple) else value
    return out


def unused_prefill(arguments: Any, answers: Mapping[str, Any]) -> list[Problem]:
    """The prefill arguments the finished walk never used, each with why: a value no round asked (models for a
    provider not chosen, token_limit without the token-limits feature, strategy with one provider) would
    otherwise vanish from the bundle without a word. Values of a round the person skipped (None), or of a round
    that follows from one, are not reported: skipping was the answer."""
    from orchestrator.intake.rounds import BY_ID

    problems: list[Problem] = []
    for name, (round_id, _) in prefill_fields().items():
        value = getattr(arguments, name, None)
        skipped = any(r in answers and answers[r] is None for r in (round_id, *BY_ID[round_id].needs))
        if value is None or skipped:
            continue
        answered = answers.get(round_id) or {}
        if name == "models":
            providers = list((answers.get("providers") or {}).get("providers") or [])
            for provider in value:
                if answer_key(provider, "models") not in answered:
                    problems.append(
                        Problem(
                            f"models.{provider}",
                            f"{provider} is not among the providers ({', '.join(providers)})",
                            expected=f"{provider} added to providers, or its entry removed from models",
                        )
                    )
        elif name not in answered:
            why = BY_ID[round_id].why
            if round_id == "production":
                features = list((answers.get("features") or {}).get("features") or [])
                why += f" (features: {', '.join(features) or 'none'})"
            asked = "does not ask it" if round_id in answers else "is not asked"
            problems.append(
                Problem(
                    name,
                    f"given but not used: the {round_id} round {asked}: {why}",
                    expected=f"answers that make the {round_id} round ask it, or no {name} argument",
                )
            )
    return problems
