"""CLI for the skill pack: `aigw-skills index` (generated docs, prebuilt tool schemas and distribution
manifests), `aigw-skills skills install` (into a client's skills directory), `skills plugin` (a clean plugin
directory) and `skills mcpb` (the Claude Desktop bundle).

Exit codes: 0 done (or up to date), 1 stale docs or an install refused, 2 usage or a doc that cannot be
generated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestrator.engine.contract import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from server.pack import distribution

REPO = Path(__file__).resolve().parents[2]
CLIENT_CHOICES = ("claude", "cursor", "codex", "cline", "vscode", "gemini", "agents")
INSTALLED_PACKAGES = ("site-packages", "dist-packages")


def register(subparsers: argparse._SubParsersAction) -> None:
    index = subparsers.add_parser(
        "index",
        help="Regenerate SKILL_INDEX.md and the prebuilt tool schemas (and, with --skills, the skill docs)",
        description="Regenerate SKILL_INDEX.md, the README's skills table and the distribution manifests from "
        "the catalog, and the MCP server's prebuilt tool schemas (server/mcp/tool_schemas.json) when they "
        "differ from what the models give (docstring and comment edits leave them as they are). --skills also regenerates the frontmatter and generated sections of every SKILL.md and "
        "reference file, running each worked example.",
    )
    index.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is stale")
    index.add_argument("--skills", action="store_true", help="also the SKILL.md files and their references")
    index.add_argument("--root", type=Path, default=REPO, help="repository root (default: this checkout)")
    index.set_defaults(handler=run_index)

    skills = subparsers.add_parser("skills", help="Install the skill pack for an agent client")
    sub = skills.add_subparsers(dest="skills_command", metavar="SUBCOMMAND")
    install = sub.add_parser(
        "install",
        help="Copy the skill folders where a client looks for skills",
        description="Copy the aigw-* skill folders into the client's skills directory. A skill already there "
        "with the same content is left alone; a different skill of the same name is refused unless --force.",
    )
    install.add_argument(
        "--client",
        required=True,
        choices=list(CLIENT_CHOICES),
        help="agent client (vscode: GitHub Copilot in VS Code; agents: the cross-client .agents/skills)",
    )
    scope = install.add_mutually_exclusive_group()
    scope.add_argument("--user", action="store_true", help="install for the user (under $HOME)")
    scope.add_argument(
        "--project",
        type=Path,
        metavar="DIR",
        help="install into project DIR (default: the current directory)",
    )
    install.add_argument("--skill", action="append", metavar="NAME", help="only this skill (repeatable)")
    install.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    install.add_argument("--force", action="store_true", help="replace different skills of the same name")
    install.set_defaults(handler=run_install)

    plugin = sub.add_parser(
        "plugin",
        help="Write a clean plugin directory (Claude Code, Codex, Gemini CLI) without venvs, builds or caches",
        description="Copy the skills, the Python sources uvx builds the MCP server from and the client manifests "
        "into DIR, leaving out virtualenvs, build output and caches (clients copy a plugin directory whole). "
        "Then: claude plugin marketplace add DIR, codex plugin marketplace add DIR, or gemini extensions "
        "install DIR.",
    )
    plugin.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="directory to write")
    plugin.add_argument("--force", action="store_true", help="replace DIR when it is not empty")
    plugin.add_argument("--root", type=Path, default=REPO, help="project checkout (default: this one)")
    plugin.set_defaults(handler=run_plugin)

    mcpb = sub.add_parser(
        "mcpb",
        help="Build the Claude Desktop bundle (.mcpb) of the MCP server",
        description="Write a .mcpb bundle (manifest v0.4, server type uv: Claude Desktop installs the "
        "dependencies with uv, so the file holds sources only). Open it with Claude Desktop to install.",
    )
    mcpb.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("aigw-skills.mcpb"),
        metavar="FILE",
        help="[aigw-skills.mcpb]",
    )
    mcpb.add_argument("--force", action="store_true", help="overwrite FILE")
    mcpb.add_argument("--root", type=Path, default=REPO, help="project checkout (default: this one)")
    mcpb.set_defaults(handler=run_mcpb)
    skills.set_defaults(handler=lambda args: _usage(skills))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


# --- index ----------------------------------------------------------------------------------------------


def _report(path: Path, root: Path, old: str | None, new: str, check: bool) -> bool:
    """Print what happens to one file; write it unless checking. Returns True when it was stale."""
    name = path.relative_to(root) if path.is_relative_to(root) else path
    if old == new:
        return False
    if check:
        print(f"stale: {name}")
    else:
        path.write_text(new, encoding="utf-8")
        print(f"updated: {name}")
    return True


def _refresh_tool_schemas(root: Path, check: bool) -> bool:
    """The prebuilt MCP tool schemas (server/mcp/tool_schemas.json), when `root` is this code's checkout:
    rebuilt when the code they were built from changed, or when what the models give now differs (built to
    compare, so the check is exact), or another pydantic built them. Docstring and comment edits leave the
    file as it is. Returns True when they were stale (checking) or rewritten."""
    from server.mcp import schema_cache

    path = schema_cache.SHIPPED
    if root != schema_cache.ROOT:
        return False  # another tree: the prebuilt schemas belong to the code that is running, not to it
    stale, notes, built = schema_cache.check_shipped(path)
    name = path.relative_to(root) if path.is_relative_to(root) else path
    for note in notes:
        print(f"note: {name}: {note}; this environment builds its own on first start", file=sys.stderr)
    if not stale and (check or not notes):
        return False
    if check:
        print(f"stale: {name} ({'; '.join(stale)})")
        return True
    path.write_text(schema_cache.render_shipped(built or schema_cache.build_shipped()), encoding="utf-8")
    print(f"updated: {name}")
    return True


def run_index(args: argparse.Namespace) -> int:
    from server.mcp.schema_cache import SchemaBuildError
    from server.pack import skilldoc
    from server.pack.skilldoc_examples import EXAMPLES, ExampleError, run_example

    root: Path = args.root.resolve()
    skills_dir = root / "skills"
    installed = [part for part in root.parts if part in INSTALLED_PACKAGES]
    if installed:
        print(
            f"aigw-skills index: {root} is an installed package ({installed[0]}), not a checkout: the generated "
            "docs belong in the repository. Run it in a checkout, or pass --root CHECKOUT.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    stale = False
    try:
        index_path = root / skilldoc.INDEX_FILE
        current = index_path.read_text(encoding="utf-8") if index_path.exists() else None
        stale |= _report(index_path, root, current, skilldoc.render_index(), args.check)
        readme = root / skilldoc.README_FILE
        if readme.exists():
            text = readme.read_text(encoding="utf-8")
            stale |= _report(readme, root, text, skilldoc.replace_readme_skills(text), args.check)
        if (root / "pyproject.toml").is_file():
            from server.pack.manifests import repository_files

            for relative, text in repository_files().items():
                path = root / relative
                old = path.read_text(encoding="utf-8") if path.exists() else None
                path.parent.mkdir(parents=True, exist_ok=True)
                stale |= _report(path, root, old, text, args.check)
        stale |= _refresh_tool_schemas(root, args.check)
        if args.skills:
            runs = {name: run_example(example, root) for name, example in EXAMPLES.items()}
            docs = skilldoc.render_docs(lambda rel: (skills_dir / rel).read_text(encoding="utf-8"), runs)
            for relative, text in docs.items():
                path = skills_dir / relative
                stale |= _report(path, root, path.read_text(encoding="utf-8"), text, args.check)
    except (skilldoc.DocError, ExampleError, SchemaBuildError, OSError) as exc:
        print(f"aigw-skills index: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if stale and args.check:
        flags = " --skills" if args.skills else ""
        print(
            f"Generated docs are stale: run `aigw-skills index{flags}` and commit the result.",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if not stale:
        print("up to date")
    return EXIT_OK


# --- skills install -------------------------------------------------------------------------------------

_VERBS = {
    "install": ("installed", "would install"),
    "replace": ("replaced", "would replace"),
    "unchanged": ("unchanged", "unchanged"),
    "refuse": ("refused", "would refuse"),
}


def run_install(args: argparse.Namespace) -> int:
    from server.pack import installer as pack

    try:
        sources = pack.read_pack(pack.SKILLS_DIR, args.skill)
    except KeyError as exc:
        print(f"aigw-skills skills install: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    except FileNotFoundError as exc:
        print(f"aigw-skills skills install: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.user:
        root = pack.target_root(args.client, home=Path.home())
    else:
        root = pack.target_root(args.client, project=(args.project or Path.cwd()).resolve())
    plan = pack.plan_install(
        sources, root, pack.read_existing(root, sources), force=args.force, client=args.client
    )
    scope = "user" if args.user else "project"
    print(f"{args.client} skills directory ({scope}): {root}")
    for item in plan.items:
        verb = _VERBS[item.action][1 if args.dry_run else 0]
        if item.action == "refuse":
            verb = "refused"
        print(f"  {verb}: {item.name} ({item.reason})")
    if plan.refused:
        print(
            f"Nothing written: {len(plan.refused)} skill(s) would overwrite a different skill. "
            "Re-run with --force to replace them, or pick others with --skill.",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if args.dry_run:
        print(f"Dry run: nothing written ({len(plan.changes)} change(s) planned).")
        return EXIT_OK
    try:
        done = pack.apply_plan(plan, sources)
    except OSError as exc:
        print(f"aigw-skills skills install: cannot write {root}: {exc}", file=sys.stderr)
        return EXIT_FINDINGS
    print(f"Done: {len(done)} written, {len(plan.items) - len(done)} unchanged.")
    print(f"Next: {pack.CLIENTS[args.client].hint}")
    print(
        f"The MCP server needs no install either: command `uvx`, arguments "
        f"`--from {distribution.GIT_SOURCE} {distribution.COMMAND} serve` (README: your client's config file)."
    )
    return EXIT_OK


# --- plugin and .mcpb -----------------------------------------------------------------------------------


def run_plugin(args: argparse.Namespace) -> int:
    from server.pack import packaging

    try:
        files = packaging.plugin_files(args.root.resolve())
        packaging.write_tree(files, args.output.resolve(), force=args.force)
    except OSError as exc:
        print(f"aigw-skills skills plugin: {exc}", file=sys.stderr)
        return 1 if isinstance(exc, packaging.PackagingError) and "not empty" in str(exc) else 2
    dest = args.output.resolve()
    print(f"Wrote {len(files)} files to {dest} (no virtualenvs, builds or caches).")
    print(f"Claude Code: claude plugin marketplace add {dest}; then /plugin install aigw-skills@aigw-skills")
    print(f"Codex: codex plugin marketplace add {dest}; Gemini CLI: gemini extensions install {dest}")
    return EXIT_OK


def run_mcpb(args: argparse.Namespace) -> int:
    from server.pack import packaging

    try:
        files = packaging.mcpb_files(args.root.resolve())
        packaging.write_mcpb(files, args.output, force=args.force)
    except OSError as exc:
        print(f"aigw-skills skills mcpb: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Wrote {args.output} ({len(files)} files). Open it with Claude Desktop to install the MCP server.")
    return EXIT_OK
