"""Rewrite manifests written for older AI Gateway releases so a target release accepts them.

Pure: takes parsed objects, returns new objects plus one :class:`Change` per edit (resource, path, before, after,
why) and warnings for what cannot be rewritten safely. Every rule comes from upstream-api.md §3; what the target
accepts comes from :mod:`skills.versions`. Validation of the result is :mod:`orchestrator.migrate_report`'s job.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from skills.versions import DEFAULT_VERSION, VersionProfile, profile

AIGW_GROUP = "aigateway.envoyproxy.io"
EG_GROUP = "gateway.envoyproxy.io"
GWAPI_GROUP = "gateway.networking.k8s.io"
GIE_GROUP, GIE_OLD_GROUP = "inference.networking.k8s.io", "inference.networking.x-k8s.io"
GATEWAY_CONFIG_ANNOTATION = "aigateway.envoyproxy.io/gateway-config"
AIGW_KINDS = (
    "AIGatewayRoute",
    "AIServiceBackend",
    "BackendSecurityPolicy",
    "GatewayConfig",
    "MCPRoute",
    "QuotaPolicy",
)
OLD_BTLS = (f"{GWAPI_GROUP}/v1alpha2", f"{GWAPI_GROUP}/v1alpha3")
_DURATION = re.compile(r"([0-9]+)(ms|h|m|s)")


@dataclass(frozen=True)
class Change:
    """One edit: where, what it was, what it is now, and the upstream reason."""

    resource: str
    path: str
    before: Any
    after: Any
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "resource": self.resource,
            "path": self.path,
            "before": self.before,
            "after": self.after,
            "why": self.why,
        }


@dataclass
class Migration:
    """The rewritten objects (input order; generated objects follow the object that needed them)."""

    target_version: str
    documents: list[dict[str, Any]]
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _ns(doc: dict[str, Any]) -> str:
    return str((doc.get("metadata") or {}).get("namespace") or "default")


def _name(doc: dict[str, Any]) -> str:
    return str((doc.get("metadata") or {}).get("name") or "")


def resource_id(doc: dict[str, Any]) -> str:
    meta = doc.get("metadata") or {}
    ns = meta.get("namespace")
    return f"{doc.get('kind')}/{ns}/{_name(doc)}" if ns else f"{doc.get('kind')}/{_name(doc)}"


def _group(doc: dict[str, Any]) -> str:
    return str(doc.get("apiVersion", "")).rpartition("/")[0]


def seconds(duration: str) -> float:
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return sum(int(n) * units[u] for n, u in _DURATION.findall(str(duration)))


class _Migrator:
    def __init__(self, docs: list[dict[str, Any]], prof: VersionProfile) -> None:
        self.prof = prof
        self.docs = [copy.deepcopy(d) for d in docs]
        self.changes: list[Change] = []
        self.warnings: list[str] = []
        self.extra: dict[int, list[dict[str, Any]]] = {}  # generated objects, after the input object at index
        self.index = {(d.get("kind"), _ns(d), _name(d)): d for d in self.docs}
        self.backend_timeouts: dict[tuple[str, str], dict[str, Any]] = {}

    def change(self, doc: dict[str, Any], path: str, before: Any, after: Any, why: str) -> None:
        self.changes.append(Change(resource_id(doc), path, before, after, why))

    def add(self, after_index: int, doc: dict[str, Any], why: str) -> None:
        self.extra.setdefault(after_index, []).append(doc)
        self.index[(doc["kind"], _ns(doc), _name(doc))] = doc
        self.change(doc, "", None, "created", why)

    def run(self) -> list[dict[str, Any]]:
        for i, doc in enumerate(self.docs):
            if doc.get("kind") == "AIServiceBackend" and _group(doc) == AIGW_GROUP:
                self.backend(i, doc)
        for i, doc in enumerate(self.docs):
            if doc.get("kind") == "AIGatewayRoute" and _group(doc) == AIGW_GROUP:
                self.route(i, doc)
            elif doc.get("kind") == "BackendTLSPolicy" and doc.get("apiVersion") in OLD_BTLS:
                self.tls_policy(doc)
        for doc in self.docs:
            self.api_version(doc)
        out: list[dict[str, Any]] = []
        for i, doc in enumerate(self.docs):
            out.append(doc)
            out.extend(self.extra.get(i, []))
        return out

    # --- AIServiceBackend ---------------------------------------------------------------------------------

    def backend(self, index: int, doc: dict[str, Any]) -> None:
        spec = doc.setdefault("spec", {})
        timeouts = spec.pop("timeouts", None)
        if timeouts is not None:
            self.backend_timeouts[(_ns(doc), _name(doc))] = timeouts
            self.change(
                doc,
                "spec.timeouts",
                timeouts,
                None,
                "AIServiceBackend.timeouts was removed in v0.3; the timeouts move to the rules[].timeouts of "
                "the AIGatewayRoutes that send traffic here",
            )
        ref = spec.pop("backendSecurityPolicyRef", None)
        if ref is not None:
            self.change(
                doc,
                "spec.backendSecurityPolicyRef",
                ref,
                None,
                "removed in v0.4 (upstream #549, PR #762): the BackendSecurityPolicy names its targets instead",
            )
            self.attach_policy(doc, ref)
        schema = spec.get("schema") or {}
        if schema.get("name") == "OpenAI" and "version" in schema and self.prof.prefix_field:
            version = schema.pop("version")
            why = (
                "for OpenAI, schema.version as the path prefix was deprecated in v0.5 and removed in v0.6 "
                "(upstream #1629, PR #1682); the prefix goes in schema.prefix"
            )
            if "prefix" in schema:
                self.change(doc, "spec.schema.version", version, None, why + " (prefix already set)")
            elif version in ("", None):
                self.change(doc, "spec.schema.version", version, None, why + "; an empty value meant v1")
            else:
                schema["prefix"] = version
                self.change(doc, "spec.schema.version", version, None, why)
                self.change(doc, "spec.schema.prefix", None, version, why)
        backend_ref = spec.get("backendRef")
        if isinstance(backend_ref, dict):
            self.backend_ref(index, doc, backend_ref)

    def attach_policy(self, backend: dict[str, Any], ref: dict[str, Any]) -> None:
        ns = str(ref.get("namespace") or _ns(backend))
        policy = self.index.get(("BackendSecurityPolicy", ns, str(ref.get("name"))))
        target = {"group": AIGW_GROUP, "kind": "AIServiceBackend", "name": _name(backend)}
        if policy is None:
            self.warnings.append(
                f"{resource_id(backend)}: BackendSecurityPolicy {ns}/{ref.get('name')} is not in the input; add "
                f"{target} to its spec.targetRefs"
            )
            return
        spec = policy.setdefault("spec", {})
        before = copy.deepcopy(spec.get("targetRefs"))
        refs = spec.setdefault("targetRefs", [])
        if target not in refs:
            refs.append(target)
            self.change(
                policy,
                "spec.targetRefs",
                before,
                copy.deepcopy(refs),
                f"replaces backendSecurityPolicyRef on {resource_id(backend)} (v0.4 removed the backend-side ref)",
            )

    def backend_ref(self, index: int, doc: dict[str, Any], ref: dict[str, Any]) -> None:
        kind, group = ref.get("kind", "Service"), ref.get("group", "")
        if kind == "Backend" and group == EG_GROUP:
            return
        before = copy.deepcopy(ref)
        why = (
            "since v0.4 an AIServiceBackend must reference an Envoy Gateway Backend (CEL rule, upstream #902)"
        )
        if kind == "Backend" and not group:
            ref["group"] = EG_GROUP
            self.change(doc, "spec.backendRef", before, copy.deepcopy(ref), why)
            return
        if kind != "Service" or group not in ("", "core"):
            self.warnings.append(
                f"{resource_id(doc)}: spec.backendRef {kind} ({group}) has no automatic rewrite"
            )
            return
        if "port" not in ref:
            self.warnings.append(
                f"{resource_id(doc)}: spec.backendRef Service {ref.get('name')} has no port, so no Backend can "
                "be generated; add the port and migrate again"
            )
            return
        svc_ns = str(ref.get("namespace") or _ns(doc))
        host = f"{ref['name']}.{svc_ns}.svc.cluster.local"
        name = self.backend_for(index, doc, host, int(ref["port"]), str(ref["name"]))
        doc["spec"]["backendRef"] = {"name": name, "kind": "Backend", "group": EG_GROUP}
        self.change(doc, "spec.backendRef", before, doc["spec"]["backendRef"], why)

    def backend_for(self, index: int, doc: dict[str, Any], host: str, port: int, svc: str) -> str:
        ns = _ns(doc)
        endpoint = [{"fqdn": {"hostname": host, "port": port}}]
        for candidate in (svc, f"{svc}-{port}", f"{_name(doc)}-backend"):
            existing = self.index.get(("Backend", ns, candidate))
            if existing is None:
                break
            if (existing.get("spec") or {}).get("endpoints") == endpoint:
                return candidate
        backend = {
            "apiVersion": f"{EG_GROUP}/v1alpha1",
            "kind": "Backend",
            "metadata": {"name": candidate, "namespace": ns},
            "spec": {"endpoints": endpoint},
        }
        self.add(
            index,
            backend,
            f"the Envoy Gateway Backend for Service {host}:{port}, which {resource_id(doc)} now references "
            "(plain HTTP to the Service's cluster DNS name)",
        )
        return candidate

    # --- AIGatewayRoute ----------------------------------------------------------------------------------

    def route(self, index: int, doc: dict[str, Any]) -> None:
        spec = doc.setdefault("spec", {})
        targets = spec.pop("targetRefs", None)
        if targets is not None:
            parents = spec.get("parentRefs")
            if not parents:
                parents = [
                    {k: t[k] for k in ("group", "kind", "name", "sectionName") if k in t} for t in targets
                ]
                spec["parentRefs"] = parents
            self.change(
                doc,
                "spec.targetRefs",
                targets,
                None,
                "targetRefs was deprecated in v0.3 and removed in v0.4 (upstream #550, PR #821)",
            )
            self.change(
                doc, "spec.parentRefs", None, copy.deepcopy(parents), "the Gateway attachment since v0.3"
            )
        schema = spec.pop("schema", None)
        if schema is not None:
            self.change(
                doc,
                "spec.schema",
                schema,
                None,
                "the route-level schema was removed in v0.4 (PR #1013); each AIServiceBackend declares its own",
            )
        if "filterConfig" in spec and not self.prof.route_filter_config:
            self.filter_config(index, doc, spec.pop("filterConfig"))
        for r, rule in enumerate(spec.get("rules") or []):
            self.rule(doc, r, rule)
        rules = spec.get("rules") or []
        if len(rules) > self.prof.max_rules:
            self.warnings.append(
                f"{resource_id(doc)}: {len(rules)} rules, but AI Gateway {self.prof.ai_gateway} allows "
                f"{self.prof.max_rules} per route (upstream #2120); split it into several AIGatewayRoutes on "
                "the same Gateway"
            )
        if spec.get("hostnames") and not self.prof.route_hostnames:
            self.warnings.append(f"{resource_id(doc)}: spec.hostnames needs AI Gateway v0.7.0 or later")

    def rule(self, doc: dict[str, Any], r: int, rule: dict[str, Any]) -> None:
        for b, ref in enumerate(rule.get("backendRefs") or []):
            if ref.get("group") == GIE_OLD_GROUP:
                ref["group"] = GIE_GROUP
                self.change(
                    doc,
                    f"spec.rules[{r}].backendRefs[{b}].group",
                    GIE_OLD_GROUP,
                    GIE_GROUP,
                    "since v0.4 only the v1 InferencePool (inference.networking.k8s.io) is accepted; migrate the "
                    "InferencePool object itself to inference.networking.k8s.io/v1 too",
                )
        if "timeouts" in rule or not self.backend_timeouts:
            return
        found = [
            self.backend_timeouts[key]
            for ref in rule.get("backendRefs") or []
            if not ref.get("kind")
            and (key := (str(ref.get("namespace") or _ns(doc)), str(ref.get("name"))))
            in self.backend_timeouts
        ]
        if not found:
            return
        chosen = max(found, key=lambda t: seconds(str(t.get("request", "0s"))))
        rule["timeouts"] = copy.deepcopy(chosen)
        why = "moved from the AIServiceBackend timeouts this rule sends traffic to (removed in v0.3)"
        if len(found) > 1 and any(t != chosen for t in found):
            why += "; its backends disagreed, so the longest request timeout was kept"
        self.change(doc, f"spec.rules[{r}].timeouts", None, copy.deepcopy(chosen), why)

    def filter_config(self, index: int, route: dict[str, Any], config: Any) -> None:
        why = "AIGatewayRoute.filterConfig was removed in v0.6; the extproc settings live in a GatewayConfig"
        self.change(route, "spec.filterConfig", config, None, why)
        proc = (config or {}).get("externalProcessor") or {}
        leftovers = sorted(k for k in proc if k != "resources")
        if leftovers:
            self.warnings.append(
                f"{resource_id(route)}: filterConfig.externalProcessor {', '.join(leftovers)} has no GatewayConfig "
                "equivalent and was dropped"
            )
        if "resources" not in proc:
            return
        if not self.prof.gateway_config:
            self.warnings.append(f"{resource_id(route)}: {self.prof.refusal('GatewayConfig')}")
            return
        spec = {"extProc": {"kubernetes": {"resources": copy.deepcopy(proc["resources"])}}}
        for parent in route["spec"].get("parentRefs") or []:
            gw_ns, gw_name = str(parent.get("namespace") or _ns(route)), str(parent.get("name"))
            name = f"{gw_name}-config"
            existing = self.index.get(("GatewayConfig", gw_ns, name))
            if existing is not None:
                if existing.get("spec") != spec:
                    self.warnings.append(
                        f"{resource_id(route)}: GatewayConfig {gw_ns}/{name} already carries other extproc "
                        "settings; this route's filterConfig was not merged into it"
                    )
                continue
            gateway_config = {
                "apiVersion": self.prof.api_version_for("GatewayConfig"),
                "kind": "GatewayConfig",
                "metadata": {"name": name, "namespace": gw_ns},
                "spec": spec,
            }
            self.add(
                index, gateway_config, f"carries {resource_id(route)}'s filterConfig for Gateway {gw_name}"
            )
            self.annotate_gateway(gw_ns, gw_name, name)

    def annotate_gateway(self, ns: str, name: str, config: str) -> None:
        gateway = self.index.get(("Gateway", ns, name))
        if gateway is None:
            self.warnings.append(
                f"Gateway {ns}/{name} is not in the input: annotate it with {GATEWAY_CONFIG_ANNOTATION}: {config} "
                "so its GatewayConfig applies"
            )
            return
        annotations = gateway.setdefault("metadata", {}).setdefault("annotations", {})
        current = annotations.get(GATEWAY_CONFIG_ANNOTATION)
        if current not in (None, config):
            self.warnings.append(
                f"{resource_id(gateway)} already uses GatewayConfig {current}; {config} not attached"
            )
            return
        if current is None:
            annotations[GATEWAY_CONFIG_ANNOTATION] = config
            self.change(
                gateway,
                f"metadata.annotations[{GATEWAY_CONFIG_ANNOTATION}]",
                None,
                config,
                "a Gateway opts into a GatewayConfig through this annotation",
            )

    # --- other kinds -------------------------------------------------------------------------------------

    def tls_policy(self, doc: dict[str, Any]) -> None:
        old = doc["apiVersion"]
        spec = doc.setdefault("spec", {})
        if old.endswith("v1alpha2"):
            if "targetRef" in spec:
                target = spec.pop("targetRef")
                spec["targetRefs"] = [target]
                self.change(
                    doc, "spec.targetRef", target, None, "v1alpha3 and v1 take a list: spec.targetRefs"
                )
            if "tls" in spec:
                spec["validation"] = spec.pop("tls")
                self.change(doc, "spec.tls", spec["validation"], None, "renamed spec.validation in v1alpha3")
        new = self.prof.backend_tls_policy_api_version
        doc["apiVersion"] = new
        self.change(
            doc,
            "apiVersion",
            old,
            new,
            f"Gateway API {self.prof.gateway_api} serves BackendTLSPolicy {new.rpartition('/')[2]}; "
            f"{old.rpartition('/')[2]} is experimental-only and deprecated (upstream PR #2630)",
        )

    def api_version(self, doc: dict[str, Any]) -> None:
        kind = str(doc.get("kind"))
        if _group(doc) != AIGW_GROUP or kind not in AIGW_KINDS:
            return
        refusal = self.prof.refusal(kind)
        if refusal:
            self.warnings.append(f"{resource_id(doc)}: {refusal}")
            return
        wanted = self.prof.api_version_for(kind)
        if doc.get("apiVersion") != wanted:
            before = doc.get("apiVersion")
            doc["apiVersion"] = wanted
            self.change(
                doc,
                "apiVersion",
                before,
                wanted,
                f"AI Gateway {self.prof.ai_gateway} stores {kind} as {wanted.rpartition('/')[2]}"
                + ("; v1alpha1 is deprecated since v0.6" if wanted.endswith("v1beta1") else ""),
            )


def migrate_documents(docs: list[dict[str, Any]], target_version: str = DEFAULT_VERSION) -> Migration:
    """Rewrite `docs` (parsed Kubernetes objects) for AI Gateway `target_version`; the input is not modified."""
    prof = profile(target_version)
    migrator = _Migrator([d for d in docs if isinstance(d, dict)], prof)
    out = migrator.run()
    return Migration(prof.ai_gateway, out, migrator.changes, migrator.warnings)
