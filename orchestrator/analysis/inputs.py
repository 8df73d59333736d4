"""The one input model of each analysis command (migrate, explain, trace, metrics): the CLI's options and the MCP tool's
inputSchema are both derived from these, so the two front doors cannot drift apart."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from orchestrator.analysis.trace.model import TraceRequest
from orchestrator.engine.inputs import ManifestsInput
from skills.model import InputModel, Positional
from skills.types import HttpUrl, SecretRef
from skills.versions import DEFAULT_VERSION, AIGatewayVersion


class MigrateInput(ManifestsInput):
    """Manifests written for an older AI Gateway release, and the release to migrate them to."""

    target_version: AIGatewayVersion = Field(DEFAULT_VERSION, description="AI Gateway release to migrate to")
    external_secrets: list[SecretRef] = Field(
        default_factory=list,
        description="Secrets that exist at apply time but are not in these manifests, as name or namespace/name",
    )
    partial: bool = Field(
        False,
        description="The manifests are part of a larger set: references to objects outside them are notes",
    )


class ExplainInput(ManifestsInput):
    """Manifests to describe."""


SAVED_SCRAPE_HELP = (
    "Prometheus endpoint, e.g. http://localhost:1064/metrics, or a saved scrape (a file, - for stdin)"
)


class TraceInput(ManifestsInput, TraceRequest):
    """Manifests and the request to follow through them."""


class MetricsInput(InputModel):
    """Where the gateway's Prometheus metrics are served."""

    url: Annotated[HttpUrl, Positional("URL|FILE", help=SAVED_SCRAPE_HELP)] = Field(
        description="Prometheus endpoint, e.g. http://localhost:1064/metrics"
    )
    timeout_seconds: float = Field(10.0, gt=0, le=120, description="How long to wait for the answer")
