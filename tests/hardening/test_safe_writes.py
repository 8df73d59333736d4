"""Safe writes, through the real CLI and real processes: nothing outside the output path is touched, nothing
is overwritten without --force, and a process killed at any moment leaves a whole old or whole new output.

tests/orchestrator/test_bundle.py covers write_bundle's own refusals and an interrupted write in process; this
module covers the `-o` options of every writing command, names taken from input, and SIGKILL mid-write.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from orchestrator.compose.bundle import build_bundle, is_bundle_file, write_bundle

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "orchestrator" / "intake" / "examples").glob("*.yaml"))


def cli(*argv: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """`aigw-skills ARGV` in this process (optionally from `cwd`): exit code, stdout, stderr."""
    from server.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.ExitStack() as stack:
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- names taken from input never become paths ------------------------------------------------------------


@pytest.mark.parametrize("intake", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_bundle_file_names_are_the_fixed_set_whatever_the_intake_names(intake: Path) -> None:
    bundle = build_bundle(yaml.safe_load(intake.read_text(encoding="utf-8")))
    # fixed names, plus canary-stage-<n>-<percent>pct.yaml built from integers, never from intake strings
    assert [name for name in bundle.files if not is_bundle_file(name)] == []


@pytest.mark.parametrize("name", ["../escaped.yaml", "/tmp/abs.yaml", "sub/dir.yaml", "..", "", "."])
def test_a_bundle_file_name_that_could_escape_is_refused_before_anything_is_written(
    tmp_path: Path, name: str
) -> None:
    bundle = build_bundle(
        yaml.safe_load((REPO / "orchestrator/intake/examples/openai-anthropic.yaml").read_text())
    )
    bundle.files[name] = "x: 1\n"
    with pytest.raises(ValueError, match="would escape"):
        write_bundle(bundle, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name",
    ["../../etc/evil", "a/b", "..", "x\x00y", "x\ny"],
    ids=["dotdot", "slash", "dots", "nul", "newline"],
)
def test_a_path_shaped_provider_name_in_the_intake_is_refused_and_nothing_is_written(
    tmp_path: Path, name: str
) -> None:
    intake = {"providers": [{"provider": "openai", "name": name, "models": ["gpt-4o-mini"]}]}
    (tmp_path / "intake.yaml").write_text(yaml.safe_dump(intake), encoding="utf-8")
    code, _out, err = cli("build", str(tmp_path / "intake.yaml"), "-o", str(tmp_path / "out"))
    assert code == 2 and "providers" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intake.yaml"]


# --- -o: where it writes, and what it refuses -------------------------------------------------------------


def test_build_writes_only_inside_the_output_directory(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    code, _out, err = cli("build", "--example", "openai-anthropic", "-o", "../bundle", cwd=tmp_path / "work")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle", "work"]
    assert list((tmp_path / "work").iterdir()) == []
    assert [name for name in tree(tmp_path / "bundle") if not is_bundle_file(name)] == []


def test_build_force_replaces_a_previous_bundle_but_not_a_directory_holding_other_files(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    assert cli("build", "--example", "openai-anthropic", "-o", str(out))[0] == 0
    assert cli("build", "--example", "weighted-split", "-o", str(out), "--force")[0] == 0
    (out / "notes.txt").write_text("the user's own file\n")
    before = tree(out)
    code, _out, err = cli("build", "--example", "openai-anthropic", "-o", str(out), "--force")
    assert code == 2 and "notes.txt" in err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_build_into_the_current_directory_with_force_keeps_the_users_files(tmp_path: Path) -> None:
    (tmp_path / "project.txt").write_text("keep me\n")
    code, _out, err = cli("build", "--example", "openai-anthropic", "-o", ".", "--force", cwd=tmp_path)
    assert code == 2, err
    assert (tmp_path / "project.txt").read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project.txt"]


WRITERS = [
    ("backend", "--name", "openai", "--provider", "openai"),
    ("route", "--rule", "gpt-4o-mini=openai"),
    ("install",),
    ("init",),
    ("explain", str(REPO / "skills/aigw-explain/assets/openai-anthropic.yaml")),
    ("trace", str(REPO / "skills/aigw-explain/assets/openai-anthropic.yaml"), "--model", "gpt-5.4-mini"),
    ("doctor", str(REPO / "tests/fixtures/doctor/healthy")),
    (
        "migrate",
        str(REPO / "skills/aigw-migrate/assets/v0.5-gemini.yaml"),
        "--external-secret",
        "gemini-apikey",
    ),
]
WRITER_IDS = [w[0] for w in WRITERS]


@pytest.mark.parametrize("command", WRITERS, ids=WRITER_IDS)
def test_o_file_refuses_to_overwrite_without_force_and_replaces_whole_with_it(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("the user's file\n")
    code, _out, err = cli(*command, "-o", str(target))
    assert code == 2 and "--force" in err
    assert target.read_text() == "the user's file\n"
    code, _out, err = cli(*command, "-o", str(target), "--force")
    assert code == 0, err
    assert target.read_text() != "the user's file\n" and target.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"], "no temporary file left beside it"


@pytest.mark.parametrize("command", WRITERS, ids=WRITER_IDS)
def test_o_file_into_a_missing_directory_or_onto_a_directory_is_refused(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    for target in (tmp_path / "missing" / "out.txt", tmp_path):
        code, _out, err = cli(*command, "-o", str(target), "--force")
        assert code == 2, err
        assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_o_file_with_force_replaces_a_symlink_and_never_writes_through_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not yours\n")
    link = tmp_path / "dir" / "out.yaml"
    link.parent.mkdir()
    link.symlink_to(outside)
    code, _out, err = cli("backend", "--name", "openai", "--provider", "openai", "-o", str(link))
    assert code == 2 and "--force" in err
    code, _out, err = cli("backend", "--name", "openai", "--provider", "openai", "-o", str(link), "--force")
    assert code == 0, err
    assert outside.read_text() == "not yours\n"
    assert not link.is_symlink() and "kind: AIServiceBackend" in link.read_text()


# --- killed mid-write --------------------------------------------------------------------------------------

WRITER_LOOP = textwrap.dedent(
    """
    import sys, yaml
    from pathlib import Path
    sys.path.insert(0, {repo!r})
    from orchestrator.compose.bundle import build_bundle, write_bundle
    from skills.safe_write import write_text_atomic
    out, file = Path(sys.argv[1]), Path(sys.argv[2])
    bundles = [build_bundle(yaml.safe_load(Path(p).read_text())) for p in sys.argv[3:5]]
    texts = ["A" * 300_000, "B" * 200_000]
    print("ready", flush=True)
    n = 0
    while True:
        write_bundle(bundles[n % 2], out, force=True)
        write_text_atomic(file, texts[n % 2])
        n += 1
    """
)


@pytest.fixture(scope="module")
def two_bundles() -> Iterator[tuple[dict[str, bytes], dict[str, bytes]]]:
    pair = [build_bundle(yaml.safe_load(EXAMPLES[i].read_text())) for i in (0, 1)]
    yield tuple({n: t.encode() for n, t in b.files.items()} for b in pair)  # type: ignore[misc]


def test_a_writer_killed_at_any_moment_leaves_a_whole_bundle_and_a_whole_file(
    tmp_path: Path, two_bundles: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    script = tmp_path / "loop.py"
    script.write_text(WRITER_LOOP.format(repo=str(REPO)))
    work = tmp_path / "work"
    work.mkdir()
    out, file = work / "bundle", work / "out.txt"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(out), str(file), str(EXAMPLES[0]), str(EXAMPLES[1])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n", proc.stderr
        for delay in (0.05, 0.11, 0.23, 0.07, 0.13, 0.31, 0.02, 0.17):
            time.sleep(delay)
            os.kill(
                proc.pid, signal.SIGSTOP
            )  # freeze the writer at an arbitrary instruction, as a kill would
            try:
                check_whole(work, out, file, two_bundles)
            finally:
                os.kill(proc.pid, signal.SIGCONT)
        proc.kill()
        proc.wait(timeout=10)
        check_whole(work, out, file, two_bundles)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def check_whole(
    work: Path, out: Path, file: Path, bundles: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    """The bundle directory holds exactly one of the two bundles (or, between the two renames, is absent while
    the previous whole bundle sits beside it, or nothing was written yet); the file holds exactly one of the
    two texts."""
    if out.exists():
        assert tree(out) in bundles, "a bundle directory mixing two writes or holding a partial file"
    else:
        aside = [p for p in work.iterdir() if p.name.startswith(".bundle.old-")]
        if not aside:  # frozen during the very first write (a loaded machine): nothing was written yet
            assert not file.exists(), sorted(p.name for p in work.iterdir())
            return
        assert len(aside) == 1 and tree(aside[0]) in bundles, sorted(p.name for p in work.iterdir())
    if file.exists():  # absent only before the first write
        text = file.read_bytes()
        assert text in (b"A" * 300_000, b"B" * 200_000), f"partial file of {len(text)} bytes"


def test_staging_folders_of_a_killed_build_are_removed_by_the_next_write(tmp_path: Path) -> None:
    """Issue 16: a build killed mid-write left a hidden staging folder that later builds never cleaned up."""
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)  # that process has exited: its pid names no live writer
    leftover = tmp_path / f".out.tmp-{pid}-abc123"
    leftover.mkdir()
    (leftover / "manifests.yaml").write_text("half written\n")
    mine = tmp_path / f".out.tmp-{os.getpid()}-live"  # a live writer's staging folder is left alone
    mine.mkdir()
    bundle = build_bundle(
        yaml.safe_load((REPO / "orchestrator/intake/examples/openai-anthropic.yaml").read_text())
    )
    write_bundle(bundle, tmp_path / "out")
    assert not leftover.exists()
    assert mine.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, "out"])


def test_an_existing_output_file_is_refused_in_one_sentence_naming_it(tmp_path: Path) -> None:
    from skills.safe_write import emit

    target = tmp_path / "out.txt"
    target.write_text("keep me")
    assert emit("new", str(target), force=False) == f"{target} exists; use --force to overwrite it"
    assert target.read_text() == "keep me"


def test_a_bundle_folder_that_cannot_be_created_is_named_with_what_to_do(tmp_path: Path) -> None:
    from skills.safe_write import WriteRefused, replace_directory

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(
        WriteRefused, match=r"cannot write .*/file/bundle: .*choose a directory you can write to"
    ):
        replace_directory(blocker / "bundle", {"a.yaml": "x: 1\n"}, owned=lambda _name: True)
