"""The base of every intake form: flat, and refusing fields it does not declare."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")
