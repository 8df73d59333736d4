"""Generated parts of the skill pack docs: SKILL.md frontmatter and sections, reference tables, SKILL_INDEX.md.

Pure: functions take the catalog entries (and the captured example runs) and return text. Hand-written
prose lives around `<!-- BEGIN GENERATED: name -->` / `<!-- END GENERATED: name -->` markers and is kept;
only the text between markers (and the frontmatter) is replaced. The CLI (`aigw-skills index --skills`)
does the reading and writing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import yaml
from pydantic import BaseModel

from server.doors import load, model_ref
from server.pack import distribution, skilldoc_refs
from server.pack.generated_refs import extra_references, extra_sections
from server.pack.skilldoc_examples import EXAMPLES, Example, ExampleRun
from server.pack.skilldoc_setup import setup_section
from server.pack.skilldoc_tables import inputs_tables, version_matrix, version_table
from skills.catalog import SKILLS, SkillEntry, skill
from skills.versions import DEFAULT_VERSION

LICENSE = "Apache-2.0"
INDEX_FILE = "SKILL_INDEX.md"
SKILL_FILE = "SKILL.md"
_SECTION = re.compile(
    r"<!-- BEGIN GENERATED: (?P<name>[a-z0-9-]+) -->\n(?P<body>.*?)<!-- END GENERATED: (?P=name) -->",
    re.S,
)
_BEGIN = re.compile(r"<!-- BEGIN GENERATED: ([a-z0-9-]+) -->")


class DocError(ValueError):
    """A doc cannot be generated: a marker is missing or doubled, or a catalog entry does not load."""


# --- markers --------------------------------------------------------------------------------------------


def wrap(name: str, content: str) -> str:
    return f"<!-- BEGIN GENERATED: {name} -->\n{content.rstrip()}\n<!-- END GENERATED: {name} -->"


def section_names(text: str) -> list[str]:
    return _BEGIN.findall(text)


def replace_sections(text: str, sections: Mapping[str, str], where: str) -> str:
    """Replace the body of each named section; every marker in `text` must be one of `sections` and v.v."""
    names = section_names(text)
    complete = [m["name"] for m in _SECTION.finditer(text)]
    problems = [
        f"section {n!r} appears {names.count(n)} times" for n in sorted(set(names)) if names.count(n) > 1
    ]
    problems += [f"section {n!r} has no matching END marker" for n in names if n not in complete]
    problems += [f"missing section {n!r} (add its BEGIN/END markers)" for n in sections if n not in names]
    problems += [f"unknown generated section {n!r}" for n in names if n not in sections]
    if problems:
        raise DocError(f"{where}: " + "; ".join(problems))
    return _SECTION.sub(lambda m: wrap(m["name"], sections[m["name"]]), text)


def replace_frontmatter(text: str, frontmatter: str) -> str:
    """Put `frontmatter` (a `---` block) at the top of `text`, replacing any existing one."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end < 0:
            raise DocError("frontmatter starts with --- but never ends")
        text = text[end + 5 :]
    body = text.lstrip("\n")
    return f"{frontmatter}\n{body}" if body else frontmatter


# --- SKILL.md sections ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocSpec:
    """What is generated for one skill beyond the common sections."""

    version_columns: tuple[str, ...]
    references: Mapping[str, Mapping[str, Callable[[], str]]] = field(default_factory=dict)
    inputs_reference: str | None = (
        None  # nested tables go to this reference file (long models): SKILL.md shows
    )
    # the top-level fields only, so it stays under the Agent Skills 500-line budget


DOCS: dict[str, DocSpec] = {
    "aigw-install": DocSpec(("ai_gateway", "envoy_gateway", "gateway_api", "inference_extension", "docs")),
    "aigw-backend": DocSpec(
        (
            "ai_gateway",
            "aigw_api_version",
            "backend_tls_policy_api_version",
            "prefix_field",
            "anthropic_prefix",
        ),
        {"references/providers.md": {"providers": skilldoc_refs.providers_section}},
    ),
    "aigw-auth": DocSpec(
        ("ai_gateway", "aigw_api_version", "gcp_adc", "credential_override"),
        {
            "references/credentials.md": {
                "policy-types": skilldoc_refs.policy_types_section,
            }
        },
    ),
    "aigw-route": DocSpec(("ai_gateway", "aigw_api_version", "max_rules", "route_hostnames", "rule_names")),
    "aigw-ratelimit": DocSpec(("ai_gateway", "quota_policy", "global_llm_request_costs", "envoy_gateway")),
    "aigw-inferencepool": DocSpec(("ai_gateway", "envoy_gateway", "inference_extension", "aigw_api_version")),
    "aigw-mcproute": DocSpec(
        (
            "ai_gateway",
            "aigw_api_version",
            "backend_tls_policy_api_version",
            "mcp_backend_extras",
            "mcp_hostnames",
        )
    ),
    "aigw-semantic-router": DocSpec(("ai_gateway", "envoy_gateway", "aigw_api_version")),
    "aigw-clientauth": DocSpec(("ai_gateway", "envoy_gateway")),
    "aigw-observability": DocSpec(
        ("ai_gateway", "envoy_gateway", "aigw_api_version", "gateway_config", "global_llm_request_costs")
    ),
    "aigw-orchestrator": DocSpec(
        ("ai_gateway", "envoy_gateway", "gateway_api", "aigw_api_version", "max_rules"),
        {"references/intake.md": {"inputs": lambda: intake_tables()}},
        inputs_reference="references/intake.md",
    ),
    "aigw-migrate": DocSpec(
        ("ai_gateway", "aigw_api_version", "backend_tls_policy_api_version", "route_filter_config")
    ),
    "aigw-explain": DocSpec(("ai_gateway", "aigw_api_version", "max_rules")),
    "aigw-trace": DocSpec(("ai_gateway", "envoy_gateway")),
    "aigw-metrics": DocSpec(("ai_gateway", "envoy_gateway")),
    "aigw-validate": DocSpec(("ai_gateway", "aigw_api_version", "max_rules")),
    "aigw-troubleshoot": DocSpec(("ai_gateway", "envoy_gateway", "gateway_api")),
    "aigw-fundamentals": DocSpec(
        ("ai_gateway", "envoy_gateway", "gateway_api", "aigw_api_version", "max_rules"),
        {"references/versions.md": {"matrix": lambda: version_matrix(default=DEFAULT_VERSION)}},
    ),
}


def compatibility() -> str:
    return distribution.compatibility()


def frontmatter(entry: SkillEntry) -> str:
    metadata = {"title": entry.title}
    if entry.tool:
        metadata |= {"mcp-tool": entry.tool, "mcp-prompt": entry.prompt}
    if entry.command:
        metadata["cli"] = f"aigw-skills {entry.command}"
    data = {
        "name": entry.name,
        "description": entry.description,
        "license": LICENSE,
        "compatibility": compatibility(),
        "metadata": metadata,
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{body}---\n"


def header(entry: SkillEntry) -> str:
    doors = []
    if entry.tool:
        doors += [f"MCP tool `{entry.tool}`", f"MCP prompt `{entry.prompt}`"]
    if entry.command:
        doors.append(f"CLI `aigw-skills {entry.command}`")
    line = (
        " · ".join(doors) if doors else "Knowledge skill: no tool; read it, then use the other aigw-* skills."
    )
    return f"# {entry.title}\n\n{line}"


def load_model(entry: SkillEntry) -> type[BaseModel] | None:
    """The entry's input model; a catalog entry that names a model which does not import is an error."""
    ref = model_ref(entry)
    if not ref:
        return None
    try:
        model = load(ref)
    except (ImportError, AttributeError) as exc:
        raise DocError(f"{entry.name}: input model {ref} cannot be imported: {exc}") from exc
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise DocError(f"{entry.name}: {ref} is not a pydantic model")
    return model


def inputs(entry: SkillEntry) -> str:
    model = load_model(entry)
    if model is None:
        return "This skill takes no inputs."
    ref = DOCS[entry.name].inputs_reference if entry.name in DOCS else None
    if ref:
        return inputs_tables(model, depth=0) + f"\n\nEvery nested object, field by field: [{ref}]({ref})."
    return inputs_tables(model)


def intake_tables() -> str:
    model = load_model(skill("aigw-orchestrator"))
    assert model is not None
    return inputs_tables(model)


def usage(entry: SkillEntry, example: Example | None) -> str:
    parts = []
    if example and entry.command:
        parts.append(f"```bash\n{example.command_line()}\n```")
    if example and example.fields_are_inputs:
        parts.append(
            "Every input is a flag: `--field-name` (underscores become dashes), `--flag`/`--no-flag` for "
            "booleans, a repeated flag for lists (`--rule` for `rules`), YAML text for nested objects, and "
            "`--input FILE` (or `-` for stdin) for any fields as YAML/JSON. `--format json` prints the whole "
            "result (manifests, Secret commands, notes); `-o FILE` writes to a file."
        )
        if entry.tool:
            call = {"name": entry.tool, "arguments": dict(example.fields)}
            parts.append(
                f"MCP (`aigw-skills serve`): call the tool `{entry.tool}` with the same fields:\n\n"
                f"```json\n{json.dumps(call, indent=2)}\n```\n\n"
                f"The prompt `{entry.prompt}` asks for the inputs step by step."
            )
    if not parts and entry.command:
        parts.append(f"`aigw-skills {entry.command} --help` lists every option.")
        if entry.tool:
            parts.append(f"MCP (`aigw-skills serve`): the tool `{entry.tool}`; the prompt `{entry.prompt}`.")
    return "\n\n".join(parts) if parts else "No command: this skill is read, not run."


def fenced(language: str, body: str) -> str:
    """A fenced code block whose fence is longer than any backtick run in `body` (CommonMark), so output that
    itself contains a ``` fence (explain's Mermaid block) stays one block."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{body}\n{fence}"


def example_section(run: ExampleRun) -> str:
    ex = run.example
    parts = []
    if ex.builtin_input:
        from server.cli.build import example_text

        text = example_text(ex.builtin_input)
        parts.append(
            f"Intake of the built-in example `{ex.builtin_input}`:\n\n" + fenced("yaml", text.rstrip())
        )
    for name, text in run.inputs.items():
        language = "yaml" if name.endswith((".yaml", ".yml")) else "text"
        parts.append(f"Input file `{name}`:\n\n" + fenced(language, text.rstrip()))
    parts.append("Command:\n\n" + fenced("bash", ex.command_line()))
    if run.produced:
        listing = "\n".join(f"{ex.output_dir}/{name}" for name in run.produced)
        parts.append("Files written:\n\n" + fenced("text", listing))
    parts.append(f"Output (`{ex.output_source()}`):\n\n" + fenced(ex.language, run.output.rstrip()))
    if ex.show_stderr and run.stderr.strip():
        parts.append("On stderr:\n\n" + fenced("text", run.stderr.rstrip()))
    return "\n\n".join(parts)


def skill_sections(entry: SkillEntry, runs: Mapping[str, ExampleRun]) -> dict[str, str]:
    """The generated sections of `entry`'s SKILL.md (frontmatter is separate)."""
    spec = DOCS.get(entry.name)
    if spec is None:
        raise DocError(f"{entry.name}: no DocSpec in server.pack.skilldoc.DOCS")
    example = EXAMPLES.get(entry.name)
    sections = {"header": header(entry), "setup": setup_section(entry)}
    if model_ref(entry):
        sections["inputs"] = inputs(entry)
    if entry.tool or entry.command:
        sections["usage"] = usage(entry, example)
    if example:
        if entry.name not in runs:
            raise DocError(f"{entry.name}: its worked example has not been run")
        sections["example"] = example_section(runs[entry.name])
    sections["versions"] = version_table(spec.version_columns, default=DEFAULT_VERSION)
    sections.update({name: make() for name, make in extra_sections(entry.name).items()})
    return sections


def reference_sections(entry: SkillEntry) -> dict[str, dict[str, str]]:
    """Generated sections of the skill's reference files, by path relative to the skill folder."""
    spec = DOCS[entry.name]
    out = {path: {name: make() for name, make in makers.items()} for path, makers in spec.references.items()}
    for path, makers in extra_references(entry.name).items():
        out.setdefault(path, {}).update({name: make() for name, make in makers.items()})
    return out


def render_skill_file(text: str, entry: SkillEntry, runs: Mapping[str, ExampleRun]) -> str:
    where = f"{entry.name}/{SKILL_FILE}"
    return replace_frontmatter(replace_sections(text, skill_sections(entry, runs), where), frontmatter(entry))


def reference_sections_of(name: str) -> list[str]:
    """The reference files of a skill that hold generated sections, relative to its folder."""
    return sorted({*DOCS[name].references, *extra_references(name)})


def render_reference_file(text: str, entry: SkillEntry, relative: str) -> str:
    return replace_sections(text, reference_sections(entry)[relative], f"{entry.name}/{relative}")


# --- SKILL_INDEX.md -------------------------------------------------------------------------------------


def inputs_summary(entry: SkillEntry) -> str:
    model = load_model(entry)
    if model is None:
        return "none"
    fields = model.model_fields
    return ", ".join(f"`{n}`" + (" (required)" if f.is_required() else "") for n, f in fields.items())


def render_index(entries: Sequence[SkillEntry] = SKILLS) -> str:
    lines = [
        "# Skill index",
        "",
        "<!-- Generated from skills/catalog.py by `aigw-skills index`; do not edit by hand. -->",
        "",
        "| Skill | MCP tool | MCP prompt | CLI |",
        "|---|---|---|---|",
    ]
    for e in entries:
        tool = f"`{e.tool}`" if e.tool else "—"
        prompt = f"`{e.prompt}`" if e.tool else "—"
        cli = f"`aigw-skills {e.command}`" if e.command else "—"
        lines.append(f"| [{e.name}](skills/{e.name}/{SKILL_FILE}) | {tool} | {prompt} | {cli} |")
    for e in entries:
        lines += ["", f"## {e.name}: {e.title}", "", e.description, ""]
        if e.tool:
            lines.append(f"- MCP tool: `{e.tool}`; MCP prompt: `{e.prompt}`")
        if e.command:
            lines.append(f"- CLI: `aigw-skills {e.command}`")
        lines.append(f"- Inputs: {inputs_summary(e)}")
        lines.append(f"- Docs: [skills/{e.name}/{SKILL_FILE}](skills/{e.name}/{SKILL_FILE})")
    return "\n".join(lines) + "\n"


README_FILE = "README.md"
README_MARKERS = ("<!-- skills:start -->", "<!-- skills:end -->")


def render_readme_skills(entries: Sequence[SkillEntry] = SKILLS) -> str:
    """The README's table of skills: one row per catalog entry with its CLI command and MCP tool."""
    lines = [
        "<!-- Generated from skills/catalog.py by `aigw-skills index`; do not edit by hand. -->",
        "",
        "| skill | CLI | MCP tool | what it does |",
        "|---|---|---|---|",
    ]
    for e in entries:
        cli = f"`aigw-skills {e.command}`" if e.command else "—"
        tool = f"`{e.tool}`" if e.tool else "—"
        first = e.description.split(". ", 1)[0].rstrip(".") + "."
        lines.append(f"| [{e.name}](skills/{e.name}/{SKILL_FILE}) | {cli} | {tool} | {first} |")
    return "\n".join(lines)


def replace_readme_skills(text: str, entries: Sequence[SkillEntry] = SKILLS) -> str:
    """`text` (the README) with the skills table between its markers replaced; DocError without markers."""
    start, end = README_MARKERS
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        raise DocError(f"{README_FILE}: needs one {start} ... {end} pair around the skills table")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{render_readme_skills(entries)}\n{end}{tail}"


# --- every generated file -------------------------------------------------------------------------------


def render_docs(read: Callable[[str], str], runs: Mapping[str, ExampleRun]) -> dict[str, str]:
    """New text of every generated doc under skills/, by path relative to skills/ (e.g. aigw-auth/SKILL.md).

    `read(path)` returns the current text (hand-written parts are kept); a missing file is an error.
    """
    out: dict[str, str] = {}
    for entry in SKILLS:
        path = f"{entry.name}/{SKILL_FILE}"
        out[path] = render_skill_file(read(path), entry, runs)
        for relative in reference_sections_of(entry.name):
            ref = f"{entry.name}/{relative}"
            out[ref] = render_reference_file(read(ref), entry, relative)
    return out
