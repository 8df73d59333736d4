"""The base of every input model: frozen, no unknown fields, and no credential anywhere inside (keys too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from skills.credential_scan import scan_input
from skills.credentials import REFUSAL_HINT
from skills.errors import InputError, Problem, from_validation_error

M = TypeVar("M", bound="InputModel")


@dataclass(frozen=True)
class Positional:
    """Field metadata (``Annotated[..., Positional("URL")]``) for the CLI: the field is a positional argument
    instead of ``--field-name VALUE``. With ``paths`` the CLI takes files, directories or ``-`` (stdin) there and
    reads them itself, while the MCP tool takes their text in the field. Ignored by validation and the schema."""

    metavar: str
    paths: bool = False
    help: str | None = None  # the CLI's help when it accepts more than the field (e.g. a saved file too)


class InputModel(BaseModel):
    """Frozen, strict input. Any string that looks like a real key is refused before anything else."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _refuse_credentials(cls, data: Any) -> Any:
        for path, kind in cls.credential_findings(data):  # values and map keys (a key is never shown)
            raise ValueError(f"{path} looks like {kind}. {REFUSAL_HINT}")
        return data

    @classmethod
    def credential_findings(cls, data: Any) -> list[tuple[str, str]]:
        """(path, kind) of every string in ``data`` that looks like a credential, each read in the mode its field
        type declares (a model whose free-form fields know more, e.g. the orchestrator's answers, overrides it)."""
        return scan_input(cls, data)

    @classmethod
    def shorthand(cls, text: str) -> dict[str, Any] | None:
        """The fields a one-line text given for this model stands for, when the model has a shorthand and the
        text parses; None otherwise (the credential check then reads the text as a whole)."""
        return None

    @classmethod
    def parse(cls: type[M], data: Any, *, skill: str | None = None) -> M:
        """Validate `data` into this model or raise an InputError listing every problem."""
        if isinstance(data, cls):
            return data
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InputError(
                [Problem("", "input must be a mapping of field names to values", type(data).__name__)]
            )
        problems = [
            Problem(path, f"looks like {kind}. {REFUSAL_HINT}")
            for path, kind in cls.credential_findings(data)
        ]
        if problems:
            raise InputError(problems, skill=skill)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise from_validation_error(exc, skill=skill) from None
