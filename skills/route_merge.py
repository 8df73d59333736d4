"""Adding rules to a live AIGatewayRoute without dropping the others.

`kubectl apply` replaces an AIGatewayRoute's whole `rules` list, so a route generated for one new model
deletes every model it does not list. With `existing_route` (the YAML of the route as applied, e.g. `kubectl
get aigatewayroute NAME -n NS -o yaml`, or the file it was applied from), aigw-route reads that route back
into its own inputs (rules, namespace, Gateway, hostnames, recorded costs), appends the new `rules`, and
emits only the route (the Gateway and its buffer-limit policy already exist), so applying the result adds
the models and keeps every other one. A model that is already routed is refused by the usual duplicate check,
naming both rules.
"""

from __future__ import annotations

from typing import Any

import yaml

from skills.errors import FieldValueError
from skills.versions import MODEL_HEADER

ROUTE_KIND = "AIGatewayRoute"


def _route_doc(text: str, name: str | None) -> dict[str, Any]:
    try:
        docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    except yaml.YAMLError as exc:
        raise FieldValueError("existing_route", f"existing_route is not valid YAML: {exc}") from None
    items = [i for d in docs for i in (d.get("items") if d.get("kind") == "List" else [d]) or []]
    routes = [d for d in items if isinstance(d, dict) and d.get("kind") == ROUTE_KIND]
    named = [r for r in routes if name and (r.get("metadata") or {}).get("name") == name]
    if len(named) == 1:
        return named[0]
    if len(routes) == 1:
        return routes[0]
    found = ", ".join(str((r.get("metadata") or {}).get("name")) for r in routes) or "none"
    raise FieldValueError(
        "existing_route",
        f"existing_route must hold exactly one AIGatewayRoute (or one named {name!r}); found: {found}. Pass "
        "the output of `kubectl get aigatewayroute NAME -n NAMESPACE -o yaml`",
    )


def _backend(ref: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": ref["name"]}
    if ref.get("kind") == "InferencePool":
        out["kind"] = "InferencePool"
    for source, target in (
        ("namespace", "namespace"),
        ("weight", "weight"),
        ("priority", "priority"),
        ("modelNameOverride", "model_name_override"),
    ):
        if ref.get(source) is not None:
            out[target] = ref[source]
    return out


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    headers = [
        h
        for match in rule.get("matches") or []
        for h in (match.get("headers") or [])
        if h.get("name") == MODEL_HEADER
    ]
    out: dict[str, Any] = {
        "models": [h["value"] for h in headers],
        "match_type": headers[0].get("type", "Exact") if headers else "Exact",
        "backends": [_backend(b) for b in rule.get("backendRefs") or []],
    }
    timeouts = rule.get("timeouts") or {}
    for source, target in (("request", "request_timeout"), ("backendRequest", "backend_request_timeout")):
        if timeouts.get(source):
            out[target] = timeouts[source]
    if rule.get("streamIdleTimeout"):
        out["stream_idle_timeout"] = rule["streamIdleTimeout"]
    if rule.get("name"):
        out["name"] = rule["name"]
    return out


def _cost(cost: dict[str, Any]) -> dict[str, Any]:
    out = {"type": cost.get("type", "TotalToken"), "metadata_key": cost.get("metadataKey")}
    return out | ({"cel": cost["cel"]} if cost.get("cel") else {})


def merge_existing(data: Any) -> Any:
    """RouteInput data with `existing_route` read back and the new rules appended (the data unchanged
    when there is no existing route)."""
    if not isinstance(data, dict) or not data.get("existing_route"):
        return data
    route = _route_doc(str(data["existing_route"]), data.get("name"))
    meta, spec = route.get("metadata") or {}, route.get("spec") or {}
    parents = [p for p in spec.get("parentRefs") or [] if p.get("name")]
    old_rules = [_rule(r) for r in spec.get("rules") or [] if r.get("backendRefs")]
    if any(not r["models"] for r in old_rules):
        raise FieldValueError(
            "existing_route",
            f"a rule of AIGatewayRoute {meta.get('name')} matches no {MODEL_HEADER} header: aigw-route cannot "
            "carry it over; add the rules to that route by hand",
        )
    merged = dict(data)
    merged["rules"] = [*old_rules, *list(data.get("rules") or [])]
    merged["name"] = meta.get("name", data.get("name"))
    merged["namespace"] = meta.get("namespace", data.get("namespace", "default"))
    if parents:
        merged["gateway_name"] = parents[0]["name"]
        if parents[0].get("namespace"):
            merged["gateway_namespace"] = parents[0]["namespace"]
    merged["create_gateway"] = False  # the Gateway and its policies are live already
    merged["client_traffic_policy"] = False
    if spec.get("hostnames") and not data.get("hostnames"):
        merged["hostnames"] = list(spec["hostnames"])
    if spec.get("llmRequestCosts") and not data.get("llm_request_costs"):
        merged["llm_request_costs"] = [_cost(c) for c in spec["llmRequestCosts"]]
    return merged
