"""The intake conversation over MCP: a thin adapter over the walker (orchestrator.intake.walker).

Three ways to ask, one loop:
- handshake-era clients that declared elicitation (2025-06-18, 2025-11-25): `elicitation/create` requests sent
  mid-call, one form per group of ready rounds; a bad answer re-asks that round with the problem stated;
- 2026-07-28 clients: the same forms as `InputRequiredResult` rounds, the answers so far riding the (sealed)
  request state;
- clients that cannot show forms, or a person who declined a required form: a needs-input result with the next
  round's questions in the text and in structured content, so the model can ask in chat and call again.
Forms are protocol-aware: 2025-06-18 allows only primitive fields, later versions get titled multi-selects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mcp.server.mcpserver import Context
from mcp.types import ElicitRequest, ElicitRequestFormParams, ElicitResult, InputRequiredResult

from orchestrator.intake.form_schema import answer_from_form, form_schema
from orchestrator.intake.walker import OpenRound, Walk, group_form, group_message, split_answer, walk

MULTI_SELECT_SINCE = (
    "2025-11-25"  # enum schemas incl. multi-select (SEP-1330); 2025-06-18 forms: primitives only
)
INPUT_REQUIRED_SINCE = "2026-07-28"
MAX_ATTEMPTS = 3  # the same round asked this often without a valid answer: continue in chat instead
FORM_KEY = "intake"


@dataclass
class Conversation:
    """Answers so far (raw, by round id), how often each round was asked, and why the forms stopped."""

    answers: dict[str, Any] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    stopped: str | None = None  # "decline" / "cancel" of a required round, "no-forms", "attempts"
    asked: list[str] = field(default_factory=list)  # the rounds of the form awaiting an answer (2026-07-28)

    def to_state(self) -> str:
        return json.dumps({"answers": self.answers, "attempts": self.attempts, "asked": self.asked})

    @classmethod
    def from_state(cls, text: str | None, answers: dict[str, Any] | None) -> Conversation:
        if not text:
            return cls(answers=dict(answers or {}))
        data = json.loads(text)
        return cls(answers=data["answers"], attempts=data["attempts"], asked=data["asked"])


def multi_select(ctx: Context) -> bool:
    version = ctx.protocol_version
    return version is None or version >= MULTI_SELECT_SINCE


def can_elicit(ctx: Context) -> bool:
    """The client shows forms (a bare `elicitation: {}` counts) and this connection can carry them: a
    back-channel on handshake-era connections (not stateless HTTP), input-required rounds on 2026-07-28."""
    caps = ctx.client_capabilities
    elicitation = caps.elicitation if caps is not None else None
    declared = elicitation is not None and (elicitation.form is not None or elicitation.url is None)
    return declared and (_input_required(ctx) or bool(ctx.session.can_send_request))


def _input_required(ctx: Context) -> bool:
    version = ctx.protocol_version
    return version is not None and version >= INPUT_REQUIRED_SINCE


def apply(conv: Conversation, group: tuple[OpenRound, ...], result: ElicitResult) -> None:
    """Record one form's outcome: accepted content becomes the rounds' answers (validated by the next walk);
    Esc on optional rounds skips them; decline or cancel of a required round stops the forms."""
    if result.action == "accept":
        form = group_form(group)
        content = answer_from_form(form, dict(result.content or {}))
        for round_id, part in split_answer(group, content).items():
            conv.answers[round_id] = part
        return
    if all(item.round.optional for item in group):
        for item in group:
            conv.answers[item.id] = None
        return
    conv.stopped = result.action


def _request(ctx: Context, group: tuple[OpenRound, ...]) -> tuple[str, dict[str, Any]]:
    return group_message(group), form_schema(group_form(group), multi_select=multi_select(ctx))


def _next(conv: Conversation, prefill: dict[str, Any], ctx: Context) -> tuple[Walk, tuple[OpenRound, ...]]:
    state = walk(conv.answers, prefill)
    group = state.next_group()
    if group and not can_elicit(ctx):
        conv.stopped = conv.stopped or "no-forms"
    if group and any(conv.attempts.get(item.id, 0) >= MAX_ATTEMPTS for item in group):
        conv.stopped = conv.stopped or "attempts"
    return state, group


async def converse(
    ctx: Context, answers: dict[str, Any] | None, prefill: dict[str, Any]
) -> tuple[Walk, Conversation] | InputRequiredResult:
    """Ask the open rounds through the client until the intake is complete or the forms stop.

    Returns the final walk (complete, or open with `Conversation.stopped` saying why), or, on 2026-07-28, an
    InputRequiredResult carrying the next form.
    """
    if _input_required(ctx):
        conv = Conversation.from_state(ctx.request_state, answers)
        response = (ctx.input_responses or {}).get(FORM_KEY)
        if conv.asked and isinstance(response, ElicitResult):
            state = walk(conv.answers, prefill)
            group = tuple(item for item in state.open if item.id in conv.asked)
            apply(conv, group, response)
        state, group = _next(conv, prefill, ctx)
        if not group or conv.stopped:
            return state, conv
        for item in group:
            conv.attempts[item.id] = conv.attempts.get(item.id, 0) + 1
        conv.asked = [item.id for item in group]
        message, schema = _request(ctx, group)
        request = ElicitRequest(params=ElicitRequestFormParams(message=message, requested_schema=schema))
        return InputRequiredResult(input_requests={FORM_KEY: request}, request_state=conv.to_state())
    conv = Conversation(answers=dict(answers or {}))
    while True:
        state, group = _next(conv, prefill, ctx)
        if not group or conv.stopped:
            return state, conv
        for item in group:
            conv.attempts[item.id] = conv.attempts.get(item.id, 0) + 1
        message, schema = _request(ctx, group)
        result = await ctx.session.elicit_form(message, schema, related_request_id=ctx.request_id)
        apply(conv, group, result)
        if conv.stopped:
            return walk(conv.answers, prefill), conv
