"""The CRD pins in code (orchestrator/engine/crd_pins.py) name the upstream files byte for byte.

The pins were computed from the upstream repositories at each tag; ../shared holds byte-for-byte copies of the
v1.1.0 set and of the v0.5.0-v1.0.0 sets, so every pinned file present there must have the pinned size and sha256
(in CI, where ../shared is present, this runs for 22 + 73 files).
"""

from __future__ import annotations

import hashlib
import re

import pytest

from orchestrator.engine.crd_cache import DEFAULT_BASE_URLS, local_path, pin_url
from orchestrator.engine.crd_pins import PINS, TAG_COMMITS
from skills.versions import PROFILES
from tests.conftest import shared_path

SHARED_SETS = {
    "v1.1.0": ("crds",),
    **{v: ("crds-releases", v) for v in ("v0.5.0", "v0.6.0", "v0.7.0", "v1.0.0")},
}


@pytest.mark.parametrize("version", sorted(SHARED_SETS))
def test_pinned_files_equal_the_upstream_copies_in_shared(version: str) -> None:
    root = shared_path(*SHARED_SETS[version])
    compared = 0
    for pin in PINS[version]:
        copy = root / local_path(pin)
        if not copy.is_file():
            continue
        data = copy.read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (pin.size, pin.sha256), pin.path
        compared += 1
    assert compared >= 13, f"only {compared} pinned files of {version} found under {root}"


def test_every_release_profile_has_pins_and_every_pin_a_recorded_tag_commit() -> None:
    assert set(PROFILES) <= set(PINS)
    for version, pins in PINS.items():
        assert {p.source for p in pins} >= {"ai-gateway", "envoy-gateway"}, version
        for pin in pins:
            assert re.fullmatch(r"[0-9a-f]{64}", pin.sha256) and pin.size > 0
            assert re.fullmatch(r"[0-9a-f]{40}", TAG_COMMITS[(pin.source, pin.tag)])
            assert pin_url(pin).startswith("https://raw.githubusercontent.com/")


def test_each_release_pins_its_own_ai_gateway_tag_and_no_file_twice() -> None:
    for version, pins in PINS.items():
        assert {p.tag for p in pins if p.source == "ai-gateway"} == {version}
        names = [local_path(p) for p in pins]
        assert len(names) == len(set(names)), version
    assert all(url.startswith("https://") for url in DEFAULT_BASE_URLS.values())
