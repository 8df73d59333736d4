"""Input errors that say what, where and what next — as data, so every front door can present them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from skills.credentials import describe_credential

_MAX_SHOWN = 80


@dataclass(frozen=True)
class Problem:
    """One bad input: the field path, the offending value (shortened, never a secret) and the fix."""

    path: str
    message: str
    value: str | None = None
    expected: str | None = None

    def render(self) -> str:
        text = f"{self.path or '(input)'}: {self.message}"
        if self.value is not None:
            text += f" (got {self.value})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text

    def to_dict(self) -> dict[str, str | None]:
        return {"path": self.path, "message": self.message, "value": self.value, "expected": self.expected}


class FieldValueError(ValueError):
    """Raised by a model-level validator about one field, so the refusal names that field's path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InputError(ValueError):
    """Raised by every core function when its input cannot be used; carries every problem found."""

    def __init__(self, problems: Sequence[Problem], *, skill: str | None = None) -> None:
        self.problems = tuple(problems)
        self.skill = skill
        head = f"invalid {skill} input" if skill else "invalid input"
        super().__init__(head + ":\n" + "\n".join("  - " + p.render() for p in self.problems))

    @classmethod
    def single(cls, path: str, message: str, value: Any = None, expected: str | None = None) -> InputError:
        return cls([Problem(path, message, show_value(value) if value is not None else None, expected)])


def show_value(value: Any) -> str:
    """A short, single-line, repr-style rendering of a bad value that cannot leak a credential."""
    text = value if isinstance(value, str) else repr(value)
    if describe_credential(text):
        return "<redacted: looks like a credential>"
    shown = repr(text) if isinstance(value, str) else text
    return shown if len(shown) <= _MAX_SHOWN else shown[: _MAX_SHOWN - 3] + "..."


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+\Z")


def _loc_to_path(loc: Iterable[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif str(part).startswith(("function-", "tagged-union", "literal[")):
            continue
        elif describe_credential(str(part)):
            path += ("." if path else "") + "<key>"  # an unknown field named like a key is never echoed
        elif _PLAIN_KEY.match(str(part)):
            path += ("." if path else "") + str(part)
        else:
            # A map key the user chose (a header name, say): quoted and escaped, so a newline or a control
            # character in it cannot break the one-problem-per-line rendering.
            path += f"[{json.dumps(str(part))}]"
    return path


def _expected_for(error: Any) -> str | None:
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "string_pattern_mismatch":
        from skills.types import PATTERN_DESCRIPTIONS

        pattern = str(ctx.get("pattern"))
        return PATTERN_DESCRIPTIONS.get(pattern, f"text matching {pattern}")
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return None
    if kind == "extra_forbidden":
        return "only the documented fields (see the input schema)"
    if kind == "missing":
        return "a value for this required field"
    if kind == "model_type":
        return "its fields as key: value pairs (see the input schema)"
    return None


def from_validation_error(exc: ValidationError, *, skill: str | None = None, prefix: str = "") -> InputError:
    problems = []
    for err in exc.errors(include_url=False):
        path = _loc_to_path(err.get("loc", ()))
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldValueError):
            path = f"{path}.{cause.field}" if path else cause.field
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        value = err.get("input")
        hidden = err.get("type") == "missing" or isinstance(value, dict | list | tuple)
        shown = None if hidden else show_value(value)
        message = str(err.get("msg", "invalid value"))
        message = message.removeprefix("Value error, ")
        if err.get("type") == "model_type":  # pydantic names the internal class: say what the user must write
            message = "should be a mapping of fields"
        if err.get("type") == "string_pattern_mismatch":
            message = "invalid format"
        problems.append(Problem(path, message, shown, _expected_for(err)))
    return InputError(problems, skill=skill)
