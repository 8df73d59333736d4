"""A Kubernetes API server stand-in on 127.0.0.1 for driving the real kubectl in tests.

It serves a fixed set of objects at their API paths with the legacy discovery documents kubectl reads (/api,
/apis, /api/v1, /apis/<group>/<version>, built from the built-in kinds below and from the CRDs among the objects),
lists with label and field selectors, single gets, the OpenAPI v3 stub kubectl checks before a server-side
field validation, and dry-run creates and patches (JSON merge patch; strategic merge patches are applied as merge
patches, which is exact for the maps the tests change). Writes without dryRun=All are refused with 403 and
recorded, so a test can prove a command never wrote. Every request is recorded.
"""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

BUILTIN: list[tuple[str, str, str, str, bool]] = [  # group, version, plural, kind, namespaced
    ("", "v1", "namespaces", "Namespace", False),
    ("", "v1", "pods", "Pod", True),
    ("", "v1", "secrets", "Secret", True),
    ("", "v1", "configmaps", "ConfigMap", True),
    ("", "v1", "services", "Service", True),
    ("apps", "v1", "deployments", "Deployment", True),
    (
        "admissionregistration.k8s.io",
        "v1",
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        False,
    ),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", False),
]


@dataclass(frozen=True)
class Resource:
    group: str
    versions: tuple[str, ...]
    plural: str
    kind: str
    namespaced: bool


def _priority(version: str) -> tuple[int, int, int]:
    """Kubernetes version priority, highest first: v1 > v1beta1 > v1alpha3 (sort key)."""
    major, _, rest = version.removeprefix("v").partition("beta" if "beta" in version else "alpha")
    stage = (
        0
        if not rest and "alpha" not in version and "beta" not in version
        else (1 if "beta" in version else 2)
    )
    return (stage, -int(major or 0), -int(rest or 0))


def _merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            continue
        if value is None:
            out.pop(key, None)
        else:
            out[key] = _merge_patch(out.get(key), value)
    return out


def _strip_directives(patch: Any) -> Any:
    if isinstance(patch, dict):
        return {k: _strip_directives(v) for k, v in patch.items() if not k.startswith("$")}
    if isinstance(patch, list):
        return [_strip_directives(v) for v in patch]
    return patch


def _labels_match(obj: dict[str, Any], selector: str) -> bool:
    labels = (obj.get("metadata") or {}).get("labels") or {}
    for term in filter(None, selector.split(",")):
        key, _, value = term.partition("=")
        if labels.get(key) != value:
            return False
    return True


def _fields_match(obj: dict[str, Any], selector: str) -> bool:
    meta = obj.get("metadata") or {}
    for term in filter(None, selector.split(",")):
        key, _, value = term.partition("=")
        if meta.get(key.removeprefix("metadata.")) != value:
            return False
    return True


@dataclass
class FakeAPIServer:
    objects: list[dict[str, Any]]
    reject: dict[str, str] = field(default_factory=dict)  # object name -> admission error message
    # API groups listed in discovery whose resources answer 503 (a dead API service)
    unavailable: tuple[str, ...] = ()
    # resources (plural) the test user may not read: 403, as RBAC answers
    forbidden: tuple[str, ...] = ()
    # the test user may read nothing at all, discovery and /version included: every request answers 403
    deny_all: bool = False
    requests: list[str] = field(default_factory=list)
    refused_writes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.resources: list[Resource] = [Resource(g, (v,), p, k, n) for g, v, p, k, n in BUILTIN]
        self.resources += [Resource(g, ("v1beta1",), "things", "Thing", False) for g in self.unavailable]
        for crd in self.objects:
            if crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            served = tuple(
                sorted((v["name"] for v in spec.get("versions", []) if v.get("served")), key=_priority)
            )
            self.resources.append(
                Resource(
                    spec["group"],
                    served,
                    spec["names"]["plural"],
                    spec["names"]["kind"],
                    spec.get("scope") == "Namespaced",
                )
            )
        self.store: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        for obj in self.objects:
            resource = self._by_kind(obj)
            if resource is not None:
                meta = obj.setdefault("metadata", {})
                meta.setdefault("uid", f"uid-{meta.get('name')}")
                meta.setdefault("resourceVersion", "1")
                key = (resource.group, resource.plural, meta.get("namespace", ""), meta["name"])
                self.store[key] = obj

    def _by_kind(self, obj: dict[str, Any]) -> Resource | None:
        group = str(obj.get("apiVersion", "")).rpartition("/")[0]
        for r in self.resources:
            if r.kind == obj.get("kind") and r.group == group:
                return r
        return None

    # --- discovery ---------------------------------------------------------------------------------------------
    def groups(self) -> dict[str, Any]:
        groups: dict[str, list[str]] = {}
        for r in self.resources:
            if r.group:
                for v in r.versions:
                    if v not in groups.setdefault(r.group, []):
                        groups[r.group].append(v)
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [
                {
                    "name": g,
                    "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                    "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]},
                }
                for g, vs in groups.items()
            ],
        }

    def resource_list(self, group: str, version: str) -> dict[str, Any] | None:
        items = [r for r in self.resources if r.group == group and version in r.versions]
        if not items:
            return None
        gv = f"{group}/{version}" if group else version
        verbs = ["get", "list", "create", "patch", "update"]
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": gv,
            "resources": [
                {
                    "name": r.plural,
                    "singularName": r.kind.lower(),
                    "namespaced": r.namespaced,
                    "kind": r.kind,
                    "verbs": verbs,
                }
                for r in items
            ],
        }

    # --- objects -----------------------------------------------------------------------------------------------
    def resolve(self, parts: list[str]) -> tuple[Resource, str, str, str | None] | None:
        """(resource, version, namespace, name) for /api/v1/... or /apis/g/v/... paths."""
        if parts[:1] == ["api"] and len(parts) >= 3:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 4:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return None
        namespace = ""
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        for r in self.resources:
            if r.group == group and r.plural == rest[0] and version in r.versions:
                return r, version, namespace, rest[1] if len(rest) > 1 else None
        return None

    def served_copy(self, obj: dict[str, Any], resource: Resource, version: str) -> dict[str, Any]:
        out = copy.deepcopy(obj)
        out["apiVersion"] = f"{resource.group}/{version}" if resource.group else version
        return out

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.requests.append(f"{handler.command} {url.path}{'?' + url.query if url.query else ''}")
        parts = [p for p in url.path.split("/") if p]
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        if self.deny_all:
            message = f'forbidden: User "tester" cannot {handler.command.lower()} path "{url.path}"'
            self._send(handler, 403, _status(403, "Forbidden", message))
        elif handler.command == "GET":
            self._get(handler, url.path, parts, query)
        elif handler.command in ("POST", "PATCH"):
            self._write(handler, parts, query, body)
        else:
            self._send(handler, 405, _status(405, "MethodNotAllowed", "method not allowed"))

    def _get(
        self, handler: BaseHTTPRequestHandler, path: str, parts: list[str], query: dict[str, str]
    ) -> None:
        if path == "/version":
            return self._send(handler, 200, {"major": "1", "minor": "32", "gitVersion": "v1.32.0"})
        if path == "/api":
            return self._send(
                handler, 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
            )
        if path == "/apis":
            return self._send(handler, 200, self.groups())
        if path == "/openapi/v3":
            return self._send(
                handler, 200, {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=0"}}}
            )
        if path == "/openapi/v3/api/v1":
            gvk = {"group": "", "version": "v1", "kind": "Namespace"}
            param = {"name": "fieldValidation", "in": "query", "schema": {"type": "string"}}
            doc = {
                "/api/v1/namespaces/{name}": {
                    "patch": {"x-kubernetes-group-version-kind": gvk, "parameters": [param]}
                }
            }
            return self._send(
                handler, 200, {"openapi": "3.0.0", "info": {"title": "fake", "version": "v1"}, "paths": doc}
            )
        if (len(parts) == 2 and parts[0] == "api") or (len(parts) == 3 and parts[0] == "apis"):
            group, version = ("", parts[1]) if parts[0] == "api" else (parts[1], parts[2])
            if group in self.unavailable:
                return self._send(
                    handler,
                    503,
                    _status(
                        503, "ServiceUnavailable", "the server is currently unable to handle the request"
                    ),
                )
            listing = self.resource_list(group, version)
            return self._send(handler, 200, listing) if listing else self._not_found(handler, path)
        found = self.resolve(parts)
        if found is None:
            return self._not_found(handler, path)
        resource, version, namespace, name = found
        if resource.plural in self.forbidden:
            message = (
                f'{resource.plural} is forbidden: User "tester" cannot list resource "{resource.plural}"'
            )
            return self._send(handler, 403, _status(403, "Forbidden", message))
        if name is not None:
            obj = self.store.get((resource.group, resource.plural, namespace, name))
            if obj is None:
                return self._send(
                    handler, 404, _status(404, "NotFound", f'{resource.plural} "{name}" not found')
                )
            return self._send(handler, 200, self.served_copy(obj, resource, version))
        items = [
            self.served_copy(o, resource, version)
            for (g, p, ns, _), o in sorted(self.store.items())
            if g == resource.group
            and p == resource.plural
            and (not namespace or ns == namespace)
            and _labels_match(o, query.get("labelSelector", ""))
            and _fields_match(o, query.get("fieldSelector", ""))
        ]
        api_version = f"{resource.group}/{version}" if resource.group else version
        listing = {
            "apiVersion": api_version,
            "kind": f"{resource.kind}List",
            "metadata": {"resourceVersion": "1"},
            "items": items,
        }
        self._send(handler, 200, listing)

    def _write(
        self, handler: BaseHTTPRequestHandler, parts: list[str], query: dict[str, str], body: bytes
    ) -> None:
        found = self.resolve(parts)
        if found is None:
            return self._not_found(handler, "/" + "/".join(parts))
        resource, version, namespace, name = found
        if query.get("dryRun") != "All":
            self.refused_writes.append(f"{handler.command} /{'/'.join(parts)}")
            return self._send(
                handler, 403, _status(403, "Forbidden", "this test server accepts dry runs only")
            )
        data = json.loads(body or b"{}")
        if handler.command == "POST":
            name = data.get("metadata", {}).get("name")
            current = None
        else:
            current = self.store.get((resource.group, resource.plural, namespace, name or ""))
            if current is None:
                return self._send(
                    handler, 404, _status(404, "NotFound", f'{resource.plural} "{name}" not found')
                )
        if name in self.reject:
            return self._send(
                handler,
                422,
                _status(
                    422,
                    "Invalid",
                    f'{resource.kind}.{resource.group} "{name}" is invalid: {self.reject[name]}',
                ),
            )
        if current is None:
            result = copy.deepcopy(data)
            meta = result.setdefault("metadata", {})
            meta.update({"uid": f"uid-{name}", "generation": 1, "creationTimestamp": "2026-12-01T00:00:00Z"})
            if resource.namespaced:
                meta.setdefault("namespace", namespace)
            return self._send(handler, 201, self.served_copy(result, resource, version))
        result = _merge_patch(current, _strip_directives(data))
        if result.get("spec") != current.get("spec"):
            result["metadata"]["generation"] = int(current["metadata"].get("generation", 1)) + 1
        self._send(handler, 200, self.served_copy(result, resource, version))

    def _not_found(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        self._send(
            handler,
            404,
            _status(404, "NotFound", f"the server could not find the requested resource ({path})"),
        )

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, code: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


class Running:
    """A started server: its URL, a kubeconfig pointing at it, and the FakeAPIServer state."""

    def __init__(self, api: FakeAPIServer, tmp: Path) -> None:
        self.api = api

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                api.serve(self)

            def do_POST(self) -> None:
                api.serve(self)

            def do_PATCH(self) -> None:
                api.serve(self)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        tmp.mkdir(parents=True, exist_ok=True)
        self.kubeconfig = tmp / "kubeconfig"
        self.kubeconfig.write_text(
            "apiVersion: v1\nkind: Config\n"
            f"clusters:\n- name: fake\n  cluster:\n    server: {self.url}\n"
            "users:\n- name: tester\n  user: {}\n"
            "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: tester\n"
            "current-context: fake\n",
            encoding="utf-8",
        )

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
