"""`aigw-skills validate DIR` reads a folder with a kustomization as `kubectl apply -k` does: resources followed into
parent and nested kustomization folders, kustomize's refusals as error findings, transformations named as not
applied. The objects read are compared with what the real `kubectl kustomize` emits."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from orchestrator.engine.load import load_documents
from tests.conftest import in_ci
from tests.orchestrator.test_validate_cli import cli


@pytest.fixture(autouse=True)
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIGW_SKILLS_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.delenv("AIGW_SKILLS_CRDS", raising=False)


def cm(name: str, namespace: str = "default") -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}, namespace: {namespace}}}\n"


# A ConfigMap whose name the API server refuses: validated, it fails the run.
BAD = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_A_Name, namespace: default}\n"


def layout(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def validate_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code, out, err = cli(["validate", "--format", "json", *argv], capsys)
    assert out, err
    return code, json.loads(out)


def names(folder: Path) -> list[str]:
    return sorted(d["metadata"]["name"] for d in load_documents([folder]).documents)


def test_an_overlay_is_validated_with_the_base_it_lists_outside_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA H1: `resources: [../base]` was read as "0 documents, 0 errors", exit 0."""
    layout(
        tmp_path,
        {
            "base/kustomization.yaml": "resources: [a.yaml, bad.yaml]\n",
            "base/a.yaml": cm("a"),
            "base/bad.yaml": BAD,
            "overlay/kustomization.yaml": "resources: [../base]\n",
        },
    )
    code, report = validate_json(capsys, str(tmp_path / "overlay"))
    assert code == 1 and report["documents"] == 2
    (error,) = [f for f in report["findings"] if f["severity"] == "error"]
    # Sources are the real files, not the overlay.
    assert error["source"] == f"{tmp_path / 'base' / 'bad.yaml'}#1" and "Not_A_Name" in error["message"]


def test_a_missing_resources_entry_is_an_error_naming_the_kustomization_and_the_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = layout(
        tmp_path / "k", {"kustomization.yaml": "resources: [a.yaml, missing.yaml]\n", "a.yaml": cm("a")}
    )
    code, report = validate_json(capsys, str(folder))
    assert code == 1 and report["documents"] == 1
    (error,) = report["findings"]
    assert error["rule"] == "kustomize" and error["source"] == str(folder / "kustomization.yaml")
    assert (
        "'missing.yaml' does not exist" in error["message"] and "kubectl apply -k` fails" in error["message"]
    )
    code, out, _ = cli(["validate", str(folder)], capsys)
    assert code == 1 and f"error: {folder / 'kustomization.yaml'}: resources entry 'missing.yaml'" in out


def test_a_nested_kustomization_applies_only_the_files_it_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA H1: sub/notlisted.yaml was validated (and failed) though `kubectl apply -k` never applies it."""
    folder = layout(
        tmp_path / "k2",
        {
            "kustomization.yaml": "resources: [sub]\n",
            "sub/kustomization.yaml": "resources: [all.yaml]\n",
            "sub/all.yaml": cm("all"),
            "sub/notlisted.yaml": BAD,
        },
    )
    code, report = validate_json(capsys, str(folder))
    assert code == 0 and report["documents"] == 1, report["findings"]
    left_out = [s for s in report["skipped"] if "leaves it out" in s["reason"]]
    assert [s["source"] for s in left_out] == [f"{folder / 'sub' / 'notlisted.yaml'}#1"]


def test_a_kustomization_without_apiversion_and_kind_is_a_kustomize_file_not_helm_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = layout(tmp_path / "k", {"kustomization.yaml": "resources: [a.yaml]\n", "a.yaml": cm("a")})
    loaded = load_documents([folder])
    assert loaded.values == []  # lint rules reading Helm values never see it
    code, report = validate_json(capsys, str(folder))
    assert code == 0
    assert report["skipped"] == [
        {
            "source": f"{folder / 'kustomization.yaml'}#1",
            "reason": "a kustomize file (kubectl apply -k), not a cluster object",
        }
    ]
    # Given itself, it is still no Helm values; nothing is left to check, and the line says what to give instead.
    code, out, err = cli(["validate", str(folder / "kustomization.yaml")], capsys)
    assert (code, out) == (2, "") and "give its folder to check what `kubectl apply -k` applies" in err


@pytest.mark.parametrize(
    ("files", "start", "says"),
    [
        pytest.param(
            {"a/kustomization.yaml": "resources: [../b]\n", "b/kustomization.yaml": "resources: [../a]\n"},
            "a",
            "'../a' is ",
            id="two-folders",
        ),
        pytest.param({"a/kustomization.yaml": "resources: [.]\n"}, "a", "'.' is ", id="its-own-folder"),
        pytest.param(
            {
                "p/kustomization.yaml": "resources: [p.yaml]\n",
                "p/p.yaml": cm("p"),
                "p/sub/kustomization.yaml": "resources: [..]\n",
            },
            "p/sub",
            "'..' is ",
            id="a-folder-above",
        ),
    ],
)
def test_a_cycle_between_kustomizations_is_an_error_not_an_endless_walk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], start: str, says: str
) -> None:
    layout(tmp_path, files)
    code, report = validate_json(capsys, str(tmp_path / start))
    (error,) = report["findings"]
    assert code == 1 and error["rule"] == "kustomize"
    assert says in error["message"] and "a cycle" in error["message"]


REFUSED = {
    "file-outside-the-folder": (
        {"k/kustomization.yaml": "resources: [../x.yaml]\n", "x.yaml": cm("x")},
        "is the file",
    ),
    "folder-without-kustomization": (
        {"k/kustomization.yaml": "resources: [../plain]\n", "plain/p.yaml": cm("p")},
        "which has no kustomization",
    ),
    "unknown-field": (
        {"k/kustomization.yaml": "resources: [a.yaml]\nresource: [b.yaml]\n", "k/a.yaml": cm("a")},
        "unknown field 'resource'",
    ),
    "empty": (
        {"k/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"},
        "is empty",
    ),
    "resources-not-a-list": (
        {"k/kustomization.yaml": "resources: a.yaml\n", "k/a.yaml": cm("a")},
        "must be a list of paths",
    ),
    "two-kustomization-files": (
        {
            "k/kustomization.yaml": "resources: [sub]\n",
            "k/sub/kustomization.yaml": "resources: []\n",
            "k/sub/kustomization.yml": "resources: []\n",
        },
        "kustomize takes exactly one",
    ),
    "component-as-resource": (
        {
            "k/kustomization.yaml": "resources: [../c]\n",
            "c/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [c.yaml]\n",
            "c/c.yaml": cm("c"),
        },
        "is a Component",
    ),
    "kustomization-as-component": (
        {
            "k/kustomization.yaml": "components: [c]\n",
            "k/c/kustomization.yaml": "resources: [c.yaml]\n",
            "k/c/c.yaml": cm("c"),
        },
        "components entry 'c' is a Kustomization",
    ),
    "file-as-component": (
        {"k/kustomization.yaml": "resources: [a.yaml]\ncomponents: [a.yaml]\n", "k/a.yaml": cm("a")},
        "components entry 'a.yaml' is the file",
    ),
    # QA2 D5: one file under two spellings; kubectl: "may not add resource with an already registered id".
    "same-file-listed-twice": (
        {"k/kustomization.yaml": "resources: [m.yaml, ./m.yaml]\n", "k/m.yaml": cm("a") + "---\n" + cm("b")},
        "resources entry './m.yaml' adds",
    ),
    # A diamond: one base through two overlays that rename nothing.
    "base-reached-through-two-overlays": (
        {
            "k/kustomization.yaml": "resources: [../a, ../b]\n",
            "a/kustomization.yaml": "resources: [../base]\n",
            "b/kustomization.yaml": "resources: [../base]\n",
            "base/kustomization.yaml": "resources: [one.yaml, two.yaml]\n",
            "base/one.yaml": cm("one"),
            "base/two.yaml": cm("two"),
        },
        "resources entry '../b' adds",
    ),
}


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        if in_ci():
            pytest.fail(
                "kubectl is not installed; CI has it, so the comparison with kustomize must run", False
            )
        pytest.skip("kubectl is not installed")
    return found


def kustomize(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([kubectl(), "kustomize", str(folder)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_kustomize_refuses_is_an_error_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    files, says = REFUSED[case]
    layout(tmp_path, files)
    code, report = validate_json(capsys, str(tmp_path / "k"))
    errors = [f for f in report["findings"] if f["rule"] == "kustomize"]
    assert code == 1 and len(errors) == 1 and says in errors[0]["message"], report["findings"]
    assert kustomize(tmp_path / "k").returncode != 0, "kubectl kustomize accepts it: the finding is wrong"


def test_transformations_are_named_as_not_applied_with_the_command_that_checks_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = layout(
        tmp_path / "k",
        {
            "kustomization.yaml": (
                "resources: [a.yaml]\nnamePrefix: dev-\nnamespace: dev\n"
                "patches:\n- target: {kind: ConfigMap}\n  patch: |-\n    - {op: add, path: /data, value: {k: v}}\n"
                "sortOptions: {order: legacy}\n"
            ),
            "a.yaml": cm("a"),
        },
    )
    code, report = validate_json(capsys, str(folder))
    assert code == 0 and report["documents"] == 1
    (note,) = report["checks_skipped"][:1]
    assert note.startswith(f"{folder / 'kustomization.yaml'} uses namePrefix, namespace, patches, which")
    assert "sortOptions" not in note  # it only orders the output
    assert f"`kubectl kustomize {folder} | aigw-skills validate -`" in note
    # The command the note gives does check the transformed objects.
    built = kustomize(folder)
    assert built.returncode == 0, built.stderr
    assert "name: dev-a" in built.stdout and "namespace: dev" in built.stdout and "k: v" in built.stdout


def test_a_helm_chart_note_suggests_kubectl_kustomize_with_enable_helm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA2 D14: the suggested `kubectl kustomize DIR` fails on helmCharts without --enable-helm."""
    folder = layout(
        tmp_path / "k",
        {
            "kustomization.yaml": "resources: [a.yaml]\nhelmCharts:\n- {name: mini, releaseName: r}\n",
            "a.yaml": cm("a"),
            "charts/mini/Chart.yaml": "apiVersion: v2\nname: mini\nversion: 0.1.0\n",
            "charts/mini/templates/cm.yaml": cm("from-chart"),
        },
    )
    code, report = validate_json(capsys, str(folder))
    (note,) = [n for n in report["checks_skipped"] if " uses " in n]
    assert code == 0 and "uses helmCharts" in note
    assert f"run `kubectl kustomize --enable-helm {folder} | aigw-skills validate -`." in note
    without = kustomize(folder)
    assert without.returncode != 0 and "must specify --enable-helm" in without.stderr
    # With the flag kubectl gets past that check: it runs helm (when installed, the chart's object comes out).
    helm = subprocess.run(
        [kubectl(), "kustomize", "--enable-helm", str(folder)], capture_output=True, text=True, timeout=120
    )
    assert "--enable-helm" not in helm.stderr
    assert helm.returncode != 0 or "name: from-chart" in helm.stdout, helm.stderr
    # One command builds the whole folder: an overlay's note needs the flag for the chart its base inflates.
    overlay = layout(tmp_path / "o", {"kustomization.yaml": "resources: [../k]\nnamePrefix: dev-\n"})
    code, report = validate_json(capsys, str(overlay))
    notes = [n for n in report["checks_skipped"] if " uses " in n]
    assert code == 0 and [n.split(" uses ")[1].split(",")[0] for n in notes] == ["namePrefix", "helmCharts"]
    assert all(
        f"run `kubectl kustomize --enable-helm {overlay} | aigw-skills validate -`." in n for n in notes
    )


def test_the_suggested_command_carries_this_run_s_options_and_checks_the_real_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, shared_crds: Path
) -> None:
    """QA2 D14: the suggested `... | aigw-skills validate -` dropped --crds and --external-secret."""
    import io
    import shlex

    folder = layout(
        tmp_path / "k", {"kustomization.yaml": "resources: [a.yaml]\nnamePrefix: dev-\n", "a.yaml": cm("a")}
    )
    options = [
        *("--crds", str(shared_crds), "--offline", "--target-version", "v1.0.0"),
        *(
            "--external-secret",
            "default/key",
            "--existing",
            "Backend/default/x",
            "--no-lint",
            "--partial",
        ),
    ]
    code, report = validate_json(capsys, *options, str(folder))
    (note,) = [n for n in report["checks_skipped"] if " uses " in n]
    command = note.split("run `", 1)[1].split("`", 1)[0]
    build, check = (shlex.split(half) for half in command.split(" | "))
    assert build == ["kubectl", "kustomize", str(folder)]
    assert check == [
        *(
            "aigw-skills",
            "validate",
            "-",
            "--crds",
            str(shared_crds),
            "--offline",
            "--target-version",
            "v1.0.0",
        ),
        *(
            "--external-secret",
            "default/key",
            "--existing",
            "Backend/default/x",
            "--no-lint",
            "--partial",
        ),
    ]
    built = kustomize(folder)
    assert built.returncode == 0, built.stderr
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(built.stdout.encode())))
    code, report = validate_json(capsys, *check[2:])
    assert code == 0 and report["documents"] == 1
    assert not [n for n in report["checks_skipped"] if " uses " in n]


def test_many_documents_a_kustomization_leaves_out_are_summarised_in_text_and_listed_in_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA2 D13: 300 chart folders beside a kustomization gave one "skipped:" line per document."""
    files = {"kustomization.yaml": "resources: [app.yaml]\n", "app.yaml": cm("app")}
    for i in range(1, 41):
        files[f"charts/c{i:02}/cm.yaml"] = cm(f"c{i}") + "---\n" + cm(f"d{i}")
    files["other/x.yaml"] = cm("x")
    folder = layout(tmp_path / "k", files)
    code, report = validate_json(capsys, str(folder))
    left_out = [s["source"] for s in report["skipped"] if "leaves it out" in s["reason"]]
    assert code == 0 and len(left_out) == 81  # JSON keeps every one
    code, out, _ = cli(["validate", str(folder)], capsys)
    skipped = [line for line in out.splitlines() if line.startswith("skipped: ")]
    reason = "listed by no kustomization's resources or components: `kubectl apply -k` leaves it out"
    assert skipped == [
        f"skipped: {folder / 'kustomization.yaml'}#1: a kustomize file (kubectl apply -k), not a cluster object",
        f"skipped: {folder / 'charts/c01/cm.yaml'}#1: {reason}",
        f"skipped: {folder / 'charts/c01/cm.yaml'}#2: {reason}",
        f"skipped: {folder / 'charts/c02/cm.yaml'}#1: {reason}",
        f"skipped: 78 more documents (in 40 folders under {folder}): {reason} (--format json lists each)",
    ]
    assert out.endswith("1 document, 0 errors, 0 warnings, 82 skipped\n")
    # A few stay one line each; where they are is said by folder when there are at most three.
    few = layout(tmp_path / "few", {"kustomization.yaml": "resources: [app.yaml]\n", "app.yaml": cm("app")})
    for i in range(11):
        layout(few, {f"{'a' if i < 6 else 'b'}/x{i:02}.yaml": cm(f"x{i}")})
    code, out, _ = cli(["validate", str(few)], capsys)
    assert f"skipped: 8 more documents (3 in {few / 'a'}, 5 in {few / 'b'}): {reason}" in out


def test_a_kustomization_of_only_remote_resources_checks_nothing_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    remote = "github.com/envoyproxy/ai-gateway/examples/basic?ref=v1.1.0"
    folder = layout(tmp_path / "k", {"kustomization.yaml": f"resources:\n- {remote}\n"})
    code, out, err = cli(["validate", str(folder)], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith(f"aigw-skills validate: no Kubernetes object to check in {folder}: ")
    assert f"lists the remote resource {remote}: it is not fetched" in err


# Layouts without transformations: the objects read must be exactly those kubectl kustomize emits.
SAME_AS_KUSTOMIZE = {
    "overlay-with-parent-base": {
        "base/kustomization.yaml": "resources: [a.yaml, sub/b.yaml]\n",
        "base/a.yaml": cm("a"),
        "base/sub/b.yaml": cm("b", "other"),
        "base/unlisted.yaml": cm("not-applied"),
        "k/kustomization.yaml": "resources: [../base, own.yaml]\n",
        "k/own.yaml": cm("own") + "---\n" + cm("own-2"),
    },
    "nested-kustomizations": {
        "k/kustomization.yaml": "resources: [apps, list.yaml]\n",
        "k/apps/kustomization.yml": "resources: [one, two.txt]\n",
        "k/apps/one/Kustomization": "resources: [one.yaml]\n",
        "k/apps/one/one.yaml": cm("one"),
        "k/apps/one/stray.yaml": BAD,
        "k/apps/two.txt": cm("two"),
        "k/list.yaml": "apiVersion: v1\nkind: List\nitems:\n- "
        + cm("item").replace("\n", "\n  ").rstrip()
        + "\n",
        "k/stray.yaml": BAD,
    },
    # QA2 D4: a Component's own resources are emitted with the kustomization that lists it.
    "component-with-resources": {
        "k/kustomization.yaml": "resources: [a.yaml]\ncomponents: [../comp]\n",
        "k/a.yaml": cm("a"),
        "comp/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [x.yaml, sub]\n",
        "comp/x.yaml": cm("x"),
        "comp/sub/kustomization.yaml": "resources: [y.yaml]\n",
        "comp/sub/y.yaml": cm("y"),
    },
    # A diamond whose overlays rename the base: kustomize adds both copies.
    "base-renamed-by-two-overlays": {
        "k/kustomization.yaml": "resources: [../a, ../b]\n",
        "a/kustomization.yaml": "resources: [../base]\nnamePrefix: a-\n",
        "b/kustomization.yaml": "resources: [../base]\nnamePrefix: b-\n",
        "base/kustomization.yaml": "resources: [one.yaml]\n",
        "base/one.yaml": cm("one"),
    },
    # An empty file adds no object, so listing it twice is no error.
    "empty-file-listed-twice": {
        "k/kustomization.yaml": "resources: [a.yaml, empty.yaml, ./empty.yaml]\n",
        "k/a.yaml": cm("a"),
        "k/empty.yaml": "",
    },
    "deprecated-bases": {
        "base/kustomization.yaml": "resources: [b.yaml]\n",
        "base/b.yaml": cm("b"),
        "k/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nbases: [../base]\n",
    },
}


@pytest.mark.parametrize("case", sorted(SAME_AS_KUSTOMIZE))
def test_the_objects_validated_are_the_objects_kubectl_kustomize_emits(tmp_path: Path, case: str) -> None:
    import yaml

    layout(tmp_path, SAME_AS_KUSTOMIZE[case])
    built = kustomize(tmp_path / "k")
    assert built.returncode == 0, built.stderr
    expected = sorted(
        (d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"])
        for d in yaml.safe_load_all(built.stdout)
    )
    loaded = load_documents([tmp_path / "k"])
    assert loaded.findings == []
    got = sorted((d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]) for d in loaded.documents)
    if case == "base-renamed-by-two-overlays":
        # Read once, as the file holds it; the prefixes are named as not applied.
        assert got == [("ConfigMap", "default", "one")] and len(expected) == 2
        assert [n.split(" uses ")[1][:11] for n in loaded.notes] == ["namePrefix,"] * 2
        return
    assert loaded.notes == []
    assert got == expected and got
    if case == "component-with-resources":
        assert not [s for s in loaded.skipped if "leaves it out" in s.reason]


def test_a_file_listed_twice_is_one_kustomize_error_not_duplicate_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA2 D5: `resources: [manifests.yaml, ./manifests.yaml]` gave one AIGW-L060 warning per object and exit 0."""
    objects = "---\n".join(cm(f"c{i}") for i in range(5))
    folder = layout(
        tmp_path / "k",
        {"kustomization.yaml": "resources: [manifests.yaml, ./manifests.yaml]\n", "manifests.yaml": objects},
    )
    code, report = validate_json(capsys, str(folder))
    assert code == 1 and report["documents"] == 5
    (error,) = report["findings"]
    assert error["rule"] == "kustomize" and error["source"] == str(folder / "kustomization.yaml")
    assert error["message"].startswith(
        f"resources entry './manifests.yaml' adds {folder / 'manifests.yaml'} a second time (its resources entry "
        "'manifests.yaml' added it first)"
    )
    built = kustomize(folder)
    assert built.returncode != 0 and "already registered id" in built.stderr


def test_a_component_s_resources_are_validated_and_its_patches_named_as_not_applied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """QA2 D4: the Component's extra.yaml was "reached by no kustomization's resources" and never checked."""
    folder = layout(
        tmp_path / "k",
        {
            "kustomization.yaml": "resources: [a.yaml]\ncomponents: [comp]\n",
            "a.yaml": cm("a"),
            "comp/kustomization.yaml": (
                "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [extra.yaml]\n"
                "patches:\n- target: {kind: ConfigMap}\n  patch: |-\n    - {op: add, path: /data, value: {k: v}}\n"
            ),
            "comp/extra.yaml": BAD,
        },
    )
    code, report = validate_json(capsys, str(folder))
    assert code == 1 and report["documents"] == 2
    (error,) = [f for f in report["findings"] if f["severity"] == "error"]
    assert error["source"] == f"{folder / 'comp' / 'extra.yaml'}#1" and "Not_A_Name" in error["message"]
    assert not [s for s in report["skipped"] if "leaves it out" in s["reason"]]
    (note,) = [n for n in report["checks_skipped"] if " uses " in n]
    assert note.startswith(
        f"{folder / 'comp' / 'kustomization.yaml'} uses patches, which this reader does not apply"
    )
    built = kustomize(folder)
    assert built.returncode == 0 and "name: Not_A_Name" in built.stdout and "k: v" in built.stdout


def test_a_folder_without_a_kustomization_is_still_read_whole(tmp_path: Path) -> None:
    """kubectl apply -f DIR -R: every manifest, nested kustomization files skipped as what they are."""
    layout(
        tmp_path,
        {"a.yaml": cm("a"), "sub/b.yaml": cm("b"), "sub/kustomization.yaml": "resources: [nothing.yaml]\n"},
    )
    loaded = load_documents([tmp_path])
    assert names(tmp_path) == ["a", "b"] and loaded.findings == [] and loaded.values == []
    assert [s.reason for s in loaded.skipped] == ["a kustomize file (kubectl apply -k), not a cluster object"]
