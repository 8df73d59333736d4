"""Versions in use against the release profiles (skills/versions.py): CRDs, controller images, Envoy Gateway.

- The AI Gateway controller's release is its image tag (docker.io/envoyproxy/ai-gateway-controller:vX.Y.Z); the
  profile of that release says which Envoy Gateway, Gateway API and Inference Extension versions go with it.
- Helm installs CRDs once and never upgrades them (ai-gateway-crds-helm is a separate chart for that reason), so
  CRDs lag controllers (ai-gateway #2091, gateway #7709). The AI Gateway CRDs carry no version label: the served
  API versions and a few schema fields that releases added (reduce.SCHEMA_PROBES) place them.
- Gateway API and Inference Extension CRDs carry their bundle version as an annotation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from orchestrator.analysis.doctor.context import DEFAULT_AIGW_NAMESPACE, DoctorContext
from orchestrator.analysis.doctor.reduce import SCHEMA_PROBES, _probe
from orchestrator.analysis.doctor.report import DoctorFinding, finding
from orchestrator.analysis.doctor.snapshot import Obj, Snapshot
from skills.versions import PROFILES, VersionProfile

AIGW_GROUP = "aigateway.envoyproxy.io"
GATEWAY_API_BUNDLE = "gateway.networking.k8s.io/bundle-version"
INFERENCE_BUNDLE = "inference.networking.k8s.io/bundle-version"
_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


def _minor(version: str) -> tuple[int, int] | None:
    match = _VERSION.search(version)
    return (int(match[1]), int(match[2])) if match else None


def image_version(image: str) -> str | None:
    tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else ""
    match = _VERSION.fullmatch(tag.split("@")[0])
    return tag if match else None


def controller_images(snapshot: Snapshot) -> dict[str, tuple[Obj, str]]:
    """'ai-gateway' and 'envoy-gateway' -> (Deployment, image)."""
    found: dict[str, tuple[Obj, str]] = {}
    for deployment in snapshot.of_kind("Deployment"):
        template = (deployment.spec.get("template") or {}).get("spec") or {}
        for container in template.get("containers") or []:
            if not isinstance(container, dict):
                continue
            image, name = str(container.get("image", "")), container.get("name")
            if "ai-gateway-controller" in image:
                found.setdefault("ai-gateway", (deployment, image))
            elif name == "envoy-gateway" and re.search(r"/gateway(-dev)?:", image):
                # the Envoy proxies' shutdown-manager runs the same image: only EG's own container counts
                found.setdefault("envoy-gateway", (deployment, image))
    return found


def detect_release(snapshot: Snapshot) -> str | None:
    """The profile key of the running AI Gateway controller, when its image tag names a known release."""
    entry = controller_images(snapshot).get("ai-gateway")
    version = image_version(entry[1]) if entry else None
    if not version:
        return None
    minor = _minor(version)
    for key in reversed(PROFILES):
        if _minor(key) == minor:
            return key
    return None


def _crd(snapshot: Snapshot, name: str) -> Obj | None:
    return snapshot.get("CustomResourceDefinition", None, name)


def crd_releases(snapshot: Snapshot) -> list[str] | None:
    """Releases whose AI Gateway CRD features match the installed CRDs (None when the CRDs are not in the input)."""
    route = _crd(snapshot, "aigatewayroutes.aigateway.envoyproxy.io")
    if route is None:
        return None
    flags: dict[str, bool] = {}
    for crd_name, probes in SCHEMA_PROBES.items():
        crd = _crd(snapshot, crd_name)
        if crd is None:
            continue
        versions = [v for v in crd.spec.get("versions") or [] if isinstance(v, dict) and v.get("served")]
        for flag, path in probes.items():
            flags[flag] = any(
                _probe(((v.get("schema") or {}).get("openAPIV3Schema")), path) is not None for v in versions
            )
    serves_v1beta1 = any(
        isinstance(v, dict) and v.get("name") == "v1beta1" and v.get("served")
        for v in route.spec.get("versions") or []
    )
    quota = _crd(snapshot, "quotapolicies.aigateway.envoyproxy.io") is not None
    matches = []
    for key, prof in PROFILES.items():
        if (prof.aigw_api_version.endswith("v1beta1")) != serves_v1beta1 or prof.quota_policy != quota:
            continue
        if all(getattr(prof, flag) == value for flag, value in flags.items()):
            matches.append(key)
    return matches


def _crd_upgrade(prof: VersionProfile) -> str:
    return (
        f"helm upgrade -i aieg-crd oci://docker.io/envoyproxy/ai-gateway-crds-helm --version {prof.ai_gateway} "
        f"-n {DEFAULT_AIGW_NAMESPACE} --take-ownership"
    )


def _crd_skew(snapshot: Snapshot, prof: VersionProfile, controller: str | None) -> Iterator[DoctorFinding]:
    served_needed = prof.aigw_api_version.rpartition("/")[2]
    if snapshot.coverage is not None and not any(
        c.spec.get("group") == AIGW_GROUP for c in snapshot.of_kind("CustomResourceDefinition")
    ):
        yield finding(
            "AIGW-D050",
            ("CustomResourceDefinition", None, "aigatewayroutes.aigateway.envoyproxy.io"),
            severity="error",
            what="no AI Gateway CRD is installed",
            why="the API server rejects every AI Gateway object and the controller has nothing to reconcile",
            fix=_crd_upgrade(prof),
            confirm="kubectl get crd | grep aigateway.envoyproxy.io",
        )
    for crd in snapshot.of_kind("CustomResourceDefinition"):
        if crd.spec.get("group") != AIGW_GROUP:
            continue
        served = [
            str(v.get("name"))
            for v in crd.spec.get("versions") or []
            if isinstance(v, dict) and v.get("served")
        ]
        kind = str((crd.spec.get("names") or {}).get("kind", crd.name))
        if kind == "QuotaPolicy" or served_needed in served:
            continue
        yield finding(
            "AIGW-D050",
            crd.ref,
            severity="error",
            what=f"serves {', '.join(served) or 'no version'}, not {served_needed} which AI Gateway {prof.ai_gateway} uses",
            why=f"{kind} objects written for {prof.ai_gateway} are rejected by the API server, and the controller "
            "cannot read the ones stored in the old version",
            fix=_crd_upgrade(prof),
            confirm=f"kubectl get crd {crd.name} -o jsonpath='{{.spec.versions[*].name}}'",
            source=crd.source,
        )
    releases = crd_releases(snapshot)
    if controller and releases is not None and prof.ai_gateway not in releases:
        route_crd = _crd(snapshot, "aigatewayroutes.aigateway.envoyproxy.io")
        assert route_crd is not None  # crd_releases returns None without it
        shown = (
            f"{releases[0]}–{releases[-1]}"
            if len(releases) > 1
            else (releases[0] if releases else "no known release")
        )
        yield finding(
            "AIGW-D054",
            route_crd.ref,
            severity="error",
            what=f"the AI Gateway CRDs match {shown}, the controller runs {controller}",
            why="helm does not upgrade CRDs with the controller chart; fields the controller expects are pruned by "
            "the API server (for example rule names or credentialOverride) and objects using them lose them",
            fix=_crd_upgrade(prof),
            confirm="kubectl get crd -l app.kubernetes.io/managed-by=Helm | grep aigateway",
            source=route_crd.source,
        )


def _bundle(
    snapshot: Snapshot, check: str, annotation: str, group: str, want: str
) -> Iterator[DoctorFinding]:
    for crd in snapshot.of_kind("CustomResourceDefinition"):
        if crd.spec.get("group") != group:
            continue
        have = str((crd.meta.get("annotations") or {}).get(annotation, ""))
        if not have or _minor(have) == _minor(want):
            continue
        older = (_minor(have) or (0, 0)) < (_minor(want) or (0, 0))
        yield finding(
            check,
            crd.ref,
            severity="error" if older else "warning",
            what=f"bundle version {have}, expected {want}",
            why="the controllers are built against "
            + want
            + "; "
            + (
                "older CRDs lack fields they write and read"
                if older
                else "newer CRDs may carry fields they ignore"
            ),
            fix=f"install the {want} CRDs (for Gateway API: helm upgrade the Envoy Gateway chart, which ships them, "
            "with --take-ownership if they were installed separately)",
            confirm=f"kubectl get crd {crd.name} -o jsonpath='{{.metadata.annotations}}'",
            source=crd.source,
        )
        return  # one finding per CRD bundle: they are installed together


def check_versions(snapshot: Snapshot, ctx: DoctorContext) -> Iterator[DoctorFinding]:
    prof = ctx.profile
    images = controller_images(snapshot)
    aigw = images.get("ai-gateway")
    controller = image_version(aigw[1]) if aigw else None
    if snapshot.coverage is not None and snapshot.covers("Deployment"):
        for key, label in (("ai-gateway", "AI Gateway controller"), ("envoy-gateway", "Envoy Gateway")):
            entry = images.get(key)
            if entry is None:
                yield finding(
                    "AIGW-D055",
                    ("Deployment", None, key),
                    severity="error",
                    what=f"no {label} Deployment found",
                    why=f"without the {label} nothing reconciles the AI Gateway objects",
                    fix="install it: aigw-skills install (prints the helm commands)",
                    confirm="kubectl get deployments -A | grep -E 'ai-gateway-controller|envoy-gateway'",
                )
                continue
            deployment = entry[0]
            if deployment.status.get("availableReplicas", 0) in (0, None) and deployment.status:
                yield finding(
                    "AIGW-D055",
                    deployment.ref,
                    severity="error",
                    what=f"the {label} has no available replica",
                    why="nothing reconciles objects or serves the extension hooks while it is down",
                    fix=f"kubectl rollout status deployment/{deployment.name} -n {deployment.namespace}",
                    confirm=f"kubectl describe deployment {deployment.name} -n {deployment.namespace}",
                    source=deployment.source,
                )
    elif not images:
        ctx.skip("controller versions: no controller Deployments in the input")
    eg = images.get("envoy-gateway")
    eg_version = image_version(eg[1]) if eg else None
    if eg and eg_version and _minor(eg_version) != _minor(prof.envoy_gateway):
        older = (_minor(eg_version) or (0, 0)) < (_minor(prof.envoy_gateway) or (0, 0))
        yield finding(
            "AIGW-D051",
            eg[0].ref,
            severity="error" if older else "warning",
            what=f"Envoy Gateway {eg_version}, AI Gateway {prof.ai_gateway} is built and tested with {prof.envoy_gateway}",
            why="the extension hooks and the resources AI Gateway generates change between Envoy Gateway minors; "
            + (
                "an older one rejects or ignores what the AI Gateway controller writes"
                if older
                else "a newer one is untested"
            ),
            fix=f"helm upgrade eg oci://docker.io/envoyproxy/gateway-helm --version {prof.envoy_gateway} -n "
            f"{eg[0].namespace} --reset-then-reuse-values  # the new chart's defaults, your values over them",
            confirm=f"kubectl get deployment {eg[0].name} -n {eg[0].namespace} -o jsonpath='{{..image}}'",
            source=eg[0].source,
        )
    if not snapshot.of_kind("CustomResourceDefinition"):
        ctx.skip("CRD versions: no CustomResourceDefinitions in the input (add `kubectl get crd -o yaml`)")
        return
    yield from _crd_skew(snapshot, prof, controller)
    yield from _bundle(
        snapshot, "AIGW-D052", GATEWAY_API_BUNDLE, "gateway.networking.k8s.io", prof.gateway_api
    )
    if snapshot.of_kind("InferencePool"):
        yield from _bundle(
            snapshot, "AIGW-D053", INFERENCE_BUNDLE, "inference.networking.k8s.io", prof.inference_extension
        )
