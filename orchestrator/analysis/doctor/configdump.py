"""Envoy's own configuration: does it hold the AI Gateway ext_proc filter and the cluster for its socket?

The extension server (internal/extensionserver/post_translate_modify.go@v1.1.0) adds to each listener that serves
an AI route an HTTP filter named `envoy.filters.http.ext_proc/aigateway` (disabled by default, enabled per route
through typed_per_filter_config), and a static cluster `ai-gateway-extproc-uds` whose endpoint is the pipe
`/etc/ai-gateway-extproc-uds/run.sock` (cmd/controller/main.go@v1.1.0). The admin `/config_dump` spells fields in
snake_case, egctl (protojson) in lowerCamelCase; both are read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from orchestrator.analysis.doctor.context import (
    DoctorContext,
    ai_gateways,
    eg_namespace,
    pod_gateway,
    proxy_selector,
)
from orchestrator.analysis.doctor.report import DoctorFinding, finding
from orchestrator.analysis.doctor.snapshot import ConfigDump, Snapshot

FILTER = "envoy.filters.http.ext_proc/aigateway"
CLUSTER = "ai-gateway-extproc-uds"
SOCKET = "/etc/ai-gateway-extproc-uds/run.sock"


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def _get(node: Any, name: str) -> Any:
    """A field by its proto name, in either spelling."""
    if not isinstance(node, dict):
        return None
    want = _key(name)
    for key, value in node.items():
        if _key(str(key)) == want:
            return value
    return None


@dataclass
class EnvoyView:
    """What matters in one Envoy's config dump."""

    listeners: dict[str, list[str]] = field(default_factory=dict)  # listener name -> HTTP filter names
    clusters: dict[str, list[str]] = field(default_factory=dict)  # cluster name -> pipe paths
    routes_enabling_filter: int = 0


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _listener_filters(listener: Any) -> list[str]:
    names: list[str] = []
    for node in _walk(listener):
        filters = _get(node, "http_filters")
        if isinstance(filters, list):
            names.extend(str(_get(f, "name")) for f in filters if isinstance(f, dict))
    return names


def _pipes(cluster: Any) -> list[str]:
    return [str(_get(_get(n, "pipe"), "path")) for n in _walk(cluster) if isinstance(_get(n, "pipe"), dict)]


def view(dump: ConfigDump) -> EnvoyView:
    out = EnvoyView()
    for config in dump.configs:
        if not isinstance(config, dict):
            continue
        kind = str(config.get("@type", ""))
        if kind.endswith("ListenersConfigDump"):
            for entry in (_get(config, "dynamic_listeners") or []) + (_get(config, "static_listeners") or []):
                listener = _get(_get(entry, "active_state"), "listener") or _get(entry, "listener")
                name = str(_get(entry, "name") or _get(listener, "name"))
                out.listeners[name] = _listener_filters(listener)
        elif kind.endswith("ClustersConfigDump"):
            for key in ("static_clusters", "dynamic_active_clusters"):
                for entry in _get(config, key) or []:
                    cluster = _get(entry, "cluster")
                    out.clusters[str(_get(cluster, "name"))] = _pipes(cluster)
        elif kind.endswith("RoutesConfigDump"):
            for node in _walk(config):
                per_filter = _get(node, "typed_per_filter_config")
                if isinstance(per_filter, dict) and FILTER in per_filter:
                    out.routes_enabling_filter += 1
    return out


def _gateway_of(dump: ConfigDump, snapshot: Snapshot, envoy: EnvoyView) -> tuple[str, str] | None:
    """The Gateway an Envoy serves: from its pod's labels, else from EG's listener names (<ns>/<gateway>/<listener>)."""
    if dump.pod:
        namespace, _, name = dump.pod.partition("/")
        pod = snapshot.get("Pod", namespace, name)
        if pod is not None:
            found = pod_gateway(pod)
            if found:
                return found
    for listener in envoy.listeners:
        parts = listener.split("/")
        if len(parts) == 3:
            return parts[0], parts[1]
    return None


def check_config_dumps(snapshot: Snapshot, ctx: DoctorContext) -> Iterator[DoctorFinding]:
    gateways = ai_gateways(snapshot)
    if not snapshot.config_dumps:
        if gateways:
            ctx.skip(
                "ext_proc filter in Envoy's configuration: no config dump given (run `egctl config envoy-proxy all "
                "-A -o yaml > config-dump.yaml` and pass --config-dump config-dump.yaml)"
            )
        return
    for dump in snapshot.config_dumps:
        envoy = view(dump)
        gateway = _gateway_of(dump, snapshot, envoy)
        if gateway is not None and gateways and gateway not in gateways:
            continue  # an Envoy of a Gateway without AI routes needs no AI Gateway filter
        obj = (
            ("Gateway", gateway[0], gateway[1])
            if gateway
            else ("EnvoyConfigDump", None, dump.pod or dump.source)
        )
        where = f"the config dump of pod {dump.pod}" if dump.pod else "the config dump"
        ns = eg_namespace(snapshot)
        confirm = (
            f"egctl config envoy-proxy listener -n {ns} -l {proxy_selector(gateway)} -o yaml | grep -c '{FILTER}'"
            if gateway
            else f"egctl config envoy-proxy listener -A -o yaml | grep -c '{FILTER}'"
        )
        fix = (
            f"kubectl rollout restart -n {ns} deployment/envoy-gateway  # once the extension manager is configured "
            "(AIGW-D011), so Envoy Gateway asks the AI Gateway controller again"
        )
        with_filter = [name for name, filters in envoy.listeners.items() if FILTER in filters]
        if envoy.listeners and not with_filter:
            yield finding(
                "AIGW-D030",
                obj,
                severity="error",
                what=f"none of the {len(envoy.listeners)} listener(s) in {where} has the {FILTER} filter",
                why="without the filter Envoy forwards requests without the AI Gateway: the model header is never set "
                "from the body (404 'No matching route found') and provider credentials are never added",
                fix=fix,
                confirm=confirm,
                source=dump.source,
            )
        pipes = envoy.clusters.get(CLUSTER)
        if envoy.clusters and (pipes is None or SOCKET not in pipes):
            detail = (
                "is missing"
                if pipes is None
                else f"points at {', '.join(pipes) or 'no pipe'} instead of {SOCKET}"
            )
            yield finding(
                "AIGW-D031",
                obj,
                severity="error",
                what=f"cluster {CLUSTER} {detail} in {where}",
                why="the ext_proc filter reaches the extproc sidecar through this Unix socket; without it every AI "
                "request fails at the filter",
                fix=fix,
                confirm=confirm.replace("listener", "cluster").replace(FILTER, CLUSTER),
                source=dump.source,
            )
        if (
            with_filter
            and envoy.routes_enabling_filter == 0
            and any(
                k.endswith("RoutesConfigDump")
                for k in (str(c.get("@type", "")) for c in dump.configs if isinstance(c, dict))
            )
        ):
            yield finding(
                "AIGW-D032",
                obj,
                severity="warning",
                what=f"{FILTER} is on {len(with_filter)} listener(s) but no route in {where} enables it",
                why="the filter is disabled by default and turned on per AI route; with no route enabling it AI "
                "requests pass through untouched",
                confirm=confirm.replace("listener", "route").replace(FILTER, "typedPerFilterConfig"),
                fix="kubectl rollout restart -n envoy-ai-gateway-system deployment/ai-gateway-controller",
                source=dump.source,
            )
