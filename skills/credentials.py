"""The one credential detector: strings that look like real keys, for inputs (strict) and manifests (lint).

Both modes share the vendor patterns (prefixes, PEM armour, AWS key ids, JWTs, service-account JSON), so a key
refused as an input is also flagged in a manifest (a Groq ``gsk_`` key used to pass the lint). They differ only
for opaque tokens with no vendor prefix:

* ``strict`` (anything a person or agent types into a tool): a long, mixed, high-entropy token anywhere in the
  text is refused, even inside a sentence ("Bearer <key>").
* ``lint`` (values of Secrets in manifests): only a whole value that is a long random token, and never a
  placeholder (``OPENAI_API_KEY``, ``<your-key>``, ``changeme``...), so example manifests stay quiet.
* ``vendor`` (every other string of a manifest): the vendor patterns only, since hostnames, apiVersions and
  image digests look random too.

Inputs whose type says what they are (:class:`TextKind` on the types of skills/types.py) get a narrower check
than ``strict``, so a valid name or model id is not taken for a key by its shape alone:

* ``name`` (DNS labels and subdomains): the vendor patterns, and a label that is a random hex string of 32 or
  more characters (the Azure OpenAI key shape). A long lowercase name is a name; the type's own rules (length,
  characters) report what is wrong with it.
* ``model`` (model names and matches): ``strict``, except that a hex digest (32+ hex digits) is not a key by
  its shape, since model ids and revisions are often digests.
* ``known``: the vendor patterns only, PEM certificates included.

A match is a refusal or a finding, never a log line with the value. :func:`redact` walks a document (keys too)
and replaces what it finds, for outputs that copy input (explain, migrate).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

Mode = Literal["strict", "lint", "vendor", "name", "model", "known"]
REDACTED = "<redacted: looks like a credential>"

_AWS_SECRET = "an AWS secret access key"
_PEM = "a PEM private key or certificate block"
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (_PEM, re.compile(r"-----BEGIN [A-Z ]+-----")),
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
    (_AWS_SECRET, re.compile(r"aws_secret_access_key\s*=\s*[A-Za-z0-9/+]{40}")),
    (_AWS_SECRET, re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")),
)


@dataclass(frozen=True, eq=False)
class TextKind:
    """Metadata on a constrained string type (``Annotated[str, ..., TextKind("name")]``): what its values are,
    so the input check (skills/model.py) reads them in that mode instead of ``strict``."""

    # "route": the YAML of a live AIGatewayRoute, whose model names are read as "model" and the rest "strict".
    mode: Literal["name", "model", "route"]


_OPAQUE = re.compile(r"^[A-Za-z0-9+/=_-]{32,}\Z")
_HEX = re.compile(r"[0-9a-f]{32,}|[0-9A-F]{32,}")
# A hex digest inside a model id (org/model-<sha>, ft:...:<md5>): stands alone between non-alphanumerics.
_HEX_DIGEST = re.compile(r"(?<![A-Za-z0-9])([0-9a-f]{32,}|[0-9A-F]{32,})(?![A-Za-z0-9])")
_HEX_KEY = "a long random hex string (an Azure-style API key)"
# A run of letters and digits long enough to be a key fragment (UUIDs and resource paths have short runs).
_LONG_RUN = re.compile(r"[A-Za-z0-9]{16,}")
# Where a credential pasted into free text (e.g. "Bearer <key>", "api-key: <key>") is separated from the rest.
# Punctuation next to a key ("<key>.", "(<key>)", "<key>!", "gw.<key>") separates it too.
_TOKEN_SPLIT = re.compile(r"[\s\"',;:.()\[\]{}<>!?@#&*|\\]+")
# Lint mode: a whole value of this shape, mixed letters and digits, entropy >= 4 bits, and not a placeholder.
_LINT_TOKEN = re.compile(r"^[A-Za-z0-9+/=_.-]{32,}\Z")
_CONSTANT_NAME = re.compile(r"^[A-Z0-9_]+\Z")  # OPENAI_API_KEY: a placeholder, not a key
_PLACEHOLDER = re.compile(r"[<>{}$]|changeme|replace|example|your|dummy|fake|xxx", re.IGNORECASE)


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def _random_hex(text: str) -> bool:
    """32+ hex digits of one case, digits and letters mixed, not a repeated pattern (a 32-hex Azure key; not
    'aaaa…' or 'deadbeef…', which are names)."""
    return (
        _HEX.fullmatch(text) is not None
        and re.search(r"[0-9]", text) is not None
        and re.search(r"[a-fA-F]", text) is not None
        and _entropy(text) >= 3.0
        and _REPEATED.fullmatch(text) is None
    )


_REPEATED = re.compile(r"(.{1,8})\1{2,}.{0,8}")  # 'a1b2c3d4' over and over: a pattern, not a random key


def _looks_opaque(text: str) -> bool:
    """A long token of mixed character classes with high entropy (e.g. a 32-hex Azure key)."""
    if not _OPAQUE.match(text):
        return False
    if _HEX.fullmatch(text):
        return _random_hex(text)
    classes = sum(bool(re.search(p, text)) for p in (r"[a-z]", r"[A-Z]", r"[0-9]"))
    return classes >= 2 and _entropy(text) >= 3.5 and re.search(r"[0-9]", text) is not None


def _looks_like_key(text: str) -> bool:
    """An opaque token that is not words and numbers joined by separators (a UUID, a resource path)."""
    if not _looks_opaque(text):
        return False
    return not re.search(r"[-/._]", text) or any(
        re.search(r"[0-9]", run) and re.search(r"[A-Za-z]", run) for run in _LONG_RUN.findall(text)
    )


def _vendor(text: str) -> str | None:
    for label, pattern in _PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        found = match.group(0)
        # 40 base64 characters alone count only with a '/' or '+' and high entropy (else too many false hits)
        if (
            label == _AWS_SECRET
            and "=" not in found
            and not (_looks_opaque(found) and re.search(r"[/+]", found))
        ):
            continue
        return label
    return None


def _lint_token(text: str) -> str | None:
    value = text.strip()
    if _LINT_TOKEN.match(value) and not _CONSTANT_NAME.match(value) and not _PLACEHOLDER.search(value):
        has_mix = any(c.isdigit() for c in value) and any(c.isalpha() for c in value)
        if has_mix and _entropy(value) >= 4.0:
            return f"a {len(value)}-character random token"
    return None


def describe_credential(text: str, mode: Mode = "strict") -> str | None:
    """What kind of credential ``text`` looks like, or None. Never returns the value itself."""
    label = _vendor(text)
    if label == _PEM and mode in ("lint", "vendor") and not _PRIVATE_KEY.search(text):
        label = None  # a certificate in a manifest (a CA bundle, tls.crt) is public
    if label is not None:
        return label
    if mode in ("vendor", "known"):
        return None
    if mode == "lint":
        return _lint_token(text)
    if mode == "name":  # a random hex run anywhere between separators: openai-<32 hex>, ns.<32 hex>
        return _HEX_KEY if any(_random_hex(m.group(1)) for m in _HEX_DIGEST.finditer(text)) else None
    if mode == "model":
        text = _HEX_DIGEST.sub("-", text)  # a digest in a model id is not a key by its shape alone
    if _looks_like_key(text.strip()) or any(_looks_like_key(token) for token in _TOKEN_SPLIT.split(text)):
        return "a long opaque token (an API key or password)"
    return None


def find_credentials(value: Any, mode: Mode = "strict", path: str = "") -> list[tuple[str, str]]:
    """(path, kind) of every string in ``value`` that looks like a credential: map keys included (a key that
    is one shows as ``<key>`` in the path, never as itself)."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            kind = describe_credential(item, mode)
            if kind:
                found.append((where or "value", kind))
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                text = str(key)
                kind = describe_credential(text, mode)
                if kind:
                    found.append((f"{where}.<key>" if where else "<key>", kind))
                    text = "<key>"
                stack.append((child, f"{where}.{text}" if where else text))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{where}[{i}]") for i, child in reversed(list(enumerate(item))))
    return found


def redact(value: Any, mode: Mode = "lint") -> tuple[Any, int]:
    """A copy of ``value`` with every credential-looking string (keys included) replaced by REDACTED, and how
    many were replaced."""
    count = 0

    def walk(item: Any) -> Any:
        nonlocal count
        if isinstance(item, str):
            if describe_credential(item, mode):
                count += 1
                return REDACTED
            return item
        if isinstance(item, dict):
            out: dict[Any, Any] = {}
            for key, child in item.items():
                new_key = walk(key) if isinstance(key, str) else key
                if new_key in out:  # two redacted keys: keep both, numbered
                    new_key = f"{new_key}-{len(out)}"
                out[new_key] = walk(child)
            return out
        if isinstance(item, list | tuple):
            return [walk(child) for child in item]
        return item

    return walk(value), count


def redact_manifests(docs: list[Any]) -> tuple[list[Any], int]:
    """Copies of Kubernetes objects with credentials masked: vendor patterns anywhere (keys too), and in a
    Secret's ``stringData`` / ``data`` (base64) values also long random tokens, as the lint flags them."""
    import base64
    import binascii

    out, total = [], 0
    for doc in docs:
        masked, count = redact(doc, "vendor")
        if isinstance(masked, dict) and masked.get("kind") == "Secret":
            for field in ("stringData", "data"):
                values = masked.get(field)
                if not isinstance(values, dict):
                    continue
                for key, raw in values.items():
                    if not isinstance(raw, str) or raw == REDACTED:
                        continue
                    text: str | None = raw
                    if field == "data":
                        try:
                            text = base64.b64decode(raw, validate=True).decode("utf-8")
                        except (binascii.Error, ValueError, UnicodeDecodeError):
                            text = None
                    if text is not None and describe_credential(text, "lint"):
                        values[key] = REDACTED
                        count += 1
        out.append(masked)
        total += count
    return out, total


def mask_text(text: str, mode: Mode = "strict") -> str:
    """``text`` with every whitespace/quote-separated token that looks like a credential replaced."""
    if describe_credential(text, mode) is None:
        return text
    parts = re.split(r"([\s\"',;:]+)", text)
    masked = [REDACTED if part and describe_credential(part, mode) else part for part in parts]
    out = "".join(masked)
    return REDACTED if describe_credential(out, mode) else out


REFUSAL_HINT = (
    "Secrets never go into inputs or outputs: name the environment variable or file that holds it "
    "at apply time instead (e.g. secret_env=OPENAI_API_KEY or secret_file=./key.txt); the generated "
    "secrets.sh / kubectl command reads it from there."
)
