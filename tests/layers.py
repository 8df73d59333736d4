"""The import rules between the subsystems, checked on source text (AST), so a violation is found without
running the code: `violations(root)` lists every import that points the wrong way, every string in skills/
that names a module above it, and every import cycle between modules.

The layers, bottom to top: skills (the atomic skills, catalog, versions) <- orchestrator.engine (load, schema,
CEL, CRDs, lint, findings) <- orchestrator.{intake, compose, analysis} <- server. Lazy imports inside functions
count too: they are still dependencies, only later ones. Imports under `if TYPE_CHECKING:` count for the layer
rules but not for cycles (they never run).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGES = ("skills", "orchestrator", "server")

# (importer prefix, imported prefixes it must not use, why)
FORBIDDEN: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("skills", ("orchestrator", "server"), "skills/ is the bottom layer"),
    ("orchestrator", ("server",), "nothing below the front doors imports server/"),
    (
        "orchestrator.engine",
        ("orchestrator.intake", "orchestrator.compose", "orchestrator.analysis"),
        "the validation engine stands alone",
    ),
)
# A dotted name of an upper-layer module inside a string constant, e.g. "orchestrator.compose:compose_bundle".
UPPER_MODULE = re.compile(r"\b(orchestrator|server)\.[a-z_]+")


@dataclass(frozen=True)
class Import:
    importer: str  # module name
    imported: str  # module name (or package.attr when the attr is not a module)
    line: int
    runtime: bool  # executed at some point (not only under `if TYPE_CHECKING:`)


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def sources(root: Path) -> Iterator[tuple[str, Path]]:
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            yield module_name(root, path), path


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str, path: Path, known: set[str]) -> list[Import]:
    """Every import in the file, resolved to module names (relative imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: list[Import] = []

    def visit(node: ast.AST, runtime: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                visit(child, False)
            elif isinstance(child, ast.Import):
                found.extend(Import(module, a.name, child.lineno, runtime) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = module.split(".") if is_package else module.split(".")[:-1]
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    candidate = f"{base}.{alias.name}"
                    found.append(
                        Import(module, candidate if candidate in known else base, child.lineno, runtime)
                    )
            else:
                visit(child, runtime)

    visit(tree, True)
    return [i for i in found if i.imported.split(".")[0] in PACKAGES]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def upper_strings(module: str, path: Path) -> list[str]:
    """Strings in a skills/ module that name an orchestrator or server module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in UPPER_MODULE.finditer(node.value):
                out.append(f"{module}:{node.lineno}: names {match.group(0)} in a string")
    return out


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strongconnect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                strongconnect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            strongconnect(node)
    return out


def violations(root: Path) -> list[str]:
    """Every broken rule under `root` (a checkout, or a synthetic tree in a test), as readable lines."""
    files = dict(sources(root))
    known = set(files)
    problems: list[str] = []
    edges: dict[str, set[str]] = {}
    for module, path in files.items():
        for imp in imports_of(module, path, known):
            for importer, banned, why in FORBIDDEN:
                if _within(module, importer) and any(_within(imp.imported, b) for b in banned):
                    problems.append(f"{module}:{imp.line}: imports {imp.imported} ({why})")
            target = imp.imported if imp.imported in known else imp.imported.rsplit(".", 1)[0]
            if imp.runtime and target in known and target != module and not _within(module, target):
                edges.setdefault(module, set()).add(target)
        if _within(module, "skills"):
            problems += upper_strings(module, path)
    problems += [f"import cycle: {' -> '.join(c)}" for c in cycles(edges)]
    return problems
