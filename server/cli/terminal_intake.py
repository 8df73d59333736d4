"""Ask the intake questions in a terminal: a thin adapter over the walker (same rounds and forms as MCP)."""

from __future__ import annotations

import typing
from typing import Any, TextIO, get_args, get_origin

from pydantic import BaseModel, ValidationError

from orchestrator.intake.walker import walk
from skills.credentials import REFUSAL_HINT, describe_credential
from skills.errors import from_validation_error


def _describe(info: Any) -> str:
    return info.description or info.title or ""


def _convert(annotation: Any, text: str) -> Any:
    origin = get_origin(annotation)
    if annotation is bool:
        lowered = text.strip().lower()
        if lowered in ("y", "yes", "true", "1"):
            return True
        if lowered in ("n", "no", "false", "0"):
            return False
        raise ValueError("answer yes or no")
    if annotation is int:
        return int(text)
    if annotation is float:
        return float(text)
    if origin is list:
        return [part.strip() for part in text.split(",") if part.strip()]
    return text.strip()


def _choices(annotation: Any) -> list[str]:
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    return [str(v) for v in get_args(annotation)] if get_origin(annotation) is typing.Literal else []


def ask_form(form: type[BaseModel], stdin: TextIO, stdout: TextIO) -> dict[str, Any]:
    """Ask every field of `form` in turn; Enter keeps the default; a bad answer is asked again."""
    if form.__doc__:
        stdout.write(f"\n{form.__doc__.strip().splitlines()[0]}\n")
    answers: dict[str, Any] = {}
    for name, info in form.model_fields.items():
        default = info.get_default(call_default_factory=True)
        choices = _choices(info.annotation)
        while True:
            shown = ", ".join(default) if isinstance(default, list) else default
            if isinstance(default, bool) or info.annotation is bool:
                shown = {True: "yes", False: "no"}.get(default, "")
                choices = ["yes", "no"]
            hint = f" ({'/'.join(choices)})" if choices and len(choices) <= 8 else ""
            if choices and len(choices) > 8:
                hint = f"\n  choices: {', '.join(choices)}\n "
            prompt = f"- {_describe(info)}{hint} [{'' if shown is None else shown}]: "
            stdout.write(prompt)
            stdout.flush()
            line = stdin.readline()
            if not line:
                raise EOFError("input ended before every question was answered")
            text = line.rstrip("\n")
            if not text.strip():
                if default is None and info.is_required():
                    stdout.write("  an answer is required\n")
                    continue
                answers[name] = default
                break
            kind = describe_credential(text.strip())
            if kind:  # never validated, never echoed: the same refusal every other front door gives
                stdout.write(f"  that looks like {kind}. {REFUSAL_HINT}; try again\n")
                continue
            try:
                value = _convert(info.annotation, text)
                form.__pydantic_validator__.validate_assignment(form.model_construct(), name, value)
            except ValidationError as exc:
                problem = from_validation_error(exc).problems[0]
                expected = f" (expected {problem.expected})" if problem.expected else ""
                stdout.write(f"  {problem.message}{expected}; try again\n")
                continue
            except ValueError as exc:
                stdout.write(f"  {exc}; try again\n")
                continue
            answers[name] = value
            break
    return answers


def ask_intake(
    stdin: TextIO, stdout: TextIO, prefill: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Ask the open rounds in turn (the walker decides which and when) and return the answers by round id.

    A round's answer that the intake refuses (say, a model name with a space) is asked again with the problem.
    The features round is optional: Enter there chooses none.
    """
    answers: dict[str, Any] = {}
    while True:
        state = walk(answers, prefill)
        if state.complete:
            return dict(state.answers)
        item = state.open[0]
        for problem in item.problems:
            stdout.write(f"  {problem.render()}; try again\n")
        answers[item.id] = ask_form(item.asked(), stdin, stdout)
