"""Tiny benchmark harness: each measure is timed against a floor measured in the same run, and
reported as a ratio (so that figures compare across machines)."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Measure:
    name: str
    seconds: float
    floor_name: str = ""
    floor_seconds: float | None = None
    goal_ratio: float | None = None
    goal_seconds: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.floor_seconds if self.floor_seconds else None

    @property
    def ok(self) -> bool:
        ok = True
        if self.goal_ratio is not None and self.ratio is not None:
            ok &= self.ratio <= self.goal_ratio
        if self.goal_seconds is not None:
            ok &= self.seconds <= self.goal_seconds
        return ok

    def line(self) -> str:
        parts = [f"{self.name}: {self.seconds * 1000:.1f} ms"]
        if self.floor_seconds is not None:
            parts.append(f"floor ({self.floor_name}) {self.floor_seconds * 1000:.1f} ms")
            parts.append(f"ratio {self.ratio:.2f}x" + (f" (goal <= {self.goal_ratio}x)" if self.goal_ratio else ""))
        if self.goal_seconds is not None:
            parts.append(f"goal <= {self.goal_seconds * 1000:.0f} ms")
        if self.note:
            parts.append(self.note)
        parts.append("OK" if self.ok else "ABOVE GOAL")
        return " | ".join(parts)


def best_of(function: Callable[[], object], repeat: int = 5, setup: Callable[[], object] | None = None) -> float:
    """Median wall time of `function` over `repeat` runs, in seconds (setup not timed)."""
    timings = []
    for _ in range(repeat):
        if setup:
            setup()
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def paired(function: Callable[[], object], floor: Callable[[], object], repeat: int = 9) -> tuple[float, float]:
    """(seconds, floor seconds): `function` and its floor run alternately, `repeat` times each, and
    each keeps its fastest run. On a shared machine the noise only ever adds time, and alternating
    exposes both sides to the same conditions, so the ratio holds from one run to the next."""
    timings, floor_timings = [], []
    for _ in range(repeat):
        for run, into in ((floor, floor_timings), (function, timings)):
            start = time.perf_counter()
            run()
            into.append(time.perf_counter() - start)
    return min(timings), min(floor_timings)
