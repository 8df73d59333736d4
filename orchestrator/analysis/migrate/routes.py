"""AIGatewayRoute rewrites: targetRefs to parentRefs, the route-level schema dropped, InferencePool refs to the
v1 group, backend timeouts onto the rules, and filterConfig to a GatewayConfig the Gateway opts into."""

from __future__ import annotations

import copy
from typing import Any

from orchestrator.analysis.migrate.state import (
    GATEWAY_CONFIG_ANNOTATION,
    GIE_GROUP,
    GIE_OLD_GROUP,
    MigrationState,
    ns,
    resource_id,
    seconds,
)
from skills.versions import first_release


def rewrite_route(state: MigrationState, index: int, doc: dict[str, Any]) -> None:
    spec = doc.setdefault("spec", {})
    targets = spec.pop("targetRefs", None)
    if targets is not None:
        parents = spec.get("parentRefs")
        if not parents:
            parents = [{k: t[k] for k in ("group", "kind", "name", "sectionName") if k in t} for t in targets]
            spec["parentRefs"] = parents
        state.change(
            doc,
            "spec.targetRefs",
            targets,
            None,
            "targetRefs was deprecated in v0.3 and removed in v0.4 (upstream #550, PR #821)",
        )
        state.change(
            doc, "spec.parentRefs", None, copy.deepcopy(parents), "the Gateway attachment since v0.3"
        )
    schema = spec.pop("schema", None)
    if schema is not None:
        state.change(
            doc,
            "spec.schema",
            schema,
            None,
            "the route-level schema was removed in v0.4 (PR #1013); each AIServiceBackend declares its own",
        )
    if "filterConfig" in spec and not state.prof.route_filter_config:
        _filter_config(state, index, doc, spec.pop("filterConfig"))
    for r, rule in enumerate(spec.get("rules") or []):
        _rule(state, doc, r, rule)
    rules = spec.get("rules") or []
    prof = state.prof
    if len(rules) > prof.max_rules:
        state.warnings.append(
            f"{resource_id(doc)}: {len(rules)} rules, but AI Gateway {prof.ai_gateway} allows "
            f"{prof.max_rules} per route (upstream #2120); split it into several AIGatewayRoutes on "
            "the same Gateway"
        )
    if spec.get("hostnames") and not prof.route_hostnames:
        state.warnings.append(
            f"{resource_id(doc)}: spec.hostnames needs AI Gateway {first_release('route_hostnames')} or later"
        )


def _rule(state: MigrationState, doc: dict[str, Any], r: int, rule: dict[str, Any]) -> None:
    for b, ref in enumerate(rule.get("backendRefs") or []):
        if ref.get("group") == GIE_OLD_GROUP:
            ref["group"] = GIE_GROUP
            state.change(
                doc,
                f"spec.rules[{r}].backendRefs[{b}].group",
                GIE_OLD_GROUP,
                GIE_GROUP,
                "since v0.4 only the v1 InferencePool (inference.networking.k8s.io) is accepted; the InferencePool "
                "object moves to inference.networking.k8s.io/v1 too",
            )
    if "timeouts" in rule or not state.backend_timeouts:
        return
    found = [
        state.backend_timeouts[key]
        for ref in rule.get("backendRefs") or []
        if not ref.get("kind")
        and (key := (str(ref.get("namespace") or ns(doc)), str(ref.get("name")))) in state.backend_timeouts
    ]
    if not found:
        return
    chosen = max(found, key=lambda t: seconds(str(t.get("request", "0s"))))
    rule["timeouts"] = copy.deepcopy(chosen)
    why = "moved from the AIServiceBackend timeouts this rule sends traffic to (removed in v0.3)"
    if len(found) > 1 and any(t != chosen for t in found):
        why += "; its backends disagreed, so the longest request timeout was kept"
    state.change(doc, f"spec.rules[{r}].timeouts", None, copy.deepcopy(chosen), why)


def _filter_config(state: MigrationState, index: int, route: dict[str, Any], config: Any) -> None:
    why = "AIGatewayRoute.filterConfig was removed in v0.6; the extproc settings live in a GatewayConfig"
    state.change(route, "spec.filterConfig", config, None, why)
    proc = (config or {}).get("externalProcessor") or {}
    leftovers = sorted(k for k in proc if k != "resources")
    if leftovers:
        state.warnings.append(
            f"{resource_id(route)}: filterConfig.externalProcessor {', '.join(leftovers)} has no GatewayConfig "
            "equivalent and was dropped"
        )
    if "resources" not in proc:
        return
    if not state.prof.gateway_config:
        state.warnings.append(f"{resource_id(route)}: {state.prof.refusal('GatewayConfig')}")
        return
    spec = {"extProc": {"kubernetes": {"resources": copy.deepcopy(proc["resources"])}}}
    for parent in route["spec"].get("parentRefs") or []:
        gw_ns, gw_name = str(parent.get("namespace") or ns(route)), str(parent.get("name"))
        config_name = f"{gw_name}-config"
        existing = state.index.get(("GatewayConfig", gw_ns, config_name))
        if existing is not None:
            if existing.get("spec") != spec:
                state.warnings.append(
                    f"{resource_id(route)}: GatewayConfig {gw_ns}/{config_name} already carries other extproc "
                    "settings; this route's filterConfig was not merged into it"
                )
            continue
        gateway_config = {
            "apiVersion": state.prof.api_version_for("GatewayConfig"),
            "kind": "GatewayConfig",
            "metadata": {"name": config_name, "namespace": gw_ns},
            "spec": spec,
        }
        state.add(index, gateway_config, f"carries {resource_id(route)}'s filterConfig for Gateway {gw_name}")
        _annotate_gateway(state, gw_ns, gw_name, config_name)


def _annotate_gateway(state: MigrationState, gw_ns: str, gw_name: str, config: str) -> None:
    gateway = state.index.get(("Gateway", gw_ns, gw_name))
    if gateway is None:
        state.warnings.append(
            f"Gateway {gw_ns}/{gw_name} is not in the input: annotate it with {GATEWAY_CONFIG_ANNOTATION}: "
            f"{config} so its GatewayConfig applies"
        )
        return
    annotations = gateway.setdefault("metadata", {}).setdefault("annotations", {})
    current = annotations.get(GATEWAY_CONFIG_ANNOTATION)
    if current not in (None, config):
        state.warnings.append(
            f"{resource_id(gateway)} already uses GatewayConfig {current}; {config} not attached"
        )
        return
    if current is None:
        annotations[GATEWAY_CONFIG_ANNOTATION] = config
        state.change(
            gateway,
            f"metadata.annotations[{GATEWAY_CONFIG_ANNOTATION}]",
            None,
            config,
            "a Gateway opts into a GatewayConfig through this annotation",
        )
