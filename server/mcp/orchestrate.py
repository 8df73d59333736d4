"""`aigw_orchestrate`: intake questions asked through the client, composed into one validated bundle.

Questions are asked with the SDK's resolver pattern, so the same code works on both protocol eras: push
elicitation on 2025-11-25 handshakes, input-required round trips on 2026-07-28. A client that cannot elicit
gets a structured "needs input" result (the remaining questions with their JSON schema and defaults) and
calls again with `answers`. Decline or cancel: nothing is generated. The last round is optional (production features: token limits, canary,
health check, client auth, observability): declining it, or choosing no feature, builds the bundle without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import (
    AcceptedElicitation,
    CancelledElicitation,
    Context,
    DeclinedElicitation,
    Elicit,
    ElicitationResult,
    MCPServer,
    Resolve,
)
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, EmbeddedResource, TextContent, TextResourceContents, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError

from orchestrator.intake.forms import Form
from orchestrator.intake.production import FEATURES, features_form, production_form
from orchestrator.intake.questions import (
    EnvironmentForm,
    ProvidersForm,
    details_form,
    routing_form,
    shared_models,
)


@dataclass(frozen=True)
class _Given:
    """The caller supplied a complete intake: no question is asked."""


@dataclass(frozen=True)
class _Stop:
    """An earlier round was declined or cancelled."""

    action: str


@dataclass(frozen=True)
class _Pending:
    """This round's question could not be asked (the client cannot elicit, or it depends on an open round)."""

    round: str
    form: type[Form] | None
    message: str


class Question(BaseModel):
    id: str = Field(description="Key to use in `answers` when calling again")
    message: str = Field(description="What to ask the user")
    json_schema: dict[str, Any] | None = Field(description="Flat JSON schema of the answer (null: ask later)")
    defaults: dict[str, Any] = Field(default_factory=dict, description="Default answer per field")


class OrchestrateResult(BaseModel):
    status: Literal["built", "needs_input", "cancelled"] = Field(description="What happened")
    message: str = Field(description="One-paragraph summary for the user")
    valid: bool | None = Field(
        None, description="The bundle passed every check that ran (null when not built)"
    )
    files: dict[str, str] = Field(default_factory=dict, description="Bundle files by name")
    checklist: list[dict[str, Any]] = Field(default_factory=list, description="Checks run on the bundle")
    findings: list[dict[str, Any]] = Field(default_factory=list, description="Validation findings")
    questions: list[Question] = Field(default_factory=list, description="Open questions (status needs_input)")
    intake: dict[str, Any] | None = Field(None, description="The intake used; call again with it to rebuild")


MESSAGES = {
    "environment": "Where should Envoy AI Gateway go? (namespace, Gateway, what is installed already)",
    "providers": "Which model providers should the gateway connect to?",
    "details": "Models and credentials for each provider (keys stay in environment variables or files)",
    "routing": "Some models are served by several providers: fail over in order, or split traffic by weight?",
    "features": "Optional production features: token limits, canary, health checks, client auth, observability "
    "(choose none to skip)",
    "production": "Details of the production features you chose (keys stay in environment variables)",
}
OPTIONAL_ROUNDS = ("features", "production")


def _can_elicit(ctx: Context) -> bool:
    caps = ctx.client_capabilities
    elicitation = caps.elicitation if caps is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def _answer(answers: dict[str, Any] | None, key: str, form: type[Form]) -> Any:
    if not answers or key not in answers:
        return None
    try:
        return form.model_validate(answers[key])
    except ValidationError as exc:
        problems = "; ".join(
            f"answers.{key}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise ToolError(f"{problems}. Answer with the schema given in the question and call again.") from None


def _ask(ctx: Context, round_: str, form: type[Form]) -> Any:
    if _can_elicit(ctx):
        return Elicit(MESSAGES[round_], form)
    return _Pending(round_, form, MESSAGES[round_])


def _blocked(*outcomes: Any) -> Any:
    """The first outcome that stops this round: a decline, a stop, a pending round or a complete intake."""
    for outcome in outcomes:
        if not isinstance(outcome, AcceptedElicitation):
            return _Stop(outcome.action)
        if isinstance(outcome.data, _Given | _Stop | _Pending):
            return outcome.data
    return None


async def ask_environment(
    ctx: Context, intake: dict[str, Any] | None = None, answers: dict[str, Any] | None = None
) -> Any | Elicit[Form]:
    if intake is not None:
        return _Given()
    return _answer(answers, "environment", EnvironmentForm) or _ask(ctx, "environment", EnvironmentForm)


async def ask_providers(
    ctx: Context,
    env: Annotated[ElicitationResult[Form], Resolve(ask_environment)],
    answers: dict[str, Any] | None = None,
) -> Any | Elicit[Form]:
    blocked = _blocked(env)
    if isinstance(blocked, _Given | _Stop):
        return blocked
    return _answer(answers, "providers", ProvidersForm) or _ask(ctx, "providers", ProvidersForm)


async def ask_details(
    ctx: Context,
    providers: Annotated[ElicitationResult[Form], Resolve(ask_providers)],
    answers: dict[str, Any] | None = None,
) -> Any | Elicit[Form]:
    blocked = _blocked(providers)
    if isinstance(blocked, _Given | _Stop):
        return blocked
    if isinstance(blocked, _Pending):
        shown = ["openai", "anthropic"]
        return _Pending(
            "details",
            details_form(shown),
            MESSAGES["details"]
            + f" — shown for the default providers ({', '.join(shown)}); for other providers "
            "the fields are named <provider_id with _>__<field> (models, region, resource, secret_env, ...), or "
            "answer environment and providers first and the exact form comes back",
        )
    form = details_form(list(providers.data.providers))  # type: ignore[union-attr]
    return _answer(answers, "details", form) or _ask(ctx, "details", form)


async def ask_routing(
    ctx: Context,
    providers: Annotated[ElicitationResult[Form], Resolve(ask_providers)],
    details: Annotated[ElicitationResult[Form], Resolve(ask_details)],
    answers: dict[str, Any] | None = None,
) -> Any | Elicit[Form]:
    blocked = _blocked(providers, details)
    if blocked is not None:
        return (
            blocked if not isinstance(blocked, _Pending) else _Pending("routing", None, MESSAGES["routing"])
        )
    chosen = list(providers.data.providers)  # type: ignore[union-attr]
    if not shared_models(chosen, details.data.model_dump()):  # type: ignore[union-attr]
        return None
    form = routing_form(chosen)
    return _answer(answers, "routing", form) or _ask(ctx, "routing", form)


def _strategy(routing: Any) -> str | None:
    return getattr(routing.data, "strategy", None) if isinstance(routing, AcceptedElicitation) else None


async def ask_features(
    ctx: Context,
    providers: Annotated[ElicitationResult[Form], Resolve(ask_providers)],
    details: Annotated[ElicitationResult[Form], Resolve(ask_details)],
    routing: Annotated[ElicitationResult[Form], Resolve(ask_routing)],
    answers: dict[str, Any] | None = None,
) -> Any | Elicit[Form]:
    blocked = _blocked(providers, details, routing)
    if isinstance(blocked, _Given | _Stop):
        return blocked
    if isinstance(blocked, _Pending):
        return _Pending("features", features_form(), MESSAGES["features"])
    form = features_form(_strategy(routing))
    answered = _answer(answers, "features", form)
    if answered is None and answers and not _can_elicit(ctx):
        return None  # a client answering as data skipped the optional round: no production features
    return answered or _ask(ctx, "features", form)


async def ask_production(
    ctx: Context,
    providers: Annotated[ElicitationResult[Form], Resolve(ask_providers)],
    features: Annotated[ElicitationResult[Form], Resolve(ask_features)],
    answers: dict[str, Any] | None = None,
) -> Any | Elicit[Form]:
    if isinstance(features, DeclinedElicitation):
        return None  # declining the optional round skips it
    blocked = _blocked(features)
    if isinstance(blocked, _Given | _Stop):
        return blocked
    if isinstance(blocked, _Pending):
        return _Pending(
            "production",
            production_form(list(FEATURES)),
            MESSAGES["production"] + " — every feature's fields are shown; answer only those of the features "
            "chosen in `features`",
        )
    chosen = list(getattr(features.data, "features", None) or [])  # type: ignore[union-attr]
    if not chosen:
        return None
    form = production_form(chosen, list(providers.data.providers))  # type: ignore[union-attr]
    return _answer(answers, "production", form) or _ask(ctx, "production", form)


def _question(pending: _Pending) -> Question:
    from mcp.server.elicitation import render_elicitation_schema

    if pending.form is None:
        return Question(id=pending.round, message=pending.message, json_schema=None)
    defaults = {
        name: info.get_default(call_default_factory=True)
        for name, info in pending.form.model_fields.items()
        if not info.is_required()
    }
    return Question(
        id=pending.round,
        message=pending.message,
        json_schema=render_elicitation_schema(pending.form),
        defaults=defaults,
    )


def _result(
    result: OrchestrateResult, text: str, resources: list[EmbeddedResource] | None = None
) -> CallToolResult:
    content: list[Any] = [TextContent(type="text", text=text), *(resources or [])]
    return CallToolResult(content=content, structured_content=result.model_dump(mode="json"))


async def aigw_orchestrate(
    ctx: Context,
    env: Annotated[ElicitationResult[Form], Resolve(ask_environment)],
    providers: Annotated[ElicitationResult[Form], Resolve(ask_providers)],
    details: Annotated[ElicitationResult[Form], Resolve(ask_details)],
    routing: Annotated[ElicitationResult[Form], Resolve(ask_routing)],
    features: Annotated[ElicitationResult[Form], Resolve(ask_features)],
    production: Annotated[ElicitationResult[Form], Resolve(ask_production)],
    intake: Annotated[
        dict[str, Any] | None,
        Field(description="A complete intake (as in `aigw-skills init`): skips every question"),
    ] = None,
    answers: Annotated[
        dict[str, Any] | None,
        Field(description="Answers to questions from an earlier needs_input result, keyed by question id"),
    ] = None,
) -> Annotated[CallToolResult, OrchestrateResult]:
    """Set up Envoy AI Gateway end to end: asks the intake questions (environment, providers, per-provider
    models and credentials, routing, then optional production features: token limits, canary, health checks,
    client auth, observability) through the client, then returns a validated, apply-ready bundle
    (manifests.yaml, kustomization.yaml, install.sh, secrets.sh, README.md, report.json). Use this first when
    someone wants AI Gateway for one or more providers; use the atomic aigw_* tools to change one piece.
    Clients that cannot show forms get status needs_input with the questions: ask the user, then call again
    with `answers` (or with a complete `intake`)."""
    # Declining an optional round skips it; cancelling any round, or declining a required one, stops.
    optional = [None if isinstance(o, DeclinedElicitation) else o for o in (features, production)]
    outcomes: list[Any] = [env, providers, details, routing, *optional]
    asked = [o for o in outcomes if o is not None]
    stop: Any = next((o for o in asked if isinstance(o, DeclinedElicitation | CancelledElicitation)), None)
    stop = stop or next((o.data for o in asked if isinstance(o.data, _Stop)), None)
    if stop is not None:
        done = {"decline": "declined", "cancel": "cancelled"}.get(stop.action, stop.action)
        text = f"Nothing generated: the questions were {done}. Call again when you want to continue."
        return _result(OrchestrateResult(status="cancelled", message=text), text)
    pending = [o.data for o in asked if isinstance(o.data, _Pending)]
    if pending:
        text = (
            "This client cannot show forms, so ask the user these questions in chat and call aigw_orchestrate "
            "again with `answers` ({question id: answer object}), keeping earlier answers."
        )
        result = OrchestrateResult(
            status="needs_input", message=text, questions=[_question(p) for p in pending]
        )
        return _result(result, text + "\n" + "\n".join(f"- {q.id}: {q.message}" for q in result.questions))
    return await _build(ctx, intake, outcomes)


async def _build(ctx: Context, intake: dict[str, Any] | None, outcomes: list[Any]) -> CallToolResult:
    from orchestrator.compose.bundle import build_bundle
    from orchestrator.intake.questions import to_intake
    from server.mcp.crd_source import crd_source
    from skills.errors import InputError

    answered = intake is None
    try:
        if intake is None:
            env, providers, details, routing, features, production = (
                o.data if o is not None else None for o in outcomes
            )
            assert env is not None and providers is not None and details is not None
            chosen = {"features": list(features.features)} if features else {}
            intake = to_intake(
                env.model_dump(),
                list(providers.providers),
                details.model_dump(),
                routing.model_dump() if routing else None,
                chosen | production.model_dump() if chosen and production else None,
            )
        await ctx.report_progress(1, 3, "composing manifests")
        version = str((intake.get("installation") or {}).get("version") or "v1.1.0")
        crds, note = crd_source(version)
        bundle = build_bundle(intake, crds=crds, crds_note=note)
    except InputError as exc:
        error = _as_answers(exc) if answered else exc
        raise ToolError(f"{error}\nFix these fields and call again with `intake` (or `answers`).") from None
    await ctx.report_progress(3, 3, "validated")
    resources = [
        EmbeddedResource(
            type="resource",
            resource=TextResourceContents(uri=f"bundle://{name}", mime_type=_mime(name), text=text),
        )
        for name, text in bundle.files.items()
    ]
    result = OrchestrateResult(
        status="built",
        message=bundle.summary(),
        valid=bundle.valid,
        files=bundle.files,
        checklist=[item.to_dict() for item in bundle.checklist],
        findings=[f.model_dump() for f in bundle.report.findings],
        intake=intake,
    )
    text = bundle.summary() + "\n" + "\n".join(item.markdown() for item in bundle.checklist)
    return _result(result, text, resources)


def _as_answers(exc: Any) -> Any:
    """Problems in intake sections filled from the production round, renamed to the answer that set them."""
    from dataclasses import replace

    from orchestrator.intake.production import answer_path
    from skills.errors import InputError

    problems = []
    for problem in exc.problems:
        field = answer_path(problem.path)
        if problem.path.startswith("production."):
            problem = replace(problem, path=f"answers.{problem.path}")
        elif field is not None:
            problem = replace(problem, path=f"answers.production.{field} ({problem.path})")
        problems.append(problem)
    return InputError(problems, skill=exc.skill)


def _mime(name: str) -> str:
    return {".md": "text/markdown", ".json": "application/json", ".sh": "text/x-shellscript"}.get(
        name[name.rfind(".") :], "application/yaml"
    )


def register(mcp: MCPServer) -> None:
    mcp.add_tool(
        aigw_orchestrate,
        name="aigw_orchestrate",
        title="Set up AI Gateway end to end",
        annotations=ToolAnnotations(
            read_only_hint=True, idempotent_hint=True, destructive_hint=False, open_world_hint=False
        ),
    )
