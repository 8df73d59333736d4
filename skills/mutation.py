"""Header and body mutations, shared by AIServiceBackends and route backendRefs."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from skills.model import InputModel
from skills.types import HeaderName, JsonFieldName, PlainValue


class HeaderSet(InputModel):
    """Set (or overwrite) one request header towards the provider."""

    name: HeaderName = Field(description="Header to set")
    value: Annotated[PlainValue, StringConstraints(min_length=1)] = Field(description="Header value")


class HeaderMutation(InputModel):
    """Headers to set and remove on requests sent to the provider."""

    set: list[HeaderSet] = Field(default_factory=list, max_length=16, description="Headers to set (max 16)")
    remove: list[HeaderName] = Field(
        default_factory=list, max_length=16, description="Headers to drop (max 16)"
    )

    @model_validator(mode="after")
    def _unique(self) -> HeaderMutation:
        names = [h.name.lower() for h in self.set]
        if len(names) != len(set(names)):
            raise ValueError("set: each header may be set only once")
        if len({r.lower() for r in self.remove}) != len(self.remove):
            raise ValueError("remove: each header may be listed only once")
        return self

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if self.set:
            spec["set"] = [{"name": h.name, "value": h.value} for h in self.set]
        if self.remove:
            spec["remove"] = list(self.remove)
        return spec


class BodySet(InputModel):
    """Set one top-level JSON field of the request body; the value is JSON text (e.g. "\\"flex\\"" or 0.2)."""

    path: JsonFieldName = Field(description="Top-level JSON field to set")
    value: PlainValue = Field(description='JSON value as text, e.g. "\\"flex\\"", 0.2, true or {"a":1}')

    @model_validator(mode="after")
    def _json_value(self) -> BodySet:
        import json

        try:
            json.loads(self.value)
        except ValueError:
            raise ValueError(
                f"value for body field {self.path!r} must be JSON text; for a string write it quoted, "
                f'e.g. "\\"{self.value}\\""'
            ) from None
        return self


class BodyMutation(InputModel):
    """Top-level JSON fields of the request body to set and remove."""

    set: list[BodySet] = Field(default_factory=list, max_length=16, description="Fields to set (max 16)")
    remove: list[JsonFieldName] = Field(
        default_factory=list, max_length=16, description="Fields to drop (max 16)"
    )

    @model_validator(mode="after")
    def _unique(self) -> BodyMutation:
        paths = [b.path for b in self.set]
        if len(paths) != len(set(paths)):
            raise ValueError("set: each body field may be set only once")
        if len(set(self.remove)) != len(self.remove):
            raise ValueError("remove: each body field may be listed only once")
        return self

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if self.set:
            spec["set"] = [{"path": b.path, "value": b.value} for b in self.set]
        if self.remove:
            spec["remove"] = list(self.remove)
        return spec
