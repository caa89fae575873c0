"""A small timer for benchmarks: interleaved repeats, median seconds."""

from __future__ import annotations

import os
import statistics
import time
from typing import Callable


def median_seconds(fns: dict[str, Callable[[], object]], repeats: int = 7,
                   warmup: int = 2) -> dict[str, float]:
    """Median wall time of each callable, measured round-robin in one run.

    Interleaving the candidates means a noisy neighbour slows all of them
    alike, so the ratios stay meaningful on a shared 2-core machine.
    """
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(s) for name, s in samples.items()}


def load_average() -> float:
    """The 1-minute load average (NaN where the OS has none): printed beside every timing."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
