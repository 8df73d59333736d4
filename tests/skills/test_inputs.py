"""Typed inputs: constrained types, error messages, credential refusal and injection through free text."""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from skills import types as t
from skills.api import auth, backend, install, route
from skills.auth import AuthInput
from skills.backend import BackendInput
from skills.credentials import describe_credential
from skills.errors import InputError
from skills.install import InstallInput
from skills.providers import PRESETS
from skills.route import RouteInput

CASES: dict[str, tuple[Any, list[Any], list[Any]]] = {
    "DNSLabel": (
        t.DNSLabel,
        ["a", "openai", "a-1", "x" * 63],
        ["", "A", "-a", "a-", "a.b", "a_b", "x" * 64, "ä"],
    ),
    "DNSSubdomain": (t.DNSSubdomain, ["a", "a.b-c", "x" * 253], ["", "A.b", ".a", "a..b", "a/b", "x" * 254]),
    "Port": (t.Port, [1, 443, 65535], [0, 65536, -1, "x"]),
    "Hostname": (
        t.Hostname,
        ["api.openai.com", "localhost", "a-b.c"],
        [
            "https://api.openai.com",
            "api.openai.com:443",
            "api.openai.com/v1",
            "API.openai.com",
            "*.a.com",
            "",
        ],
    ),
    "HostnamePattern": (t.HostnamePattern, ["a.com", "*.a.com"], ["*", "a.*.com", "A.com", "a.com."]),
    "Duration": (t.Duration, ["60s", "1h30m", "500ms", "0s"], ["60", "1d", "1.5s", "10 s", "-1s", ""]),
    "Quantity": (t.Quantity, ["50Mi", "1Gi", "65536", "10k"], ["50MB", "-1Mi", "1.5Gi", "Mi"]),
    "ModelName": (
        t.ModelName,
        ["gpt-4o-mini", "us.amazon.nova-pro-v1:0", "claude-sonnet-4@20250514", "a/b"],
        ["", "-x", "gpt 4", "a\nb", ".*", "x" * 257],
    ),
    "ModelMatch": (
        t.ModelMatch,
        ["gpt-.*", ".*", "a b", "x" * 4096],
        ["", " x", "a\nb", "a\x00", "x" * 4097, "caf\u00e9", "a\u2028b"],
    ),
    "HeaderName": (
        t.HeaderName,
        ["x-api-key", "OpenAI-Beta", "x_team.id"],
        ["", "a b", "a:b", "a\n", "x`id`", "a$b", "a|b", "a'b", "a&b", "-x"],
    ),
    "PlainValue": (
        t.PlainValue,
        ["", "a: b #c", "Bearer <x> & 'y'"],
        ["a\nb", "a\rb", "\u2028", "\x00", "x" * 4097, "😀", "\u00e9"],
    ),
    "EnvVarName": (t.EnvVarName, ["OPENAI_API_KEY", "_X"], ["openai_key", "1X", "A-B", "$A", ""]),
    "FilePath": (
        t.FilePath,
        ["./key.txt", "~/.aws/credentials", "/a b/c", "keys/team-a@corp,v2=1.txt"],
        ["", "a\nb", "x" * 1025, "x$(touch P)", "a`b`", 'a"b', "a'b", "a;b", "a|b", "a&b", "a\\b", "*.key"],
    ),
    "PathPrefix": (
        t.PathPrefix,
        ["/v1", "v1", "/v1beta/openai", "/compatibility/v1"],
        ["/", "", "/v1/", "/a b", "//v1", "/v1?x"],
    ),
    "CloudRegion": (
        t.CloudRegion,
        ["us-east-1", "global", "us-central1"],
        ["US-EAST-1", "us_east_1", "", "-a"],
    ),
    "Identifier": (t.Identifier, ["arn:aws:iam::1:role/x", "0000-1111", "a@b.iam"], ["", "a b", "_a", "a\n"]),
    "Url": (
        t.Url,
        ["https://issuer.example.com", "https://a.b:8443/realms/x"],
        ["http://a.com", "https://", "https://a b"],
    ),
    "SectionName": (t.SectionName, ["http", "rule.one"], ["Rule", "a_b", ""]),
    "SchemaVersion": (
        t.SchemaVersion,
        ["2025-01-01-preview", "v2", "bedrock-2023-05-31"],
        ["", "-v", "a b", "v/1"],
    ),
    "JsonFieldName": (t.JsonFieldName, ["service_tier", "_x"], ["9x", "a b", "a/b", ""]),
    "SchemaName": (t.SchemaName, list(t.SCHEMA_NAMES), ["openai", "Gemini", ""]),
    "PolicyType": (t.PolicyType, list(t.POLICY_TYPES), ["ApiKey", "OIDC"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_constrained_type_accepts_good_and_refuses_bad_values(name: str) -> None:
    annotation, good, bad = CASES[name]
    adapter = TypeAdapter(annotation)
    for value in good:
        assert adapter.validate_python(value) == value
    for value in bad:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)


def test_every_pattern_in_every_input_schema_is_explained_in_words() -> None:
    def patterns(node: Any) -> list[str]:
        if isinstance(node, dict):
            return ([node["pattern"]] if "pattern" in node else []) + [
                p for v in node.values() for p in patterns(v)
            ]
        if isinstance(node, list):
            return [p for v in node for p in patterns(v)]
        return []

    for model in (InstallInput, BackendInput, AuthInput, RouteInput):
        for pattern in patterns(model.model_json_schema()):
            assert pattern in t.PATTERN_DESCRIPTIONS, f"{model.__name__}: {pattern} has no description"


@pytest.mark.parametrize(
    ("build", "data", "path", "shown", "expected"),
    [
        (backend, {"name": "Open_AI", "provider": "openai"}, "name", "'Open_AI'", "RFC 1123 label"),
        (
            backend,
            {"name": "x", "provider": "openai", "hostname": "https://api.openai.com"},
            "hostname",
            "'https://api.openai.com'",
            "without scheme",
        ),
        (
            route,
            {"rules": [{"models": ["m"], "backends": [{"name": "a"}], "request_timeout": "1 min"}]},
            "rules[0].request_timeout",
            "'1 min'",
            "duration such as 60s",
        ),
        (
            auth,
            {"type": "APIKey", "targets": ["a"], "secret_env": "openai-key"},
            "secret_env",
            "'openai-key'",
            "environment variable",
        ),
        (install, {"wait_timeout": "2"}, "wait_timeout", "'2'", "duration"),
        (backend, {"name": "x", "provider": "openai", "port": 70000}, "port", "70000", None),
        (route, {"rules": ["m=a"], "unknown_field": 1}, "unknown_field", "1", "only the documented fields"),
        (backend, {"provider": "openai"}, "name", None, "a value for this required field"),
    ],
)
def test_errors_name_the_path_show_the_value_and_explain_the_format(
    build: Any, data: dict[str, Any], path: str, shown: str | None, expected: str | None
) -> None:
    with pytest.raises(InputError) as exc:
        build(**data)
    (problem,) = [p for p in exc.value.problems if p.path == path]
    assert problem.value == shown
    if expected:
        assert problem.expected and expected in problem.expected
    assert "text matching" not in str(exc.value), "formats are explained in words, not as a regex"
    assert path in str(exc.value)


def test_a_scalar_where_an_object_belongs_is_named_with_its_value_not_an_internal_class() -> None:
    from orchestrator.intake.model import Intake

    with pytest.raises(InputError) as exc:
        Intake.parse({"providers": ["openai"], "routing": "fast"})
    problems = {p.path: p for p in exc.value.problems}
    assert set(problems) == {"providers[0]", "routing"}
    assert problems["providers[0]"].value == "'openai'" and problems["routing"].value == "'fast'"
    assert all(p.message == "should be a mapping of fields" for p in problems.values())
    assert "Intake" not in str(exc.value) and "instance of" not in str(exc.value)


def test_long_bad_values_are_shortened_in_errors() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="x" * 500, provider="openai")
    assert len(exc.value.problems[0].value or "") <= 80


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InputError) as exc:
        backend(name="Bad", provider="openai", port=0, prefix="no spaces")
    assert {p.path for p in exc.value.problems} == {"name", "port", "prefix"}


HEX_DIGEST = "0123456789abcdef0123456789abcdef"
CREDENTIALS = [
    "sk-proj-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8",
    "sk-ant-api03-" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8",
    "AKIA" + "IOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY",
    "AIza" + "SyA1234567890abcdefghijklmnopqrstuv",
    "ghp_" + "abcdefghijklmnopqrstuvwxyz0123456789",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "-----BEGIN PRIVATE KEY-----",
    HEX_DIGEST,
    "gsk_" + "abcdefghijklmnopqrstuvwxyz012345",
]

# One string field per skill input (including nested ones) where a pasted credential could land.
CREDENTIAL_SLOTS: list[tuple[Any, dict[str, Any], str]] = [
    (backend, {"name": "x", "provider": "openai", "hostname": "{v}"}, "hostname"),
    (
        backend,
        {
            "name": "x",
            "provider": "openai",
            "header_mutation": {"set": [{"name": "Authorization", "value": "Bearer {v}"}]},
        },
        "header_mutation.set[0].value",
    ),
    (
        backend,
        {"name": "x", "provider": "openai", "body_mutation": {"set": [{"path": "k", "value": '"{v}"'}]}},
        "body_mutation.set[0].value",
    ),
    (auth, {"type": "APIKey", "targets": ["a"], "secret_env": "{v}"}, "secret_env"),
    (auth, {"type": "APIKey", "targets": ["a"], "secret_file": "{v}"}, "secret_file"),
    (auth, {"type": "APIKey", "targets": ["{v}"]}, "targets[0]"),
    (
        auth,
        {"type": "AzureCredentials", "targets": ["a"], "azure_client_id": "c", "azure_tenant_id": "{v}"},
        "azure_tenant_id",
    ),
    (route, {"rules": [{"models": ["{v}"], "backends": [{"name": "a"}]}]}, "rules[0].models[0]"),
    (route, {"rules": ["m={v}"]}, "rules[0]"),
    (install, {"ai_gateway_namespace": "{v}"}, "ai_gateway_namespace"),
]


def _fill(data: Any, value: str) -> Any:
    return json.loads(json.dumps(data).replace("{v}", json.dumps(value)[1:-1]))


MODEL_ID_SLOTS = {"rules[0].models[0]"}  # a hex digest is a model id there (L4), not a key by its shape


@pytest.mark.parametrize(
    ("build", "data", "path", "secret"),
    [
        pytest.param(*slot, secret, id=f"{slot[2]}-{secret[:8]}")
        for slot in CREDENTIAL_SLOTS
        for secret in CREDENTIALS
        if not (slot[2] in MODEL_ID_SLOTS and secret == HEX_DIGEST)
    ],
)
def test_credential_in_any_input_is_refused_and_never_echoed(
    build: Any, data: dict[str, Any], path: str, secret: str
) -> None:
    with pytest.raises(InputError) as exc:
        build(**_fill(data, secret))
    text = str(exc.value) + json.dumps([p.to_dict() for p in exc.value.problems])
    assert secret not in text
    assert path in [p.path for p in exc.value.problems]
    assert "environment variable" in text


def test_legitimate_values_are_not_mistaken_for_credentials() -> None:
    values = (
        [m for p in PRESETS.values() for m in p.example_models]
        + [p.hostname for p in PRESETS.values()]
        + [
            "arn:aws:iam::123456789012:role/ai-gateway-bedrock",
            "00000000-0000-0000-0000-000000000001",
            "72f988bf-86f1-41af-91ab-2d7cd011db47",  # a real-looking Entra tenant ID
            "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
            "projects/123456789/locations/global/workloadIdentityPools/ai-gateway-pool",
            "vertex-caller@my-project.iam.gserviceaccount.com",
            "2025-01-01-preview",
            "bedrock-2023-05-31",
            "OPENAI_API_KEY",
            "./secrets/service-account.json",
            "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "anthropic.claude-3-5-sonnet-20241022-v2:0",
        ]
    )
    assert [v for v in values if describe_credential(v)] == []


# Names and model ids the shape heuristics used to take for keys (QA L4).
LONG_NAME = "abcdefghijklmnopqrstuvwxyz0123456789abcdefgh"  # 44 characters, a valid DNS label
MD5_MODEL = "d41d8cd98f00b204e9800998ecf8427e"  # a hex digest used as a model id


@pytest.mark.parametrize("name", [LONG_NAME, "a" * 44, "team-" + "a1b2c3d4" * 7])
def test_a_long_lowercase_name_that_is_a_valid_dns_label_is_a_name_not_a_key(name: str) -> None:
    assert backend(name=name, provider="openai").manifests[0]["metadata"]["name"] == name
    (policy,) = auth(type="APIKey", targets=[name], secret_env="OPENAI_API_KEY").manifests
    assert policy["spec"]["targetRefs"][0]["name"] == name
    rule = route(rules=[f"gpt-4o-mini={name}"]).manifests[-1]["spec"]["rules"][0]
    assert rule["backendRefs"][0]["name"] == name


@pytest.mark.parametrize(
    "model", [MD5_MODEL, MD5_MODEL.upper(), f"org/model-{MD5_MODEL}", f"ft:gpt-4o:{MD5_MODEL}"]
)
def test_a_hex_digest_model_id_is_routed_not_refused(model: str) -> None:
    for rules in (
        [{"models": [model], "backends": [{"name": "openai", "model_name_override": model}]}],
        [f"{model}=openai"],
    ):
        spec = route(rules=rules).manifests[-1]["spec"]
        assert spec["rules"][0]["matches"][0]["headers"][0]["value"] == model


@pytest.mark.parametrize("name", ["a" * 64, LONG_NAME + "0123456789abcdefghij"])
def test_a_name_longer_than_63_is_reported_as_too_long_not_as_a_secret(name: str) -> None:
    with pytest.raises(InputError) as exc:
        backend(name=name, provider="openai")
    (problem,) = exc.value.problems
    assert problem.path == "name" and "at most 63 characters" in problem.message
    assert "looks like" not in problem.message


def test_a_too_long_name_that_looks_like_a_hex_key_says_too_long_and_hides_the_value() -> None:
    digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # 64 characters
    with pytest.raises(InputError) as exc:
        backend(name=digest, provider="openai")
    (problem,) = exc.value.problems
    assert problem.path == "name" and "at most 63 characters" in problem.message
    assert digest not in str(exc.value) and problem.value == "<redacted: looks like a credential>"


KNOWN_KEYS = [c for c in CREDENTIALS if c != HEX_DIGEST] + ["gsk_" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St"]


@pytest.mark.parametrize("key", KNOWN_KEYS, ids=lambda k: k[:8])
def test_known_key_shapes_are_still_refused_in_name_and_model_fields(key: str) -> None:
    for build, data, path in [
        (backend, {"name": key, "provider": "openai"}, "name"),
        (auth, {"type": "APIKey", "targets": [key]}, "targets[0]"),
        (route, {"rules": [{"models": [key], "backends": [{"name": "a"}]}]}, "rules[0].models[0]"),
        (
            route,
            {"rules": [{"models": ["m"], "backends": [{"name": "a", "model_name_override": key}]}]},
            "rules[0].backends[0].model_name_override",
        ),
    ]:
        with pytest.raises(InputError) as exc:
            build(**data)
        assert [(p.path, "looks like" in p.message) for p in exc.value.problems] == [(path, True)], path
        assert key not in str(exc.value)


def test_a_random_hex_key_is_still_refused_as_a_name_and_as_free_text() -> None:
    with pytest.raises(InputError, match="name: looks like a long random hex string"):
        backend(name=MD5_MODEL, provider="openai")
    with pytest.raises(InputError, match=r"header_mutation\.set\[0\]\.value: looks like"):
        backend(
            name="x",
            provider="openai",
            header_mutation={"set": [{"name": "api-key", "value": MD5_MODEL}]},
        )


def test_repeated_or_patterned_hex_is_not_a_key_but_random_hex_is() -> None:
    assert describe_credential("a" * 44) is None and describe_credential("deadbeef" * 4) is None
    assert describe_credential(MD5_MODEL) is not None and describe_credential(HEX_DIGEST) is not None
    assert (
        describe_credential(MD5_MODEL, "model") is None and describe_credential(MD5_MODEL, "name") is not None
    )


INJECTIONS = [
    "a\nb",
    "a: b",
    "a #b",
    "#x",
    "{{ x }}",
    "{% if %}",
    "!!python/object:os.system",
    "&anchor",
    "*alias",
    "a\u2028b",
    "a\x00b",
    "x" * 10_000,
    "---",
    "'\"",
    "${HOME}",
    "$(id)",
    "`id`",
    "😀",
    "- item",
    "[a, b]",
]


def _substitute(data: dict[str, Any], value: str) -> dict[str, Any]:
    text = json.dumps(data).replace("{v}", json.dumps(value)[1:-1])
    return json.loads(text.replace("{json}", json.dumps(json.dumps(value))[1:-1]))


def _key_paths(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        return {prefix} | {p for k, v in value.items() for p in _key_paths(v, f"{prefix}.{k}")}
    if isinstance(value, list):
        return {prefix} | {p for i, v in enumerate(value) for p in _key_paths(v, f"{prefix}[{i}]")}
    return {prefix}


def _manifests_shape(result: Any) -> list[tuple[str, set[str]]]:
    docs = list(yaml.safe_load_all(result.yaml))
    assert docs == result.manifests
    return [(d["kind"], _key_paths(d)) for d in docs]


# Free-text inputs: (builder, input with {v}, where the value must appear in the output).
FREE_TEXT: list[tuple[str, Any, dict[str, Any], Any]] = [
    (
        "header value",
        backend,
        {"name": "x", "provider": "openai", "header_mutation": {"set": [{"name": "X-A", "value": "{v}"}]}},
        lambda r: r.manifests[1]["spec"]["headerMutation"]["set"][0]["value"],
    ),
    (
        "body value (JSON string)",
        backend,
        {"name": "x", "provider": "openai", "body_mutation": {"set": [{"path": "k", "value": "{json}"}]}},
        lambda r: json.loads(r.manifests[1]["spec"]["bodyMutation"]["set"][0]["value"]),
    ),
    (
        "regex model",
        route,
        {"rules": [{"models": ["{v}"], "match_type": "RegularExpression", "backends": [{"name": "a"}]}]},
        lambda r: r.manifests[-1]["spec"]["rules"][0]["matches"][0]["headers"][0]["value"],
    ),
    (
        "oidc issuer path",
        auth,
        {
            "type": "AWSCredentials",
            "targets": ["a"],
            "aws_region": "r",
            "aws_mode": "oidc",
            "aws_role_arn": "arn",
            "oidc_client_id": "c",
            "oidc_issuer": "https://issuer.example.com/{v}",
        },
        lambda r: r.manifests[0]["spec"]["awsCredentials"]["oidcExchangeToken"]["oidc"]["provider"][
            "issuer"
        ].removeprefix("https://issuer.example.com/"),
    ),
    (
        "secret file",
        auth,
        {"type": "APIKey", "targets": ["a"], "secret_file": "{v}"},
        lambda r: shlex.split(r.secrets[0].command.removesuffix(" | kubectl apply -f -"))[-1],
    ),
]


@pytest.mark.parametrize("payload", INJECTIONS, ids=lambda p: repr(p)[:20])
@pytest.mark.parametrize(
    ("label", "build", "data", "extract"), FREE_TEXT, ids=lambda v: v if isinstance(v, str) else ""
)
def test_free_text_is_refused_or_round_trips_exactly(
    label: str, build: Any, data: dict[str, Any], extract: Any, payload: str
) -> None:
    baseline = build(**_substitute(data, "plain"))
    try:
        result = build(**_substitute(data, payload))
    except InputError as exc:
        assert exc.problems
        assert describe_credential(payload) is not None or payload not in str(exc) or len(payload) < 100
        return
    assert extract(result) == payload
    assert _manifests_shape(result) == _manifests_shape(baseline)
    assert [s.key for s in result.secrets] == [s.key for s in baseline.secrets]


def test_azure_credentials_accept_real_uuid_client_and_tenant_ids() -> None:
    result = auth(
        type="AzureCredentials",
        targets=["azure"],
        azure_client_id="3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        azure_tenant_id="72f988bf-86f1-41af-91ab-2d7cd011db47",
    )
    assert (
        result.manifests[0]["spec"]["azureCredentials"]["tenantID"] == "72f988bf-86f1-41af-91ab-2d7cd011db47"
    )


_HEX_KEY_SAMPLE = "9f86d081884c7d659a2feaa0c55ad015"  # 32 random-looking hex digits, the Azure key shape
_MIXED_KEY_SAMPLE = "Zq8Vd2Lm5Rt7Yx1Cb4Nf6Hj9Kp3Ws0Ae"


@pytest.mark.parametrize(
    "name", [f"openai-{_HEX_KEY_SAMPLE}", f"ns.{_HEX_KEY_SAMPLE}", f"x-{_HEX_KEY_SAMPLE}"]
)
def test_a_hex_key_inside_a_name_is_refused_not_only_a_whole_label(name: str) -> None:
    """QA sweep 2 (D1): name mode only tested whole dot-separated labels, so `openai-<key>` passed and the
    key reached the manifests."""
    from skills.credentials import describe_credential

    assert describe_credential(name, "name") is not None
    with pytest.raises(InputError) as refused:
        backend(BackendInput.parse({"name": name, "provider": "openai"}))
    assert name not in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        f"{_MIXED_KEY_SAMPLE}.",
        f"({_MIXED_KEY_SAMPLE})",
        f"{_MIXED_KEY_SAMPLE}!",
        f"{_MIXED_KEY_SAMPLE}@x",
        f"gw.{_HEX_KEY_SAMPLE}",
        f"Bearer {_MIXED_KEY_SAMPLE}.",
    ],
)
def test_a_key_with_punctuation_next_to_it_is_still_a_key(text: str) -> None:
    """QA sweep 2 (D2): the free-text check split only on spaces, quotes, commas and colons."""
    from skills.credentials import describe_credential

    assert describe_credential(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "https://auth.example.com/realms/ai/protocol/openid-connect/certs",
        "claude-sonnet-4-5@20250929",
        "ai-gateway.envoy-ai-gateway-system.svc.cluster.local",
        "team-" + "a1b2c3d4" * 7,
    ],
)
def test_urls_model_ids_hostnames_and_patterned_names_are_not_keys(text: str) -> None:
    from skills.credentials import describe_credential

    assert describe_credential(text, "name") is None and describe_credential(text, "model") is None
    assert describe_credential(text) is None
