"""Each intake round refuses what the build would refuse, in the round that holds the answer: the walker runs the
build's own composition (every atomic skill's input rules) on the answers so far, so an Azure AzureCredentials
answer without a client ID, an AWS or GCP credentials file left empty, ADC on a release without it, model lists
whose backends share no endpoint, observability with nothing on or a canary with no partner are reported with the
field and what to give, the other answers are kept, and the corrected answer moves the conversation on. The other
way round: any answer set the rounds accept builds a bundle with no refusal, for every provider preset and
credential kind. Driven through `walk` (what aigw_orchestrate and `aigw-skills build --questions/--answers`
call) and `build_bundle` (what `build --answers` and the tool then run)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, get_args

import pytest

from orchestrator.compose.bundle import build_bundle
from orchestrator.intake.build_check import to_intake
from orchestrator.intake.questions import answer_key
from orchestrator.intake.rounds import BY_ID, ROUND_IDS
from orchestrator.intake.walker import walk
from skills.errors import InputError
from skills.providers import PRESETS

AZURE_CLIENT = "00000000-0000-0000-0000-000000000001"
AZURE_TENANT = "00000000-0000-0000-0000-000000000002"
OLDEST = "v0.5.0"  # the oldest release with a version profile; it has no GCP ADC (skills/versions.py)


def _round(providers: list[str], details: dict[str, Any], **later: Any) -> dict[str, Any]:
    return {"environment": later.pop("environment", {}), "providers": {"providers": providers}} | {
        "details": details,
        **later,
    }


def _azure(**fields: str) -> dict[str, Any]:
    given = {
        "resource": "my-openai-resource",
        "auth": "AzureCredentials",
        "secret_env": "AZURE_CLIENT_SECRET",
    }
    return {answer_key("azure-openai", k): v for k, v in (given | fields).items()}


@dataclass(frozen=True)
class Case:
    """Answers the build refuses, the round and fields that must say so, and the answer that fixes them."""

    answers: dict[str, Any]
    round: str
    fields: tuple[str, ...]
    message: str  # a fragment of the build's own message, shown in the round
    fix: dict[str, Any]  # the corrected fields of `round`
    moot: tuple[str, ...] = ()  # rounds the correction no longer asks (their answers go)


CASES: dict[str, Case] = {
    "azure-credentials-without-client-id": Case(
        _round(["azure-openai"], _azure(azure_tenant_id=AZURE_TENANT)),
        "details",
        ("azure_openai__azure_client_id",),
        "required for type AzureCredentials; expected Entra ID application (client) ID",
        {"azure_openai__azure_client_id": AZURE_CLIENT},
    ),
    "azure-credentials-with-an-empty-tenant-id": Case(
        _round(["azure-openai"], _azure(azure_client_id=AZURE_CLIENT, azure_tenant_id="")),
        "details",
        ("azure_openai__azure_tenant_id",),
        "required for type AzureCredentials; expected Entra ID tenant ID",
        {"azure_openai__azure_tenant_id": AZURE_TENANT},
    ),
    "azure-credentials-with-neither-id": Case(
        _round(["openai", "azure-openai"], _azure()),
        "details",
        ("azure_openai__azure_client_id", "azure_openai__azure_tenant_id"),
        "required for type AzureCredentials",
        {"azure_openai__azure_client_id": AZURE_CLIENT, "azure_openai__azure_tenant_id": AZURE_TENANT},
    ),
    **{
        f"{pid}-credentials-file-left-empty": Case(
            _round(
                [pid], {answer_key(pid, "aws_mode"): "credentials-file", answer_key(pid, "secret_file"): ""}
            ),
            "details",
            (answer_key(pid, "secret_file"),),
            "required for AWSCredentials with a credentials file; expected path of the file at apply time",
            {answer_key(pid, "secret_file"): "~/.aws/credentials"},
        )
        for pid in ("aws-bedrock", "aws-anthropic")
    },
    **{
        f"{pid}-key-file-left-empty": Case(
            _round([pid], {answer_key(pid, "gcp_project"): "my-project", answer_key(pid, "secret_file"): ""}),
            "details",
            (answer_key(pid, "secret_file"),),
            "required for GCPCredentials with a credentials file",
            {answer_key(pid, "secret_file"): "./service-account.json"},
        )
        for pid in ("gcp-vertex-ai", "gcp-anthropic")
    },
    "gcp-project-left-empty": Case(
        _round(["gcp-vertex-ai"], {"gcp_vertex_ai__gcp_project": ""}),
        "details",
        ("gcp_vertex_ai__gcp_project",),
        "required for type GCPCredentials; expected GCP project that hosts Vertex AI",
        {"gcp_vertex_ai__gcp_project": "my-project"},
    ),
    "gcp-adc-on-a-release-without-it": Case(
        _round(
            ["gcp-anthropic"],
            {"gcp_anthropic__gcp_project": "my-project", "gcp_anthropic__gcp_mode": "adc"},
            environment={"version": OLDEST},
        ),
        "details",
        ("gcp_anthropic__gcp_mode",),
        f"ADC needs AI Gateway v0.6.0 or later, not {OLDEST}",
        {"gcp_anthropic__gcp_mode": "credentials-file"},
    ),
    "one-model-on-backends-that-share-no-endpoint": Case(
        _round(
            ["cohere-rerank", "anthropic"],
            {"cohere_rerank__models": "m", "anthropic__models": "m"},
            routing={"strategy": "failover"},  # no strategy serves it: the details round names the models
        ),
        "details",
        ("anthropic__models",),
        "goes to backends that share no endpoint",
        {"anthropic__models": "claude-sonnet-4-5"},
        moot=("routing",),  # separate model names: nothing shared left to route
    ),
    "observability-with-nothing-on": Case(
        _round(
            ["openai"],
            {},
            features={"features": ["observability"]},
            production={"access_logs": False, "metrics": "none", "tracing_endpoint": ""},
        ),
        "production",
        ("access_logs",),
        "nothing to generate",
        {"access_logs": True},
    ),
    "a-canary-backend-no-rule-splits-with": Case(
        _round(
            ["openai", "anthropic-openai", "groq"],
            {"openai__models": "chat", "anthropic_openai__models": "chat", "groq__models": "fast"},
            routing={"strategy": "split"},
            features={"features": ["canary"]},
            production={"canary_backend": "groq"},
        ),
        "production",
        ("canary_backend",),
        "nothing to split",
        {"canary_backend": "anthropic-openai"},
    ),
}


def as_the_form_fills_them(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with each round's form defaults filled in, round by round, checked by the form alone (what
    the walker accepted before it ran the build's rules)."""
    filled: dict[str, Any] = {}
    for rid in ROUND_IDS:
        if rid in answers:
            form = BY_ID[rid].form(filled)
            filled[rid] = form.model_validate(answers[rid]).model_dump(mode="json")
    return filled


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_build_refuses_each_case_so_the_round_must(name: str) -> None:
    case = CASES[name]
    with pytest.raises(InputError, match=case.message.split(";")[0]):
        build_bundle(to_intake(as_the_form_fills_them(case.answers)))


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_answer_the_build_refuses_is_refused_in_its_round_naming_the_field(name: str) -> None:
    case = CASES[name]
    state = walk(case.answers)
    (item,) = [item for item in state.open if item.problems]
    assert item.id == case.round and state.next_group()[0].id == case.round
    named = {p.path.split(" ")[0]: p.render() for p in item.problems}
    assert set(named) == {f"answers.{case.round}.{field}" for field in case.fields}
    assert all(case.message in text for text in named.values()), named
    assert all(field in item.message() for field in case.fields), "the round is asked again with the fix"
    earlier = ROUND_IDS[: ROUND_IDS.index(case.round)]
    assert [rid for rid in earlier if rid in case.answers] == list(state.answers), "earlier answers are kept"


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_corrected_answer_moves_the_conversation_on_and_builds(name: str) -> None:
    case = CASES[name]
    fixed = case.answers | {case.round: case.answers[case.round] | case.fix}
    fixed = {rid: answer for rid, answer in fixed.items() if rid not in case.moot}
    state = walk(fixed)
    assert case.round in state.answers and not state.problems
    later = [item.id for item in state.open]
    assert case.round not in later
    if not later:
        assert build_bundle(to_intake(state.answers)).files["manifests.yaml"]


# Every value a person may give a details field a credential choice makes required or moot: given, or left empty.
CREDENTIAL_VALUES: dict[str, tuple[Any, ...]] = {
    "secret_env": (None, ""),  # None: the form's default (the preset's variable)
    "secret_file": ("./credentials", ""),
    "azure_client_id": (AZURE_CLIENT, ""),
    "azure_tenant_id": (AZURE_TENANT, ""),
    "gcp_project": ("my-project", ""),
}


def credential_answers(pid: str) -> list[dict[str, Any]]:
    """Every combination of the provider's credential choices (auth kind, AWS/GCP mode) and the values above
    (with an Azure resource name, which is not a credential)."""
    form = BY_ID["details"].form({"providers": {"providers": [pid]}})
    axes: list[list[tuple[str, Any]]] = [[(answer_key(pid, "resource"), "my-openai-resource")]]
    for name, info in form.model_fields.items():
        field = name.split("__", 1)[1]
        choices = get_args(info.annotation) if field in ("auth", "aws_mode", "gcp_mode") else ()
        values = choices or CREDENTIAL_VALUES.get(field, ())
        if values:
            axes.append([(name, v) for v in values])
    return [
        {k: v for k, v in combo if v is not None and k in form.model_fields}
        for combo in itertools.product(*axes)
    ]


@pytest.mark.parametrize("version", [None, OLDEST])
@pytest.mark.parametrize("pid", sorted(PRESETS))
def test_any_answer_set_the_rounds_accept_builds_with_no_refusal(pid: str, version: str | None) -> None:
    environment = {"version": version} if version else {}
    accepted = refused = 0
    for details in credential_answers(pid):
        answers = _round([pid], details, environment=environment, features={"features": []})
        state = walk(answers)
        if not state.complete:
            assert state.open[0].id == "details" and state.open[0].problems, details
            refused += 1
            continue
        accepted += 1
        try:
            build_bundle(to_intake(state.answers))
        except InputError as exc:
            pytest.fail(f"{pid} {details}: accepted by the details round, refused by the build: {exc}")
    assert accepted, f"{pid}: no credential answer was accepted"
    if PRESETS[pid].auth != "none":
        assert refused, f"{pid}: no credential answer was refused, so nothing was checked"
