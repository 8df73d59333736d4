"""Lint rule: Secrets in the manifests should not carry real credentials. Values are never echoed.

The detector is the one inputs use (skills/credentials.py) in its lint mode: the same vendor patterns, and
opaque tokens only as whole values that are not placeholders.
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
            for key, raw in as_dict(secret.doc.get(field)).items():
                if not isinstance(raw, str):
                    continue
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
