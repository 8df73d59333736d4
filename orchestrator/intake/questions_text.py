"""The next open rounds as a question anyone can answer without a form: data (for structured results and
`aigw-skills build --questions`) and a self-sufficient text (each field's name, type, allowed values, default, and
one example `answers` object), so a model that reads only text can continue the intake in chat."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic.fields import FieldInfo

from orchestrator.intake.form_schema import form_schema
from orchestrator.intake.rounds import ROUND_IDS, ROUNDS
from orchestrator.intake.walker import OpenRound, Walk, group_form, group_message, walk
from skills.errors import Problem
from skills.types import PATTERN_DESCRIPTIONS


def _choices(prop: dict[str, Any]) -> list[dict[str, str]]:
    options = prop.get("oneOf") or (prop.get("items") or {}).get("anyOf") or []
    return [{"value": o["const"], "title": o.get("title", o["const"])} for o in options]


def _kind(prop: dict[str, Any]) -> str:
    if prop.get("type") == "array":
        return "list of choices"
    if "oneOf" in prop or "enum" in prop:
        return "one of the choices"
    kind = str(prop.get("type", "string"))
    if "pattern" in prop:
        kind += f", {PATTERN_DESCRIPTIONS.get(prop['pattern'], 'matching ' + prop['pattern'])}"
    bounds = [f"{word} {prop[key]}" for key, word in (("minimum", ">="), ("maximum", "<=")) if key in prop]
    return ", ".join([kind, *bounds])


def _example(info: FieldInfo, prop: dict[str, Any]) -> Any:
    """A value for `example_answers` that the round accepts whatever the other choices are: the field's declared
    example (a realistic value for a field required by some choice, e.g. apikey_clients once client_auth is
    apikey, or with no default), else its default. The placeholder is for a form field that declares neither,
    which the tests over every round rule out."""
    if info.examples:
        return info.examples[0]
    return prop.get("default", f"<{prop.get('title', 'value')}>")


def question(group: tuple[OpenRound, ...]) -> dict[str, Any]:
    """One question (the rounds asked together) as data: ids, message, JSON schema, fields, defaults, and
    `example_answers`, which the rounds accept when sent back unchanged (each choice also works with them)."""
    schema = form_schema(group_form(group))
    fields = []
    example: dict[str, dict[str, Any]] = {item.id: {} for item in group}
    for item in group:
        for name, info in item.asked().model_fields.items():
            prop = schema["properties"][name]
            entry: dict[str, Any] = {
                "name": name,
                "round": item.id,
                "type": _kind(prop),
                "title": prop.get("title", name),
                "description": prop.get("description", ""),
                "required": name in schema.get("required", []),
            }
            if _choices(prop):
                entry["choices"] = _choices(prop)
            if "default" in prop:
                entry["default"] = prop["default"]
            if info.examples:
                entry["example"] = info.examples[0]
            if name in item.kept:  # passed its checks in an answer with problems elsewhere: not asked again
                entry["answered"] = item.kept[name]
            fields.append(entry)
            example[item.id][name] = item.kept[name] if name in item.kept else _example(info, prop)
    return {
        "rounds": [item.id for item in group],
        "message": group_message(group),
        "fields": fields,
        "json_schema": schema,
        "example_answers": example,
        "problems": [p.to_dict() for item in group for p in item.problems],
    }


def open_questions(state: Walk) -> dict[str, Any]:
    """Where the intake stands: the answers to send back (every one kept, including those waiting for an earlier
    round), the next question, the rounds after it, every problem of the answers (those of a later round or of
    a round id that does not exist too), and the answers left out as not asked, with why."""
    group = state.next_group()
    return {
        "answers": state.kept,
        "next": question(group) if group else None,
        "later": [item.id for item in state.open if item not in group],
        "problems": [p.to_dict() for p in state.problems],  # every round's, the next question's included
        "ignored": [p.to_dict() for p in state.ignored],
    }


def _field_line(entry: dict[str, Any]) -> str:
    line = f"- {entry['round']}.{entry['name']} ({entry['type']}"
    if entry.get("choices"):
        shown = ", ".join(
            c["value"] if c["title"] == c["value"] else f"{c['value']} ({c['title']})"
            for c in entry["choices"]
        )
        line += f": {shown}"
    if "answered" in entry:
        line += f"; answered {json.dumps(entry['answered'])}, keep it"
    elif "default" in entry:
        line += f"; default {json.dumps(entry['default'])}"
    elif entry["required"]:
        line += "; required"
    if "example" in entry:
        line += f"; e.g. {json.dumps(entry['example'])}"
    return line + f"): {entry['description'] or entry['title']}"


def question_text(state: Walk, *, call: str) -> str:
    """The next question as text: what to ask, every field, and the exact `answers` to send back with `call`."""
    data = open_questions(state)
    nxt = data["next"]
    ignored = [ignored_line(state.ignored)] if state.ignored else []
    if nxt is None:
        return "\n".join(["Every question is answered.", *ignored])
    merged = state.kept | nxt["example_answers"]
    answers = {rid: merged[rid] for rid in ROUND_IDS if rid in merged}
    lines = [
        f"Ask the user (rounds: {', '.join(nxt['rounds'])}): {nxt['message']}",
        "Fields (round.field, type, allowed values, default):",
        *(_field_line(entry) for entry in nxt["fields"]),
        f"Then {call}, adding `answers`: the answers so far plus this round's, e.g.:",
        json.dumps(answers, separators=(",", ":")),
    ]
    if data["later"]:
        lines.append(f"Rounds after this one: {', '.join(data['later'])} (asked next, if they apply).")
    if state.waiting:
        lines.append(
            f"Kept for later rounds (in `answers` above, checked when reached): {', '.join(state.waiting)}."
        )
    return "\n".join([*lines, *ignored])


def ignored_line(ignored: Sequence[Problem]) -> str:
    """The answers left out because their round is not asked with the other answers, with why."""
    return "Ignored: " + "; ".join(p.render() for p in ignored)


def round_catalog(answers: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every round as data, for documents that walk a reader through the whole intake (the skill pack's
    agent-led script): id, title, message, why, whether optional, what it depends on, and its fields as they are
    for `answers` (e.g. the details fields of the providers answered there; empty while a needed round is open,
    or for a round that does not apply to those answers).
    """
    state = walk(answers or {})
    by_id = {item.id: item for item in state.open}
    out: list[dict[str, Any]] = []
    for r in ROUNDS:
        item = by_id.get(r.id)
        if r.id in state.answers:  # answered: its fields as they were asked
            item = OpenRound(r, r.form(state.answers))
        entry: dict[str, Any] = {
            "id": r.id,
            "title": r.title,
            "message": r.message,
            "why": r.why,
            "optional": r.optional,
            "needs": list(r.needs),
            "answered": r.id in state.answers,
            "fields": question((item,))["fields"] if item is not None and item.ready else [],
        }
        out.append(entry)
    return out
