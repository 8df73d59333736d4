"""Constrained types shared by every input model, defined once.

Each type carries its own description and pattern so the JSON schema seen by MCP clients, the CLI's
validation and the SKILL.md inputs tables all say the same thing.
"""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

# RFC 1123 label: Kubernetes namespaces and most object names we emit.
DNSLabel = Annotated[
    str,
    StringConstraints(min_length=1, max_length=63, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
    Field(
        description="RFC 1123 label: lowercase letters, digits and '-', 1-63 chars, alphanumeric at both ends"
    ),
]

# RFC 1123 subdomain: names of objects that allow dots (Secrets, Services...).
DNSSubdomain = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=253,
        pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
    ),
    Field(description="RFC 1123 subdomain: lowercase labels separated by '.', at most 253 chars"),
]

Port = Annotated[int, Field(ge=1, le=65535, description="TCP port, 1-65535")]

# A fully qualified hostname (no scheme, no port, no path). Upper case is refused: DNS is case-insensitive
# and the Backend FQDN must equal the BackendTLSPolicy hostname byte for byte.
Hostname = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=253,
        pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$",
    ),
    Field(description="Hostname without scheme, port or path, e.g. api.openai.com"),
]

# Gateway API listener/route hostname: optional leading wildcard label.
HostnamePattern = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=253,
        pattern=r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
    ),
    Field(description="Hostname, optionally with a leading '*.' wildcard label"),
]

# Gateway API Duration (GEP-2257): up to four <number><unit> groups, units h, m, s, ms.
Duration = Annotated[
    str,
    StringConstraints(pattern=r"^([0-9]{1,5}(h|m|s|ms)){1,4}$"),
    Field(description="Gateway API duration such as 60s, 2m, 1h30m or 500ms"),
]

# Kubernetes resource quantity restricted to the binary/decimal suffixes that make sense for buffers.
Quantity = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]+(Ki|Mi|Gi|k|M|G)?$"),
    Field(description="Kubernetes quantity, e.g. 50Mi, 1Gi or 65536"),
]

# Model names are matched against the x-ai-eg-model header: printable, no control characters.
ModelName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$"),
    Field(description="Model name as clients send it, e.g. gpt-4o-mini or claude-3-5-sonnet"),
]

HeaderName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"),
    Field(description="HTTP header name (RFC 7230 token)"),
]

# Header values and body-mutation values: printable single-line text.
PlainValue = Annotated[
    str,
    StringConstraints(min_length=0, max_length=4096, pattern=r"^[^\x00-\x1f\x7f\u2028\u2029\u0085]*$"),
    Field(description="Single-line printable text"),
]

EnvVarName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Z_][A-Z0-9_]*$"),
    Field(description="Name of an environment variable read at apply time, e.g. OPENAI_API_KEY"),
]

# A file path read at apply time (never by us). Relative or absolute, printable, no newlines.
FilePath = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024, pattern=r"^[^\x00-\x1f\x7f\u2028\u2029\u0085]+$"),
    Field(description="Path of a file read at apply time (never read by this tool)"),
]

# Path prefix for OpenAI- and Anthropic-compatible APIs (AIServiceBackend spec.schema.prefix).
PathPrefix = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=r"^/?[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$"),
    Field(description="API path prefix before /chat/completions, e.g. /v1 or /v1beta/openai"),
]

# Cloud identifiers: AWS/GCP regions, Azure resource names, GCP project ids.
CloudRegion = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"),
    Field(description="Cloud region, e.g. us-east-1, us-central1 or global"),
]

Identifier = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/@=+-]*$"),
    Field(description="Identifier such as a client ID, tenant ID, project ID or ARN"),
]

Url = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=2048, pattern=r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s]*)?$"
    ),
    Field(description="https:// URL"),
]

# Gateway API SectionName (listener and route rule names).
SectionName = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=253,
        pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
    ),
    Field(description="Gateway API section name (lowercase, '-' and '.')"),
]

# AIServiceBackend spec.schema.version.
SchemaVersion = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
    Field(
        description="API version label: letters, digits, '.', '_' and '-', e.g. the Azure api-version "
        "2025-01-01-preview"
    ),
]

# Body mutation paths: one top-level JSON field.
JsonFieldName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$"),
    Field(description="Top-level JSON field of the request body, e.g. service_tier"),
]

# A model match: a model name (Exact) or an RE2 pattern (RegularExpression), as the CRD's header value allows
# (1-4096 chars). Single-line and not starting with whitespace. Exact names are checked against ModelName.
ModelMatch = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=4096,
        pattern=r"^[^\s\x00-\x1f\x7f\u2028\u2029\u0085][^\x00-\x1f\x7f\u2028\u2029\u0085]*$",
    ),
    Field(
        description="Model name (match_type Exact) or RE2 regular expression (RegularExpression), one line"
    ),
]


def _pattern_descriptions() -> dict[str, str]:
    """Map each constrained type's regex to its description, so errors explain formats in words."""
    out: dict[str, str] = {}
    for value in list(globals().values()):
        metadata = getattr(value, "__metadata__", ())
        pattern = next((getattr(m, "pattern", None) for m in metadata if getattr(m, "pattern", None)), None)
        described = next((m.description for m in metadata if getattr(m, "description", None)), None)
        if pattern and described:
            out.setdefault(pattern, described)
    return out


PATTERN_DESCRIPTIONS = _pattern_descriptions()

SchemaName = Literal[
    "OpenAI",
    "Cohere",
    "AWSBedrock",
    "AzureOpenAI",
    "GCPVertexAI",
    "GCPAnthropic",
    "Anthropic",
    "AWSAnthropic",
]
SCHEMA_NAMES: tuple[str, ...] = typing.get_args(SchemaName)

PolicyType = Literal[
    "APIKey", "AnthropicAPIKey", "AzureAPIKey", "AWSCredentials", "AzureCredentials", "GCPCredentials"
]
POLICY_TYPES: tuple[str, ...] = typing.get_args(PolicyType)
