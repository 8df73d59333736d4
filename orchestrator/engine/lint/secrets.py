"""Lint rule: Secrets in the manifests should not carry real credentials. Values are never echoed."""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter
from collections.abc import Iterator

from orchestrator.engine.lint.index import Issue, LintContext, ResourceIndex, as_dict, lint_rule

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an Anthropic API key (sk-ant-…)", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("an OpenAI-style API key (sk-…)", re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}")),
    ("an AWS access key id (AKIA…/ASIA…)", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("an AWS secret access key", re.compile(r"aws_secret_access_key\s*=\s*[A-Za-z0-9/+]{40}")),
    ("a PEM private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")),
    ("a Google API key (AIza…)", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})")),
    ("a GCP service account key", re.compile(r'"private_key"\s*:\s*"-----BEGIN')),
)
_TOKEN = re.compile(r"^[A-Za-z0-9+/=_.-]{32,}\Z")
_CONSTANT_NAME = re.compile(r"^[A-Z0-9_]+\Z")  # OPENAI_API_KEY: a placeholder, not a key
_PLACEHOLDER = re.compile(r"[<>{}$]|changeme|replace|example|your|dummy|fake|xxx", re.IGNORECASE)


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def credential_kind(value: str) -> str | None:
    """What kind of live credential ``value`` looks like, or None (placeholders and short strings are fine)."""
    for label, pattern in _PATTERNS:
        if pattern.search(value):
            return label
    text = value.strip()
    if _TOKEN.match(text) and not _CONSTANT_NAME.match(text) and not _PLACEHOLDER.search(text):
        has_mix = any(c.isdigit() for c in text) and any(c.isalpha() for c in text)
        if has_mix and _entropy(text) >= 4.0:
            return f"a {len(text)}-character random token"
    return None


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
                kind = credential_kind(value) if value is not None else None
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
