"""What every skill returns: manifests as data and as YAML, plus the steps and secret shapes around them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from skills.render import join_documents


class SecretShape(BaseModel):
    """A Secret that must exist at apply time. Its value is never known to this tool."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="Secret name")
    namespace: str = Field(description="Secret namespace")
    key: str = Field(
        description="The data key the BackendSecurityPolicy type reads (apiKey, credentials, ...)"
    )
    source: str = Field(description="Where the value comes from at apply time: env:NAME or file:PATH")
    command: str = Field(
        description="Idempotent shell command that creates or updates the Secret from the source"
    )
    used_by: str = Field(description="The BackendSecurityPolicy that reads it, as Kind/namespace/name")


class Step(BaseModel):
    """One shell step of an install or uninstall plan."""

    model_config = ConfigDict(frozen=True)

    title: str = Field(description="What the step does")
    command: str = Field(description="The exact command; safe to re-run")
    why: str = Field(description="Why the step is needed")


class SkillResult(BaseModel):
    """Output of an atomic skill."""

    model_config = ConfigDict(frozen=True)

    skill: str = Field(description="Skill that produced this result, e.g. aigw-backend")
    manifests: list[dict[str, Any]] = Field(
        default_factory=list, description="Kubernetes objects, in apply order"
    )
    yaml: str = Field("", description="The same objects as one multi-document YAML stream")
    secrets: list[SecretShape] = Field(default_factory=list, description="Secrets to create at apply time")
    steps: list[Step] = Field(default_factory=list, description="Ordered shell steps (install plans)")
    uninstall: list[Step] = Field(
        default_factory=list, description="Ordered shell steps that undo the install"
    )
    files: dict[str, str] = Field(default_factory=dict, description="Extra files by name, e.g. helm values")
    notes: list[str] = Field(
        default_factory=list, description="Things the user should know about this output"
    )

    @classmethod
    def from_rendered(
        cls, skill: str, rendered: list[tuple[dict[str, Any], str]], **extra: Any
    ) -> SkillResult:
        return cls(
            skill=skill,
            manifests=[obj for obj, _ in rendered],
            yaml=join_documents([text for _, text in rendered]),
            **extra,
        )
