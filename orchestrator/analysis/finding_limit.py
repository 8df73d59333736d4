"""How a report keeps only its most urgent findings, for doctor and for aigw_validate alike: the `max_findings`
input field, the cut (errors before warnings before infos, counts kept exact), and the line that says how many were
left out and how to see them. A result an agent reads must fit a chat context; the counts must still be true.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import Field

T = TypeVar("T")

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
SEVERITIES = tuple(SEVERITY_RANK)
MAX_FINDINGS_LIMIT = 1000


def max_findings_field(default: int | None, default_text: str) -> Any:
    """The `max_findings` field of an input model: at most this many findings, the most urgent first. Strict: JSON's
    `true` or `2.5` is refused rather than read as a number (the command line passes whole numbers as int, see
    server/cli/options.py)."""
    return Field(
        default,
        strict=True,
        ge=1,
        le=MAX_FINDINGS_LIMIT,
        description=f"Report at most this many findings, the most urgent first [{default_text}]",
    )


def by_severity(findings: Sequence[T], severity: Callable[[T], str]) -> list[T]:
    """Errors, then warnings, then infos; the order within a severity is kept (stable)."""
    return sorted(findings, key=lambda f: SEVERITY_RANK[severity(f)])


def most_urgent(ordered: Sequence[T], limit: int | None) -> tuple[list[T], int]:
    """The first `limit` of findings already ordered by urgency (all when None), and how many were left out."""
    kept = list(ordered[:limit]) if limit else list(ordered)
    return kept, len(ordered) - len(kept)


def left_out(omitted: dict[str, int], how: str) -> str:
    """One line: how many findings of each severity were left out, then how to see them."""
    total = sum(omitted.values())
    parts = [f"{n} {s}{'' if n == 1 else 's'}" for s, n in omitted.items() if n]
    return f"{total} more finding{'' if total == 1 else 's'} left out ({', '.join(parts)}); {how}"
