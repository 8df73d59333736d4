"""Day two with aigw-route: adding a model to a live route keeps every rule it has (kubectl apply replaces the
whole rules list), through the same input field for the CLI and the MCP tool."""

from __future__ import annotations

import pytest
import yaml

from skills.errors import InputError
from skills.route import RouteInput, build_route

LIVE = build_route(
    {
        "rules": [
            "gpt-5.5=openai@0,azure-openai@1",
            {
                "models": ["fast"],
                "backends": [{"name": "openai", "model_name_override": "gpt-5.4-mini", "weight": 3}],
                "request_timeout": "120s",
            },
        ],
        "name": "team-route",
        "namespace": "ai",
        "gateway_name": "edge",
        "hostnames": ["ai.example.com"],
    }
)
LIVE_ROUTE = next(d for d in LIVE.manifests if d["kind"] == "AIGatewayRoute")


def test_adding_a_model_keeps_every_existing_rule_unchanged() -> None:
    result = build_route(
        {"existing_route": yaml.safe_dump(LIVE_ROUTE), "rules": ["claude-sonnet-4-6=anthropic"]}
    )
    [route] = [d for d in result.manifests if d["kind"] == "AIGatewayRoute"]
    assert route["metadata"]["name"] == "team-route" and route["metadata"]["namespace"] == "ai"
    assert route["spec"]["rules"][:2] == LIVE_ROUTE["spec"]["rules"]
    assert route["spec"]["rules"][2]["backendRefs"] == [{"name": "anthropic"}]
    assert route["spec"]["parentRefs"] == LIVE_ROUTE["spec"]["parentRefs"]
    assert route["spec"]["hostnames"] == ["ai.example.com"]
    kinds = {d["kind"] for d in result.manifests}
    assert not kinds & {"Gateway", "GatewayClass", "ClientTrafficPolicy"}, "the live Gateway is left alone"
    assert any("kept and the new ones added" in n for n in result.notes)


def test_a_kubectl_list_and_a_multi_document_file_are_read_too() -> None:
    listing = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [LIVE_ROUTE]})
    stream = LIVE.yaml  # the whole file the route was applied from: Gateway, policies and the route
    for text in (listing, stream):
        inp = RouteInput.parse({"existing_route": text, "rules": ["claude-sonnet-4-6=anthropic"]})
        assert [r.models for r in inp.rules][-1] == ["claude-sonnet-4-6"] and len(inp.rules) == 3


def test_a_model_already_routed_is_refused_naming_both_rules() -> None:
    with pytest.raises(InputError) as caught:
        build_route({"existing_route": yaml.safe_dump(LIVE_ROUTE), "rules": ["fast=anthropic"]})
    assert "rules[2].models: model 'fast' is already matched by rules[1]" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: Gateway\nmetadata: {name: x}\n", "exactly one AIGatewayRoute"),
        ("rules: [: bad", "not valid YAML"),
    ],
)
def test_an_existing_route_that_is_not_one_route_is_a_clear_error(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        build_route({"existing_route": text, "rules": ["m=openai"]})
    assert "existing_route" in str(caught.value) and message in str(caught.value)


def test_the_cli_and_the_mcp_tool_take_the_same_field() -> None:
    from server.cli.main import build_parser

    args = build_parser().parse_args(["route", "--existing-route", "x", "--rule", "m=openai"])
    assert args.field__existing_route == "x"
    assert "existing_route" in RouteInput.model_json_schema()["properties"]


def test_a_live_route_routing_a_hex_digest_model_id_can_be_extended_but_keys_in_it_are_refused() -> None:
    digest = "d41d8cd98f00b204e9800998ecf8427e"
    live = next(
        d for d in build_route({"rules": [f"{digest}=openai"]}).manifests if d["kind"] == "AIGatewayRoute"
    )
    result = build_route({"existing_route": yaml.safe_dump(live), "rules": ["gpt-5.4-mini=openai"]})
    [route] = [d for d in result.manifests if d["kind"] == "AIGatewayRoute"]
    assert [r["matches"][0]["headers"][0]["value"] for r in route["spec"]["rules"]] == [
        digest,
        "gpt-5.4-mini",
    ]
    key = "sk-proj-" + "Zq8Vd2Lm5Rt7Yx1Cb4Nf6Hj9Kp3Ws0Ae"
    with pytest.raises(InputError) as exc:
        build_route({"existing_route": yaml.safe_dump(live).replace(digest, key), "rules": ["m=openai"]})
    assert [p.path for p in exc.value.problems] == ["existing_route"] and key not in str(exc.value)
    # Only its model names are model ids: the same digest elsewhere in the object is read strictly.
    live["metadata"]["annotations"] = {"api-key": "9f86d081884c7d659a2feaa0c55ad015"}
    listed = {"apiVersion": "v1", "kind": "List", "items": [live]}
    with pytest.raises(InputError, match="existing_route: looks like a long opaque token"):
        build_route({"existing_route": yaml.safe_dump(listed), "rules": ["m=openai"]})
