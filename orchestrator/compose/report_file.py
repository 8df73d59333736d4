"""What a written bundle's report.json says about it, read without composing anything (validate uses it)."""

from __future__ import annotations

import json
import os
from pathlib import Path


def declared_secrets(directory: str | os.PathLike[str]) -> list[str]:
    """The Secrets a bundle written by write_bundle creates at apply time (secrets.sh), as namespace/name, read
    from its report.json; empty when `directory` holds no bundle report."""
    try:
        report = json.loads((Path(directory) / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    secrets = report.get("secrets") if isinstance(report, dict) else None
    return sorted(
        f"{s['namespace']}/{s['name']}"
        for s in secrets or []
        if isinstance(s, dict) and isinstance(s.get("name"), str) and isinstance(s.get("namespace"), str)
    )
