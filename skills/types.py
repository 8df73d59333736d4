"""Constrained types shared by every input model, defined once.

Each type carries its own description and pattern so the JSON schema seen by MCP clients, the CLI's
validation and the SKILL.md inputs tables all say the same thing.
"""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from skills.credentials import TextKind

# What a type's values are, for the credential check (skills/credential_scan.py): names and model ids are not
# refused as keys by their shape alone.
NAME = TextKind("name")
MODEL = TextKind("model")
ROUTE_YAML = TextKind("route")

# RFC 1123 label: Kubernetes namespaces and most object names we emit.
DNSLabel = Annotated[
    str,
    StringConstraints(min_length=1, max_length=63, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
    Field(
        description="RFC 1123 label: lowercase letters, digits and '-', 1-63 chars, alphanumeric at both ends"
    ),
    NAME,
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
    NAME,
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
    NAME,
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
    NAME,
]

# Gateway API Duration (GEP-2257): up to four <number><unit> groups, units h, m, s, ms.
Duration = Annotated[
    str,
    StringConstraints(pattern=r"^([0-9]{1,5}(h|m|s|ms)){1,4}$"),
    Field(description="Gateway API duration such as 60s, 2m, 1h30m or 500ms"),
]

# Kubernetes resource quantity restricted to the binary/decimal suffixes that make sense for buffers; a buffer
# limit is positive (Envoy Gateway's connection.bufferLimit pattern starts with [1-9], so "0" or "0Mi" is refused).
Quantity = Annotated[
    str,
    StringConstraints(pattern=r"^[1-9][0-9]*(Ki|Mi|Gi|k|M|G)?$"),
    Field(description="Kubernetes quantity, e.g. 50Mi, 1Gi or 65536"),
]

# Model names are matched against the x-ai-eg-model header: printable, no control characters.
ModelName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$"),
    Field(description="Model name as clients send it, e.g. gpt-5.4-mini or claude-sonnet-4-6"),
    MODEL,
]

# Allow-lists, not deny-lists (issue 16): every type whose value reaches a shell, a YAML key, a header or a
# path names the characters it accepts. Header names: letters, digits, '-', '_' and '.' (the RFC 7230 token
# also allows ` $ ' | & and more, which no real header uses and a shell or template would read).
HeaderName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
    Field(description="HTTP header name: letters, digits, '-', '_' and '.', e.g. x-user-id"),
]

# Header values and body-mutation values: printable ASCII on one line (what an HTTP header value may hold).
PlainValue = Annotated[
    str,
    StringConstraints(min_length=0, max_length=4096, pattern=r"^[ -~]*$"),
    Field(description="Single-line printable ASCII text"),
]

EnvVarName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Z_][A-Z0-9_]*$"),
    Field(description="Name of an environment variable read at apply time, e.g. OPENAI_API_KEY"),
]

# A file path read at apply time (never by us), written into secrets.sh: letters, digits, spaces and
# / . _ - ~ + @ , = : % only, so no quote, $, backtick or other shell syntax can ride along.
FilePath = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024, pattern=r"^[\w ./~+@,=:%-]+$"),
    Field(
        description="Path of a file read at apply time (never read by this tool): letters, digits, spaces and "
        "/ . _ - ~ + @ , = : %"
    ),
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
    NAME,
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
        pattern=r"^[!-~][ -~]*$",
    ),
    Field(
        description="Model name (match_type Exact) or RE2 regular expression (RegularExpression), one line"
    ),
    MODEL,
]

# --- self-hosted models (InferencePool), MCP servers and the Semantic Router addon -----------------------

# Kubernetes label key: optional DNS-subdomain prefix and '/', then a 1-63 char name.
LabelKey = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=317,
        pattern=r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$",
    ),
    Field(description="Kubernetes label key, e.g. app or app.kubernetes.io/name"),
]

LabelValue = Annotated[
    str,
    StringConstraints(max_length=63, pattern=r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$"),
    Field(description="Kubernetes label value: up to 63 letters, digits, '-', '_' or '.', alphanumeric ends"),
]

# A word or phrase the Semantic Router's keyword signal looks for in the prompt: one printable line.
RouterKeyword = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=128,
        pattern=r"^[^\s\x00-\x1f\x7f\u2028\u2029\u0085]([^\x00-\x1f\x7f\u2028\u2029\u0085]*[^\s])?$",
    ),
    Field(
        description="Word or phrase in the prompt, one line, no leading or trailing space, e.g. derivative"
    ),
]

# The image rule Envoy Gateway's container spec uses (repo[:port]/path:tag[@sha256:digest]).
ContainerImage = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=512,
        pattern=r"^[a-zA-Z0-9._-]+(:[0-9]+)?(/[a-zA-Z0-9._/-]+)?:[a-zA-Z0-9._-]+(@sha256:[a-z0-9]+)?$",
    ),
    Field(description="Container image with a tag, e.g. registry.k8s.io/org/image:v1.0.1"),
]

# A URL path on the gateway or an MCP server, e.g. /mcp or /mcp/readonly.
UrlPath = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024, pattern=r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$"),
    Field(description="URL path starting with '/', e.g. /mcp"),
]

# OAuth issuer and resource URLs: https, or http for local testing (e.g. a Keycloak on localhost).
HttpUrl = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=2048, pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\s]*)?$"
    ),
    Field(description="http:// or https:// URL (https outside local testing)"),
]

# MCP tool names as servers list them (letters, digits, '_', '-', '.', '/').
McpToolName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$"),
    Field(description="MCP tool name as the server lists it, e.g. list_issues"),
]

# An RE2 regular expression on one line (tool selectors); RE2 compatibility is checked by the skill.
Re2Regex = Annotated[
    str,
    StringConstraints(min_length=1, max_length=1024, pattern=r"^[ -~]{1,1024}$"),
    Field(
        description="RE2 regular expression (no lookaround or backreferences), one line of printable ASCII"
    ),
]

# OAuth scope token (RFC 6749 §3.3): printable ASCII except space, '"' and '\'.
OAuthScope = Annotated[
    str,
    StringConstraints(min_length=1, max_length=256, pattern=r"^[\x21\x23-\x5b\x5d-\x7e]+$"),
    Field(description="OAuth scope, e.g. read:issues or openid"),
]

# A CEL expression evaluated by the gateway (MCP authorization rules): one line of printable text.
CelExpression = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4096, pattern=r"^[ -~]{1,4096}$"),
    Field(description="CEL expression on one line of printable ASCII, e.g. request.headers['x-team'] == 'a'"),
]


# Client authentication (aigw-clientauth): API-key client ids are Secret data keys; JWT claims and issuers.
ClientId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=63, pattern=r"^[A-Za-z0-9][-._A-Za-z0-9]{0,62}$"),
    Field(
        description="API client id, also the Secret data key that holds its key: letters, digits, '-', '_', '.'"
    ),
]

JwtClaim = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_.:/-]{0,127}$"),
    Field(description="JWT claim name, e.g. sub, email or a nested claim such as org.id"),
]

# A request header logged under its own name: lowercase, so it is also a plain JSON key of the access log.
LoggedHeader = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[a-z0-9][a-z0-9_-]{0,127}$"),
    Field(description="Lowercase HTTP header name (letters, digits, '-', '_'), e.g. x-user-id"),
]

JwtIssuer = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=253, pattern=r"^[A-Za-z0-9][A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]{0,252}$"
    ),
    Field(description="JWT issuer (the iss claim), usually an https:// URL"),
]


# Token rate limits (aigw-ratelimit): llmRequestCosts metadata keys and the Redis the rate limit service uses.
MetadataKey = Annotated[
    str,
    StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$"),
    Field(description="Dynamic metadata key under io.envoy.ai_gateway, e.g. llm_total_token"),
]

RedisAddress = Annotated[
    str,
    StringConstraints(min_length=3, max_length=260, pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?:[0-9]{1,5}$"),
    Field(description="Redis host:port of the rate limit service's backend, e.g. redis.redis-system:6379"),
]


# The parts of an object reference: a namespace (DNS label) and a name (DNS subdomain).
_NAMESPACE = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_NAME = r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?"


# A Secret named as name or namespace/name (Secrets created outside the manifests, e.g. external_secrets).
SecretRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=317, pattern=rf"^({_NAMESPACE}/)?{_NAME}$"),
    Field(description="Secret name, or namespace/name"),
]
# Any namespaced object named as name or namespace/name (e.g. a Gateway that already runs). Same language as
# SecretRef, spelled with a non-capturing group so that errors name this type's format, not a Secret's.
ObjectRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=317, pattern=rf"^(?:{_NAMESPACE}/)?{_NAME}$"),
    Field(description="name, or namespace/name"),
]
# Any object named with its kind: Kind/name (cluster-scoped) or Kind/namespace/name.
KindRef = Annotated[
    str,
    StringConstraints(min_length=3, max_length=381, pattern=rf"^[A-Z][A-Za-z0-9]*/({_NAMESPACE}/)?{_NAME}$"),
    Field(description="Kind/name or Kind/namespace/name, e.g. Backend/default/openai"),
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
