"""Bundle build + full validation, in-process and warm: OpenAI + Anthropic, 20 providers, and 1 → 50 providers.

    python benchmarks/bundle_bench.py [--crds ../shared/crds] [--repeat 30]

Targets: OpenAI + Anthropic ≤ 30 ms median; 20 providers ≤ 150 ms; time grows linearly with providers.
Prints a markdown table of medians (and the per-provider slope and its linear-fit R²).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from orchestrator.compose.bundle import build_bundle  # noqa: E402
from orchestrator.engine.crds import load_crds  # noqa: E402


def intake(providers: int) -> dict[str, Any]:
    """N OpenAI-compatible backends serving one shared model in failover order (one rule, N backendRefs)."""
    return {
        "providers": [
            {"provider": "openai", "name": f"provider-{i}", "models": ["chat=gpt-5.4-mini"]}
            for i in range(providers)
        ],
        "routing": {"strategy": "failover" if providers > 1 else "by-model"},
    }


PAIR = {
    "providers": [
        {"provider": "openai", "models": ["gpt-5.4-mini"]},
        {"provider": "anthropic", "models": ["claude-sonnet-4-6"]},
    ]
}


def median_ms(data: dict[str, Any], crds: Any, repeat: int) -> float:
    build_bundle(data, crds=crds)  # warm: templates, validators and CEL programs compiled
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        bundle = build_bundle(data, crds=crds)
        samples.append((time.perf_counter() - start) * 1000)
        assert bundle.valid, bundle.summary()
    return statistics.median(samples)


def interleaved_medians_ms(intakes: list[dict[str, Any]], crds: Any, rounds: int) -> list[float]:
    """Median build time of each intake, measured round-robin (one build of each per round), so load from
    other processes shifts every size alike instead of bending the curve."""
    for data in intakes:
        build_bundle(data, crds=crds)  # warm
    samples: list[list[float]] = [[] for _ in intakes]
    for _ in range(rounds):
        for i, data in enumerate(intakes):
            gc.collect()  # each sample starts from the same heap state, not a predecessor's garbage
            start = time.perf_counter()
            build_bundle(data, crds=crds)
            samples[i].append((time.perf_counter() - start) * 1000)
    return [statistics.median(s) for s in samples]


def linear_fit(xs: list[int], ys: list[float]) -> tuple[float, float, float]:
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    ss_tot = sum((y - mean_y) ** 2 for y in ys)
    return slope, intercept, 1 - ss_res / ss_tot if ss_tot else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crds", default=str(REPO.parent / "shared" / "crds"), help="CRD directory")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if not Path(args.crds).exists():
        print(f"bundle_bench: no CRDs at {args.crds}; pass --crds DIR", file=sys.stderr)
        return 2
    crds = load_crds(args.crds)
    pair = median_ms(PAIR, crds, args.repeat)
    twenty = median_ms(intake(20), crds, args.repeat)
    sizes = [1, 5, 10, 20, 30, 40, 50]
    curve = interleaved_medians_ms([intake(n) for n in sizes], crds, max(7, args.repeat // 2))
    slope, intercept, r2 = linear_fit(sizes, curve)
    print("| benchmark | median | target | ratio to target |")
    print("|---|---|---|---|")
    print(
        f"| OpenAI + Anthropic bundle, built and validated (warm) | {pair:.1f} ms | ≤ 30 ms | {pair / 30:.2f}× |"
    )
    print(f"| 20 providers, built and validated (warm) | {twenty:.1f} ms | ≤ 150 ms | {twenty / 150:.2f}× |")
    print(
        f"| growth 1 → 50 providers | {slope:.2f} ms/provider + {intercept:.1f} ms, R² = {r2:.3f} | linear | "
        f"50/1 = {curve[-1] / curve[0]:.1f}× |"
    )
    print()
    print("providers: " + ", ".join(f"{n}={ms:.1f} ms" for n, ms in zip(sizes, curve, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
