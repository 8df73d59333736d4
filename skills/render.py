"""Strict rendering: jinja2 templates that live with their skill, every scalar escaped, output re-parsed.

A template renders exactly one Kubernetes object (or one values document). Every `{{ expression }}` goes
through `yaml_scalar`, so no input can add a key, a document or a tag; the text is then parsed with
`yaml.safe_load` before anyone sees it, and that parsed object is what callers get alongside the text.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path
from typing import Any

import jinja2
import yaml

SKILLS_DIR = Path(__file__).resolve().parent
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*\Z")
# libyaml's loader when PyYAML has it (same resolver and safe constructor, ~10x faster than pure Python).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"


class RenderError(RuntimeError):
    """A template produced something that is not the single YAML mapping it promised (a bug, not bad input)."""


def yaml_scalar(value: Any) -> str:
    """Render one value as a YAML scalar (or JSON flow collection) that parses back to exactly `value`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, str):
        # Plain only when a loader would resolve it to a string (not a number, bool, null or date).
        if _PLAIN.match(value) and _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR:
            return value
        return _double_quoted(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_double_quoted(str(k))}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    raise RenderError(f"cannot render a value of type {type(value).__name__} into YAML")


def _float(value: float) -> str:
    """YAML 1.1 floats need a '.' in the mantissa (1e+300 would load as a string) and spell inf/nan its way."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, sep, exponent = text.partition("e")
    if sep and "." not in mantissa:
        text = f"{mantissa}.0e{exponent}"
    return text


def _finalize(value: Any) -> str:
    if isinstance(value, jinja2.Undefined):
        str(value)  # StrictUndefined raises UndefinedError naming the variable
    return yaml_scalar(value)


def _flow(value: Any) -> str:
    """A value inside a flow collection: always quoted when it is a string."""
    return _double_quoted(value) if isinstance(value, str) else yaml_scalar(value)


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar using only printable ASCII; characters outside the Basic Multilingual
    Plane use \\U escapes, because YAML parsers do not join JSON-style \\u surrogate pairs."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SKILLS_DIR)),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render_text(skill: str, template: str, **context: Any) -> str:
    """Render `skills/<skill>/assets/<template>` with strict undefined checking."""
    try:
        tmpl = _environment().get_template(f"{skill}/assets/{template}")
        text = tmpl.render(**context)
    except jinja2.UndefinedError as exc:
        raise RenderError(f"{skill}/assets/{template}: {exc}") from exc
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    return "\n".join(line for line in lines if line.strip()) + "\n"


def render_object(skill: str, template: str, **context: Any) -> tuple[dict[str, Any], str]:
    """Render one template and re-parse it; returns (object, text). The text always parses to the object."""
    text = render_text(skill, template, **context)
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise RenderError(f"{skill}/assets/{template} rendered invalid YAML: {exc}") from exc
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise RenderError(
            f"{skill}/assets/{template} must render exactly one mapping, got {len(docs)} documents"
        )
    return docs[0], text


def join_documents(texts: list[str]) -> str:
    """A multi-document YAML stream from already-rendered texts (each ends with a newline)."""
    return "---\n".join(texts) if texts else ""
