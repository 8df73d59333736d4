"""The one YAML reader for every input: intakes, --input files, manifests, pulled CRDs and MCP arguments.

YAML is read as ``kubectl`` reads it (timestamps stay strings, a duplicate key is an error) with libyaml's
parser, and every document is checked before it is built into Python objects:

* **aliases**: refused where a person writes the text (intakes, ``--input``: ``Aliases.REFUSE``); elsewhere an
  alias may repeat at most ``ALIAS_BUDGET`` nodes in total, so a few hundred bytes cannot expand into gigabytes
  (the "billion laughs" bomb). A recursive alias is always an error.
* **depth**: at most ``MAX_DEPTH`` levels of nesting (libyaml itself stops at 1,000; deeper data would exhaust
  the stack of everything that walks it afterwards).
* **size**: :func:`read_text` reads at most ``max_bytes`` (FIFOs such as ``<(kustomize build .)`` and stdin
  included) and names the file, and the line, of invalid UTF-8.

Every failure is a :class:`YamlInputError` whose message names the source and, where known, the line.
"""

from __future__ import annotations

import enum
import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from typing import IO, Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MiB = 1024 * 1024
MAX_INTAKE_BYTES = 4 * MiB  # intakes and --input files: a person's answers
MAX_MANIFEST_BYTES = 64 * MiB  # manifests and CRD files (Envoy Gateway's install.yaml is ~3 MiB)
MAX_DEPTH = 256
ALIAS_BUDGET = 100_000  # nodes an alias may repeat, summed over a document
# Where an anchor (&name) can start a node; CEL's "&&" and prose rarely match, and a match only costs a slower check.
_ANCHOR = re.compile(r"(?:^|[\s\[{,:?-])&[^\s&]", re.MULTILINE)


class Aliases(enum.Enum):
    REFUSE = "refuse"
    BUDGET = "budget"


class YamlInputError(ValueError):
    """Input that cannot be read as YAML safely; str() is 'SOURCE[:LINE]: what is wrong; what to do'.

    ``syntax`` holds the parser's own words (and ``column`` its column) when the text is not YAML at all."""

    def __init__(
        self,
        source: str,
        message: str,
        line: int | None = None,
        *,
        syntax: str | None = None,
        column: int | None = None,
    ) -> None:
        self.source, self.line, self.problem = source, line, message
        self.syntax, self.column = syntax, column
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Checked(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser, SafeLoader's constructors, no timestamps, duplicate keys refused, graph checked."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    source = "<input>"
    aliases = Aliases.BUDGET
    anchors = True  # False when the text cannot hold an anchor: only the depth is checked

    def construct_document(self, node: Node) -> Any:
        if self.anchors:
            _check_graph(node, self.source, self.aliases)
        else:
            _check_depth(node, self.source)
        return super().construct_document(node)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            # A string key (nearly every key) is its text: constructing each key twice cost ~30% of loading.
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR_TAG:
                key: Any = key_node.value
            else:
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, list | dict):
                    continue
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f'mapping key "{key}" already defined at line {seen[key] + 1}',
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        mapping = super().construct_mapping(node, deep=deep)
        # Keys repeat across thousands of objects (apiVersion, metadata, name, …): one shared string each.
        return {_intern(k if isinstance(k, str) else str(k)): v for k, v in mapping.items()}

    def construct_yaml_str(self, node: Any) -> str:
        return _intern(super().construct_yaml_str(node))


_STR_TAG = "tag:yaml.org,2002:str"


def _intern(text: str) -> str:
    """Short strings (names, kinds, groups, enum values) are shared; long ones (prompts, certificates) are not."""
    return sys.intern(text) if len(text) <= 64 else text


_Checked.add_constructor("tag:yaml.org,2002:map", _Checked.construct_mapping)
_Checked.add_constructor("tag:yaml.org,2002:str", _Checked.construct_yaml_str)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _check_depth(root: Node, source: str) -> None:
    """Depth only, level by level (a document with no anchor has no alias, so no node is reached twice)."""
    level, depth = [root], 1
    while level:
        if depth > MAX_DEPTH:
            raise YamlInputError(source, f"nested deeper than {MAX_DEPTH} levels", _line(level[0]))
        below: list[Node] = []
        for node in level:
            if node.__class__ is MappingNode:
                for key, value in node.value:
                    if key.__class__ is not ScalarNode:
                        below.append(key)
                    if value.__class__ is not ScalarNode:
                        below.append(value)
            elif node.__class__ is SequenceNode:
                below.extend(child for child in node.value if child.__class__ is not ScalarNode)
        level, depth = below, depth + 1


def _check_graph(root: Node, source: str, aliases: Aliases) -> None:
    """Depth, alias use and expansion of one composed document, without recursion and without expanding."""
    size: dict[int, int] = {}  # id(node) -> nodes it stands for once expanded
    open_: set[int] = set()
    repeated = 0
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _children(node))
            continue
        if key in open_:
            raise YamlInputError(
                source, "an alias refers to a node that contains it (recursive)", _line(node)
            )
        if key in size:  # the same node reached a second time: an alias
            if aliases is Aliases.REFUSE:
                raise YamlInputError(
                    source,
                    f"aliases are not allowed here (the anchor is at line {_line(node)}); write the value out",
                    _line(node),
                )
            repeated += size[key]
            if repeated > ALIAS_BUDGET:
                raise YamlInputError(
                    source,
                    f"aliases would expand to more than {ALIAS_BUDGET:,} repeated nodes (an alias bomb?); "
                    "write the values out or split the file",
                    _line(node),
                )
            continue
        if depth > MAX_DEPTH:
            raise YamlInputError(source, f"nested deeper than {MAX_DEPTH} levels", _line(node))
        children = _children(node)
        if not children:
            size[key] = 1
            continue
        open_.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in reversed(children))


def _error(source: str, exc: yaml.YAMLError) -> YamlInputError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    if mark is not None:
        line, column = int(mark.line) + 1, int(mark.column) + 1
        return YamlInputError(
            source, f"invalid YAML: {problem} (column {column})", line, syntax=problem, column=column
        )
    return YamlInputError(source, f"invalid YAML: {problem}", syntax=problem)


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[_intern(key)] = _intern(value) if value.__class__ is str else value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: left to the YAML path, as before


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_document(text: str, source: str) -> Any:
    """One JSON document through the C parser (kubectl reads a .json file as JSON too), with the same checks:
    duplicate keys and depth; None when the text is not valid JSON (the YAML path then reports where)."""
    try:
        doc = json.loads(text, object_pairs_hook=_json_object, parse_constant=_no_constant)
    except _DuplicateKey as exc:
        raise YamlInputError(source, f'mapping key "{exc.key}" is defined twice') from None
    except RecursionError:
        raise YamlInputError(source, f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        return None
    if text.count("{") + text.count("[") < MAX_DEPTH:
        return doc  # fewer brackets than the cap allows levels: no need to walk it
    level, depth = [doc], 1
    while level:
        if depth > MAX_DEPTH:
            raise YamlInputError(source, f"nested deeper than {MAX_DEPTH} levels")
        below: list[Any] = []
        for node in level:
            if node.__class__ is dict:
                below.extend(v for v in node.values() if v.__class__ is dict or v.__class__ is list)
            elif node.__class__ is list:
                below.extend(v for v in node if v.__class__ is dict or v.__class__ is list)
        level, depth = below, depth + 1
    return doc


def read_json_document(text: str, source: str) -> Any:
    """The document of a ``.json`` source that is JSON, read by the C JSON parser with the loader's checks (so it
    holds JSON values only); None for any other text, which the YAML loader then reads."""
    if source.endswith(".json") and text.lstrip()[:1] in ("{", "["):
        return _json_document(text, source)
    return None


def iter_documents(text: str, source: str, *, aliases: Aliases = Aliases.BUDGET) -> Iterator[Any]:
    """The documents of a YAML (or JSON) stream, one at a time; raises YamlInputError at the first bad one.

    A ``.json`` source that parses as JSON is read by the C JSON parser (about ten times faster than building it
    through the YAML constructors); anything else, and invalid JSON, goes through the checked YAML loader.
    """
    doc = read_json_document(text, source)
    if doc is not None:
        yield doc
        return
    loader = _Checked(text)
    loader.source, loader.aliases = source, aliases
    loader.anchors = _ANCHOR.search(text) is not None
    try:
        while loader.check_data():
            yield loader.get_data()
    except yaml.YAMLError as exc:
        raise _error(source, exc) from None
    except RecursionError:
        raise YamlInputError(source, f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def load_documents(text: str, source: str, *, aliases: Aliases = Aliases.BUDGET) -> list[Any]:
    return list(iter_documents(text, source, aliases=aliases))


def load_one(text: str, source: str, *, aliases: Aliases = Aliases.REFUSE) -> Any:
    """The single document of ``text`` (None when empty); a second document is an error."""
    docs = load_documents(text, source, aliases=aliases)
    if len(docs) > 1:
        raise YamlInputError(source, f"holds {len(docs)} YAML documents; give one")
    return docs[0] if docs else None


def decode(data: bytes, source: str) -> str:
    """UTF-8 text (a leading BOM dropped); invalid bytes are an error naming the line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise YamlInputError(
            source, f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8", line
        ) from None


def read_stream(stream: IO[bytes] | IO[str], source: str, max_bytes: int) -> str:
    """At most ``max_bytes`` from an open stream (stdin), decoded."""
    raw = stream.read(max_bytes + 1)
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    if len(data) > max_bytes:
        raise YamlInputError(source, _too_big(max_bytes))
    return decode(data, source)


def _too_big(max_bytes: int) -> str:
    size = f"{max_bytes // MiB} MiB" if max_bytes >= MiB else f"{max_bytes // 1024} KiB"
    return f"larger than {size}, the most this command reads"


def read_text(path: str | os.PathLike[str], max_bytes: int, *, source: str | None = None) -> str:
    """The text of a regular file, FIFO or device, reading at most ``max_bytes`` (``/dev/zero`` stops there)."""
    name = source or str(path)
    try:
        # Unbuffered, and a regular file read at its size (+1 to see it grow): a buffered read(max_bytes + 1)
        # allocated the whole cap (10 MiB) per file, 26 of the 32 us each of 10,000 small files took to read.
        with open(path, "rb", buffering=0) as handle:
            info = os.fstat(handle.fileno())
            regular = stat.S_ISREG(info.st_mode)
            if regular and info.st_size > max_bytes:
                raise YamlInputError(name, _too_big(max_bytes))
            data = _read_upto(handle, min(info.st_size + 1, max_bytes + 1) if regular else max_bytes + 1)
            if regular and len(data) == info.st_size + 1:  # it grew while we read: the rest, up to the cap
                data += _read_upto(handle, max_bytes + 1 - len(data))
    except FileNotFoundError:
        raise YamlInputError(name, "no such file or directory") from None
    except IsADirectoryError:
        raise YamlInputError(name, "is a directory; name a file") from None
    except OSError as exc:
        raise YamlInputError(name, f"cannot read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise YamlInputError(name, _too_big(max_bytes))
    return decode(data, name)


def _read_upto(handle: IO[bytes], limit: int) -> bytes:
    """Up to ``limit`` bytes: a pipe or device may return less per read, so read until EOF or the limit."""
    chunks: list[bytes] = []
    left = limit
    while left > 0:
        chunk = handle.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)
