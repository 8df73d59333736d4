"""Lint rules: Secrets in the manifests should not carry real credentials (L015), and no other object should
carry a known key shape where nobody treats it as secret (L076: ConfigMap data, annotations, labels). Values
are never echoed, and neither is a map key that looks like a credential.

The detector is the one inputs use (skills/credentials.py): in a Secret its lint mode (vendor patterns, and
opaque tokens only as whole values that are not placeholders); elsewhere only the vendor patterns, so checksums
and ids in annotations are not flagged.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from orchestrator.engine.lint.index import Issue, LintContext, ResourceIndex, as_dict, lint_rule
from skills.credentials import describe_credential


def _decoded(value: str) -> str | None:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


@lint_rule("AIGW-L015", "Secrets in the manifests carry no literal credentials", "warning")
def literal_credentials(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for secret in index.of_kind("Secret", ""):
        for field in ("stringData", "data"):
            for raw_key, raw in as_dict(secret.doc.get(field)).items():
                if not isinstance(raw, str):
                    continue
                key = _shown(str(raw_key))
                value = _decoded(raw) if field == "data" else raw
                kind = describe_credential(value, "lint") if value is not None else None
                if kind is None:
                    continue
                yield Issue(
                    secret,
                    f"{field}[{key}]",
                    f"the value looks like {kind}; a live credential in a manifest ends up in git, CI logs and "
                    "the agent's context (the value is not shown here)",
                    f"Remove the Secret from the manifests and create it at apply time (kubectl create secret "
                    f"generic {secret.name} --from-literal={key}=... -n {secret.namespace}); validate with "
                    f"--external-secret {secret.namespace}/{secret.name}. Rotate the key if it was committed.",
                )


_SHORTEST_KEY = 14  # '"private_key":' is the shortest text a vendor pattern in skills/credentials.py matches


def _shown(key: str) -> str:
    """A map key as findings may show it: one that looks like a credential itself is never echoed."""
    return "<key>" if describe_credential(key, "lint") else key


@lint_rule("AIGW-L076", "ConfigMaps, annotations and labels carry no API keys", "warning")
def credentials_outside_secrets(index: ResourceIndex, ctx: LintContext) -> Iterator[Issue]:
    for resource in index.resources:
        places: list[tuple[str, object]] = []
        if resource.kind == "ConfigMap" and not resource.group:
            places += [(f"data[{_shown(str(k))}]", v) for k, v in as_dict(resource.doc.get("data")).items()]
        meta = as_dict(resource.doc.get("metadata"))
        for field in ("annotations", "labels"):
            places += [
                (f"metadata.{field}[{_shown(str(k))}]", v) for k, v in as_dict(meta.get(field)).items()
            ]
        for path, value in places:
            # Every vendor pattern needs 14+ characters: short label values (most of them) are not searched.
            if not isinstance(value, str) or len(value) < _SHORTEST_KEY:
                continue
            kind = describe_credential(value, "vendor")
            if kind is None:
                continue
            yield Issue(
                resource,
                path,
                f"the value looks like {kind}; a {resource.kind} is not secret: anyone who can read it (and git, "
                "CI logs, the agent's context) sees the key (the value is not shown here)",
                "Move the key into a Secret created at apply time (kubectl create secret generic NAME "
                "--from-literal=KEY=...) and reference that Secret; rotate the key if it was committed.",
            )
