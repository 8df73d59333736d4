"""The doctor's one input model: the MCP tool's schema, the CLI's options and the validation of both."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from orchestrator.analysis.finding_limit import max_findings_field
from skills.model import InputModel
from skills.types import DNSLabel, ModelName
from skills.versions import AIGatewayVersion

LocalPath = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024, pattern=r"^[^\x00-\x1f\x7f\u2028\u2029\u0085]+$"),
    Field(description="A local file or directory path"),
]
ContextName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=253, pattern=r"^[^\x00-\x20\x7f]+$"),
    Field(description="A kubeconfig context name"),
]


class DoctorInput(InputModel):
    """What to diagnose: a dump, or the live cluster of a kubectl context."""

    dump: list[LocalPath] = Field(
        default_factory=list,
        description="Dump files or directories of `kubectl get … -o yaml|json` output (or a directory written by "
        "`aigw-skills doctor --collect`); empty: read the live cluster through kubectl",
    )
    config_dump: list[LocalPath] = Field(
        default_factory=list,
        description="Envoy config dumps (`egctl config envoy-proxy all -A -o yaml` or the admin /config_dump), to "
        "check the AI Gateway ext_proc filter and its socket",
    )
    context: ContextName | None = Field(
        None, description="kubectl context of the live cluster [current context]"
    )
    kubeconfig: LocalPath | None = Field(None, description="kubeconfig file [kubectl's default]")
    namespace: DNSLabel | None = Field(
        None, description="Only this namespace's gateways, routes and policies [every namespace]"
    )
    models: list[ModelName] = Field(
        default_factory=list,
        description="Model names to check routing for (answers 'No matching route found')",
    )
    target_version: AIGatewayVersion | None = Field(
        None,
        description="AI Gateway release to check versions against [the running controller's, else v1.1.0]",
    )
    max_findings: int | None = max_findings_field(None, "all")
    path: str | None = Field(
        None,
        pattern=r"^/[A-Za-z0-9._~/%:@!$&'()*+,;=-]*$",
        max_length=2048,
        description="Request path your clients call, for the request traces [the endpoint each backend's schema "
        "serves: /v1/chat/completions, or /anthropic/v1/messages for Anthropic]",
    )
    lint: bool = Field(
        True, description="Also run the configuration lint and the request tracer over the live objects"
    )
