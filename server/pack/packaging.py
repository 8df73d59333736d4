"""Clean copies of the project for clients that copy what they install: a plugin directory and a .mcpb file.

Claude Code and Codex copy a directory plugin's whole tree into their caches, ignoring .gitignore (so a
checkout's .venv, build output and caches would go along: anthropics/claude-code#93423,
openai/codex#44593). `plugin_files` selects only what the plugin runs: the skill folders, the Python
packages uvx builds the CLI from, pyproject.toml and the client manifests. The Claude Desktop bundle
(.mcpb, a zip) is the same selection plus its manifest.json and launcher.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from server.pack import manifests

# What a plugin or bundle holds, relative to the project root.
INCLUDE = (
    ".claude-plugin",
    ".codex-plugin",
    ".mcp.json",
    "mcp.json",
    "gemini-extension.json",
    "pyproject.toml",
    "README.md",
    "SKILL_INDEX.md",
    "skills",
    "orchestrator",
    "server",
)
# Never copied, wherever they appear: environments, build output, caches, VCS data.
EXCLUDED_NAMES = frozenset(
    {
        ".venv",
        "venv",
        "build",
        "dist",
        "node_modules",
        "__pycache__",
        ".git",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        ".DS_Store",
    }
)
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".egg-info", ".mcpb")
# Zip entries get one fixed time so the same sources give the same bytes (zip's epoch is 1980).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class PackagingError(OSError):
    """The plugin or bundle cannot be written; the message says why and what to do."""


def _excluded(relative: Path) -> bool:
    return any(p in EXCLUDED_NAMES or p.endswith(EXCLUDED_SUFFIXES) for p in relative.parts)


def plugin_files(root: Path) -> dict[str, bytes]:
    """Every file a plugin needs from the project at `root`, by POSIX path; nothing excluded above."""
    missing = [name for name in ("pyproject.toml", "skills", "server") if not (root / name).exists()]
    if missing:
        raise PackagingError(
            f"{root} is not an aigw-skills checkout (missing {', '.join(missing)}); run this in the repository "
            "or pass --root CHECKOUT"
        )
    out: dict[str, bytes] = {}
    for top in INCLUDE:
        path = root / top
        candidates = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for file in candidates:
            relative = file.relative_to(root)
            if file.is_file() and not _excluded(relative):
                out[relative.as_posix()] = file.read_bytes()
    return out


def write_tree(files: dict[str, bytes], dest: Path, *, force: bool) -> None:
    """Write `files` as the directory `dest`, atomically (staged beside it, then renamed into place)."""
    if dest.exists() and not dest.is_dir():
        raise PackagingError(f"{dest} exists and is not a directory; choose another path")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise PackagingError(f"{dest} is not empty; use --force to replace it")
    if not dest.parent.is_dir():
        raise PackagingError(f"the directory {dest.parent} does not exist; create it first")
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
    try:
        for relative, data in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        os.chmod(staging, 0o755)
        old = dest.parent / f".{dest.name}.old-{os.getpid()}"
        if dest.exists():
            os.replace(dest, old)
        os.replace(staging, dest)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def server_surface() -> list[tuple[str, str]]:
    """(name, first sentence of the description) of every tool the bundled server lists (`serve`'s default
    tool set, which the launcher runs)."""
    from server.mcp.app import create_server

    tools = asyncio.run(create_server(tool_set="core").list_tools())
    return [(t.name, (t.description or "").split(". ", 1)[0].rstrip(".") + ".") for t in tools]


def mcpb_files(root: Path) -> dict[str, bytes]:
    files = plugin_files(root)
    manifest = manifests.mcpb_manifest(server_surface())
    files["manifest.json"] = manifests.dumps(manifest).encode()
    files[manifests.MCPB_ENTRY] = manifests.MCPB_LAUNCHER.encode()
    return dict(sorted(files.items()))


def write_mcpb(files: dict[str, bytes], dest: Path, *, force: bool) -> None:
    """The .mcpb (a zip archive) at `dest`, written to a temporary file and renamed into place."""
    if dest.is_dir():
        raise PackagingError(f"{dest} is a directory; name the .mcpb file to write")
    if dest.exists() and not force:
        raise PackagingError(f"{dest} exists; use --force to overwrite it")
    if not dest.parent.is_dir():
        raise PackagingError(f"the directory {dest.parent} does not exist; create it first")
    fd, temp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for relative, data in files.items():
                info = zipfile.ZipInfo(relative, date_time=ZIP_TIME)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        os.replace(temp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
