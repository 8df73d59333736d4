"""aigw-auth: a BackendSecurityPolicy for AIServiceBackends, and the shape of the Secret it reads.

No secret value is ever an input or an output: the policy names a Secret, and the result carries the
exact command that creates that Secret from an environment variable or a file at apply time.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field

from skills.errors import InputError, Problem, show_value
from skills.model import InputModel
from skills.render import render_object
from skills.result import SecretShape, SkillResult
from skills.secret_command import secret_command
from skills.types import (
    CloudRegion,
    DNSLabel,
    DNSSubdomain,
    EnvVarName,
    FilePath,
    Identifier,
    PolicyType,
    Url,
)
from skills.versions import DEFAULT_VERSION, AIGatewayVersion, first_release, profile

SKILL = "aigw-auth"

# Policy type → (spec field, Secret data key, default secret-name suffix)
API_KEY_TYPES: dict[str, tuple[str, str]] = {
    "APIKey": ("apiKey", "apiKey"),
    "AzureAPIKey": ("azureAPIKey", "apiKey"),
    "AnthropicAPIKey": ("anthropicAPIKey", "apiKey"),
}
SECRET_KEYS = {
    "APIKey": "apiKey",
    "AzureAPIKey": "apiKey",
    "AnthropicAPIKey": "apiKey",
    "AWSCredentials": "credentials",
    "AzureCredentials": "client-secret",
    "GCPCredentials": "service_account.json",
}
OIDC_SECRET_KEY = "client-secret"

_FIELDS_BY_TYPE: dict[str, set[str]] = {
    "AWSCredentials": {
        "aws_region",
        "aws_mode",
        "aws_profile",
        "aws_role_arn",
        "aws_service_account",
        "envoy_gateway_namespace",
        "gateway_namespace",
    },
    "AzureCredentials": {"azure_client_id", "azure_tenant_id", "azure_mode"},
    "GCPCredentials": {
        "gcp_project",
        "gcp_region",
        "gcp_mode",
        "gcp_wif_project_id",
        "gcp_wif_pool",
        "gcp_wif_provider",
        "gcp_service_account",
    },
}
_OIDC_FIELDS = {
    "oidc_issuer",
    "oidc_client_id",
    "oidc_secret_name",
    "oidc_secret_env",
    "oidc_secret_file",
    "oidc_aud",
}


class AuthInput(InputModel):
    """How the gateway authenticates to one or more AIServiceBackends."""

    type: PolicyType = Field(description="BackendSecurityPolicy type")
    targets: list[DNSLabel] = Field(
        min_length=1, max_length=16, description="AIServiceBackend (or InferencePool) names it applies to"
    )
    target_kind: Literal["AIServiceBackend", "InferencePool"] = Field(
        "AIServiceBackend",
        description="Kind of the targets: AIServiceBackends, or InferencePools (self-hosted)",
    )
    name: DNSLabel | None = Field(None, description="Policy name (default: <first target>-auth)")
    namespace: DNSLabel = Field("default", description="Namespace of the policy, its targets and its Secret")
    secret_name: DNSSubdomain | None = Field(
        None, description="Secret the policy reads (default derived from name)"
    )
    secret_env: EnvVarName | None = Field(
        None, description="Env var holding the key at apply time (default <TARGET>_API_KEY for API keys)"
    )
    secret_file: FilePath | None = Field(None, description="File holding the credential at apply time")
    aws_region: CloudRegion | None = Field(
        None, description="AWS region for request signing (AWSCredentials)"
    )
    aws_mode: Literal["default-chain", "credentials-file", "oidc"] = Field(
        "default-chain",
        description="AWS credential source: SDK default chain (IRSA, Pod Identity), file, or OIDC",
    )
    aws_profile: Identifier = Field("default", description="Profile inside the AWS credentials file")
    aws_role_arn: Identifier | None = Field(
        None,
        description="IAM role: assumed with the OIDC token (aws_mode=oidc), or the IRSA role of the Envoy pods' "
        "ServiceAccount (default-chain; omit for EKS Pod Identity)",
    )
    aws_service_account: DNSLabel = Field(
        "ai-gateway-envoy-aws",
        description="ServiceAccount the Envoy pods run as (default-chain): emitted with an EnvoyProxy naming it",
    )
    envoy_gateway_namespace: DNSLabel = Field(
        "envoy-gateway-system",
        description="Where Envoy Gateway runs the Envoy pods, so where their ServiceAccount goes (default-chain)",
    )
    gateway_namespace: DNSLabel | None = Field(
        None,
        description="Namespace of the Gateway that uses the EnvoyProxy (default: namespace) (default-chain)",
    )
    azure_client_id: Identifier | None = Field(None, description="Entra ID application (client) ID")
    azure_tenant_id: Identifier | None = Field(None, description="Entra ID tenant ID")
    azure_mode: Literal["client-secret", "oidc"] = Field(
        "client-secret", description="Azure credential source"
    )
    gcp_project: Identifier | None = Field(None, description="GCP project that hosts Vertex AI")
    gcp_region: CloudRegion | None = Field(None, description="GCP region of the Vertex AI endpoint")
    gcp_mode: Literal["credentials-file", "workload-identity", "adc"] = Field(
        "credentials-file", description="GCP credential source: service-account key file, WIF, or ADC"
    )
    gcp_wif_project_id: Identifier | None = Field(None, description="Project of the workload identity pool")
    gcp_wif_pool: Identifier | None = Field(None, description="Workload identity pool name")
    gcp_wif_provider: Identifier | None = Field(None, description="Workload identity provider name")
    gcp_service_account: Identifier | None = Field(
        None, description="Service account to impersonate (optional)"
    )
    oidc_issuer: Url | None = Field(None, description="OIDC issuer URL for token exchange")
    oidc_client_id: Identifier | None = Field(None, description="OIDC client ID")
    oidc_secret_name: DNSSubdomain | None = Field(None, description="Secret holding the OIDC client secret")
    oidc_secret_env: EnvVarName | None = Field(None, description="Env var holding the OIDC client secret")
    oidc_secret_file: FilePath | None = Field(None, description="File holding the OIDC client secret")
    oidc_aud: Identifier | None = Field(None, description="Audience requested for the exchanged token")
    target_version: AIGatewayVersion = Field(
        DEFAULT_VERSION, description="AI Gateway version to generate for"
    )


def _uses_oidc(inp: AuthInput) -> bool:
    return (
        (inp.type == "AWSCredentials" and inp.aws_mode == "oidc")
        or (inp.type == "AzureCredentials" and inp.azure_mode == "oidc")
        or (inp.type == "GCPCredentials" and inp.gcp_mode == "workload-identity")
    )


def _uses_secret(inp: AuthInput) -> bool:
    return inp.type in API_KEY_TYPES or (
        (inp.type == "AWSCredentials" and inp.aws_mode == "credentials-file")
        or (inp.type == "AzureCredentials" and inp.azure_mode == "client-secret")
        or (inp.type == "GCPCredentials" and inp.gcp_mode == "credentials-file")
    )


def _check(inp: AuthInput) -> list[Problem]:
    problems: list[Problem] = []
    for index, target in enumerate(inp.targets):
        if inp.targets[:index].count(target) == 1:  # one problem per repeated name, at its second entry
            # Upstream's gateway controller counts the policy once per matching targetRef and skips a backend
            # with "multiple BackendSecurityPolicies found" (internal/controller/gateway.go backendWithMaybeBSP,
            # v1.1.0); the CRD's targetRefs list has no uniqueness rule, so nothing stops it earlier.
            problems.append(
                Problem(
                    f"targets[{index}]",
                    f"{inp.target_kind} {target!r} is listed {inp.targets.count(target)} times (first at "
                    f"targets[{inp.targets.index(target)}]); upstream counts the policy once per entry and skips "
                    "a backend that has more than one",
                    show_value(target),
                    "each target once",
                )
            )
    allowed = _FIELDS_BY_TYPE.get(inp.type, set()) | (_OIDC_FIELDS if _uses_oidc(inp) else set())
    defaults = AuthInput.model_fields
    for field in set().union(*_FIELDS_BY_TYPE.values()) | _OIDC_FIELDS:
        value = getattr(inp, field)
        if field not in allowed and value is not None and value != defaults[field].default:
            problems.append(
                Problem(
                    field,
                    f"not used by type {inp.type}"
                    + ("" if field not in _OIDC_FIELDS else " with this credential mode"),
                    show_value(value),
                )
            )
    required: list[str] = {
        "AWSCredentials": ["aws_region"] + (["aws_role_arn"] if inp.aws_mode == "oidc" else []),
        "AzureCredentials": ["azure_client_id", "azure_tenant_id"],
        "GCPCredentials": ["gcp_project", "gcp_region"]
        + (
            ["gcp_wif_project_id", "gcp_wif_pool", "gcp_wif_provider"]
            if inp.gcp_mode == "workload-identity"
            else []
        ),
    }.get(inp.type, [])
    if inp.type == "AWSCredentials" and inp.aws_mode != "default-chain":
        for field in ("aws_service_account", "envoy_gateway_namespace", "gateway_namespace"):
            if field in inp.model_fields_set:
                problems.append(
                    Problem(field, "only used with aws_mode default-chain", show_value(getattr(inp, field)))
                )
        if inp.aws_mode == "credentials-file" and inp.aws_role_arn is not None:
            problems.append(
                Problem("aws_role_arn", "not used with a credentials file", show_value(inp.aws_role_arn))
            )
    if _uses_oidc(inp):
        required += ["oidc_issuer", "oidc_client_id"]
        if inp.oidc_secret_env and inp.oidc_secret_file:
            problems.append(Problem("oidc_secret_file", "give oidc_secret_env or oidc_secret_file, not both"))
    for field in required:
        if getattr(inp, field) is None:
            problems.append(
                Problem(field, f"required for type {inp.type}", None, defaults[field].description)
            )
    if _uses_secret(inp):
        if inp.secret_env and inp.secret_file:
            problems.append(Problem("secret_file", "give secret_env or secret_file, not both"))
        if inp.type not in API_KEY_TYPES and inp.secret_env and inp.type != "AzureCredentials":
            problems.append(
                Problem("secret_env", f"{inp.type} credentials are files; use secret_file", inp.secret_env)
            )
        if inp.type not in API_KEY_TYPES and inp.type != "AzureCredentials" and not inp.secret_file:
            example = "~/.aws/credentials" if inp.type == "AWSCredentials" else "./service-account.json"
            problems.append(
                Problem(
                    "secret_file",
                    f"required for {inp.type} with a credentials file",
                    None,
                    f"path of the file at apply time, e.g. {example}",
                )
            )
    else:
        for field in ("secret_name", "secret_env", "secret_file"):
            if getattr(inp, field) is not None:
                problems.append(
                    Problem(field, "this credential mode reads no Secret", show_value(getattr(inp, field)))
                )
    if inp.type == "GCPCredentials" and inp.gcp_mode == "adc" and not profile(inp.target_version).gcp_adc:
        problems.append(
            Problem(
                "gcp_mode",
                f"ADC needs AI Gateway {first_release('gcp_adc')} or later, not {inp.target_version}",
            )
        )
    return problems


def _uses_pod_identity(inp: AuthInput) -> bool:
    """The AWS SDK default chain in the Envoy pods: they need a ServiceAccount the IAM role is bound to."""
    return inp.type == "AWSCredentials" and inp.aws_mode == "default-chain"


def proxy_identity(inp: AuthInput) -> list[tuple[dict[str, Any], str]]:
    """The Envoy pods' ServiceAccount (IRSA annotation when aws_role_arn is set) and the EnvoyProxy naming it.

    Envoy Gateway names the proxy ServiceAccount after a hash of the Gateway unless
    EnvoyProxy.spec.provider.kubernetes.envoyServiceAccount names one (resource_provider.go serviceAccountName,
    v1.8.1), so this is how an IAM role can be bound to a known account (ai-gateway examples/basic/
    aws-pod-identity.yaml, v1.1.0).
    """
    account = render_object(
        SKILL,
        "serviceaccount.yaml.j2",
        name=inp.aws_service_account,
        namespace=inp.envoy_gateway_namespace,
        role_arn=inp.aws_role_arn,
    )
    proxy = render_object(
        SKILL,
        "envoyproxy-identity.yaml.j2",
        name=inp.aws_service_account,
        namespace=inp.gateway_namespace or inp.namespace,
        service_account=inp.aws_service_account,
        envoy_gateway_namespace=inp.envoy_gateway_namespace,
    )
    return [account, proxy]


def _env_default(target: str) -> str:
    """OPENAI_API_KEY for target openai; a name that would start with a digit gets a leading '_' (else the
    generated secrets.sh would not be valid shell)."""
    name = re.sub(r"[^A-Z0-9_]", "_", target.upper()) + "_API_KEY"
    return name if not name[0].isdigit() else "_" + name


def build_auth(data: AuthInput | dict) -> SkillResult:
    """BackendSecurityPolicy targeting the given AIServiceBackends, plus the Secret shapes it needs."""
    inp = AuthInput.parse(data, skill=SKILL)
    problems = _check(inp)
    if problems:
        raise InputError(problems, skill=SKILL)
    name = inp.name or f"{inp.targets[0]}-auth"
    suffix = {
        "AWSCredentials": "credentials",
        "AzureCredentials": "client-secret",
        "GCPCredentials": "service-account",
    }.get(inp.type, "apikey")
    secret_name = inp.secret_name or f"{inp.targets[0]}-{suffix}"
    oidc_secret = inp.oidc_secret_name or f"{name}-oidc-client-secret"
    used_by = f"BackendSecurityPolicy/{inp.namespace}/{name}"
    secrets: list[SecretShape] = []
    if _uses_secret(inp):
        source = (
            f"file:{inp.secret_file}"
            if inp.secret_file
            else f"env:{inp.secret_env or (_env_default(inp.targets[0]) if inp.type in API_KEY_TYPES else 'AZURE_CLIENT_SECRET')}"
        )
        key = SECRET_KEYS[inp.type]
        secrets.append(
            SecretShape(
                name=secret_name,
                namespace=inp.namespace,
                key=key,
                source=source,
                command=secret_command(secret_name, inp.namespace, key, source),
                used_by=used_by,
            )
        )
    if _uses_oidc(inp):
        source = (
            f"file:{inp.oidc_secret_file}"
            if inp.oidc_secret_file
            else f"env:{inp.oidc_secret_env or 'OIDC_CLIENT_SECRET'}"
        )
        secrets.append(
            SecretShape(
                name=oidc_secret,
                namespace=inp.namespace,
                key=OIDC_SECRET_KEY,
                source=source,
                command=secret_command(oidc_secret, inp.namespace, OIDC_SECRET_KEY, source),
                used_by=used_by,
            )
        )
    context = inp.model_dump() | {
        "api_version": profile(inp.target_version).aigw_api_version,
        "name": name,
        "secret_name": secret_name,
        "oidc_secret_name": oidc_secret,
        "field": API_KEY_TYPES.get(inp.type, ("", ""))[0],
    }
    rendered = [render_object(SKILL, "backendsecuritypolicy.yaml.j2", **context)]
    if _uses_pod_identity(inp):
        rendered += proxy_identity(inp)
    notes = _notes(inp)
    return SkillResult.from_rendered(SKILL, rendered, secrets=secrets, notes=notes)


def _notes(inp: AuthInput) -> list[str]:
    notes = []
    if _uses_pod_identity(inp):
        sa, eg_ns = inp.aws_service_account, inp.envoy_gateway_namespace
        gw_ns = inp.gateway_namespace or inp.namespace
        notes.append(
            f"The AWS SDK default chain runs in the Envoy pods' extproc sidecar, as ServiceAccount {eg_ns}/{sa} "
            f"when the Gateway names EnvoyProxy {gw_ns}/{sa} in spec.infrastructure.parametersRef (orchestrator "
            f"bundles do; with aigw-route pass envoy_proxy={sa}; an existing Gateway: kubectl patch gateway <name> "
            f"-n {gw_ns} --type merge -p "
            f'\'{{"spec":{{"infrastructure":{{"parametersRef":{{"group":"gateway.envoyproxy.io",'
            f'"kind":"EnvoyProxy","name":"{sa}"}}}}}}}}\').'
        )
        if inp.aws_role_arn:
            notes.append(
                f"IRSA: the ServiceAccount carries eks.amazonaws.com/role-arn {inp.aws_role_arn}; the role's trust "
                f"policy must allow system:serviceaccount:{eg_ns}:{sa} through the cluster's OIDC provider."
            )
        else:
            notes.append(
                "EKS Pod Identity: associate the IAM role with the ServiceAccount once (needs the Pod Identity "
                f"Agent add-on): aws eks create-pod-identity-association --cluster-name <cluster> --namespace "
                f"{eg_ns} --service-account {sa} --role-arn <role-arn>. Or set aws_role_arn to use IRSA instead."
            )
    if inp.type == "GCPCredentials" and inp.gcp_mode == "adc":
        notes.append(
            "Application Default Credentials come from GKE Workload Identity on the Envoy proxy pods."
        )
    if inp.type in API_KEY_TYPES:
        header = {"APIKey": "Authorization: Bearer", "AzureAPIKey": "api-key", "AnthropicAPIKey": "x-api-key"}
        notes.append(f"The key is sent upstream as the {header[inp.type]} header.")
    return notes
