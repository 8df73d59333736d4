"""One Envoy Gateway policy per target: the bundle merges policies of one kind that name the same targets.

Envoy Gateway attaches a single BackendTrafficPolicy (likewise ClientTrafficPolicy, SecurityPolicy,
EnvoyExtensionPolicy) per target and marks the others Conflicted (envoyproxy/gateway
internal/gatewayapi/backendtrafficpolicy.go@v1.8.1), so failover retries from aigw-route and token limits from
aigw-ratelimit, both on the generated HTTPRoute, must travel in one object or the token limits are silently
dropped. The merged text keeps each part's own comments; it is re-parsed and compared with the merged object.
"""

from __future__ import annotations

from typing import Any

import yaml

from orchestrator.engine.lint.attachment import POLICY_KINDS

Pair = tuple[dict[str, Any], str]
MERGE_COMMENT = (
    "# One {kind} per target: Envoy Gateway attaches only one per {target} and marks any other Conflicted\n"
    "# (envoyproxy/gateway internal/gatewayapi/{file}@v1.8.1), so these settings share this object.\n"
)


def _key(obj: dict[str, Any]) -> tuple[str, str, str] | None:
    if obj.get("kind") not in POLICY_KINDS or not str(obj.get("apiVersion", "")).startswith(
        "gateway.envoyproxy.io/"
    ):
        return None
    spec = obj.get("spec") or {}
    refs = spec.get("targetRefs")
    if not refs or spec.get("targetSelectors") or spec.get("targetRef"):
        return None
    target = yaml.safe_dump(refs, sort_keys=True)
    return (str(obj["kind"]), str(obj["metadata"].get("namespace", "default")), target)


def _split(text: str) -> tuple[list[str], list[str], list[str]]:
    """(leading comments, targetRefs lines, the rest of spec) of one of our rendered policies."""
    lines = text.rstrip("\n").split("\n")
    comments = lines[: next(i for i, x in enumerate(lines) if not x.startswith("#"))]
    body = lines[lines.index("spec:") + 1 :]
    end = 0
    if body and body[0] == "  targetRefs:":
        end = 1
        while end < len(body) and (body[end].startswith("    ") or body[end].startswith("  -")):
            end += 1
    return comments, body[:end], body[end:]


def _merged_name(kind: str, refs: list[dict[str, Any]]) -> str:
    suffix = {
        "BackendTrafficPolicy": "traffic",
        "ClientTrafficPolicy": "client",
        "SecurityPolicy": "security",
    }
    return f"{refs[0]['name']}-{suffix.get(kind, 'extension')}"


def _merge(group: list[Pair]) -> Pair:
    first, text = group[0]
    kind, refs = str(first["kind"]), first["spec"]["targetRefs"]
    spec: dict[str, Any] = {"targetRefs": refs}
    comments: list[str] = []
    body: list[str] = []
    target_lines = _split(text)[1]
    for obj, part in group:
        for key, value in obj["spec"].items():
            if key == "targetRefs":
                continue
            if key in spec and spec[key] != value:
                raise ValueError(
                    f"{kind} {obj['metadata']['name']}: spec.{key} differs from another policy on the same target"
                )
            spec[key] = value
        part_comments, _, part_body = _split(part)
        comments += [c for c in part_comments if c not in comments]
        body += part_body
    name = _merged_name(kind, refs)
    meta = {**first["metadata"], "name": name}
    merged = {"apiVersion": first["apiVersion"], "kind": kind, "metadata": meta, "spec": spec}
    head_end = text.index("spec:\n")
    head = text[:head_end].split("\n")
    head = [line for line in head if not line.startswith("#")]
    header = "\n".join(head).replace(f"  name: {first['metadata']['name']}\n", f"  name: {name}\n", 1)
    target = f"{refs[0].get('kind')} {refs[0].get('name')}" if len(refs) == 1 else "target"
    file = f"{kind.lower()}.go"
    merged_text = (
        MERGE_COMMENT.format(kind=kind, target=target, file=file)
        + "\n".join(comments)
        + "\n"
        + header
        + "spec:\n"
        + "".join(f"{line}\n" for line in target_lines)
        + "\n".join(body)
        + "\n"
    )
    if yaml.safe_load(merged_text) != merged:
        raise RuntimeError(f"merged {kind} {name} does not re-parse to the merged object")
    return merged, merged_text


def merge_policies(pairs: list[Pair]) -> tuple[list[Pair], list[str]]:
    """Merge Envoy Gateway policies of one kind with identical targetRefs; notes say what was merged."""
    groups: dict[tuple[str, str, str], list[Pair]] = {}
    for pair in pairs:
        key = _key(pair[0])
        if key is not None:
            groups.setdefault(key, []).append(pair)
    out: list[Pair] = []
    notes: list[str] = []
    done: set[tuple[str, str, str]] = set()
    for pair in pairs:
        key = _key(pair[0])
        if key is None or len(groups[key]) == 1:
            out.append(pair)
            continue
        if key in done:
            continue
        done.add(key)
        merged = _merge(groups[key])
        out.append(merged)
        names = ", ".join(p[0]["metadata"]["name"] for p in groups[key])
        notes.append(
            f"{merged[0]['kind']} {merged[0]['metadata']['name']} merges {names}: Envoy Gateway attaches one "
            f"{merged[0]['kind']} per target and would mark all but one Conflicted."
        )
    return out, notes
