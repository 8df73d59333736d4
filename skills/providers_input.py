"""The input of `aigw-skills providers` / aigw_providers, apart from the presets so that reading the presets
(the intake questions do at server start) does not import the input-model machinery."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from skills.model import InputModel
from skills.providers import ProviderId, catalog


class ProvidersInput(InputModel):
    """Optional filter for the preset catalog (`aigw-skills providers`, aigw_providers)."""

    provider: ProviderId | None = Field(None, description="Show only this preset (default: every preset)")


def select(inp: ProvidersInput) -> list[dict[str, Any]]:
    """The presets the input asks for, as plain data."""
    return [e for e in catalog() if not inp.provider or e.get("id") == inp.provider]
