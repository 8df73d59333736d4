"""Tool schemas without importing the models: the shipped prebuilt file equals what the models give, a start on
an empty cache serves it without importing a model, and no edit to a model is ever served an old schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from orchestrator.engine.contract import CACHE_ENV
from server.cli.main import main
from server.mcp import orchestrate, schema_cache, tools
from tests.server.conftest import subprocess_env

# Modules a start must not import: templates, YAML, the validator, and every tool's input and output model module
# (read from the tool specs after the start, so a new tool is covered) with the orchestrator's intake model.
HEAVY = (
    "import sys; from server.mcp.app import create_server; create_server(tool_set=sys.argv[1]); "
    "loaded = set(sys.modules); from server.mcp.tools import tool_specs; "
    "models = {ref.partition(':')[0] for s in tool_specs() for ref in (s.input_model, s.output_model)}; "
    "heavy = {m for m in loaded if m.split('.')[0] in ('jinja2', 'yaml', 'jsonschema', 'cel_expr_python')}; "
    "print(len(models), ' '.join(sorted(heavy | (loaded & (models | {'orchestrator.intake.prefill'})))))"
)
# A field description of skills/backend.py's input model, edited in a copy of the tree.
OLD_TEXT = 'description="Service port, e.g. 11434 for Ollama or 8000 for vLLM"'
NEW_TEXT = 'description="Port the edited model documents"'
SHIPPED = schema_cache.SHIPPED  # the committed file (some specs point schema_cache at a copy)
# Docstrings of skills/backend.py: its module's and a function's (no schema reads them), and a model's (its schema
# description).
DOCSTRINGS = {
    "module": '"""aigw-backend: one provider endpoint as an EG Backend, an AIServiceBackend and (for HTTPS) a '
    'BackendTLSPolicy."""',
    "function": '"""Apply the preset and defaults; raise InputError with every inconsistency found."""',
    "class": '"""One upstream model provider or self-hosted server."""',
}


def shipped() -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return data


def same_generator() -> bool:
    """Whether the committed file was built by this environment's pydantic (CI may install a newer one)."""
    return all(entry["generator"] == schema_cache.generator() for entry in shipped().values())


def copy_packages(root: Path) -> Path:
    for package in schema_cache.PACKAGES:
        shutil.copytree(
            schema_cache.ROOT / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return root


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(path))
    return path


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the three packages and the shipped file, to edit."""
    return copy_packages(tmp_path / "tree")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packages somewhere else, as an install holds them, with prebuilt schemas fresh for this environment:
    the committed ones, or (when another pydantic built those) ones `aigw-skills index` would write here."""
    root = copy_packages(tmp_path_factory.mktemp("installed"))
    if not same_generator():
        text = schema_cache.render_shipped(schema_cache.build_shipped())
        (root / SHIPPED.relative_to(schema_cache.ROOT)).write_text(text, encoding="utf-8")
    return root


def test_the_shipped_schemas_are_fresh_and_the_ones_the_models_give() -> None:
    data = shipped()
    assert set(data) == set(schema_cache.BUILDERS)
    stale, _ = schema_cache.shipped_staleness()
    assert stale == [], "server/mcp/tool_schemas.json is stale: run `aigw-skills index`"
    if same_generator():
        assert data["tool-schemas"]["value"] == tools.compute_schemas()
        assert data["orchestrate-schema"]["value"] == orchestrate.compute_schema()
    else:  # built by another pydantic: right for the release, never served here
        assert all(schema_cache.staleness(entry) is not None for entry in data.values())


@pytest.mark.parametrize("tool_set", ["core", "all"])
def test_a_first_start_on_an_empty_cache_serves_the_shipped_schemas_without_importing_a_model(
    tool_set: str, cache: Path, installed: Path
) -> None:
    env = subprocess_env(**{CACHE_ENV: str(cache)})
    env["PYTHONPATH"] = str(installed)
    done = subprocess.run(
        [sys.executable, "-c", HEAVY, tool_set], cwd=installed, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    count, *imported = done.stdout.split()
    assert int(count) >= 8 and imported == []
    assert not cache.exists() or list(cache.iterdir()) == [], (
        "the start built schemas instead of using the shipped"
    )


def test_the_served_schemas_are_the_ones_the_models_give(cache: Path) -> None:
    served = {t.name: {"input": t.parameters, "output": t.output_schema} for t in tools.skill_tools()}
    assert served == tools.compute_schemas()
    assert orchestrate.orchestrate_tool().parameters == orchestrate.compute_schema()


def test_an_edited_model_is_served_its_new_schema_never_the_shipped_one(tree: Path, cache: Path) -> None:
    backend = tree / "skills" / "backend.py"
    text = backend.read_text(encoding="utf-8")
    assert OLD_TEXT in text
    backend.write_text(text.replace(OLD_TEXT, NEW_TEXT), encoding="utf-8")
    stale, _ = schema_cache.shipped_staleness(tree / "server" / "mcp" / "tool_schemas.json", tree)
    assert stale == ["tool-schemas: skills/backend.py changed"]  # the orchestrator's schema does not use it
    probe = (
        "import json; from server.mcp.tools import skill_tools; "
        "[t] = [t for t in skill_tools() if t.name == 'aigw_backend']; "
        "print(json.dumps(t.parameters))"
    )
    env = subprocess_env(**{CACHE_ENV: str(cache)})
    env["PYTHONPATH"] = str(tree)
    done = subprocess.run([sys.executable, "-c", probe], cwd=tree, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Port the edited model documents" in done.stdout
    assert "11434 for Ollama" not in done.stdout
    assert [p.name.split("-")[0] for p in cache.iterdir()] == ["tool"]  # rebuilt into the user cache


def test_an_edit_no_schema_depends_on_keeps_the_shipped_schemas_fresh(tree: Path) -> None:
    shipped_file = tree / "server" / "mcp" / "tool_schemas.json"
    recorded = {path for entry in shipped().values() for path in entry["sources"]}  # type: ignore[attr-defined]
    for relative in (
        "server/cli/main.py",
        "orchestrator/engine/lint/linter.py",
        "orchestrator/compose/bundle.py",
    ):
        assert relative not in recorded
        with (tree / relative).open("a", encoding="utf-8") as handle:
            handle.write("\n# an unrelated edit\n")
    stale, _ = schema_cache.shipped_staleness(shipped_file, tree)
    assert stale == []


def test_a_docstring_comment_or_layout_edit_keeps_the_shipped_schemas_fresh_and_the_check_clean(
    tree: Path,
) -> None:
    shipped_file = tree / "server" / "mcp" / "tool_schemas.json"
    for relative, old, new in (
        ("skills/backend.py", DOCSTRINGS["module"], '"""A reworded module docstring."""'),
        ("skills/backend.py", DOCSTRINGS["function"], '"""A reworded function docstring."""'),
        ("orchestrator/intake/production.py", "\n\ndef ", "\n\n# a new comment\n\n\ndef "),
        ("orchestrator/intake/production.py", "        return {", "        return {  # reflowed\n"),
    ):
        path = tree / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stale, notes = schema_cache.shipped_staleness(shipped_file, tree)
    assert stale == [] and notes == []
    assert all(schema_cache.staleness(entry, tree) is None for entry in shipped().values())  # served at start
    if same_generator():  # the exact check builds the schemas from the edited code and finds them equal
        stale, _, built = schema_cache.check_shipped(shipped_file, tree)
        assert stale == [] and built is not None


def test_a_class_docstring_edit_is_a_schema_change_because_pydantic_publishes_it(tree: Path) -> None:
    backend = tree / "skills" / "backend.py"
    text = backend.read_text(encoding="utf-8")
    assert DOCSTRINGS["class"] in text and DOCSTRINGS["class"].strip('"') in json.dumps(shipped())
    backend.write_text(text.replace(DOCSTRINGS["class"], '"""A reworded model."""'), encoding="utf-8")
    stale, _ = schema_cache.shipped_staleness(tree / "server" / "mcp" / "tool_schemas.json", tree)
    assert stale == ["tool-schemas: skills/backend.py changed"]


def test_the_check_builds_the_schemas_so_a_changed_field_description_never_ships_unnoticed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if not same_generator():
        pytest.skip("the committed file was built by another pydantic, so only a note here")
    data = shipped()
    port = data["tool-schemas"]["value"]["aigw_backend"]["input"]["$defs"]["ServiceTarget"]  # type: ignore[index]
    port["properties"]["port"]["description"] = "an older description"
    target = tmp_path / "tool_schemas.json"
    target.write_text(json.dumps(data), encoding="utf-8")
    # The code the file records is unchanged, so only building the schemas shows the value is not.
    assert schema_cache.shipped_staleness(target) == ([], [])
    stale, _, _ = schema_cache.check_shipped(target)
    assert [reason.split(",")[0] for reason in stale] == ["tool-schemas: not what the models give"]
    monkeypatch.setattr(schema_cache, "SHIPPED", target)
    assert main(["index", "--check"]) == 1
    assert "tool-schemas: not what the models give" in capsys.readouterr().out
    assert main(["index"]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == shipped()


def test_the_code_digest_ignores_comments_layout_and_module_and_function_docstrings(tmp_path: Path) -> None:
    one, two, three = (tmp_path / name for name in ("one.py", "two.py", "three.py"))
    one.write_text(
        '"""Module."""\n\n\nclass A:\n    """Kept."""\n\n    def f(self):\n        """Doc."""\n'
        "        return [1,\n 2]  # note\n"
    )
    two.write_text('class A:\n    """Kept."""\n    def f(self):\n        return [1, 2]\n')
    three.write_text('class A:\n    """Changed."""\n    def f(self):\n        return [1, 2]\n')
    assert schema_cache.code_digest(one) == schema_cache.code_digest(two) != schema_cache.code_digest(three)
    (tmp_path / "bad.py").write_text("def (:\n")
    assert schema_cache.code_digest(tmp_path / "bad.py") is None
    assert schema_cache.code_digest(tmp_path / "absent.py") is None


def test_another_pydantic_rebuilds_in_that_environment_but_leaves_the_file_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = shipped()
    for entry in data.values():
        entry["generator"] = "pydantic 0.0, pydantic-core 0.0"
    other = tmp_path / "tool_schemas.json"
    other.write_text(json.dumps(data), encoding="utf-8")
    stale, notes = schema_cache.shipped_staleness(other)
    assert stale == [] and len(notes) == 2 and "pydantic 0.0" in notes[0]
    assert schema_cache.staleness(data["tool-schemas"]) is not None  # never served here


def test_index_check_names_the_stale_source_and_index_rebuilds_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = shipped()
    for key in ("sources", "files"):  # the code of skills/backend.py changed since the file was built
        data["tool-schemas"][key]["skills/backend.py"] = "0" * 64  # type: ignore[index]
    data["tool-schemas"]["value"] = {"aigw_backend": "an old schema"}
    target = tmp_path / "tool_schemas.json"
    target.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(schema_cache, "SHIPPED", target)

    assert main(["index", "--check"]) == 1
    out = capsys.readouterr()
    assert f"stale: {target} (tool-schemas: skills/backend.py changed)" in out.out
    assert "run `aigw-skills index`" in out.err
    assert main(["index"]) == 0
    assert f"updated: {target}" in capsys.readouterr().out
    # Built in fresh interpreters: the committed file's recorded sources, and what the models give.
    rebuilt = json.loads(target.read_text(encoding="utf-8"))
    assert {name: entry["sources"] for name, entry in rebuilt.items()} == {
        name: entry["sources"] for name, entry in shipped().items()
    }
    assert rebuilt["tool-schemas"]["value"] == tools.compute_schemas()
    assert rebuilt["orchestrate-schema"]["value"] == orchestrate.compute_schema()
    if same_generator():
        assert target.read_text(encoding="utf-8") == SHIPPED.read_text(encoding="utf-8")
    assert main(["index", "--check"]) == 0


def test_a_stale_shipped_file_falls_back_to_the_user_cache_then_to_building(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema_cache, "SHIPPED", tmp_path / "absent.json")
    built = schema_cache.load("tool-schemas")
    assert built == tools.compute_schemas()
    [written] = cache.glob("tool-schemas-*.json")
    entry = json.loads(written.read_text())
    assert schema_cache.staleness(entry) is None
    entry["value"]["aigw_backend"]["input"]["description"] = "from the cache"
    written.write_text(json.dumps(entry))
    assert schema_cache.load("tool-schemas")["aigw_backend"]["input"]["description"] == "from the cache"
    first = next(iter(entry["sources"]))
    entry["sources"][first] = entry["files"][first] = "0" * 64  # its code changed: the entry is rebuilt
    written.write_text(json.dumps(entry))
    assert schema_cache.load("tool-schemas") == built


def test_an_unwritable_cache_location_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(not_a_dir))
    monkeypatch.setattr(schema_cache, "SHIPPED", tmp_path / "absent.json")
    assert {t.name: t.parameters for t in tools.skill_tools()} == {
        name: schemas["input"] for name, schemas in tools.compute_schemas().items()
    }


def test_a_model_that_cannot_be_built_is_a_clear_index_error(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = tree / "skills" / "backend.py"
    backend.write_text(backend.read_text(encoding="utf-8") + "\nraise RuntimeError('a broken model')\n")
    monkeypatch.setattr(schema_cache, "ROOT", tree)
    with pytest.raises(schema_cache.SchemaBuildError) as caught:
        schema_cache.build_shipped()
    message = str(caught.value)
    assert "cannot build the tool-schemas schemas: RuntimeError: a broken model" in message
    assert "run `aigw-skills index` again" in message
