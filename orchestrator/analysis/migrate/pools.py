"""Inference Extension rewrites: an InferencePool of the alpha API (inference.networking.x-k8s.io/v1alpha2, which
AI Gateway v0.3 routed to) becomes the v1 InferencePool (inference.networking.k8s.io/v1) that v0.4 and later
accept. InferenceModel has no v1 counterpart; it is reported, not guessed at."""

from __future__ import annotations

from typing import Any

from orchestrator.analysis.migrate.state import GIE_GROUP, GIE_OLD_GROUP, MigrationState, resource_id

V1 = f"{GIE_GROUP}/v1"
WHY = (
    "AI Gateway v0.4 and later route only to the v1 InferencePool (inference.networking.k8s.io); the alpha "
    "API's {old} is {new} there"
)


def rewrite_pool(state: MigrationState, doc: dict[str, Any]) -> None:
    old_version = doc["apiVersion"]
    spec = doc.setdefault("spec", {})
    selector = spec.get("selector")
    if isinstance(selector, dict) and "matchLabels" not in selector:
        spec["selector"] = {"matchLabels": selector}
        state.change(
            doc, "spec.selector", selector, spec["selector"], WHY.format(old="selector", new="matchLabels")
        )
    if "targetPortNumber" in spec:
        port = spec.pop("targetPortNumber")
        spec["targetPorts"] = [{"number": port}]
        state.change(
            doc, "spec.targetPortNumber", port, None, WHY.format(old="targetPortNumber", new="targetPorts")
        )
        state.change(
            doc,
            "spec.targetPorts",
            None,
            spec["targetPorts"],
            WHY.format(old="targetPortNumber", new="targetPorts"),
        )
    if "extensionRef" in spec:
        ext = spec.pop("extensionRef") or {}
        picker: dict[str, Any] = {"name": ext.get("name")}
        picker["port"] = {"number": ext.get("portNumber", 9002)}  # the alpha API's default EPP port
        if ext.get("failureMode"):
            picker["failureMode"] = ext["failureMode"]
        leftovers = sorted(k for k in ext if k not in ("name", "portNumber", "failureMode", "group", "kind"))
        if ext.get("kind", "Service") != "Service" or leftovers:
            state.warnings.append(
                f"{resource_id(doc)}: spec.extensionRef {ext} is not a plain Service reference; check "
                "spec.endpointPickerRef by hand"
            )
        spec["endpointPickerRef"] = picker
        state.change(
            doc, "spec.extensionRef", ext, None, WHY.format(old="extensionRef", new="endpointPickerRef")
        )
        state.change(
            doc,
            "spec.endpointPickerRef",
            None,
            picker,
            WHY.format(old="extensionRef", new="endpointPickerRef"),
        )
    doc["apiVersion"] = V1
    state.change(
        doc, "apiVersion", old_version, V1, WHY.format(old="group", new="inference.networking.k8s.io")
    )


def report_model(state: MigrationState, doc: dict[str, Any]) -> None:
    state.warnings.append(
        f"{resource_id(doc)}: InferenceModel was removed from the Inference Extension (v1.0); route its "
        "modelName with an AIGatewayRoute rule to the pool, and express criticality as an InferenceObjective "
        f"({GIE_OLD_GROUP}/v1alpha2) priority"
    )
