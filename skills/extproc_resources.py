"""CPU and memory for the AI Gateway extproc sidecar, as GatewayConfig extProc.kubernetes.resources carries them
(upstream examples/gateway-config): the input model and the Kubernetes resources block it becomes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from skills.model import InputModel
from skills.types import Quantity

# Kubernetes CPU quantity: millicores (100m) or cores (1, 0.5); positive.
CpuQuantity = Annotated[
    str,
    StringConstraints(pattern=r"^([1-9][0-9]{0,5}m|[0-9]{1,3}(\.[0-9]{1,3})?)$"),
    Field(description="Kubernetes CPU quantity, e.g. 100m, 500m, 1 or 0.5"),
]


class ExtProcResources(InputModel):
    """CPU and memory of the AI Gateway extproc sidecar in each Envoy pod (a Kubernetes resources block)."""

    cpu_request: CpuQuantity | None = Field(None, description="e.g. 100m")
    memory_request: Quantity | None = Field(None, description="e.g. 128Mi")
    cpu_limit: CpuQuantity | None = Field(None, description="e.g. 500m")
    memory_limit: Quantity | None = Field(None, description="e.g. 512Mi")

    def block(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for part in ("request", "limit"):
            values = {r: getattr(self, f"{r}_{part}") for r in ("cpu", "memory")}
            if any(values.values()):
                out[f"{part}s"] = {r: str(v) for r, v in values.items() if v}
        return out
