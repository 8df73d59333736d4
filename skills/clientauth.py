"""aigw-clientauth: who may call the gateway. An Envoy Gateway SecurityPolicy with JWT or API-key auth.

The policy attaches to the Gateway (every route) or to the HTTPRoute the AI Gateway controller generates with
the AIGatewayRoute's name (one route). JWT identities become request headers (claimToHeaders) and API-key
clients their client id (forwardClientIDHeader), so token rate limits can key on who is calling.

API keys are never inputs or outputs: each client gets a Secret whose data key is the client id (the layout
Envoy Gateway's apiKeyAuth reads), created at apply time from an environment variable or a file.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, model_validator

from skills.errors import InputError, Problem, show_value
from skills.model import InputModel
from skills.render import render_object
from skills.result import SecretShape, SkillResult
from skills.secret_command import secret_command
from skills.types import (
    ClientId,
    DNSLabel,
    EnvVarName,
    FilePath,
    HeaderName,
    Identifier,
    JwtClaim,
    JwtIssuer,
    Url,
)
from skills.versions import DEFAULT_VERSION, AIGatewayVersion

SKILL = "aigw-clientauth"
SECURITY_POLICY_API_VERSION = "gateway.envoyproxy.io/v1alpha1"
_CLAIM_SHORTHAND = re.compile(r"^(?P<claim>[^=]+)=(?P<header>[^=]+)\Z")
_CLIENT_SHORTHAND = re.compile(r"^(?P<id>[^=]+)(=(?P<source>.+))?\Z")


class ClaimHeader(InputModel):
    """Copy a JWT claim into a request header. Also accepts 'claim=header', e.g. 'sub=x-user-id'."""

    claim: JwtClaim = Field(description="Claim to copy, e.g. sub")
    header: HeaderName = Field(description="Request header that receives it, e.g. x-user-id")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        match = _CLAIM_SHORTHAND.match(data.strip())
        if not match:
            raise ValueError(f"claim mapping {data!r} must look like 'claim=header', e.g. 'sub=x-user-id'")
        return {"claim": match["claim"].strip(), "header": match["header"].strip()}


class ApiKeyClient(InputModel):
    """One API client. Also accepts 'id', 'id=ENV_VAR' or 'id=file:PATH'."""

    id: ClientId = Field(description="Client id: the Secret data key, and the value of the forwarded header")
    secret_env: EnvVarName | None = Field(
        None, description="Env var holding this client's key at apply time (default <ID>_GATEWAY_KEY)"
    )
    secret_file: FilePath | None = Field(None, description="File holding this client's key at apply time")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if not isinstance(data, str):
            return data
        match = _CLIENT_SHORTHAND.match(data.strip())
        if not match:
            raise ValueError(f"client {data!r} must look like 'id', 'id=ENV_VAR' or 'id=file:PATH'")
        out: dict[str, Any] = {"id": match["id"].strip()}
        source = (match["source"] or "").strip()
        if source.startswith("file:"):
            out["secret_file"] = source[5:]
        elif source:
            out["secret_env"] = source
        return out

    @model_validator(mode="after")
    def _one_source(self) -> ApiKeyClient:
        if self.secret_env and self.secret_file:
            raise ValueError(f"client {self.id}: give secret_env or secret_file, not both")
        return self

    @property
    def source(self) -> str:
        if self.secret_file:
            return f"file:{self.secret_file}"
        default = re.sub(r"[^A-Z0-9]", "_", self.id.upper()) + "_GATEWAY_KEY"
        # A shell variable cannot start with a digit: client 1team reads _1TEAM_GATEWAY_KEY
        return f"env:{self.secret_env or ('_' + default if default[0].isdigit() else default)}"


_JWT_FIELDS = ("issuer", "jwks_uri", "audiences", "claim_to_headers", "token_header")
_APIKEY_FIELDS = ("clients", "key_header", "forward_client_id_header", "sanitize")


class ClientAuthInput(InputModel):
    """How clients of the gateway authenticate: JWT (an identity provider) or API keys."""

    type: Literal["jwt", "apikey"] = Field(description="jwt: bearer tokens from an identity provider; apikey")
    target_kind: Literal["Gateway", "HTTPRoute"] = Field(
        "Gateway", description="Protect the whole Gateway, or one route (its generated HTTPRoute)"
    )
    target_name: DNSLabel = Field(
        "ai-gateway", description="Gateway name, or the AIGatewayRoute name (its HTTPRoute has that name)"
    )
    namespace: DNSLabel = Field("default", description="Namespace of the policy, its target and Secrets")
    name: DNSLabel | None = Field(None, description="Policy name (default: <target_name>-<type>)")
    issuer: JwtIssuer | None = Field(None, description="JWT issuer (iss claim) the tokens must carry (jwt)")
    jwks_uri: Url | None = Field(None, description="https:// URL of the issuer's JSON Web Key Set (jwt)")
    audiences: list[Identifier] = Field(
        default_factory=list, max_length=8, description="Accepted aud values; empty accepts any (jwt)"
    )
    claim_to_headers: list[ClaimHeader] = Field(
        default_factory=lambda: [{"claim": "sub", "header": "x-user-id"}],
        validate_default=True,
        description="Claims copied into request headers, e.g. sub=x-user-id for per-user limits (jwt)",
    )
    token_header: HeaderName | None = Field(
        None, description="Header carrying the raw token (default: Authorization: Bearer) (jwt)"
    )
    clients: list[ApiKeyClient] = Field(
        default_factory=list, max_length=64, description="API clients, one Secret each (apikey)"
    )
    key_header: HeaderName = Field(
        "Authorization",
        description="Header clients send the key in; a 'Bearer ' prefix is stripped (apikey)",
    )
    forward_client_id_header: HeaderName | None = Field(
        "x-client-id",
        description="Header that carries the client id upstream, for per-client limits (apikey)",
    )
    sanitize: bool = Field(
        True, description="Remove the client's key before the request goes upstream (apikey)"
    )
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version to generate for"
    )


def _check(inp: ClientAuthInput) -> list[Problem]:
    problems: list[Problem] = []
    unused = _APIKEY_FIELDS if inp.type == "jwt" else _JWT_FIELDS
    defaults = ClientAuthInput.model_fields
    for field in unused:
        value = getattr(inp, field)
        if field in inp.model_fields_set and value not in (None, []):
            problems.append(Problem(field, f"not used by type {inp.type}", show_value(str(value))))
    if inp.type == "jwt":
        for field in ("issuer", "jwks_uri"):
            if getattr(inp, field) is None:
                problems.append(Problem(field, "required for type jwt", None, defaults[field].description))
        headers = [c.header.lower() for c in inp.claim_to_headers]
        if len(headers) != len(set(headers)):
            problems.append(Problem("claim_to_headers", "two claims are copied into the same header"))
    else:
        if not inp.clients:
            problems.append(
                Problem("clients", "required for type apikey", None, "at least one client id, e.g. team-a")
            )
        ids = [c.id for c in inp.clients]
        if len(ids) != len(set(ids)):
            problems.append(Problem("clients", "a client id is listed twice", ", ".join(ids)))
        slugs = [_secret_name("p", i) for i in ids]
        if len(ids) == len(set(ids)) and len(slugs) != len(set(slugs)):
            problems.append(
                Problem(
                    "clients", "two client ids map to the same Secret name (they differ only by case or ._-)"
                )
            )
    return problems


def _secret_name(policy: str, client: str) -> str:
    slug = re.sub(r"[^a-z0-9-]", "-", client.lower()).strip("-") or "client"
    return f"{policy}-{slug}"[:253].rstrip("-")


def _provider_name(issuer: str | None) -> str:
    """A stable provider name from the issuer's host, e.g. https://auth.example.com/ -> auth-example-com."""
    host = (issuer or "").split("://")[-1].split("/")[0].lower()
    return re.sub(r"[^a-z0-9]+", "-", host).strip("-")[:63].strip("-") or "jwt"


def build_clientauth(data: ClientAuthInput | dict[str, Any]) -> SkillResult:
    """One SecurityPolicy (JWT or API keys) on a Gateway or a generated HTTPRoute, plus API-key Secret shapes."""
    inp = ClientAuthInput.parse(data, skill=SKILL)
    problems = _check(inp)
    if problems:
        raise InputError(problems, skill=SKILL)
    name = inp.name or f"{inp.target_name}-{inp.type}"
    used_by = f"SecurityPolicy/{inp.namespace}/{name}"
    secrets = [
        SecretShape(
            name=_secret_name(name, client.id),
            namespace=inp.namespace,
            key=client.id,
            source=client.source,
            command=secret_command(_secret_name(name, client.id), inp.namespace, client.id, client.source),
            used_by=used_by,
        )
        for client in (inp.clients if inp.type == "apikey" else [])
    ]
    rendered = [
        render_object(
            SKILL,
            "securitypolicy.yaml.j2",
            **inp.model_dump(exclude={"clients", "name"}),
            name=name,
            provider_name=_provider_name(inp.issuer),
            secrets=[s.name for s in secrets],
        )
    ]
    return SkillResult.from_rendered(SKILL, rendered, secrets=secrets, notes=_notes(inp, name))


def _notes(inp: ClientAuthInput, name: str) -> list[str]:
    scope = (
        f"every route of Gateway {inp.namespace}/{inp.target_name}"
        if inp.target_kind == "Gateway"
        else f"the HTTPRoute {inp.namespace}/{inp.target_name} that AI Gateway generates for the AIGatewayRoute "
        "of that name"
    )
    notes = [f"SecurityPolicy {name} protects {scope}; unauthenticated requests get 401."]
    if inp.type == "jwt":
        notes.append(
            "Clients send 'Authorization: Bearer <token>'"
            if inp.token_header is None
            else f"Clients send the raw token in the {inp.token_header} header"
        )
        for item in inp.claim_to_headers:
            notes.append(
                f"The {item.claim} claim reaches the rate limiter and the upstream as {item.header}: key token "
                f"limits on it (clientSelectors headers name {item.header})."
            )
    else:
        prefix = (
            "'Authorization: Bearer <key>'" if inp.key_header.lower() == "authorization" else inp.key_header
        )
        notes.append(
            f"Clients send their key as {prefix}; each client's Secret holds one key under the client id."
        )
        if inp.forward_client_id_header:
            notes.append(
                f"The matched client id is forwarded as {inp.forward_client_id_header}: key token limits on it."
            )
        if inp.key_header.lower() == "authorization" and not inp.sanitize:
            notes.append(
                "sanitize is off: the client's key travels on in Authorization unless a BackendSecurityPolicy "
                "replaces it; keep sanitize on for providers without one."
            )
    return notes
