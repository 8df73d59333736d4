"""Generated sections of the skills' reference files: the provider presets and the credential policy types.

Pure: built from skills.providers, skills.auth and real (in-process) runs of the auth builder.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping

from server.pack.skilldoc_tables import code, table
from skills.auth import API_KEY_TYPES, SECRET_KEYS, AuthInput
from skills.providers import PRESETS, ProviderPreset
from skills.types import POLICY_TYPES

MODE_FIELDS = {"AWSCredentials": "aws_mode", "AzureCredentials": "azure_mode", "GCPCredentials": "gcp_mode"}


def _endpoint(p: ProviderPreset) -> str:
    return f"`{p.hostname}:{p.port}`" + (" (in cluster)" if p.in_cluster else "")


def providers_section(presets: Mapping[str, ProviderPreset] = PRESETS) -> str:
    header = ("Preset", "Provider", "Schema", "Endpoint", "Prefix", "schema.version", "Auth", "Key env var")
    rows = [
        (
            f"`{p.id}`",
            f"[{p.title}]({p.docs})",
            f"`{p.schema}`",
            _endpoint(p),
            code(p.prefix) if p.prefix else "—",
            code(p.schema_version) if p.schema_version else "—",
            f"`{p.auth}`",
            f"`{p.secret_env}`" if p.secret_env else "—",
        )
        for p in presets.values()
    ]
    lines = [table(header, rows), "", "Per preset:", ""]
    for p in presets.values():
        extra = []
        if p.parameters:
            defaults = f" (default region `{p.default_region}`)" if p.default_region else ""
            extra.append("parameters " + ", ".join(f"`{x}`" for x in p.parameters) + defaults)
        extra.append("example models " + ", ".join(f"`{m}`" for m in p.example_models))
        if p.notes:
            extra.append(p.notes.rstrip("."))
        lines.append(f"- `{p.id}`: " + "; ".join(extra) + ".")
    return "\n".join(lines)


def spec_field(policy: str) -> str:
    """The BackendSecurityPolicy spec field of a type: AWSCredentials → awsCredentials."""
    return re.sub(r"^[A-Z]+(?=[A-Z][a-z])|^[A-Z]", lambda m: m.group().lower(), policy)


def _modes(policy: str) -> str:
    name = MODE_FIELDS.get(policy)
    if not name:
        return "Secret (API key)"
    return ", ".join(f"`{m}`" for m in typing.get_args(AuthInput.model_fields[name].annotation))


def policy_types_section(presets: Mapping[str, ProviderPreset] = PRESETS) -> str:
    header = ("Policy type", "Spec field", "Secret key", "Credential modes (`*_mode`)", "Presets using it")
    rows = []
    for policy in POLICY_TYPES:
        field = API_KEY_TYPES.get(policy, (spec_field(policy),))[0]
        users = ", ".join(f"`{p.id}`" for p in presets.values() if p.auth == policy) or "—"
        rows.append((f"`{policy}`", f"`{field}`", f"`{SECRET_KEYS[policy]}`", _modes(policy), users))
    none = ", ".join(f"`{p.id}`" for p in presets.values() if p.auth == "none")
    return table(header, rows) + f"\n\nPresets with no credentials: {none or 'none'}."
