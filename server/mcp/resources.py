"""MCP resources: every SKILL.md, reference document and template of the pack, the provider catalog and the
version matrix. Files are read from the installed `skills` package when a client reads them, never copied.

    skill://{name}                      skills/<name>/SKILL.md
    skill://{name}/references/{doc}     skills/<name>/references/<doc>  (*.md)
    skill://{name}/assets/{file}        skills/<name>/assets/<file>     (*.j2 templates)
    aigw://providers                    provider presets (JSON)
    aigw://versions                     version matrix (JSON)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from importlib.resources import files
from importlib.resources.abc import Traversable

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.server.mcpserver.resources import FunctionResource

from skills.catalog import BY_NAME, SKILLS
from skills.errors import show_value

FOLDERS = {"references": (".md", "text/markdown"), "assets": (".j2", "text/x-jinja2")}
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")


class MissingSkillFile(LookupError):
    """A file the catalog promises is not in this installation."""


def skill_dir(name: str) -> Traversable:
    return files("skills").joinpath(name)


def skill_md(name: str) -> str:
    """The raw text of skills/<name>/SKILL.md, or MissingSkillFile saying what is wrong."""
    if name not in BY_NAME:
        raise MissingSkillFile(f"unknown skill {show_value(name)}; known skills: {', '.join(BY_NAME)}")
    path = skill_dir(name).joinpath("SKILL.md")
    if not path.is_file():
        raise MissingSkillFile(
            f"skills/{name}/SKILL.md is missing from this installation of aigw-skills; reinstall the package "
            "(or, in a checkout, write that file)"
        )
    return path.read_text(encoding="utf-8")


def folder_files(name: str, folder: str) -> list[str]:
    """File names in skills/<name>/<folder> with that folder's suffix, sorted."""
    suffix = FOLDERS[folder][0]
    directory = skill_dir(name).joinpath(folder)
    if name not in BY_NAME or not directory.is_dir():
        return []
    return sorted(
        p.name
        for p in directory.iterdir()
        if p.is_file() and p.name.endswith(suffix) and _FILE_NAME.match(p.name)
    )


def read_folder_file(name: str, folder: str, file: str) -> str:
    if name not in BY_NAME:
        raise ResourceNotFoundError(f"unknown skill {show_value(name)}; known skills: {', '.join(BY_NAME)}")
    available = folder_files(name, folder)
    if file not in available:
        listing = ", ".join(available) or "none"
        raise ResourceNotFoundError(
            f"skill {name} has no {folder} file {show_value(file)}; available: {listing}"
        )
    return skill_dir(name).joinpath(folder, file).read_text(encoding="utf-8")


def read_skill(name: str) -> str:
    if (
        name not in BY_NAME
    ):  # a name the client made up: invalid params (-32602, SEP-2164), not a server fault
        raise ResourceNotFoundError(f"unknown skill {show_value(name)}; known skills: {', '.join(BY_NAME)}")
    try:
        return skill_md(name)
    except MissingSkillFile as exc:
        raise ResourceError(str(exc)) from None


def providers_json() -> str:
    from skills.providers import catalog

    return json.dumps(catalog(), indent=2)


def versions_json() -> str:
    from skills.versions import matrix

    return json.dumps(matrix(), indent=2)


def _static(mcp: MCPServer, uri: str, fn: Callable[[], str], name: str, description: str, mime: str) -> None:
    mcp.add_resource(FunctionResource(uri=uri, name=name, description=description, mime_type=mime, fn=fn))


def register(mcp: MCPServer) -> None:
    """List every file present now as a resource; the templates also read files added later."""
    for entry in SKILLS:
        name = entry.name
        if skill_dir(name).joinpath("SKILL.md").is_file():
            _static(
                mcp, f"skill://{name}", partial(read_skill, name), name, entry.description, "text/markdown"
            )
        for folder, (_suffix, mime) in FOLDERS.items():
            for file in folder_files(name, folder):
                _static(
                    mcp,
                    f"skill://{name}/{folder}/{file}",
                    partial(read_folder_file, name, folder, file),
                    f"{name}/{folder}/{file}",
                    f"{entry.title}: {'reference' if folder == 'references' else 'template'} {file}",
                    mime,
                )
    _static(
        mcp,
        "aigw://providers",
        providers_json,
        "providers",
        "Provider presets (schema, hostname, port, prefix, auth) accepted by aigw_backend",
        "application/json",
    )
    _static(
        mcp,
        "aigw://versions",
        versions_json,
        "versions",
        "Envoy AI Gateway version matrix: Envoy Gateway, Gateway API and API versions per release",
        "application/json",
    )

    @mcp.resource("skill://{name}", name="skill", mime_type="text/markdown", description="A skill's SKILL.md")
    def skill_template(name: str) -> str:
        return read_skill(name)

    @mcp.resource(
        "skill://{name}/references/{doc}",
        name="skill-reference",
        mime_type="text/markdown",
        description="A reference document of a skill",
    )
    def reference_template(name: str, doc: str) -> str:
        return read_folder_file(name, "references", doc)

    @mcp.resource(
        "skill://{name}/assets/{file}",
        name="skill-template",
        mime_type="text/x-jinja2",
        description="A manifest template of a skill",
    )
    def asset_template(name: str, file: str) -> str:
        return read_folder_file(name, "assets", file)
