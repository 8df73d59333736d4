"""What the hardening specs feed the front doors: the catalog's input models as JSON schemas, turned into
hypothesis strategies, string-field paths, an injection corpus and fake credentials.

Everything is derived from `atomic_skills()` and each model's JSON schema, so a skill added to the catalog is
covered without touching this file.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st
from pydantic import StringConstraints

from skills.catalog import SkillEntry, atomic_skills
from skills.types import ModelMatch, ModelName

Path_ = tuple[str | int, ...]

# Strings that try to change the shape of YAML (or a shell command) when pasted into a value.
INJECTIONS: tuple[str, ...] = (
    "a\nb: c",
    "x\n---\nkind: Secret",
    "key: value",
    "a #comment",
    "# only a comment",
    "{{ 7 * 7 }}",
    "{% raw %}x",
    "!!python/object/apply:os.system ['id']",
    "&anchor value",
    "*alias",
    "a\u2028b: c",
    "a\u2029b",
    "a\u0085b: c",
    "a\x00b",
    "[a, b]",
    "{a: b}",
    "'single' \"double\"",
    "- item",
    "|\n  block",
    "yes",
    "null",
    "~",
    "1e3",
    "0o17",
    " leading space",
    "trailing space ",
    "tab\there",
    "$(touch /tmp/aigw-pwned)",
    "`id`; rm -rf /",
    "../../etc/passwd",
    "x" * 5000,
)

# Values shaped like real credentials (none is real). Each must be refused wherever it is typed.
FAKE_KEYS: tuple[str, ...] = (
    "sk-" + "T3stOnlyN0tAKey" * 3,
    "sk-proj-" + "Zq8Vd2Lm5Rt7Yx1Cb4Nf6Hj9Kp3Ws0Ae",
    "sk-ant-api03-" + "Qw7Er5Ty3Ui1Op9As8Df6Gh4Jk2Lz0Xc",
    "AKIA" + "Q7ZXW3PLM2NB8VCR",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
    "-----END RSA PRIVATE KEY-----",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0LXVzZXIifQ.c2lnbmF0dXJlLW5vdC1yZWFs",
    "9f86d081884c7d659a2feaa0c55ad015",  # 32 hex characters (an Azure-style key)
    "ghp_" + "R8mK2pL5vN9qT3wX7zB1cF4hJ6" + "aa11",
    "xoxb-" + "1234567890-0987654321-Ab3dEf6hIj9kLm2n",
)

HEX_KEY = FAKE_KEYS[6]
# Model ids (skills/types.py ModelName, ModelMatch) may be hex digests, so the 32-hex key shape alone is not
# refused there (QA L4); every other fake key is refused in every string field.
MODEL_ID_PATTERNS = frozenset(
    rule.pattern
    for kind in (ModelName, ModelMatch)
    for rule in kind.__metadata__
    if isinstance(rule, StringConstraints)
)


# Model-id fields whose schema has no pattern of their own: the intake's providers[].models items (a name or
# 'client=upstream', checked part by part against ModelName) and the trace request's model.
MODEL_ID_FIELDS = frozenset({"models", "model"})


def keys_refused_at(node: dict[str, Any], path: tuple[str | int, ...] = ()) -> tuple[str, ...]:
    """The fake keys a string field with this schema (at this path) must refuse."""
    named = [p for p in path if isinstance(p, str)]
    if node.get("pattern") in MODEL_ID_PATTERNS or (named and named[-1] in MODEL_ID_FIELDS):
        return tuple(key for key in FAKE_KEYS if key != HEX_KEY)
    return FAKE_KEYS


BENIGN_STRINGS = (
    "a",
    "a1",
    "openai",
    "gpt-4o-mini",
    "us-east-1",
    "60s",
    "1Mi",
    "OPENAI_API_KEY",
    "https://example.com",
    "./key.txt",
    "v1",
    "x-header",
)


def property_examples(default: int) -> int:
    """Examples per property test: AIGW_SKILLS_PROPERTY_EXAMPLES (the full run), else `default`."""
    value = os.environ.get("AIGW_SKILLS_PROPERTY_EXAMPLES")
    return max(1, int(value)) if value else default


def entries() -> list[SkillEntry]:
    return atomic_skills()


def schema_of(entry: SkillEntry) -> dict[str, Any]:
    schema: dict[str, Any] = entry.load_model().model_json_schema()
    return schema


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _alternatives(node: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    node = _resolve(node, defs)
    if "anyOf" in node:
        return [alt for option in node["anyOf"] for alt in _alternatives(option, defs)]
    return [node]


# --- minimal valid values ----------------------------------------------------------------------------------


def minimal(node: dict[str, Any], defs: dict[str, Any]) -> Any:
    """A small value the schema accepts (first non-null alternative)."""
    options = [a for a in _alternatives(node, defs) if a.get("type") != "null"] or [{"type": "null"}]
    alt = options[0]
    if "enum" in alt:
        return alt["enum"][0]
    kind = alt.get("type")
    if kind == "string":
        return benign_string(alt)
    if kind == "integer":
        return int(alt.get("minimum", 1)) if alt.get("minimum", 1) > 0 else 1
    if kind == "boolean":
        return True
    if kind == "array":
        return [minimal(alt.get("items", {}), defs) for _ in range(max(1, alt.get("minItems", 0)))]
    if kind == "object":
        props = alt.get("properties", {})
        return {name: minimal(props[name], defs) for name in alt.get("required", [])}
    return None


def benign_string(node: dict[str, Any]) -> str:
    pattern = node.get("pattern")
    low, high = node.get("minLength", 0), node.get("maxLength", 10**6)
    for text in BENIGN_STRINGS:
        if low <= len(text) <= high and (pattern is None or re.search(pattern, text)):
            return text
    raise LookupError(f"no benign string for pattern {pattern!r}")


# --- hypothesis strategies ---------------------------------------------------------------------------------


def junk() -> st.SearchStrategy[Any]:
    """Values of the wrong shape or with hostile content."""
    return st.one_of(
        st.sampled_from(INJECTIONS),
        st.sampled_from(FAKE_KEYS),
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),  # MCP carries JSON: no NaN or Infinity
        st.booleans(),
        st.none(),
        st.lists(st.text(max_size=5), max_size=3),
        st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=2),
    )


def _string(node: dict[str, Any]) -> st.SearchStrategy[str]:
    low, high = node.get("minLength", 0), min(node.get("maxLength", 60), 60)
    pattern = node.get("pattern")
    if pattern is None:
        return st.text(min_size=low, max_size=high)
    return st.from_regex(pattern, fullmatch=True).filter(
        lambda s: low <= len(s) <= node.get("maxLength", 10**6)
    )


def valid(node: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values that follow the schema (pattern, enum, bounds, nesting); cross-field rules may still refuse."""
    options = []
    for alt in _alternatives(node, defs):
        kind = alt.get("type")
        if "enum" in alt:
            options.append(st.sampled_from(alt["enum"]))
        elif kind == "string":
            options.append(_string(alt))
        elif kind == "integer":
            options.append(st.integers(alt.get("minimum", -(2**31)), alt.get("maximum", 2**31)))
        elif kind == "number":
            options.append(
                st.floats(alt.get("minimum"), alt.get("maximum"), allow_nan=False, allow_infinity=False)
            )
        elif kind == "boolean":
            options.append(st.booleans())
        elif kind == "null":
            options.append(st.none())
        elif kind == "array":
            low = alt.get("minItems", 0)
            options.append(
                st.lists(mixed(alt.get("items", {}), defs, depth + 1), min_size=low, max_size=low + 2)
            )
        elif kind == "object" and depth < 4:
            options.append(obj(alt, defs, depth + 1))
    return st.one_of(options) if options else st.just(None)


def mixed(node: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Mostly valid values, sometimes junk."""
    return st.one_of(valid(node, defs, depth), valid(node, defs, depth), valid(node, defs, depth), junk())


def obj(node: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    props = node.get("properties", {})
    required = {name: mixed(props[name], defs, depth) for name in node.get("required", [])}
    optional = {name: mixed(spec, defs, depth) for name, spec in props.items() if name not in required}
    return st.fixed_dictionaries(required, optional=optional)


def arguments(entry: SkillEntry) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments for one skill: its worked example with some fields replaced, or a fresh object; sometimes an
    unknown field too."""
    schema = schema_of(entry)
    defs = schema.get("$defs", {})
    base = base_input(entry)
    props = schema.get("properties", {})
    overrides = st.fixed_dictionaries({}, optional={name: mixed(spec, defs) for name, spec in props.items()})
    from_base = overrides.map(lambda o: {**base, **o})
    drop = st.sets(st.sampled_from(sorted(base) or ["_"])).map(
        lambda ks: {k: v for k, v in base.items() if k not in ks}
    )
    extra = st.dictionaries(st.sampled_from(["unknown_field", "apiVersion", "__class__"]), junk(), max_size=1)
    shapes = st.one_of(from_base, from_base, obj(schema, defs), drop)
    return st.tuples(shapes, extra, st.integers(0, 9)).map(lambda t: {**t[0], **t[1]} if t[2] == 0 else t[0])


# --- string fields and their paths -------------------------------------------------------------------------


def base_input(entry: SkillEntry) -> dict[str, Any]:
    """A known-good input: the skill's worked example, or the minimal value of its schema."""
    from server.pack.skilldoc_examples import EXAMPLES

    example = EXAMPLES.get(entry.name)
    if example is not None and example.fields_are_inputs:
        return copy.deepcopy(dict(example.fields))
    schema = schema_of(entry)
    value: dict[str, Any] = minimal(schema, schema.get("$defs", {}))
    return value


def string_paths(entry: SkillEntry) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Every place a string goes in the input (nested models and list items at index 0), with its schema."""
    return schema_string_paths(schema_of(entry))


def schema_string_paths(schema: dict[str, Any]) -> Iterator[tuple[Path_, dict[str, Any]]]:
    defs = schema.get("$defs", {})

    def walk(
        node: dict[str, Any], path: Path_, seen: frozenset[str]
    ) -> Iterator[tuple[Path_, dict[str, Any]]]:
        for alt in _alternatives(node, defs):
            kind = alt.get("type")
            if kind == "string" and "enum" not in alt:
                yield path, alt
            elif kind == "array":
                yield from walk(alt.get("items", {}), (*path, 0), seen)
            elif kind == "object" and alt.get("title", "") not in seen:
                for name, spec in alt.get("properties", {}).items():
                    yield from walk(spec, (*path, name), seen | {alt.get("title", "")})

    found: dict[Path_, dict[str, Any]] = {}
    for path, node in walk(schema, (), frozenset()):
        found.setdefault(path, node)
    yield from found.items()


def field_path(path: Path_) -> str:
    """The path as InputError spells it: rules[0].backends[0].name."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def with_value(entry: SkillEntry, path: Path_, value: Any) -> dict[str, Any]:
    """The base input with `value` at `path`; containers on the way are made valid where they are missing."""
    return schema_with_value(schema_of(entry), base_input(entry), path, value)


def schema_with_value(
    schema: dict[str, Any], base: dict[str, Any], path: Path_, value: Any
) -> dict[str, Any]:
    defs = schema.get("$defs", {})
    data: Any = copy.deepcopy(base)
    root = data
    node = schema
    for index, part in enumerate(path):
        last = index == len(path) - 1
        alts = [a for a in _alternatives(node, defs) if a.get("type") in ("object", "array")]
        container = alts[0] if alts else node
        child = (
            container.get("items", {})
            if isinstance(part, int)
            else container.get("properties", {}).get(part, {})
        )
        if last:
            data[part] = value
            break
        current = (
            data[part]
            if (isinstance(part, int) and part < len(data)) or (isinstance(part, str) and part in data)
            else None
        )
        wanted = [a.get("type") for a in _alternatives(child, defs)]
        if not (isinstance(current, dict) and "object" in wanted) and not (
            isinstance(current, list) and "array" in wanted
        ):
            current = minimal(child, defs)
            if isinstance(part, int) and part >= len(data):
                data.append(current)
            else:
                data[part] = current
        data, node = current, child
    return root


def structure(value: Any, path: str = "") -> set[str]:
    """Keys and nesting of parsed YAML, without the scalar values."""
    out = {path}
    if isinstance(value, dict):
        for key, item in value.items():
            out |= structure(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out |= structure(item, f"{path}[{index}]")
    return out


def strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings_in(item)


def dumps(data: Any) -> str:
    return json.dumps(data, default=str)
