"""Recognise strings that look like real credentials, so no tool ever accepts (or echoes) one.

The patterns are deliberately specific (vendor prefixes, PEM armour, AWS key ids, JWTs) plus a
conservative entropy rule for long opaque tokens; a match is a refusal, never a log line with the value.
"""

from __future__ import annotations

import math
import re
from collections import Counter

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a PEM private key or certificate block", re.compile(r"-----BEGIN [A-Z ]+-----")),
    ("an Anthropic API key (sk-ant-…)", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{16,}")),
    ("an OpenAI-style secret key (sk-…)", re.compile(r"\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}")),
    ("an AWS access key id (AKIA…/ASIA…)", re.compile(r"\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b")),
    ("a Google API key (AIza…)", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a Groq API key (gsk_…)", re.compile(r"\bgsk_[A-Za-z0-9]{20,}")),
    ("an xAI API key (xai-…)", re.compile(r"\bxai-[A-Za-z0-9]{20,}")),
    ("a GitHub token", re.compile(r"\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}")),
    ("a Slack token", re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}")),
    ("a Hugging Face token (hf_…)", re.compile(r"\bhf_[A-Za-z0-9]{30,}")),
    ("a JSON Web Token", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("a Google service-account JSON key", re.compile(r'"private_key"\s*:')),
    ("an AWS secret access key", re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")),
)

_OPAQUE = re.compile(r"^[A-Za-z0-9+/=_-]{32,}\Z")
# A run of letters and digits long enough to be a key fragment (UUIDs and resource paths have short runs).
_LONG_RUN = re.compile(r"[A-Za-z0-9]{16,}")
# Where a credential pasted into free text (e.g. "Bearer <key>", "api-key: <key>") is separated from the rest.
_TOKEN_SPLIT = re.compile(r"[\s\"',;:]+")


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _looks_opaque(text: str) -> bool:
    """A long token of mixed character classes with high entropy (e.g. a 32-hex Azure key)."""
    if not _OPAQUE.match(text):
        return False
    classes = sum(bool(re.search(p, text)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    if re.fullmatch(r"[0-9a-f]{32,}", text) or re.fullmatch(r"[0-9A-F]{32,}", text):
        return True
    return classes >= 2 and _entropy(text) >= 3.5 and re.search(r"[0-9]", text) is not None


def _looks_like_key(text: str) -> bool:
    """An opaque token that is not words and numbers joined by separators (a UUID, a resource path)."""
    if not _looks_opaque(text):
        return False
    return not re.search(r"[-/._]", text) or any(
        re.search(r"[0-9]", run) and re.search(r"[A-Za-z]", run) for run in _LONG_RUN.findall(text)
    )


def describe_credential(text: str) -> str | None:
    """Return what kind of credential `text` looks like, or None. Never returns the value itself."""
    for label, pattern in _PATTERNS:
        if label == "an AWS secret access key":
            match = pattern.search(text)
            if match and _looks_opaque(match.group(0)) and re.search(r"[/+]", match.group(0)):
                return label
            continue
        if pattern.search(text):
            return label
    if _looks_like_key(text.strip()) or any(_looks_like_key(token) for token in _TOKEN_SPLIT.split(text)):
        return "a long opaque token (an API key or password)"
    return None


REFUSAL_HINT = (
    "Secrets never go into inputs or outputs: name the environment variable or file that holds it "
    "at apply time instead (e.g. secret_env=OPENAI_API_KEY or secret_file=./key.txt); the generated "
    "secrets.sh / kubectl command reads it from there."
)
