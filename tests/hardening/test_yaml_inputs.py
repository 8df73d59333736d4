"""Every YAML input goes through the one loader (skills/yaml_input.py): alias bombs, deep nesting, endless or
oversized files, FIFOs and invalid UTF-8 give a clear error naming the input (and line), never a traceback, a
hang or gigabytes of memory. Issue 16's reproducers, through each front door they broke."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from skills.yaml_input import (
    ALIAS_BUDGET,
    Aliases,
    YamlInputError,
    load_documents,
    load_one,
    read_text,
)
from tests.server.conftest import subprocess_env

CLI = [sys.executable, "-m", "server"]


def alias_bomb(levels: int = 9) -> str:
    """The 'billion laughs': each level repeats the previous one nine times (~440 bytes at 9 levels)."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def run(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [*CLI, *args], input=data, capture_output=True, env=subprocess_env(), timeout=120, check=False
    )


def assert_clear(done: subprocess.CompletedProcess[bytes], code: int, *needles: str) -> str:
    err = done.stderr.decode()
    assert done.returncode == code, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    with pytest.raises(YamlInputError, match=f"more than {ALIAS_BUDGET:,} repeated nodes") as caught:
        load_documents(alias_bomb(), "bomb.yaml")
    assert caught.value.source == "bomb.yaml" and caught.value.line is not None
    assert len(alias_bomb()) < 600


def test_a_few_aliases_in_manifests_still_load_but_intakes_refuse_any() -> None:
    text = "base: &b {cpu: 1}\nlimits: *b\n"
    assert load_documents(text, "m.yaml") == [{"base": {"cpu": 1}, "limits": {"cpu": 1}}]
    with pytest.raises(YamlInputError, match="aliases are not allowed here"):
        load_one(text, "intake.yaml", aliases=Aliases.REFUSE)


def test_a_recursive_alias_and_deep_nesting_are_errors_not_crashes() -> None:
    with pytest.raises(YamlInputError, match="recursive"):
        load_documents("a: &a [*a]\n", "r.yaml")
    with pytest.raises(YamlInputError, match="nested deeper than"):
        load_documents("[" * 300 + "]" * 300, "d.yaml")


def test_validate_reports_an_alias_bomb_as_a_finding_with_file_and_line(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    done = run("validate", "--offline", str(bomb))
    out = done.stdout.decode()
    assert done.returncode == 1, done.stderr.decode()
    assert f"{bomb}:" in out and "repeated nodes" in out


def test_build_refuses_aliases_in_an_intake(tmp_path: Path) -> None:
    intake = "providers: &p [{provider: openai, models: [gpt-4o-mini]}]\nagain: *p\n"
    done = run("build", "-", "-o", str(tmp_path / "b"), stdin=intake)
    assert_clear(done, 2, "stdin:", "aliases are not allowed here")


def test_a_skill_command_refuses_an_alias_bomb_in_input(tmp_path: Path) -> None:
    bomb = tmp_path / "in.yaml"
    bomb.write_text(alias_bomb())
    done = run("backend", "--input", str(bomb))
    assert_clear(done, 2, f"--input {bomb}", "aliases are not allowed here")


def test_a_crd_file_with_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    crds = tmp_path / "crds.yaml"
    crds.write_text("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n" + alias_bomb())
    manifest = tmp_path / "m.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    done = run("validate", "--crds", str(crds), str(manifest))
    assert_clear(done, 2, str(crds), "repeated nodes")


def test_a_twenty_thousand_deep_intake_is_a_clear_error() -> None:
    deep = "providers: " + "[" * 20000 + "]" * 20000 + "\n"
    done = run("build", "-", "-o", "/nonexistent/never-written", stdin=deep)
    assert_clear(done, 2, "stdin:")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
@pytest.mark.parametrize("door", ["build", "input", "validate"])
def test_dev_zero_stops_at_the_size_cap(door: str) -> None:
    if door == "build":
        done = run("build", "/dev/zero", "-o", "/nonexistent/never-written")
    elif door == "input":
        done = run("backend", "--input", "/dev/zero")
    else:
        done = run("validate", "--offline", "/dev/zero")
    assert_clear(done, 2, "/dev/zero", "MiB")


def test_read_text_caps_a_regular_file_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n" * 1000)
    with pytest.raises(YamlInputError, match="larger than"):
        read_text(big, 1024)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_validate_reads_a_fifo_like_process_substitution(tmp_path: Path) -> None:
    """`validate <(kustomize build .)` said 'no such file or directory'."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    text = b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n"

    def feed() -> None:
        with open(fifo, "wb") as handle:
            handle.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    done = run("validate", "--offline", str(fifo))
    writer.join(timeout=30)
    assert done.returncode == 0, done.stderr.decode() + done.stdout.decode()
    assert "no such file" not in done.stderr.decode()


def test_invalid_utf8_in_an_intake_names_file_and_line(tmp_path: Path) -> None:
    intake = tmp_path / "intake.yaml"
    intake.write_bytes(b"providers:\n  - provider: openai\n    models: [gpt-4o-mini\xff]\n")
    done = run("build", str(intake), "-o", str(tmp_path / "b"))
    assert_clear(done, 2, f"{intake}:3:", "not UTF-8")


def test_an_intake_with_too_many_providers_is_refused_at_once(tmp_path: Path) -> None:
    intake = "providers:\n" + "".join(
        f"  - {{provider: openai, name: p{i}, models: [m{i}]}}\n" for i in range(5000)
    )
    done = run("build", "-", "-o", str(tmp_path / "b"), stdin=intake)
    assert_clear(done, 2, "providers", "at most 200")


@pytest.mark.anyio
async def test_aigw_validate_over_mcp_refuses_an_alias_bomb_as_a_finding() -> None:
    from tests.server.conftest import connect

    async with connect("legacy") as client:
        result = await client.call_tool("aigw_validate", {"manifests": alias_bomb()})
    report = result.structured_content or {}
    messages = " ".join(str(f.get("message")) for f in report.get("findings", []))
    assert "repeated nodes" in messages, report


@pytest.mark.parametrize("command", ["migrate", "explain"])
def test_migrate_and_explain_refuse_an_alias_bomb_naming_the_file(tmp_path: Path, command: str) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb())
    done = run(command, str(bomb))
    text = done.stdout.decode() + done.stderr.decode()
    assert done.returncode in (1, 2), text
    assert "Traceback" not in text and str(bomb) in text and "repeated nodes" in text


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
def test_metrics_reads_a_saved_scrape_up_to_its_cap() -> None:
    assert_clear(run("metrics", "/dev/zero"), 2, "/dev/zero", "larger than 16 MiB")


def test_a_json_file_reads_the_same_through_the_json_fast_path_as_through_the_yaml_loader() -> None:
    import json

    from skills.yaml_input import load_documents

    repo = Path(__file__).resolve().parents[2]
    manifests = (repo / "tests" / "golden" / "bundles" / "failover-three" / "manifests.yaml").read_text()
    for doc in load_documents(manifests, "manifests.yaml"):
        text = json.dumps(doc, indent=1)
        assert load_documents(text, "doc.json") == load_documents(text, "doc.yaml") == [doc]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"kind": "A", "kind": "B"}', 'mapping key "kind"'),
        ("[" * 300 + "]" * 300, "nested deeper than 256 levels"),
        ('{"kind": "A",', "invalid YAML"),
    ],
)
def test_the_json_fast_path_refuses_what_the_yaml_loader_refuses(text: str, message: str) -> None:
    from skills.yaml_input import load_documents

    with pytest.raises(YamlInputError, match=message):
        load_documents(text, "doc.json")
    with pytest.raises(YamlInputError, match=message.split(" is")[0]):
        load_documents(text, "doc.yaml")
