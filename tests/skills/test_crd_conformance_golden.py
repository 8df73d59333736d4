"""Every manifest of every golden case conforms to the pinned CRDs in ../shared/crds.

Checked per object: the apiVersion is served by the CRD, the object validates against that version's
openAPIV3Schema as the API server applies it (types, enums, required, limits, patterns, unknown fields
rejected as strict field validation does), and metadata is a valid name/namespace.
"""

from __future__ import annotations

import copy
import functools
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.conftest import GOLDEN, shared_path

GOLDEN_SKILLS = GOLDEN / "skills"
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def _golden_manifests() -> list[tuple[str, int, dict[str, Any]]]:
    found = []
    for path in sorted(GOLDEN_SKILLS.rglob("*.yaml")):
        if path.name.endswith(".values.yaml"):  # helm values, not Kubernetes objects
            continue
        for index, doc in enumerate(yaml.safe_load_all(path.read_text(encoding="utf-8"))):
            found.append((str(path.relative_to(GOLDEN_SKILLS)), index, doc))
    return found


MANIFESTS = _golden_manifests()
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _id(item: tuple[str, int, dict[str, Any]]) -> str:
    path, index, doc = item
    return f"{path}#{index}-{doc.get('kind')}"


def _strict(schema: Any) -> Any:
    """openAPIV3Schema -> JSON Schema (draft 4) with the API server's structural rules."""
    if isinstance(schema, list):
        return [_strict(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _strict(v) for k, v in schema.items() if not k.startswith("x-kubernetes-")}
    for key in ("properties", "patternProperties", "definitions"):
        if key in schema:
            out[key] = {name: _strict(sub) for name, sub in schema[key].items()}
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    if schema.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    if schema.get("nullable"):
        out.pop("nullable")
        if "type" in out:
            out["type"] = [out["type"], "null"]
    return out


@functools.cache
def _crd_versions() -> dict[tuple[str, str], dict[str, dict[str, Any]]]:
    """(group, kind) -> version -> {served, schema}."""
    index: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for path in sorted(Path(shared_path("crds")).rglob("*.yaml")):
        for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_FAST_LOADER):
            if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
                continue
            spec = doc["spec"]
            versions = index.setdefault((spec["group"], spec["names"]["kind"]), {})
            for v in spec["versions"]:
                versions[v["name"]] = {
                    "served": v.get("served", False),
                    "schema": v["schema"]["openAPIV3Schema"],
                }
    return index


@functools.cache
def _validator(group: str, kind: str, version: str) -> jsonschema.Draft4Validator:
    schema = copy.deepcopy(_crd_versions()[(group, kind)][version]["schema"])
    schema["properties"]["metadata"] = {"type": "object"}  # checked separately below
    return jsonschema.Draft4Validator(_strict(schema))


def test_golden_cases_cover_every_kind_the_skills_emit() -> None:
    kinds = {doc["kind"] for _, _, doc in MANIFESTS}
    assert kinds == {
        "AIGatewayRoute",
        "AIServiceBackend",
        "Backend",
        "BackendSecurityPolicy",
        "BackendTLSPolicy",
        "BackendTrafficPolicy",
        "ClientTrafficPolicy",
        "EnvoyProxy",
        "Gateway",
        "GatewayClass",
        "GatewayConfig",
        "MCPRoute",
        "ReferenceGrant",
        "SecurityPolicy",
        "ServiceAccount",  # core: the Envoy pods' account for the AWS default chain (aigw-auth)
    }
    assert len(MANIFESTS) > 100


@pytest.mark.parametrize("item", MANIFESTS, ids=_id)
def test_golden_manifest_conforms_to_its_crd_schema(item: tuple[str, int, dict[str, Any]]) -> None:
    _path, _index, doc = item
    group, _, version = doc["apiVersion"].rpartition("/")
    if not group:  # a core kind: no CRD; the engine's core checks apply
        from orchestrator.engine.core_kinds import core_errors

        assert doc["kind"] == "ServiceAccount", f"{doc['kind']}: the only core kind the skills emit"
        assert [e.message for e in core_errors(doc)] == []
        return
    versions = _crd_versions().get((group, doc["kind"]))
    assert versions is not None, f"no CRD for {doc['kind']} in group {group}"
    assert version in versions and versions[version]["served"], (
        f"{doc['apiVersion']} is not served; served: {[v for v, d in versions.items() if d['served']]}"
    )
    errors = sorted(_validator(group, doc["kind"], version).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{'.'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors)
    meta = doc["metadata"]
    assert set(meta) <= {"name", "namespace", "labels", "annotations"}
    assert DNS_SUBDOMAIN.match(meta["name"]) and len(meta["name"]) <= 253
    if doc["kind"] == "GatewayClass":
        assert "namespace" not in meta, "GatewayClass is cluster-scoped"
    else:
        assert DNS_LABEL.match(meta["namespace"]) and len(meta["namespace"]) <= 63
    assert meta.get("labels", {}) == {"app.kubernetes.io/managed-by": "aigw-skills"}


def test_schema_check_rejects_unknown_fields_and_bad_enums() -> None:
    """The conversion above must keep the API server's strictness, or the conformance test proves nothing."""
    doc = yaml.safe_load((GOLDEN_SKILLS / "backend" / "preset-openai.yaml").read_text().split("---\n")[1])
    validator = _validator("aigateway.envoyproxy.io", "AIServiceBackend", "v1beta1")
    assert not list(validator.iter_errors(doc))
    unknown = copy.deepcopy(doc)
    unknown["spec"]["timeouts"] = {"request": "10s"}  # removed upstream; KNOWN-DEFECTS.md
    assert any("timeouts" in e.message for e in validator.iter_errors(unknown))
    bad_enum = copy.deepcopy(doc)
    bad_enum["spec"]["schema"]["name"] = "OpenAi"
    assert any("OpenAi" in e.message for e in validator.iter_errors(bad_enum))
    missing = copy.deepcopy(doc)
    del missing["spec"]["backendRef"]["name"]
    assert any("'name' is a required property" in e.message for e in validator.iter_errors(missing))
    route = _validator("aigateway.envoyproxy.io", "AIGatewayRoute", "v1beta1")
    too_many = {
        "apiVersion": "aigateway.envoyproxy.io/v1beta1",
        "kind": "AIGatewayRoute",
        "metadata": {"name": "r"},
        "spec": {"rules": [{"backendRefs": [{"name": "b"}]}] * 16},
    }
    assert any("too long" in e.message for e in route.iter_errors(too_many))


# --- The validation engine (schema + x-kubernetes-validations CEL), once orchestrator.engine.validate is available.

GOLDEN_FILES = sorted({path for path, _, _ in MANIFESTS})


@functools.cache
def _engine() -> tuple[Any, Any]:
    from orchestrator.engine.crds import load_crds
    from orchestrator.engine.validate import validate_documents

    return validate_documents, load_crds(shared_path("crds"))


@pytest.mark.parametrize("path", GOLDEN_FILES)
def test_golden_file_passes_schema_and_cel_in_the_validation_engine(path: str) -> None:
    validate_documents, crds = _engine()
    docs = list(yaml.safe_load_all((GOLDEN_SKILLS / path).read_text(encoding="utf-8")))
    report = validate_documents(docs, crds=crds, lint=False)
    assert report.documents == len(docs)
    assert report.findings == [], "\n".join(f"{f.resource} {f.path}: {f.message}" for f in report.findings)
    assert report.checks_skipped == []


def test_pair_bundle_passes_cross_resource_lint_with_its_secrets_external() -> None:
    import json

    validate_documents, crds = _engine()
    from orchestrator.engine.lint.linter import LintContext

    docs = list(yaml.safe_load_all((GOLDEN_SKILLS / "pair" / "openai-anthropic.yaml").read_text()))
    secrets = json.loads((GOLDEN_SKILLS / "pair" / "openai-anthropic.secrets.json").read_text())
    context = LintContext(external_secrets=frozenset(f"{s['namespace']}/{s['name']}" for s in secrets))
    report = validate_documents(docs, crds=crds, context=context)
    assert report.findings == [], "\n".join(f"{f.resource} {f.path}: {f.message}" for f in report.findings)


def test_validation_engine_rejects_cel_violations_in_golden_objects() -> None:
    """The engine must be able to fail: break a CEL rule in two golden objects."""
    validate_documents, crds = _engine()
    docs = list(yaml.safe_load_all((GOLDEN_SKILLS / "pair" / "openai-anthropic.yaml").read_text()))
    bsp = copy.deepcopy(next(d for d in docs if d["kind"] == "BackendSecurityPolicy"))
    bsp["spec"]["awsCredentials"] = {"region": "us-east-1"}
    route = copy.deepcopy(next(d for d in docs if d["kind"] == "AIGatewayRoute"))
    route["spec"]["rules"][0]["timeouts"] = {"request": "10s", "backendRequest": "20s"}
    report = validate_documents([bsp, route], crds=crds, lint=False)
    messages = sorted(f.message for f in report.findings)
    assert any("only apiKey field should be set" in m for m in messages)
    assert any("backendRequest timeout cannot be longer than request timeout" in m for m in messages)
