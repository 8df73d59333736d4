"""The doc generator: markers keep hand-written text, fail loudly, and tables come from the models."""

from __future__ import annotations

from dataclasses import fields

import pytest
from pydantic import Field

from server.pack import skilldoc
from server.pack.skilldoc_examples import Example, cli_args
from server.pack.skilldoc_tables import PROFILE_LABELS, inputs_tables
from skills.catalog import SkillEntry
from skills.model import InputModel
from skills.types import DNSLabel, Duration
from skills.versions import VersionProfile, matrix_fields


def test_replace_sections_keeps_hand_written_text() -> None:
    text = "intro\n<!-- BEGIN GENERATED: a -->\nold\n<!-- END GENERATED: a -->\noutro\n"
    out = skilldoc.replace_sections(text, {"a": "new"}, "x.md")
    assert out == "intro\n<!-- BEGIN GENERATED: a -->\nnew\n<!-- END GENERATED: a -->\noutro\n"
    assert skilldoc.replace_sections(out, {"a": "new"}, "x.md") == out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no markers\n", "missing section 'a'"),
        ("<!-- BEGIN GENERATED: a -->\nx\n", "no matching END"),
        (
            "<!-- BEGIN GENERATED: a -->\n<!-- END GENERATED: a -->\n"
            "<!-- BEGIN GENERATED: a -->\n<!-- END GENERATED: a -->\n",
            "appears 2 times",
        ),
        (
            "<!-- BEGIN GENERATED: a -->\n<!-- END GENERATED: a -->\n"
            "<!-- BEGIN GENERATED: b -->\n<!-- END GENERATED: b -->\n",
            "unknown generated section 'b'",
        ),
    ],
)
def test_replace_sections_fails_loudly(text: str, message: str) -> None:
    with pytest.raises(skilldoc.DocError, match=message):
        skilldoc.replace_sections(text, {"a": "new"}, "x.md")


def test_frontmatter_is_replaced_not_duplicated() -> None:
    fm = "---\nname: x\n---\n"
    assert skilldoc.replace_frontmatter("---\nname: old\n---\n\nbody\n", fm) == fm + "\nbody\n"
    assert skilldoc.replace_frontmatter("body\n", fm) == fm + "\nbody\n"


def test_an_entry_whose_model_does_not_import_is_an_error() -> None:
    entry = SkillEntry(name="aigw-x", title="X", description="d", input_model="no.such.module:Model")
    with pytest.raises(skilldoc.DocError, match="cannot be imported"):
        skilldoc.inputs(entry)
    with pytest.raises(skilldoc.DocError, match="cannot be imported"):
        skilldoc.inputs_summary(entry)


class _Inner(InputModel):
    """Inner thing."""

    port: int = Field(ge=1, le=9, description="A port")


class _Sample(InputModel):
    """Sample."""

    name: DNSLabel = Field(description="The name")
    timeout: Duration | None = Field(None, description="How long")
    tags: list[str] = Field(default_factory=list, description="Tags")
    mode: str = Field("a", description="Mode")
    inner: _Inner | None = Field(None, description="Nested")


def test_inputs_table_is_derived_from_the_model() -> None:
    text = inputs_tables(_Sample)
    assert "| `name` | DNSLabel | — | yes | The name |" in text
    assert "| `timeout` | Duration | — | no | How long |" in text
    assert "| `tags` | list of string | `[]` | no | Tags |" in text
    assert "| `inner` | _Inner (object) | — | no | Nested |" in text
    assert "**_Inner** (used by `inner`): Inner thing." in text
    assert "| `port` | integer (1–9) | — | yes | A port |" in text
    assert "| `DNSLabel` | RFC 1123 label" in text


def test_every_version_profile_field_has_a_label() -> None:
    assert set(matrix_fields()) <= set(PROFILE_LABELS)
    pull_only = {f.name for f in fields(VersionProfile)} - set(matrix_fields())
    assert pull_only == {"crd_plurals", "gateway_api_crds", "inference_extension_crds", "default"}


def test_cli_args_follow_the_option_conventions() -> None:
    assert cli_args({"name": "a", "rules": ["x=y", "z=w"], "tls": False, "create_gateway": True}) == [
        "--name",
        "a",
        "--rule",
        "x=y",
        "--rule",
        "z=w",
        "--no-tls",
        "--create-gateway",
    ]
    assert Example("s", "build", {"example": "e"}, output_dir="out").command_line() == (
        "aigw-skills build --example e -o out"
    )
