"""Derive argparse options from a pydantic input model, so the CLI never keeps a second copy of the fields.

Scalars become `--field-name VALUE`, booleans `--flag/--no-flag`, lists are repeatable (a plural field also
answers to its singular, e.g. `--rule` for `rules`), and nested models take YAML or JSON text. A field marked
`Positional` (skills.model) is a positional argument instead; with `paths` the command reads the files itself
(`paths_of`) and validates the other fields with `options_model`. `--input FILE` (or `-` for stdin) supplies
any fields as a YAML/JSON mapping; flags given on the command line win.

Every option a command adds by hand besides these must be about presentation or environment (output format and
file, the CRD source): tests/server/test_front_doors.py holds each front door to that.
"""

from __future__ import annotations

import argparse
import functools
import re
import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, create_model

from skills.model import InputModel, Positional


class OptionError(ValueError):
    """A command-line value that cannot even be read (bad YAML in a structured option, unreadable file)."""


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] and Annotated[...] down to the core type."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _kind(annotation: Any) -> tuple[str, Any]:
    core = _unwrap(annotation)
    origin = get_origin(core)
    if origin is list:
        item = _unwrap(get_args(core)[0])
        return ("list-structured" if _is_model(item) else "list", item)
    if _is_model(core):
        return ("structured", core)
    if core is bool:
        return ("bool", core)
    return ("scalar", core)


def positional(info: Any) -> Positional | None:
    """The field's Positional marker, if it has one."""
    return next((m for m in info.metadata if isinstance(m, Positional)), None)


def path_fields(model: type[BaseModel]) -> list[str]:
    """Fields whose text the CLI reads from the files named on the command line."""
    return [name for name, info in model.model_fields.items() if (p := positional(info)) and p.paths]


M = typing.TypeVar("M", bound=InputModel)


@functools.cache
def options_model(model: type[M]) -> type[M]:
    """`model` with its path fields optional: what the CLI validates its options with (it loads the files itself,
    keeping each document's file name). A subclass, so every validator and the core functions still apply."""
    overrides: dict[str, Any] = {name: (str, "") for name in path_fields(model)}
    if not overrides:
        return model
    derived: type[M] = create_model(model.__name__, __base__=model, __module__=model.__module__, **overrides)
    return derived


def paths_of(args: argparse.Namespace, model: type[BaseModel]) -> list[str]:
    """The paths given for the model's path field(s)."""
    return [p for name in path_fields(model) for p in getattr(args, f"field__{name}", None) or []]


def singular(name: str) -> str | None:
    """The singular of a plural field name (`rules` -> `rule`, `classes` -> `class`), or None."""
    if name.endswith("sses"):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss") and len(name) > 2:
        return name[:-1]
    return None


def _choices(item: Any) -> list[str] | None:
    return [str(v) for v in get_args(item)] if get_origin(item) is Literal else None


def add_model_options(parser: argparse.ArgumentParser, model: type[BaseModel]) -> None:
    """Add one option per model field (and --input, when some field is an option) to `parser`."""
    if any(positional(info) is None for info in model.model_fields.values()):
        parser.add_argument(
            "--input", metavar="FILE", help="YAML/JSON file (or - for stdin) with any of the fields below"
        )
    group = parser.add_argument_group("inputs (from the input model)")
    for name, info in model.model_fields.items():
        flag = "--" + name.replace("_", "-")
        kind, item = _kind(info.annotation)
        desc = info.description or ""
        default = "" if info.is_required() else f" [default: {info.get_default(call_default_factory=True)!r}]"
        required = " (required)" if info.is_required() else ""
        dest = f"field__{name}"
        place = positional(info)
        if place:
            parser.add_argument(
                dest,
                metavar=place.metavar,
                nargs="+" if place.paths else None,
                help=place.help
                or ("files or directories (recursive), '-' for stdin" if place.paths else desc),
            )
            continue
        if kind == "bool":
            group.add_argument(
                flag, dest=dest, action=argparse.BooleanOptionalAction, default=None, help=desc + default
            )
            continue
        names = [flag]
        one = singular(name) if kind.startswith("list") else None
        if one:
            names.append("--" + one.replace("_", "-"))
        choices = _choices(item)
        metavar = "{" + ",".join(choices) + "}" if choices else ("YAML" if "structured" in kind else "VALUE")
        group.add_argument(
            *names,
            dest=dest,
            default=None,
            metavar=metavar,
            action="append" if kind.startswith("list") else "store",
            help=f"{desc}{required}{default}" + (" (repeatable)" if kind.startswith("list") else ""),
        )


def _parse_structured(text: str, option: str) -> Any:
    from skills.yaml_input import YamlInputError, load_one

    try:
        return load_one(text, option)
    except YamlInputError as exc:
        raise OptionError(f"{exc}; quote the value, e.g. {option} '{{name: x, port: 80}}'") from None


def _read_input(path: str, stdin: typing.TextIO) -> dict[str, Any]:
    from skills.yaml_input import MAX_INTAKE_BYTES, YamlInputError, load_one, read_stream, read_text

    source = f"--input {path}"
    try:
        if path == "-":
            text = read_stream(getattr(stdin, "buffer", stdin), source, MAX_INTAKE_BYTES)
        else:
            text = read_text(path, MAX_INTAKE_BYTES, source=source)
        data = load_one(text, source) if text.strip() else {}  # aliases refused, as in an intake
    except YamlInputError as exc:
        raise OptionError(str(exc)) from None
    if not isinstance(data, dict):
        raise OptionError(
            f"--input {path}: must hold a mapping of field names to values, not {type(data).__name__}"
        )
    return data


def collect_fields(args: argparse.Namespace, model: type[BaseModel], stdin: typing.TextIO) -> dict[str, Any]:
    """Merge --input and the flags into the raw dict the model validates (flags win)."""
    data: dict[str, Any] = _read_input(args.input, stdin) if getattr(args, "input", None) else {}
    paths = path_fields(model)
    for name, info in model.model_fields.items():
        value = getattr(args, f"field__{name}", None)
        if value is None or name in paths:
            continue
        kind, _item = _kind(info.annotation)
        option = "--" + name.replace("_", "-")
        if kind == "structured":
            value = _parse_structured(value, option)
        elif kind == "list-structured":
            parsed = []
            for text in value:
                loaded = _parse_structured(text, option)
                # A bare string stays a string: models such as RouteRule accept a shorthand form.
                parsed.append(loaded if isinstance(loaded, dict | list) else text)
            value = parsed
        elif _item is int and isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
            value = int(value)  # argv is text; an int field may be strict (a JSON caller's `true` is not 1)
        data[name] = value
    return data


def read_options(
    args: argparse.Namespace, model: type[M], stdin: typing.TextIO, *, skill: str
) -> tuple[M, list[str]]:
    """The command's validated input (path fields left empty: the command reads those files itself) and the
    paths given for them. Raises OptionError (unreadable option) or skills.errors.InputError (invalid one)."""
    inp = options_model(model).parse(collect_fields(args, model, stdin), skill=skill)
    return inp, paths_of(args, model)
