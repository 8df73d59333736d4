"""Strict rendering: every scalar parses back to itself, templates cannot be broken out of, output is stable."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from skills.api import auth, backend, install, route
from skills.render import RenderError, join_documents, render_object, render_text, yaml_scalar

TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "",
    " ",
    "-",
    "--",
    "---",
    "...",
    "1e3",
    "1E3",
    "0755",
    "0o755",
    "0x1F",
    "+1",
    "-1",
    "1_000",
    ".5",
    ".inf",
    "-.Inf",
    ".nan",
    "NaN",
    "2025-01-01",
    "2025-01-01T10:00:00Z",
    "12:30",
    "1:2:3",
    "=",
    "<<",
    "? x",
    "%YAML",
    "@at",
    "`tick",
    "|",
    ">",
    "!!str",
    "!tag",
    "&anchor",
    "*alias",
    "[a]",
    "{a: 1}",
    "a: b",
    "a #b",
    "#comment",
    "'single'",
    '"double"',
    "back\\slash",
    "  leading spaces",
    "trailing spaces  ",
    "tab\there",
    "line\nbreak",
    "cr\rx",
    "\u2028",
    "\u2029",
    "\u0085",
    "nul\x00byte",
    "bell\x07",
    "del\x7f",
    "é",
    "中文",
    "😀",
    "\ud800",
    "{{ x }}",
    "{% raw %}",
    "x" * 10_000,
]


@pytest.mark.parametrize("value", TRICKY, ids=lambda v: repr(v)[:30])
def test_yaml_scalar_round_trips_tricky_strings_in_every_yaml_context(value: str) -> None:
    text = yaml_scalar(value)
    assert "\n" not in text
    assert yaml.safe_load(f"k: {text}") == {"k": value}
    assert yaml.safe_load(f"- {text}") == [value]
    assert yaml.safe_load(f"a:\n  - name: {text}\n    x: 1\n") == {"a": [{"name": value, "x": 1}]}


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        443,
        -1,
        1.5,
        1e300,
        1e-05,
        float("inf"),
        -float("inf"),
        [],
        {},
        ["yes", 1, None],
        {"set": [{"name": "a: b", "value": "😀"}]},
        ("t", "u"),
        {"nested": {"list": [True, "~"]}},
    ],
    ids=repr,
)
def test_yaml_scalar_round_trips_non_strings(value: Any) -> None:
    expected = list(value) if isinstance(value, tuple) else value
    parsed = yaml.safe_load(f"k: {yaml_scalar(value)}")["k"]
    assert parsed == expected
    assert type(parsed) is type(expected)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_yaml_scalar_round_trips_any_text(value: str) -> None:
    assert yaml.safe_load(f"k: {yaml_scalar(value)}") == {"k": value}


def test_yaml_scalar_leaves_plain_identifiers_unquoted() -> None:
    assert [yaml_scalar(v) for v in ("api.openai.com", "gpt-4o-mini", "v1beta1", "50Mi")] == [
        "api.openai.com",
        "gpt-4o-mini",
        "v1beta1",
        "50Mi",
    ]


def test_yaml_scalar_refuses_unknown_types() -> None:
    with pytest.raises(RenderError):
        yaml_scalar(object())


def test_missing_template_variable_is_a_render_error_not_an_empty_value() -> None:
    with pytest.raises(RenderError, match="undefined"):
        render_text("aigw-backend", "backend.yaml.j2", name="x", namespace="y", hostname="h", tls=True)


def test_a_value_cannot_add_keys_or_documents_to_a_template() -> None:
    payload = "x\n---\nkind: Secret\nmetadata: {name: evil}"
    obj, text = render_object(
        "aigw-backend", "backend.yaml.j2", name=payload, namespace="ns", hostname="h", port=1, tls=False
    )
    assert obj["metadata"] == {
        "name": payload,
        "namespace": "ns",
        "labels": {"app.kubernetes.io/managed-by": "aigw-skills"},
    }
    assert len(list(yaml.safe_load_all(text))) == 1


def test_join_documents_makes_one_stream() -> None:
    assert join_documents([]) == ""
    assert list(yaml.safe_load_all(join_documents(["a: 1\n", "b: 2\n"]))) == [{"a": 1}, {"b": 2}]


SAMPLES = [
    (backend, {"name": "openai", "provider": "openai"}),
    (
        backend,
        {
            "name": "x",
            "provider": "openai",
            "header_mutation": {"set": [{"name": "X-A", "value": "v: {x} #&*"}]},
        },
    ),
    (
        auth,
        {
            "type": "GCPCredentials",
            "targets": ["v"],
            "gcp_project": "p",
            "gcp_region": "r",
            "secret_file": "k.json",
        },
    ),
    (route, {"rules": ["a,b=x:1@1,y", "c=z"], "hostnames": ["a.example.com"]}),
    (install, {"addons": ["inference-pool"]}),
]


@pytest.mark.parametrize(("build", "data"), SAMPLES, ids=lambda v: getattr(v, "__name__", "")[:20])
def test_output_is_byte_stable(build: Any, data: dict[str, Any]) -> None:
    first, second = build(**data), build(**data)
    assert first.model_dump_json() == second.model_dump_json()
    assert first.yaml == second.yaml
    if first.manifests:
        assert first.yaml.endswith("\n") and not first.yaml.endswith("\n\n")
        assert "\t" not in first.yaml and all(line == line.rstrip() for line in first.yaml.splitlines())


@pytest.mark.parametrize("value", ["A\n", "name\n", "a/b\n"])
def test_a_trailing_newline_is_quoted_not_dropped(value: str) -> None:
    """Python's $ also matches before a final newline; a plain scalar would lose it."""
    assert yaml.safe_load(f"k: {yaml_scalar(value)}") == {"k": value}
