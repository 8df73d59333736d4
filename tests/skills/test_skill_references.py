"""The skills work without the CLI: the YAML in their references/ folders, taken back out of the Markdown an
agent reads, passes the validation engine.

- Every variant of every action skill (references/yaml.md, aigw-auth's references/credentials.md) validates
  together with the objects it says it is applied with.
- The done-when of the skill pack issue: an agent with no `aigw-skills` on PATH follows aigw-orchestrator's
  references/by-hand.md and gets the OpenAI + Anthropic bundle; the YAML in that file passes the engine.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from server.pack.generated_refs import KIND_ROLES, emitted_kinds
from server.pack.skilldoc_variants import SETUP, SETUP_PARTS, VARIANTS, Variant, reference_file
from tests.conftest import shared_path

REPO = Path(__file__).resolve().parents[2]
SKILLS = REPO / "skills"
_SECTION = re.compile(
    r"<!-- BEGIN GENERATED: (?P<name>[a-z-]+) -->\n(?P<body>.*?)<!-- END GENERATED: (?P=name) -->", re.S
)
_BLOCK = re.compile(r"^(?P<label>[^\n]+):\n\n```(?P<lang>\w*)\n(?P<body>.*?)\n```$", re.S | re.M)
_SECRET = re.compile(r"kubectl create secret generic (?P<name>[a-z0-9.-]+) -n (?P<ns>[a-z0-9-]+)")
_SECRET_LABEL = re.compile(r"^Create Secret `(?P<name>[^`]+)`", re.M)


def section(path: Path, name: str) -> str:
    sections = {m["name"]: m["body"] for m in _SECTION.finditer(path.read_text(encoding="utf-8"))}
    assert name in sections, f"{path.relative_to(REPO)} has no generated section {name!r}"
    return sections[name]


def manifests_in(text: str) -> list[dict[str, Any]]:
    """The objects of every YAML block labelled 'Manifests' in `text`, as an agent copies them."""
    docs = []
    for block in _BLOCK.finditer(text):
        if block["label"].strip() == "Manifests" and block["lang"] == "yaml":
            docs += [d for d in yaml.safe_load_all(block["body"]) if d]
    return docs


def parsed_variants(skill: str) -> dict[str, str]:
    """Variant title → its Markdown, from the skill's reference file."""
    body = section(SKILLS / skill / reference_file(skill), "variants")
    parts = re.split(r"^### (.+)$", body, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def variant_text(reference: str) -> str:
    skill, _, title = reference.partition(": ")
    texts = parsed_variants(skill)
    assert title in texts, f"{skill}'s reference has no variant {title!r}"
    return texts[title]


def needed(v: Variant) -> list[str]:
    refs: list[str] = []
    for need in v.needs:
        for part in SETUP_PARTS if need == SETUP else (need,):
            if part not in refs:
                refs.append(part)
    return refs


def combined(texts: list[str]) -> list[dict[str, Any]]:
    """Apply the texts in order: an object of the same kind, namespace and name replaces the earlier one."""
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for text in texts:
        for doc in manifests_in(text):
            meta = doc.get("metadata", {})
            out[(doc["kind"], meta.get("namespace", "default"), meta["name"])] = doc
    return list(out.values())


def secrets_named(texts: list[str], namespace: str = "default") -> frozenset[str]:
    names = {f"{m['ns']}/{m['name']}" for t in texts for m in _SECRET.finditer(t)}
    names |= {f"{namespace}/{m['name']}" for t in texts for m in _SECRET_LABEL.finditer(t)}
    return frozenset(names)


def validate(docs: list[dict[str, Any]], external_secrets: frozenset[str]) -> list[str]:
    from orchestrator.engine.crds import load_crds
    from orchestrator.engine.lint.linter import LintContext
    from orchestrator.engine.validate import validate_documents

    context = LintContext(external_secrets=external_secrets, rate_limit_backend=True)
    report = validate_documents(docs, crds=load_crds(shared_path("crds")), context=context)
    return [
        f"{f.severity}: {f.resource}: {f.path}: {f.message}" for f in report.findings if f.severity == "error"
    ]


CASES = [(skill, v) for skill, variants in VARIANTS.items() for v in variants]


@pytest.mark.parametrize(("skill", "variant"), CASES, ids=[f"{s}: {v.title}" for s, v in CASES])
def test_every_variant_in_the_references_passes_the_validation_engine(skill: str, variant: Variant) -> None:
    text = parsed_variants(skill).get(variant.title)
    assert text is not None, (
        f"{skill}/{reference_file(skill)} lacks {variant.title!r}: run aigw-skills index --skills"
    )
    if not variant.manifests:
        assert "```" in text, "the variant shows its output"
        pytest.skip(f"{skill}: {variant.title}: output is a plan or kinds the CRD set does not serve")
    texts = [variant_text(n) for n in needed(variant)] + [text]
    docs = combined(texts)
    assert docs, f"{skill}: {variant.title}: no Manifests block"
    assert validate(docs, secrets_named(texts)) == []


def test_every_kind_a_variant_emits_is_explained_in_the_fundamentals() -> None:
    missing = sorted({kind for _api, kind in emitted_kinds()} - set(KIND_ROLES))
    assert missing == [], f"add these kinds to server.pack.generated_refs.KIND_ROLES: {missing}"
    fundamentals = (SKILLS / "aigw-fundamentals" / "SKILL.md").read_text(encoding="utf-8")
    for kind in ("GatewayConfig", "MCPRoute", "QuotaPolicy", "InferencePool", "AIGatewayRoute"):
        assert f"| `{kind}` |" in fundamentals


def test_the_fundamentals_list_every_skill() -> None:
    from skills.catalog import SKILLS as CATALOG

    table = section(SKILLS / "aigw-fundamentals" / "SKILL.md", "skills")
    assert [e.name for e in CATALOG] == re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.M)


# --- the done-when: the OpenAI + Anthropic bundle by hand -------------------------------------------------


def test_an_agent_without_the_cli_builds_the_openai_anthropic_bundle_from_the_references(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Nothing below may run aigw-skills: take it off PATH, then work from the text of the skill folder only.
    path = os.pathsep.join(
        p for p in os.environ.get("PATH", "").split(os.pathsep) if not (Path(p) / "aigw-skills").exists()
    )
    monkeypatch.setenv("PATH", path)
    assert shutil.which("aigw-skills") is None
    skill_md = (SKILLS / "aigw-orchestrator" / "SKILL.md").read_text(encoding="utf-8")
    assert "[references/by-hand.md](references/by-hand.md)" in skill_md, "the skill points the agent there"
    text = section(SKILLS / "aigw-orchestrator" / "references" / "by-hand.md", "bundle")
    docs = manifests_in(text)
    kinds = sorted(d["kind"] for d in docs)
    assert kinds.count("AIServiceBackend") == 2 and kinds.count("BackendSecurityPolicy") == 2
    assert {"Gateway", "GatewayClass", "ClientTrafficPolicy", "AIGatewayRoute", "BackendTLSPolicy"} <= set(
        kinds
    )
    models = {
        h["value"]
        for d in docs
        if d["kind"] == "AIGatewayRoute"
        for rule in d["spec"]["rules"]
        for m in rule["matches"]
        for h in m["headers"]
    }
    assert len(models) == 2, models
    secrets = secrets_named([text])
    assert secrets == {"default/openai-apikey", "default/anthropic-apikey"}
    assert validate(docs, secrets) == []
    assert "OPENAI_API_KEY" in text and "sk-" not in text, "keys come from the environment, never the file"
