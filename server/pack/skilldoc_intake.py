"""The agent-led intake of aigw-orchestrator, generated from the intake round declarations.

An agent without MCP forms or a terminal (a chat, or an ask-the-user tool that takes a few questions at a
time) asks the same rounds as `aigw_orchestrate` and `aigw-skills build`: orchestrator.intake.rounds
declares them (form, message, when), and this module turns each round's form into questions of at most four
per ask, each with its options and default, and maps every answer to the intake field it fills. The mapping
is not written down anywhere: it is found by changing one answer at a time and seeing which intake field
`build_check.to_intake` changes, so it follows the rounds and the intake model wherever they go.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

MAX_QUESTIONS = 4  # an ask-the-user tool or a chat turn takes a few questions at once
PROVIDERS = ["openai", "anthropic"]  # the providers the example rounds below are drawn for
CANDIDATES = (
    "probe",
    "probe-value",
    "PROBE_VAR",
    "x-probe",
    "90s",
    "us-west-2",
    "https://probe.example.com",
    "https://probe.example.com/jwks.json",
    "probe.example.com",
    "probe.example.com:6379",
    "gpt-probe",
    "10, 50, 100",
    "team-probe",
)


@dataclass(frozen=True)
class Question:
    field: str
    title: str
    description: str
    answer: str  # the kind of answer and its options, e.g. "one of: failover, split"
    default: str
    intake: str  # the intake field(s) the answer fills


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return {k: v for i, item in enumerate(value) for k, v in _flatten(item, f"{prefix}[{i}]").items()}
    return {prefix: value}


def _options(prop: Mapping[str, Any]) -> list[tuple[str, str]]:
    choices = prop.get("oneOf") or prop.get("anyOf") or []
    if not choices and "items" in prop:
        choices = prop["items"].get("anyOf") or prop["items"].get("oneOf") or []
        if not choices and "enum" in prop["items"]:
            choices = [{"const": v} for v in prop["items"]["enum"]]
    if not choices and "enum" in prop:
        choices = [{"const": v} for v in prop["enum"]]
    return [(str(c["const"]), str(c.get("title", c["const"]))) for c in choices if "const" in c]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    return str(value) if value not in (None, "") else "(empty)"


def answer_kind(prop: Mapping[str, Any]) -> str:
    options = _options(prop)
    if options:
        shown = ", ".join(v if v == t else f"{v} ({t})" for v, t in options)
        return ("several of: " if prop.get("type") == "array" else "one of: ") + shown
    if prop.get("type") == "boolean":
        return "yes or no"
    if prop.get("type") in ("integer", "number"):
        bounds = [
            f"≥ {prop['minimum']}" if "minimum" in prop else "",
            f"≤ {prop['maximum']}" if "maximum" in prop else "",
        ]
        return " ".join(["a number", *[b for b in bounds if b]])
    return "text"


def _probes(form: type[BaseModel], name: str, current: Any) -> Iterator[Any]:
    """Valid answers for `name` other than `current`, to see where the field lands in the intake."""
    info = form.model_fields[name]
    annotation: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    adapter: TypeAdapter[Any] = TypeAdapter(annotation)
    prop = form.model_json_schema()["properties"].get(name, {})
    values: list[Any] = [v for v, _t in _options(prop)]
    if prop.get("type") == "array":
        values = [[], *([[v] for v in values] or [[c] for c in CANDIDATES])]
    values += [not current] if isinstance(current, bool) else []
    values += (
        [(current or 0) + 1, (current or 0) - 1]
        if isinstance(current, int) and not isinstance(current, bool)
        else []
    )
    values += [0.5] if isinstance(current, float) else []
    values += list(CANDIDATES) + [f"{current},{c}" for c in CANDIDATES[:1] if isinstance(current, str)]
    for value in values:
        if value == current:
            continue
        try:
            yield adapter.validate_python(value)
        except ValidationError:
            continue


def _collapse(paths: set[str]) -> list[str]:
    shown = {p.replace("providers[0]", "providers[i]").replace("providers[1]", "providers[i]") for p in paths}
    if len(shown) > 3:  # an answer that shapes a whole section: name the sections
        shown = {
            p.split(".")[0] if not p.startswith("routing.") else ".".join(p.split(".")[:2]) for p in shown
        }
    return sorted(shown)


def _contexts(answers: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The answers, then variants where conditional fields matter (a split, API-key client auth, tracing on)."""
    yield answers
    yield {**answers, "routing": {**answers["routing"], "strategy": "split"}}
    production = answers["production"]
    yield {**answers, "production": {**production, "client_auth": "apikey", "apikey_clients": "team-a"}}
    yield {
        **answers,
        "production": {**production, "tracing_endpoint": "http://otel-collector.monitoring:4317"},
    }


def _landing(answers: dict[str, Any], round_id: str, name: str, form: type[BaseModel]) -> str:
    from orchestrator.intake.build_check import to_intake
    from skills.errors import InputError

    for context in _contexts(answers):
        try:
            before = _flatten(to_intake(context))
        except InputError:
            continue
        current = (context.get(round_id) or {}).get(name)
        for probe in _probes(form, name, current):
            changed = {**context, round_id: {**(context.get(round_id) or {}), name: probe}}
            try:
                after = _flatten(to_intake(changed))
            except InputError:
                continue
            paths = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
            if paths:
                return ", ".join(f"`{p}`" for p in _collapse(paths))
    return "(decides which questions follow)"


def questions(
    form: type[BaseModel], answers: dict[str, Any], round_id: str, strip: str = ""
) -> list[Question]:
    from orchestrator.intake.form_schema import form_schema

    props = form_schema(form)["properties"]
    out = []
    for name, prop in props.items():
        description = str(prop.get("description", "")).removeprefix(strip)
        out.append(
            Question(
                field=name,
                title=str(prop.get("title", name)).removeprefix(strip.rstrip(": ") + " ")
                if strip
                else str(prop.get("title", name)),
                description=description,
                answer=answer_kind(prop),
                default=_show(prop.get("default", "(required)")),
                intake=_landing(answers, round_id, name, form),
            )
        )
    return out


def base_answers() -> dict[str, Any]:
    """Answers to every round for PROVIDERS (their defaults), the starting point the mapping changes."""
    from orchestrator.intake.production import FEATURES, production_form
    from orchestrator.intake.questions import EnvironmentForm, ProvidersForm, details_form, routing_form

    def defaults(form: type[BaseModel]) -> dict[str, Any]:
        return {
            n: f.get_default(call_default_factory=True)
            for n, f in form.model_fields.items()
            if not f.is_required()
        }

    production = defaults(production_form(list(FEATURES), PROVIDERS))
    # Required once JWT is chosen; any valid values do (only changes to them are looked at).
    production |= {
        "jwt_issuer": "https://auth.example.com",
        "jwt_jwks_uri": "https://auth.example.com/jwks.json",
    }
    return {
        "environment": defaults(EnvironmentForm),
        "providers": {**defaults(ProvidersForm), "providers": list(PROVIDERS)},
        "details": defaults(details_form(PROVIDERS)),
        "routing": defaults(routing_form(PROVIDERS)),
        "features": {"features": list(FEATURES)},
        "production": production,
    }


def _asks(items: list[Question], prefix: str) -> Iterator[str]:
    for start in range(0, len(items), MAX_QUESTIONS):
        chunk = items[start : start + MAX_QUESTIONS]
        yield f"{prefix}{start // MAX_QUESTIONS + 1} ({len(chunk)} question{'s' if len(chunk) > 1 else ''}):"
        yield ""
        yield "| Ask | Answer | Default | Answer key → intake field |"
        yield "|---|---|---|---|"
        for q in chunk:
            yield f"| **{q.title}**: {q.description} | {q.answer} | `{q.default}` | `{q.field}` → {q.intake} |"
        yield ""


def script_section() -> str:
    from orchestrator.intake.production import FEATURES, production_form
    from orchestrator.intake.questions import answer_key
    from orchestrator.intake.rounds import ROUNDS

    answers = base_answers()
    lines: list[str] = []
    for number, rnd in enumerate(ROUNDS, start=1):
        form = rnd.form(answers)
        when = "always" if rnd.id in ("environment", "providers", "details") else rnd.why
        lines += [f"### Round {number}: {rnd.title}", "", f"Ask: *{rnd.message}*", "", f"When: {when}."]
        if rnd.optional:
            lines.append("Optional: if the user declines, skip this round only and keep every other answer.")
        lines.append("")
        if rnd.id in ("details", "routing"):
            per: dict[str, list[Question]] = {}
            for pid in PROVIDERS:
                prefix = answer_key(pid, "")
                fields = [q for q in questions(form, answers, rnd.id) if q.field.startswith(prefix)]
                per[pid] = fields
            shared = [q for q in questions(form, answers, rnd.id) if "__" not in q.field]
            if shared:
                lines += list(_asks(shared, f"Ask {number}."))
            example = PROVIDERS[0]
            lines += [
                f"Then, for each chosen provider, its own questions; the answer keys start with the provider id "
                f"(`-` becomes `_`), shown here for `{example}` (other presets add region, resource, Service or "
                "credential-mode questions the same way; `aigw-skills build --questions` lists them for the "
                "providers chosen):",
                "",
            ]
            lines += list(_asks(per[example], f"Ask {number}.{example}."))
        elif rnd.id == "production":
            lines += [
                "Only the fields of the features chosen in the previous round; each feature's questions in "
                "its own asks:",
                "",
            ]
            for feature in FEATURES:
                form_one = production_form([feature], PROVIDERS)
                items = [q for q in questions(form, answers, rnd.id) if q.field in form_one.model_fields]
                lines += list(_asks(items, f"Ask {number}.{feature}."))
        else:
            lines += list(_asks(questions(form, answers, rnd.id), f"Ask {number}."))
    return "\n".join(lines).rstrip()


def summary_section() -> str:
    """SKILL.md's short form of the script: the rounds, when each is asked, and what it asks."""
    from orchestrator.intake.form_schema import form_schema
    from orchestrator.intake.production import FEATURES, production_form
    from orchestrator.intake.rounds import ROUNDS

    answers = base_answers()
    lines = []
    for number, rnd in enumerate(ROUNDS, start=1):
        form = rnd.form(answers)
        props = form_schema(form)["properties"]
        titles = [str(props[n].get("title", n)) for n in props if "__" not in n]
        per_provider = sorted({n.split("__", 1)[1].replace("_", " ") for n in props if "__" in n})
        if rnd.id == "production":
            counts = [f"{f} ({len(production_form([f], PROVIDERS).model_fields)})" for f in FEATURES]
            asks = "the questions of each feature chosen: " + ", ".join(counts)
        else:
            asks = ", ".join(titles + ([f"per provider: {', '.join(per_provider)}"] if per_provider else []))
        message = rnd.message if rnd.message.endswith("?") else rnd.message.rstrip(".") + "."
        when = "" if rnd.id in ("environment", "providers", "details") else f" {rnd.why}."
        optional = " Optional: declining skips this round only." if rnd.optional else ""
        lines.append(f"{number}. **{rnd.title}** (`{rnd.id}`): {message}{when}{optional} Asks: {asks}.")
    return "\n".join(lines)
