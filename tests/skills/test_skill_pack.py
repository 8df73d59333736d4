"""The skill pack: spec-valid folders (skills-ref), fresh generated docs and index, links that resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from skills_ref import validate as skills_ref_validate

from server.cli.main import main
from server.pack import skilldoc
from skills.catalog import SKILLS, SkillEntry

REPO = Path(__file__).resolve().parents[2]
SKILLS_DIR = REPO / "skills"
SPEC_KEYS = {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _frontmatter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path} has no frontmatter"
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + 5 :]


@pytest.mark.parametrize("entry", SKILLS, ids=lambda e: e.name)
def test_skills_ref_accepts_every_skill(entry: SkillEntry) -> None:
    assert skills_ref_validate(SKILLS_DIR / entry.name) == []


@pytest.mark.parametrize("entry", SKILLS, ids=lambda e: e.name)
def test_frontmatter_comes_from_the_catalog(entry: SkillEntry) -> None:
    meta, body = _frontmatter(SKILLS_DIR / entry.name / "SKILL.md")
    assert set(meta) <= SPEC_KEYS
    assert meta["name"] == entry.name
    assert meta["description"] == entry.description
    assert not set("<>") & set(entry.description), "strict validators reject < and > in descriptions"
    assert meta["license"] == "Apache-2.0"
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta["metadata"].items())
    assert len(body.splitlines()) < 500


def test_every_skill_folder_is_in_the_catalog() -> None:
    folders = {p.parent.name for p in SKILLS_DIR.glob("*/SKILL.md")}
    assert folders == {e.name for e in SKILLS}


def test_skill_folders_hold_no_python() -> None:
    python = [p for e in SKILLS for p in (SKILLS_DIR / e.name).rglob("*.py")]
    assert python == []


def _markdown_files() -> list[Path]:
    return [*sorted(p for e in SKILLS for p in (SKILLS_DIR / e.name).rglob("*.md")), REPO / "SKILL_INDEX.md"]


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_relative_links_resolve(path: Path) -> None:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans hold no links (e.g. a pattern like [a-z]([-a-z]*))
    for target in _LINK.findall(text):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        resolved = (path.parent / target.split("#", 1)[0]).resolve()
        assert resolved.exists(), f"{path.relative_to(REPO)} links to missing {target}"
        if path.name == "SKILL.md":
            # references stay one level deep: a SKILL.md links into its own folder only
            assert resolved.is_relative_to(path.parent), f"{target} leaves the skill folder"


@pytest.mark.parametrize("entry", SKILLS, ids=lambda e: e.name)
def test_reference_files_link_no_deeper(entry: SkillEntry) -> None:
    for ref in (SKILLS_DIR / entry.name / "references").glob("*.md"):
        links = [t for t in _LINK.findall(ref.read_text(encoding="utf-8")) if not re.match(r"^[a-z]+:", t)]
        assert [t for t in links if not t.startswith("#")] == [], f"{ref} links to other files"


def test_index_is_fresh() -> None:
    assert (REPO / "SKILL_INDEX.md").read_text(encoding="utf-8") == skilldoc.render_index(), (
        "SKILL_INDEX.md is stale: run `aigw-skills index`"
    )
    assert main(["index", "--check"]) == 0


def test_the_readme_skills_table_lists_every_catalog_entry_and_is_fresh() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert skilldoc.replace_readme_skills(text) == text, (
        "README.md skills table is stale: run `aigw-skills index`"
    )
    for entry in SKILLS:
        assert f"[{entry.name}](skills/{entry.name}/SKILL.md)" in text


def test_a_readme_without_the_skills_markers_is_a_clear_error() -> None:
    with pytest.raises(skilldoc.DocError, match="skills:start"):
        skilldoc.replace_readme_skills("# a README without markers\n")


def test_generated_sections_are_fresh(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["index", "--skills", "--check"])
    out = capsys.readouterr()
    assert code == 0, f"stale or broken generated docs: run `aigw-skills index --skills`\n{out.out}{out.err}"


def test_index_check_reports_a_stale_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "SKILL_INDEX.md").write_text("# old\n", encoding="utf-8")
    assert main(["index", "--check", "--root", str(tmp_path)]) == 1
    assert "stale: SKILL_INDEX.md" in capsys.readouterr().out
    assert (tmp_path / "SKILL_INDEX.md").read_text(encoding="utf-8") == "# old\n"
    assert main(["index", "--root", str(tmp_path)]) == 0
    assert (tmp_path / "SKILL_INDEX.md").read_text(encoding="utf-8") == skilldoc.render_index()
    assert main(["index", "--check", "--root", str(tmp_path)]) == 0


def test_index_lists_every_skill_from_the_catalog() -> None:
    text = skilldoc.render_index()
    for entry in SKILLS:
        assert entry.description in text
        assert f"](skills/{entry.name}/SKILL.md)" in text
        if entry.tool:
            assert f"`{entry.tool}`" in text
