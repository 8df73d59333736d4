"""Resources: every SKILL.md, reference and template of the pack, the provider catalog and the version matrix."""

from __future__ import annotations

import json

import pytest
from mcp import MCPError

from skills.catalog import SKILLS
from skills.providers import catalog
from skills.versions import matrix
from tests.server.conftest import REPO, connect

pytestmark = pytest.mark.anyio
SKILLS_DIR = REPO / "skills"


def pack_files() -> dict[str, str]:
    """URI -> file text for every file the server should expose."""
    out: dict[str, str] = {}
    for entry in SKILLS:
        folder = SKILLS_DIR / entry.name
        if (folder / "SKILL.md").is_file():
            out[f"skill://{entry.name}"] = (folder / "SKILL.md").read_text(encoding="utf-8")
        for sub, pattern in (("references", "*.md"), ("assets", "*.j2")):
            for path in sorted((folder / sub).glob(pattern)):
                out[f"skill://{entry.name}/{sub}/{path.name}"] = path.read_text(encoding="utf-8")
    return out


async def test_every_skill_file_is_listed_and_reads_back_verbatim(mode: str) -> None:
    expected = pack_files()
    async with connect(mode) as client:
        listed = {r.uri: r for r in (await client.list_resources()).resources}
        assert set(expected) | {"aigw://providers", "aigw://versions"} == set(listed)
        for uri, text in expected.items():
            [content] = (await client.read_resource(uri)).contents
            assert content.text == text, uri  # type: ignore[union-attr]
    assert all(
        listed[u].mime_type == "text/markdown" for u in expected if u.endswith(".md") or u.count("/") == 2
    )
    assert all(listed[u].mime_type == "text/x-jinja2" for u in expected if u.endswith(".j2"))


async def test_provider_catalog_and_version_matrix_are_json_resources(mode: str) -> None:
    async with connect(mode) as client:
        providers = (await client.read_resource("aigw://providers")).contents[0]
        versions = (await client.read_resource("aigw://versions")).contents[0]
    assert providers.mime_type == versions.mime_type == "application/json"
    assert json.loads(providers.text) == catalog()  # type: ignore[union-attr]
    assert json.loads(versions.text) == matrix()  # type: ignore[union-attr]


async def test_templates_cover_skills_references_and_assets(mode: str) -> None:
    async with connect(mode) as client:
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
    assert templates == {"skill://{name}", "skill://{name}/references/{doc}", "skill://{name}/assets/{file}"}


async def test_an_unknown_reference_names_the_ones_that_exist(mode: str) -> None:
    available = ", ".join(sorted(p.name for p in (SKILLS_DIR / "aigw-route" / "assets").glob("*.j2")))
    async with connect(mode) as client:
        with pytest.raises(MCPError) as caught:
            await client.read_resource("skill://aigw-route/assets/nope.yaml.j2")
    assert str(caught.value) == f"skill aigw-route has no assets file 'nope.yaml.j2'; available: {available}"


@pytest.mark.parametrize(
    "uri",
    [
        "skill://aigw-route/assets/..%2F..%2F..%2Fpyproject.toml",
        "skill://aigw-route/references/%2Fetc%2Fpasswd",
        "skill://..%2Fserver/references/app.py",
        "skill://not-a-skill",
    ],
)
async def test_paths_outside_the_pack_cannot_be_read(mode: str, uri: str) -> None:
    async with connect(mode) as client:
        with pytest.raises(MCPError):
            await client.read_resource(uri)


@pytest.mark.parametrize("uri", ["skill://aigw-nope", "skill://aigw-nope/references/x.md"])
async def test_an_unknown_skill_resource_is_invalid_params_not_an_internal_error(mode: str, uri: str) -> None:
    async with connect(mode) as client:
        with pytest.raises(MCPError) as caught:
            await client.read_resource(uri)
    assert caught.value.error.code == -32602  # resource not found (SEP-2164; -32002 is retired)
    assert "unknown skill 'aigw-nope'" in caught.value.error.message
