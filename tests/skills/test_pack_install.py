"""`aigw-skills skills install`: every client, user and project scope, no clobbering, --force, --dry-run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from server.cli.main import main
from server.pack import installer as pack
from skills.catalog import SKILLS

# client: (project scope, user scope), from each client's documentation (see server.pack.installer.CLIENTS).
CLIENT_SCOPES = {
    "claude": (".claude/skills", ".claude/skills"),
    "cursor": (".cursor/skills", ".cursor/skills"),
    "codex": (".agents/skills", ".agents/skills"),
    "cline": (".cline/skills", ".cline/skills"),
    "vscode": (".github/skills", ".copilot/skills"),
    "gemini": (".gemini/skills", ".gemini/skills"),
    "agents": (".agents/skills", ".agents/skills"),
}
CLIENT_DIRS = {client: project for client, (project, _user) in CLIENT_SCOPES.items()}
USER_DIRS = {client: user for client, (_project, user) in CLIENT_SCOPES.items()}
NAMES = [s.name for s in SKILLS]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HOME", str(path))
    return path


def _installed(root: Path) -> dict[str, dict[str, bytes]]:
    return {p.name: pack.read_folder(p) for p in sorted(root.iterdir()) if p.is_dir()}


def _expected() -> dict[str, dict[str, bytes]]:
    return {s.name: dict(s.files) for s in pack.read_pack()}


def test_client_dirs_match_the_documented_locations() -> None:
    assert {name: (c.project, c.user) for name, c in pack.CLIENTS.items()} == CLIENT_SCOPES


@pytest.mark.parametrize("client", CLIENT_DIRS)
def test_user_install_for_every_client(client: str, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["skills", "install", "--client", client, "--user"]) == 0
    root = home / USER_DIRS[client]
    assert _installed(root) == _expected()
    assert not list(root.rglob("*.py"))
    assert not [p for p in root.iterdir() if p.name.startswith(".")], "no staging leftovers"
    out = capsys.readouterr().out
    assert str(root) in out and "installed: aigw-backend" in out
    assert f"Next: {pack.CLIENTS[client].hint}" in out, "says what to do in that client"
    assert "uvx" in out and "aigw-skills serve" in out, (
        "and how to start the MCP server without installing it"
    )
    # same content again: a reported no-op
    assert main(["skills", "install", "--client", client, "--user"]) == 0
    assert "unchanged: aigw-backend" in capsys.readouterr().out


@pytest.mark.parametrize("client", CLIENT_DIRS)
def test_project_install_for_every_client(client: str, tmp_path: Path, home: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    assert main(["skills", "install", "--client", client, "--project", str(project)]) == 0
    assert _installed(project / CLIENT_DIRS[client]) == _expected()
    assert not (home / USER_DIRS[client]).exists()


def test_project_defaults_to_the_current_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["skills", "install", "--client", "claude", "--skill", "aigw-route"]) == 0
    assert list(_installed(tmp_path / ".claude/skills")) == ["aigw-route"]


def test_refuses_to_clobber_a_different_skill_then_force_replaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / ".cursor/skills"
    mine = root / "aigw-auth"
    mine.mkdir(parents=True)
    (mine / "SKILL.md").write_text(
        "---\nname: aigw-auth\ndescription: someone else's\n---\n", encoding="utf-8"
    )
    args = ["skills", "install", "--client", "cursor", "--project", str(tmp_path)]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "refused: aigw-auth" in captured.out and "--force" in captured.err
    assert _installed(root) == {"aigw-auth": {"SKILL.md": (mine / "SKILL.md").read_bytes()}}, (
        "nothing written"
    )
    assert main([*args, "--dry-run", "--force"]) == 0
    assert "would replace: aigw-auth" in capsys.readouterr().out
    assert list(_installed(root)) == ["aigw-auth"]
    assert main([*args, "--force"]) == 0
    assert "replaced: aigw-auth" in capsys.readouterr().out
    assert _installed(root) == _expected()


def test_force_replaces_a_symlink_without_touching_its_target(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere" / "aigw-route"
    elsewhere.mkdir(parents=True)
    (elsewhere / "SKILL.md").write_text("other\n", encoding="utf-8")
    root = tmp_path / "p" / ".agents/skills"
    root.mkdir(parents=True)
    (root / "aigw-route").symlink_to(elsewhere, target_is_directory=True)
    args = [
        "skills",
        "install",
        "--client",
        "agents",
        "--project",
        str(tmp_path / "p"),
        "--skill",
        "aigw-route",
    ]
    assert main(args) == 1
    assert main([*args, "--force"]) == 0
    assert not (root / "aigw-route").is_symlink()
    assert (elsewhere / "SKILL.md").read_text(encoding="utf-8") == "other\n"


def test_dry_run_writes_nothing(tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["skills", "install", "--client", "cline", "--user", "--dry-run"]) == 0
    assert main(["skills", "install", "--client", "codex", "--project", str(tmp_path), "--dry-run"]) == 0
    assert not (home / ".cline").exists() and not (tmp_path / ".agents").exists()
    assert "would install: aigw-install" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["skills", "install"],
        ["skills", "install", "--client", "vim"],
        ["skills", "install", "--client", "claude", "--user", "--project", "."],
    ],
)
def test_usage_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_unknown_skill_and_bare_skills_command_exit_2(tmp_path: Path) -> None:
    assert (
        main(["skills", "install", "--client", "claude", "--project", str(tmp_path), "--skill", "nope"]) == 2
    )
    assert main(["skills"]) == 2
    assert not (tmp_path / ".claude").exists()


def test_plan_is_pure_and_decides_per_skill(tmp_path: Path) -> None:
    sources = [pack.SkillSource("a", {"SKILL.md": b"1"}), pack.SkillSource("b", {"SKILL.md": b"2"})]
    sources.append(pack.SkillSource("c", {"SKILL.md": b"3"}))
    existing = {"a": None, "b": {"SKILL.md": b"2"}, "c": {"SKILL.md": b"other"}}
    plan = pack.plan_install(sources, tmp_path, existing)
    assert [(i.name, i.action) for i in plan.items] == [("a", "install"), ("b", "unchanged"), ("c", "refuse")]
    assert [i.name for i in plan.refused] == ["c"]
    with pytest.raises(PermissionError):
        pack.apply_plan(plan, sources)
    forced = pack.plan_install(sources, tmp_path, existing, force=True)
    assert [i.action for i in forced.items] == ["install", "unchanged", "replace"]
    assert list(tmp_path.iterdir()) == []


def test_target_root_needs_exactly_one_scope(tmp_path: Path) -> None:
    assert pack.target_root("claude", home=tmp_path) == tmp_path / ".claude/skills"
    with pytest.raises(ValueError):
        pack.target_root("claude")
    with pytest.raises(ValueError):
        pack.target_root("claude", home=tmp_path, project=tmp_path)


def test_cli_in_a_subprocess_with_a_temporary_home(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    cmd = [sys.executable, "-m", "server", "skills", "install", "--client", "claude", "--user"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / ".claude/skills").iterdir()) == sorted(NAMES)


def test_index_refuses_to_write_into_an_installed_package(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    installed = tmp_path / "lib" / "python3.11" / "site-packages"
    installed.mkdir(parents=True)
    assert main(["index", "--root", str(installed)]) == 2
    err = capsys.readouterr().err
    assert "is an installed package (site-packages), not a checkout" in err and "--root CHECKOUT" in err
    assert list(installed.iterdir()) == []
