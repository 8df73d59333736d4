"""The answers as the intake the build reads, and what the build refuses in them.

An answer is checked by its form when it is given, then by the build's own composition on everything answered so
far (:func:`intake_problems`), so a round never accepts what the bundle build would refuse; a problem is named by
the answer field it came from (:func:`answer_path_of`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from orchestrator.intake.rounds import BY_ID, ROUND_IDS, ROUNDS, Answers, chosen_features, chosen_providers
from skills.errors import InputError, Problem


def settled(round_id: str, answers: Answers) -> bool:
    """Answered, or known not to be asked (everything it depends on is settled and `when` says no)."""
    if round_id in answers:
        return True
    r = BY_ID[round_id]
    return all(settled(n, answers) for n in r.needs) and not r.when(answers)


def intake_problems(answers: Answers, round_id: str) -> list[Problem]:
    """What the build refuses in the answers so far, each named by the answer that set it.

    The check is the build's own, not a copy: `compose` parses the intake and runs every atomic skill's input
    rules (the fields a credential kind requires, what the target version serves, endpoints the backends of a
    rule share, features with nothing to generate), so an answer set the rounds accept never meets a refusal
    when the bundle is built. Runs once the details round is answered (before that there is no provider to
    build an intake from). Required rounds still to come count with their form's defaults (the routing round's
    failover), and a problem named by a round still to come waits for that round to be asked.
    """
    if "details" not in answers or "providers" not in answers:
        return []
    from orchestrator.compose.composer import compose

    later = ROUND_IDS[ROUND_IDS.index(round_id) + 1 :]
    pending = {rid for rid in later if not settled(rid, answers)}
    assumed = _with_defaults_of(pending, answers)
    try:
        compose(to_intake(assumed))
    except InputError as exc:
        problems = [replace(p, path=answer_path_of(p.path, assumed, round_id)) for p in exc.problems]
        return [p for p in problems if _round_of(p.path) not in pending]
    return []


def _with_defaults_of(pending: set[str], answers: Answers) -> dict[str, Any]:
    """`answers` plus the defaults of the required rounds in `pending` that are ready and asked (a form with a
    required field has no default answer, and an optional round's default is to skip it)."""
    assumed: dict[str, Any] = dict(answers)
    for r in ROUNDS:
        if r.id not in pending or r.optional or not all(settled(n, assumed) for n in r.needs):
            continue
        if not r.when(assumed):
            continue
        try:
            assumed[r.id] = r.form(assumed).model_validate({}).model_dump(mode="json")
        except ValidationError:
            continue
    return assumed


def _round_of(answer_path: str) -> str:
    """`answers.<round>.<field> (...)` → round."""
    return answer_path.split(" ", 1)[0].split(".")[1]


_DETAIL_FIELDS = (
    "models",
    "region",
    "resource",
    "secret_env",
    "secret_file",
    "gcp_project",
    "gcp_mode",
    "aws_mode",
    "azure_client_id",
    "azure_tenant_id",
    "port",
    "service",
)


def answer_path_of(intake_path: str, answers: Answers, round_id: str) -> str:
    """The answer field (answers.<round>.<field>) an intake problem path came from, keeping the intake path."""
    from orchestrator.intake.production import answer_path
    from orchestrator.intake.questions import answer_key

    if intake_path.startswith("answers."):
        return intake_path
    if intake_path.startswith("production."):
        return f"answers.{intake_path}"
    where: str | None = None
    if intake_path.startswith("providers["):
        index = int(intake_path[len("providers[") : intake_path.index("]")])
        providers = chosen_providers(answers)
        if index < len(providers):
            rest = intake_path[intake_path.index("]") + 1 :]
            leaf = next((f for f in _DETAIL_FIELDS if f in rest), "models")
            if "service.port" in rest:
                leaf = "port"
            if "weight" in rest:
                where = f"answers.routing.{answer_key(providers[index], 'weight')}"
            else:
                where = f"answers.details.{answer_key(providers[index], leaf)}"
    elif intake_path.startswith(("environment.", "installation.")):
        where = f"answers.environment.{intake_path.split('.', 1)[1].split('.')[0]}"
    elif (production := answer_path(intake_path)) is not None:
        where = f"answers.production.{production}"
    elif intake_path.startswith("routing."):
        where = f"answers.routing.{intake_path.split('.', 1)[1].split('.')[0]}"
    if where is None:
        return f"answers.{round_id} ({intake_path})"
    return where if where.endswith(intake_path) else f"{where} ({intake_path})"


def to_intake(answers: Answers) -> dict[str, Any]:
    """The answers of a complete (or partial, from the details round on) walk as raw intake data."""
    from orchestrator.intake.questions import to_intake as rounds_to_intake

    features = chosen_features(answers)
    production = answers.get("production")
    return rounds_to_intake(
        dict(answers.get("environment") or {}),
        chosen_providers(answers),
        dict(answers.get("details") or {}),
        dict(answers.get("routing") or {}) or None,
        {"features": features, **production} if features and production else None,
    )
