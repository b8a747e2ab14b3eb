"""Tiny benchmark harness: each measure is timed against a floor measured in the same run, and
reported as a ratio (so that figures compare across machines)."""

import os
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


def ensure_django(database_url: str) -> None:
    """Set Django up on `database_url` for a bench module run on its own; under `python -m bench`
    (bench/__main__.py has set it up already) nothing changes."""
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DATABASE_URL", database_url)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "siae_portal.settings")
        os.environ.setdefault("DJANGO_DEBUG", "true")
        django.setup()


def count_queries(function: Callable[[], object]) -> int:
    """The number of SQL queries one run of `function` makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def page_as(user, url: str, params: dict) -> Callable[[], None]:
    """A function that GETs `url` with `params` as `user` (logged in once, beforehand) and checks
    that the page answers 200: what the page measures time."""
    from django.test import Client

    client = Client()
    client.force_login(user)

    def page():
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code

    return page


def against_floor(
    name: str,
    function: Callable[[], object],
    floor: Callable[[], object],
    *,
    floor_name: str,
    repeat: int,
    goal_ratio: float | None = None,
    note: str = "",
) -> Measure:
    """The measure of `function` against its `floor` (timed in alternation, see `paired`), noted with
    the number of queries `function` makes."""
    seconds, floor_seconds = paired(function, floor, repeat)
    return Measure(
        name,
        seconds,
        floor_name=floor_name,
        floor_seconds=floor_seconds,
        goal_ratio=goal_ratio,
        note="; ".join([f"{count_queries(function)} queries", *([note] if note else [])]),
    )
