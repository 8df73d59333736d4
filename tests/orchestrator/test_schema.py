"""Structural validation: defaults, pruning of unknown fields, int-or-string, preserve-unknown-fields, embedded
resources, list-map/set uniqueness, ObjectMeta, formats, and the API server's wording of each error."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from orchestrator.engine.crds import CRDSet
from orchestrator.engine.schema import compiled_validator, to_json_schema, validate_structure
from orchestrator.engine.validate import validate_documents


def make_crds(spec: dict[str, Any], *, deprecated: bool = False, scope: str = "Namespaced") -> CRDSet:
    root = {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": spec,
        },
    }
    version: dict[str, Any] = {
        "name": "v1",
        "served": True,
        "storage": True,
        "schema": {"openAPIV3Schema": root},
    }
    if deprecated:
        version["deprecated"] = True
    doc = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"kind": "Widget", "plural": "widgets"},
            "scope": scope,
            "versions": [version],
        },
    }
    return CRDSet.from_documents([doc], origin="test")


def widget(spec: Any, **meta: Any) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", **meta}, "spec": spec}


def errors(crds: CRDSet, doc: dict[str, Any]) -> list[str]:
    report = validate_documents([doc], crds=crds, lint=False)
    return [f"{f.path}: {f.message}" for f in report.findings if f.severity == "error"]


def defaulted(crds: CRDSet, doc: dict[str, Any]) -> dict[str, Any]:
    crd = crds.get("example.com/v1", "Widget")
    assert crd is not None
    return validate_structure(doc, crd, crds).defaulted


OBJ = "object"


def test_defaults_fill_absent_fields_recursively_on_a_copy() -> None:
    crds = make_crds(
        {
            "type": OBJ,
            "properties": {
                "mode": {"type": "string", "default": "Fast"},
                "retry": {
                    "type": OBJ,
                    "default": {},
                    "properties": {"count": {"type": "integer", "default": 3}},
                },
                "items": {
                    "type": "array",
                    "items": {"type": OBJ, "properties": {"w": {"type": "integer", "default": 1}}},
                },
            },
        }
    )
    doc = widget({"items": [{}, {"w": 5}]})
    original = copy.deepcopy(doc)
    assert defaulted(crds, doc)["spec"] == {
        "items": [{"w": 1}, {"w": 5}],
        "mode": "Fast",
        "retry": {"count": 3},
    }
    assert doc == original


def test_null_in_a_non_nullable_field_is_dropped_then_defaulted_but_kept_when_nullable() -> None:
    crds = make_crds(
        {
            "type": OBJ,
            "properties": {
                "a": {"type": "string", "default": "x"},
                "b": {"type": "string", "nullable": True},
            },
        }
    )
    assert defaulted(crds, widget({"a": None, "b": None}))["spec"] == {"a": "x", "b": None}
    assert errors(crds, widget({"a": None, "b": None})) == []


def test_unknown_fields_are_rejected_with_their_full_path() -> None:
    crds = make_crds(
        {
            "type": OBJ,
            "properties": {
                "rules": {"type": "array", "items": {"type": OBJ, "properties": {"name": {"type": "string"}}}}
            },
        }
    )
    assert errors(crds, widget({"rules": [{"name": "a", "nmae": "typo"}], "timeouts": {}})) == [
        'spec.rules[0].nmae: unknown field "spec.rules[0].nmae"',
        'spec.timeouts: unknown field "spec.timeouts"',
    ]


def test_preserve_unknown_fields_and_maps_keep_arbitrary_keys() -> None:
    crds = make_crds(
        {
            "type": OBJ,
            "properties": {
                "raw": {"type": OBJ, "x-kubernetes-preserve-unknown-fields": True},
                "labels": {"type": OBJ, "additionalProperties": {"type": "string"}},
            },
        }
    )
    doc = widget({"raw": {"anything": {"deep": [1]}}, "labels": {"a/b": "c"}})
    assert errors(crds, doc) == []
    assert defaulted(crds, doc)["spec"]["raw"] == {"anything": {"deep": [1]}}
    assert errors(crds, widget({"labels": {"a": 1}})) == [
        'spec.labels[a]: Invalid value: "integer": spec.labels[a] in body must be of type string: "integer"'
    ]


def test_int_or_string_accepts_both_and_still_checks_patterns() -> None:
    crds = make_crds(
        {
            "type": OBJ,
            "properties": {
                "limit": {
                    "x-kubernetes-int-or-string": True,
                    "anyOf": [{"type": "integer"}, {"type": "string"}],
                    "pattern": "^[0-9]+(Ki|Mi)?$",
                }
            },
        }
    )
    assert errors(crds, widget({"limit": 1048576})) == []
    assert errors(crds, widget({"limit": "50Mi"})) == []
    assert errors(crds, widget({"limit": "50 MB"})) == [
        "spec.limit: Invalid value: \"50 MB\": spec.limit in body should match '^[0-9]+(Ki|Mi)?$'"
    ]
    assert errors(crds, widget({"limit": True}))[0].startswith(
        'spec.limit: Invalid value: "boolean": spec.limit in body must be of type integer,string'
    )


def test_embedded_resources_allow_apiversion_kind_and_check_their_metadata() -> None:
    crds = make_crds(
        {
            "type": OBJ,
            "properties": {
                "template": {
                    "type": OBJ,
                    "x-kubernetes-embedded-resource": True,
                    "properties": {"spec": {"type": OBJ, "properties": {"x": {"type": "string"}}}},
                }
            },
        }
    )
    ok = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"x": "y"}}
    assert errors(crds, widget({"template": ok})) == []
    bad = {**ok, "metadata": {"name": "P_1", "bogus": 1}}
    assert errors(crds, widget({"template": bad})) == [
        'spec.template.metadata.bogus: unknown field "spec.template.metadata.bogus"',
        'spec.template.metadata.name: Invalid value: "P_1": a lowercase RFC 1123 subdomain must consist of lower '
        "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
        "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]


def test_list_map_items_are_unique_by_their_keys_after_defaulting() -> None:
    crds = make_crds(
        {
            "type": OBJ,
            "properties": {
                "ports": {
                    "type": "array",
                    "x-kubernetes-list-type": "map",
                    "x-kubernetes-list-map-keys": ["name", "protocol"],
                    "items": {
                        "type": OBJ,
                        "properties": {
                            "name": {"type": "string"},
                            "protocol": {"type": "string", "default": "TCP"},
                        },
                    },
                }
            },
        }
    )
    assert errors(crds, widget({"ports": [{"name": "a"}, {"name": "a", "protocol": "UDP"}]})) == []
    assert errors(crds, widget({"ports": [{"name": "a"}, {"name": "a", "protocol": "TCP"}]})) == [
        'spec.ports[1]: Duplicate value: map[string]interface {}{"name":"a", "protocol":"TCP"}'
    ]


def test_list_set_items_are_unique() -> None:
    crds = make_crds(
        {
            "type": OBJ,
            "properties": {
                "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}
            },
        }
    )
    assert errors(crds, widget({"tags": ["a", "b", "a"]})) == ['spec.tags[2]: Duplicate value: "a"']


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        (
            {"type": "array", "maxItems": 2, "items": {"type": "string"}},
            ["a", "b", "c"],
            "spec.p: Too many: 3: must have at most 2 items",
        ),
        (
            {"type": "string", "enum": ["A", "B"]},
            "C",
            'spec.p: Unsupported value: "C": supported values: "A", "B"',
        ),
        (
            {"type": "string", "minLength": 1},
            "",
            'spec.p: Invalid value: "": spec.p in body should be at least 1 chars long',
        ),
        ({"type": "string", "maxLength": 3}, "abcd", "spec.p: Too long: may not be more than 3 bytes"),
        (
            {"type": "integer", "maximum": 10},
            11,
            "spec.p: Invalid value: 11: spec.p in body should be less than or equal to 10",
        ),
        (
            {"type": "integer", "minimum": 1},
            0,
            "spec.p: Invalid value: 0: spec.p in body should be greater than or equal to 1",
        ),
        (
            {"type": "integer", "maximum": 10, "exclusiveMaximum": True},
            10,
            "spec.p: Invalid value: 10: spec.p in body should be less than 10",
        ),
        (
            {"type": "array", "minItems": 1, "items": {"type": "string"}},
            [],
            "spec.p: Invalid value: 0: spec.p in body should have at least 1 items",
        ),
        (
            {"type": "string", "format": "date-time"},
            "yesterday",
            'spec.p: Invalid value: "yesterday": spec.p in body must be of type date-time: "yesterday"',
        ),
        (
            {"type": "string", "format": "duration"},
            "5 minutes",
            'spec.p: Invalid value: "5 minutes": spec.p in body must be of type duration: "5 minutes"',
        ),
        (
            {"type": "array", "items": {"type": "string"}},
            "x",
            'spec.p: Invalid value: "string": spec.p in body must be of type array: "string"',
        ),
    ],
)
def test_value_errors_read_like_the_api_servers(prop: dict[str, Any], value: Any, message: str) -> None:
    assert errors(make_crds({"type": OBJ, "properties": {"p": prop}}), widget({"p": value})) == [message]


def test_required_fields_are_reported_at_their_own_path() -> None:
    crds = make_crds({"type": OBJ, "required": ["x"], "properties": {"x": {"type": "string"}}})
    assert errors(crds, widget({})) == ["spec.x: Required value"]


@pytest.mark.parametrize("value", ["2026-08-21T10:00:00Z", "2026-08-21T10:00:00.5+02:00"])
def test_rfc3339_timestamps_are_valid_date_times(value: str) -> None:
    assert (
        errors(
            make_crds({"type": OBJ, "properties": {"t": {"type": "string", "format": "date-time"}}}),
            widget({"t": value}),
        )
        == []
    )


def test_metadata_needs_a_dns_subdomain_name_and_known_fields() -> None:
    crds = make_crds({"type": OBJ})
    doc = widget({})
    del doc["metadata"]["name"]
    assert errors(crds, doc) == ["metadata.name: Required value: name or generateName is required"]
    assert (
        errors(crds, widget({}, labels={"app": "x" * 64}, extra=1))[0]
        == 'metadata.extra: unknown field "metadata.extra"'
    )
    assert len(errors(crds, widget({}, labels={"app": "x" * 64}))) == 1


def test_deprecated_version_from_the_crd_is_a_warning() -> None:
    report = validate_documents([widget({})], crds=make_crds({"type": OBJ}, deprecated=True), lint=False)
    assert [(f.rule, f.severity, f.message) for f in report.findings] == [
        ("deprecated-version", "warning", "example.com/v1 Widget is deprecated")
    ]


def test_unknown_version_of_a_known_group_is_no_match_for_kind(crd_set: Any) -> None:
    doc = {
        "apiVersion": "aigateway.envoyproxy.io/v1beta2",
        "kind": "AIGatewayRoute",
        "metadata": {"name": "r"},
        "spec": {},
    }
    (finding,) = validate_documents([doc], crds=crd_set, lint=False).findings
    assert finding.message.startswith(
        'no matches for kind "AIGatewayRoute" in version "aigateway.envoyproxy.io/v1beta2": the AI Gateway '
        "v1.1.0 CRDs ("
    )
    assert (
        finding.hint
        == "AIGatewayRoute is served as aigateway.envoyproxy.io/v1alpha1, aigateway.envoyproxy.io/v1beta1."
    )


def test_upstream_route_header_matches_are_a_list_map_keyed_by_name(crd_set: Any) -> None:
    route = {
        "apiVersion": "aigateway.envoyproxy.io/v1beta1",
        "kind": "AIGatewayRoute",
        "metadata": {"name": "r", "namespace": "default"},
        "spec": {
            "rules": [
                {
                    "matches": [
                        {
                            "headers": [
                                {"name": "x-ai-eg-model", "value": "a"},
                                {"name": "x-ai-eg-model", "value": "b"},
                            ]
                        }
                    ],
                    "backendRefs": [{"name": "b"}],
                }
            ]
        },
    }
    assert errors(crd_set, route) == [
        'spec.rules[0].matches[0].headers[1]: Duplicate value: map[string]interface {}{"name":"x-ai-eg-model"}'
    ]


def test_upstream_route_defaults_parent_ref_group_and_kind(crd_set: Any) -> None:
    route = {
        "apiVersion": "aigateway.envoyproxy.io/v1beta1",
        "kind": "AIGatewayRoute",
        "metadata": {"name": "r"},
        "spec": {"parentRefs": [{"name": "gw"}], "rules": [{"backendRefs": [{"name": "b"}]}]},
    }
    crd = crd_set.get("aigateway.envoyproxy.io/v1beta1", "AIGatewayRoute")
    parent = validate_structure(route, crd, crd_set).defaulted["spec"]["parentRefs"][0]
    assert parent == {"name": "gw", "group": "gateway.networking.k8s.io", "kind": "Gateway"}
    assert "group" not in route["spec"]["parentRefs"][0]


def test_upstream_buffer_limit_is_int_or_string_quantity(crd_set: Any) -> None:
    def ctp(limit: Any) -> dict[str, Any]:
        return {
            "apiVersion": "gateway.envoyproxy.io/v1alpha1",
            "kind": "ClientTrafficPolicy",
            "metadata": {"name": "c", "namespace": "default"},
            "spec": {
                "targetRefs": [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "g"}],
                "connection": {"bufferLimit": limit},
            },
        }

    assert errors(crd_set, ctp("50Mi")) == []
    assert errors(crd_set, ctp(52428800)) == []
    assert errors(crd_set, ctp("fifty"))[0].startswith('spec.connection.bufferLimit: Invalid value: "fifty"')


def test_status_is_ignored_on_create_when_the_crd_has_a_status_subresource(crd_set: Any) -> None:
    gateway = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "g", "namespace": "default"},
        "spec": {"gatewayClassName": "eg", "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}]},
        "status": {"conditions": [{"type": "Accepted"}], "bogus": True},
    }
    assert errors(crd_set, gateway) == []


def test_validator_is_compiled_once_per_crd_version() -> None:
    crds = make_crds({"type": OBJ})
    crd = crds.get("example.com/v1", "Widget")
    assert crd is not None
    assert compiled_validator(crd, crds) is compiled_validator(crd, crds)


def test_openapi_int_or_string_and_nullable_become_json_schema_types() -> None:
    assert to_json_schema({"x-kubernetes-int-or-string": True})["type"] == ["integer", "string"]
    assert to_json_schema({"type": "string", "nullable": True})["type"] == ["string", "null"]
    assert to_json_schema({"type": "integer", "maximum": 3, "exclusiveMaximum": True}) == {
        "type": "integer",
        "exclusiveMaximum": 3,
    }
