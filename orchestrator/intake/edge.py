"""Intake sections for the gateway's edge: client authentication and observability.

Both are derived from the atomic skills' input models (aigw-clientauth, aigw-observability), minus what the
intake already knows (namespaces, names, version), so a field, its type and its description exist once.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, create_model

from skills.clientauth import ClientAuthInput
from skills.model import InputModel
from skills.observability import ObservabilityInput


def _derived(name: str, source: type[InputModel], exclude: set[str], doc: str) -> type[InputModel]:
    fields: dict[str, Any] = {
        key: (info.annotation, info) for key, info in source.model_fields.items() if key not in exclude
    }
    return create_model(name, __base__=InputModel, __doc__=doc, **fields)


_ClientAuthFields = _derived(
    "_ClientAuthFields",
    ClientAuthInput,
    {"target_kind", "target_name", "namespace", "target_version"},
    "Client authentication fields.",
)


class ClientAuthIntake(_ClientAuthFields):  # type: ignore[misc,valid-type]
    """Who may call the gateway: JWT from an identity provider, or API keys (one Secret per client)."""

    scope: Literal["gateway", "route"] = Field(
        "gateway",
        description="gateway: every route on the Gateway; route: only this bundle's route (its HTTPRoute)",
        json_schema_extra={"reason": "The Gateway is dedicated to AI traffic, so protect all of it"},
    )


ObservabilityIntake = _derived(
    "ObservabilityIntake",
    ObservabilityInput,
    {"gateway_name", "namespace", "envoy_gateway_namespace", "envoy_service_account", "target_version"},
    "Access logs with gen_ai fields, metrics scraping and OpenTelemetry tracing for the Gateway.",
)
