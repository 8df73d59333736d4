"""String formats and regular expressions with the API server's semantics.

The API server matches ``pattern`` with Go's regexp package (RE2 syntax: ``$`` means end of text, ``\\w`` is
ASCII, inline flags may appear anywhere). ``google-re2`` gives the same semantics, as cel-cpp's RE2 does for
CEL ``matches()``. Formats follow kube-openapi's strfmt registry: unknown formats are ignored, as the API server
does.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

import re2  # google-re2: RE2, as the API server matches patterns

_DURATION_RE = re.compile(r"^[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))+\Z")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")
_HOSTNAME_RE = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$"
)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\Z")
_MAC_RE = re.compile(r"^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\Z")


@lru_cache(maxsize=4096)
def compiled_pattern(pattern: str) -> Any:
    """An RE2 regex for ``pattern``, compiled once."""
    return re2.compile(pattern)


def pattern_matches(pattern: str, value: str) -> bool:
    """``pattern`` matches somewhere in ``value`` (unanchored, like Go's ``MatchString``)."""
    return compiled_pattern(pattern).search(value) is not None


def is_duration(value: str) -> bool:
    """A Go ``time.ParseDuration`` string, e.g. ``1h30m`` or ``250ms`` (what ``format: duration`` accepts)."""
    return value == "0" or bool(_DURATION_RE.match(value))


def _is_byte(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_datetime(value: str) -> bool:
    if not _DATETIME_RE.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00").replace("t", "T"))
    except ValueError:
        return False
    return True


def _is_date(value: str) -> bool:
    if not _DATE_RE.match(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _is_ipv4(value: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(value), ipaddress.IPv4Address)
    except ValueError:
        return False


def _is_ipv6(value: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(value), ipaddress.IPv6Address)
    except ValueError:
        return False


def _is_cidr(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return "/" in value


def _is_uri(value: str) -> bool:
    # kube-openapi accepts whatever Go's url.Parse accepts: only control characters and bad escapes fail.
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return False
    return re.search(r"%(?![0-9A-Fa-f]{2})", value) is None


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    "byte": _is_byte,
    "date": _is_date,
    "date-time": _is_datetime,
    "datetime": _is_datetime,
    "duration": is_duration,
    "email": lambda v: bool(_EMAIL_RE.match(v)),
    "hostname": lambda v: bool(_HOSTNAME_RE.match(v)),
    "ipv4": _is_ipv4,
    "ipv6": _is_ipv6,
    "cidr": _is_cidr,
    "mac": lambda v: bool(_MAC_RE.match(v)),
    "uri": _is_uri,
    "uuid": _is_uuid,
}


def check_format(fmt: str, value: Any) -> bool:
    """True when ``value`` satisfies ``fmt`` (non-strings and unknown formats always pass)."""
    check = FORMAT_CHECKS.get(fmt)
    if check is None or not isinstance(value, str):
        return True
    return check(value)
