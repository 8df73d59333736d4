"""Install the skill pack where an agent client looks for skills: plan first (pure), then apply (atomic).

    sources = read_pack(SKILLS_DIR)
    root = target_root("claude", home=Path.home())            # or project=Path(".")
    plan = plan_install(sources, root, read_existing(root, sources), force=False)
    if not plan.refused:
        apply_plan(plan, sources)

A skill already installed with identical content is left alone; a *different* skill of the same name is
refused unless `force`. Each skill folder is written to a temporary directory beside its destination and
renamed into place, so a reader never sees half a skill.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import skills
from skills.catalog import SKILLS

SKILLS_DIR = Path(skills.__file__).resolve().parent


@dataclass(frozen=True)
class ClientSkills:
    """Where a client discovers skills (relative to the project root, and to $HOME), and what to do next."""

    project: str
    user: str
    hint: str


# Sources: skills-format.md §3 (Claude Code, Cursor, Codex, Cline); VS Code: code.visualstudio.com/docs/agents/
# reference/agent-skills-reference (Copilot harness); Gemini CLI: docs/cli/skills.md (google-gemini/gemini-cli).
CLIENTS: dict[str, ClientSkills] = {
    "claude": ClientSkills(
        ".claude/skills", ".claude/skills", "Claude Code loads them in new sessions; try /aigw-orchestrator."
    ),
    "cursor": ClientSkills(
        ".cursor/skills", ".cursor/skills", "Cursor (2.4+) loads them in Agent chat; type / to pick a skill."
    ),
    "codex": ClientSkills(
        ".agents/skills", ".agents/skills", "Restart Codex; /skills lists them, $aigw-orchestrator runs one."
    ),
    "cline": ClientSkills(
        ".cline/skills",
        ".cline/skills",
        "Turn on Settings > Features > Enable Skills in Cline (experimental), then toggle the aigw skills on.",
    ),
    "vscode": ClientSkills(
        ".github/skills",
        ".copilot/skills",
        "VS Code Copilot agent mode picks them up; Chat: Open Customizations lists them; try /aigw-orchestrator.",
    ),
    "gemini": ClientSkills(
        ".gemini/skills",
        ".gemini/skills",
        "In Gemini CLI run /skills reload (or restart); /skills list shows them.",
    ),
    "agents": ClientSkills(
        ".agents/skills",
        ".agents/skills",
        "Clients that read .agents/skills (Codex, Gemini CLI, VS Code, Cursor) find them on their next start.",
    ),
}
CLIENT_DIRS: dict[str, str] = {name: c.project for name, c in CLIENTS.items()}
Action = Literal["install", "unchanged", "replace", "refuse"]
_SKIPPED_NAMES = {"__pycache__", ".DS_Store"}
_SKIPPED_SUFFIXES = (".py", ".pyc", ".pyo")

Files = Mapping[str, bytes]  # path inside the skill folder (POSIX) → content


@dataclass(frozen=True)
class SkillSource:
    """One skill folder of the pack, as the files to copy."""

    name: str
    files: Files


@dataclass(frozen=True)
class PlannedSkill:
    name: str
    action: Action
    dest: Path
    reason: str


@dataclass(frozen=True)
class InstallPlan:
    client: str
    root: Path
    items: tuple[PlannedSkill, ...]

    @property
    def refused(self) -> tuple[PlannedSkill, ...]:
        return tuple(i for i in self.items if i.action == "refuse")

    @property
    def changes(self) -> tuple[PlannedSkill, ...]:
        return tuple(i for i in self.items if i.action in ("install", "replace"))


def _wanted(path: Path) -> bool:
    return not any(part in _SKIPPED_NAMES for part in path.parts) and not path.name.endswith(
        _SKIPPED_SUFFIXES
    )


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` that belongs to a skill (no Python, no caches), by relative POSIX path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and _wanted(p.relative_to(folder))
    }


def read_pack(skills_dir: Path = SKILLS_DIR, names: Iterable[str] | None = None) -> list[SkillSource]:
    """The catalog's skill folders (or just `names`), read from `skills_dir`."""
    wanted = list(names) if names is not None else [s.name for s in SKILLS]
    known = {s.name for s in SKILLS}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        raise KeyError(f"unknown skill(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    sources = []
    for name in wanted:
        folder = skills_dir / name
        if not (folder / "SKILL.md").is_file():
            raise FileNotFoundError(f"{folder}/SKILL.md is missing: the pack is incomplete")
        sources.append(SkillSource(name, read_folder(folder)))
    return sources


def target_root(client: str, *, home: Path | None = None, project: Path | None = None) -> Path:
    """The skills directory of `client` at user scope (home) or project scope (project); exactly one."""
    if client not in CLIENTS:
        raise KeyError(f"unknown client {client!r}; known: {', '.join(CLIENTS)}")
    if (home is None) == (project is None):
        raise ValueError("give exactly one of home (user scope) or project (project scope)")
    if home is not None:
        return home / CLIENTS[client].user
    assert project is not None
    return project / CLIENTS[client].project


def read_existing(root: Path, sources: Sequence[SkillSource]) -> dict[str, Files | None]:
    """What is installed now at each destination: its files, {} for a non-folder, None when absent."""
    out: dict[str, Files | None] = {}
    for source in sources:
        dest = root / source.name
        if dest.is_dir():
            out[source.name] = read_folder(dest)
        elif dest.exists() or dest.is_symlink():
            out[source.name] = {}
        else:
            out[source.name] = None
    return out


def plan_install(
    sources: Sequence[SkillSource],
    root: Path,
    existing: Mapping[str, Files | None],
    *,
    force: bool = False,
    client: str = "",
) -> InstallPlan:
    """Decide, per skill, install / unchanged / replace / refuse. Pure: touches no file."""
    items = []
    for source in sources:
        dest = root / source.name
        current = existing.get(source.name)
        if current is None:
            items.append(PlannedSkill(source.name, "install", dest, "not there before"))
        elif dict(current) == dict(source.files):
            items.append(PlannedSkill(source.name, "unchanged", dest, "same content already installed"))
        elif force:
            items.append(PlannedSkill(source.name, "replace", dest, "different content, replaced (--force)"))
        else:
            items.append(
                PlannedSkill(
                    source.name,
                    "refuse",
                    dest,
                    "a different skill with this name is installed; use --force to replace it",
                )
            )
    return InstallPlan(client, root, tuple(items))


def _write_tree(folder: Path, files: Files) -> None:
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def apply_plan(plan: InstallPlan, sources: Sequence[SkillSource]) -> list[PlannedSkill]:
    """Carry out the plan's installs and replacements; returns the items changed. Refuses a refused plan."""
    if plan.refused:
        raise PermissionError("the plan refuses to overwrite: " + ", ".join(i.name for i in plan.refused))
    by_name = {s.name: s for s in sources}
    done = []
    for item in plan.changes:
        plan.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{item.name}.tmp-", dir=plan.root))
        try:
            _write_tree(staging, by_name[item.name].files)
            os.chmod(staging, 0o755)  # mkdtemp makes 0700; a skill folder is ordinary shared content
            if item.action == "replace" and (item.dest.exists() or item.dest.is_symlink()):
                old = plan.root / f".{item.name}.old-{os.getpid()}"
                _remove(old)
                os.replace(item.dest, old)
                os.replace(staging, item.dest)
                _remove(old)
            else:
                os.replace(staging, item.dest)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        done.append(item)
    return done
