"""Secrets that policies read: present, and holding the key the policy type reads (names only, never values).

The AI Gateway gateway controller builds the extproc's credentials (internal/controller/gateway.go@v1.1.0,
bspToFilterAPIBackendAuth) from the Secret named by the BackendSecurityPolicy, read in the policy's own namespace:
key `apiKey` for APIKey, AzureAPIKey and AnthropicAPIKey, `credentials` for an AWS credentials file
(rotators/aws_common.go). Azure client secrets (`client-secret`) and GCP service-account keys
(`service_account.json`) are read by the BackendSecurityPolicy controller (backend_security_policy.go@v1.1.0).
When the Secret or key is missing the gateway controller logs it and **skips the backend**, while the policy
still says Accepted. Envoy Gateway's SecurityPolicy OIDC client secret uses `client-secret` (securitypolicy.go@v1.8.1).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from orchestrator.analysis.doctor.context import DoctorContext
from orchestrator.analysis.doctor.reduce import dig
from orchestrator.analysis.doctor.report import DoctorFinding, finding
from orchestrator.analysis.doctor.snapshot import Obj, Snapshot
from skills.secret_command import secret_command


@dataclass(frozen=True)
class SecretUse:
    owner: Obj
    field: str  # where the reference is, e.g. spec.apiKey.secretRef
    namespace: str  # where the controller reads it
    name: str
    key: str | None  # the key the controller reads (None: any)
    named_namespace: str | None = None  # the namespace the reference names, when it names one


# BackendSecurityPolicy type -> (spec path of the secretRef, key, read in the policy's namespace?)
BSP_SECRETS: dict[str, tuple[tuple[str, ...], str, bool]] = {
    "APIKey": (("apiKey", "secretRef"), "apiKey", True),
    "AzureAPIKey": (("azureAPIKey", "secretRef"), "apiKey", True),
    "AnthropicAPIKey": (("anthropicAPIKey", "secretRef"), "apiKey", True),
    "AWSCredentials": (("awsCredentials", "credentialsFile", "secretRef"), "credentials", True),
    "AzureCredentials": (("azureCredentials", "clientSecretRef"), "client-secret", False),
    "GCPCredentials": (("gcpCredentials", "credentialsFile", "secretRef"), "service_account.json", False),
}


def secret_uses(snapshot: Snapshot) -> list[SecretUse]:
    uses: list[SecretUse] = []
    for bsp in snapshot.of_kind("BackendSecurityPolicy"):
        entry = BSP_SECRETS.get(str(bsp.spec.get("type")))
        if entry is None:
            continue
        path, key, policy_namespace = entry
        ref = dig(bsp.spec, *path)
        if not isinstance(ref, dict) or not ref.get("name"):
            continue
        named = str(ref["namespace"]) if ref.get("namespace") else None
        ns = bsp.namespace or "default"
        read_in = ns if policy_namespace else (named or ns)
        uses.append(SecretUse(bsp, "spec." + ".".join(path), read_in, str(ref["name"]), key, named))
    for policy in snapshot.of_kind("SecurityPolicy"):
        ref = dig(policy.spec, "oidc", "clientSecret")
        if isinstance(ref, dict) and ref.get("name"):
            ns = str(ref.get("namespace") or policy.namespace or "default")
            uses.append(SecretUse(policy, "spec.oidc.clientSecret", ns, str(ref["name"]), "client-secret"))
        for i, cred in enumerate(dig(policy.spec, "apiKeyAuth", "credentialRefs") or []):
            if isinstance(cred, dict) and cred.get("name"):
                ns = str(cred.get("namespace") or policy.namespace or "default")
                uses.append(
                    SecretUse(policy, f"spec.apiKeyAuth.credentialRefs[{i}]", ns, str(cred["name"]), None)
                )
    return uses


def _create(use: SecretUse) -> str:
    """The project's Secret command (value from an env var or file, never on the command line)."""
    key = use.key or "CLIENT_ID"
    var = use.name.upper().replace("-", "_").replace(".", "_")
    source = "file:PATH" if key in {"credentials", "service_account.json"} else f"env:{var}"
    return secret_command(use.name, use.namespace, key, source)


def check_references(snapshot: Snapshot, ctx: DoctorContext) -> Iterator[DoctorFinding]:
    uses = secret_uses(snapshot)
    if uses and not snapshot.of_kind("Secret") and not (snapshot.coverage and snapshot.covers("Secret")):
        ctx.skip(
            "referenced Secrets: no Secrets in the input (add `kubectl get secrets -n NAMESPACE -o yaml`; the "
            "doctor keeps only names and key names)"
        )
        return
    for use in uses:
        if use.named_namespace and use.named_namespace != use.namespace:
            yield finding(
                "AIGW-D042",
                use.owner.ref,
                severity="error",
                what=f"{use.field} names Secret {use.named_namespace}/{use.name}, but the gateway controller reads "
                f"{use.namespace}/{use.name}",
                why="the controller reads this policy type's Secret from the policy's own namespace, so the "
                "backend gets no credentials (it is skipped) unless the Secret also exists there",
                fix=f"create the Secret in {use.namespace} and drop secretRef.namespace: {_create(use)}",
                confirm=f"kubectl get secret {use.name} -n {use.namespace}",
                source=use.owner.source,
            )
        if not snapshot.covers("Secret", use.namespace):
            ctx.skip(f"Secrets in namespace {use.namespace}: none in the input")
            continue
        secret = snapshot.get("Secret", use.namespace, use.name)
        if secret is None:
            yield finding(
                "AIGW-D040",
                use.owner.ref,
                severity="error",
                what=f"{use.field} names Secret {use.namespace}/{use.name}, which does not exist",
                why="the controller cannot read the credential and skips the backend, while the policy still "
                "reports Accepted: requests to it fail or reach the provider unauthenticated (401)",
                fix=_create(use),
                confirm=f"kubectl get secret {use.name} -n {use.namespace}",
                source=use.owner.source,
            )
            continue
        keys = sorted((secret.doc.get("data") or {}).keys())
        if use.key and use.key not in keys:
            yield finding(
                "AIGW-D041",
                use.owner.ref,
                severity="error",
                what=f"Secret {use.namespace}/{use.name} has keys [{', '.join(keys)}] but {use.owner.spec.get('type') or use.field} "
                f"reads key {use.key!r}",
                why="the controller finds no credential under that key and skips the backend "
                f"('secret {use.name} does not contain key {use.key}'), while the policy still reports Accepted",
                fix=_create(use),
                confirm=f"kubectl get secret {use.name} -n {use.namespace} -o jsonpath='{{.data}}' | tr ',' '\\n' | cut -d: -f1",
                source=use.owner.source,
            )
