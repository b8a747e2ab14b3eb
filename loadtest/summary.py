"""The figures of `make loadtest`, read from locust's CSV statistics (pure: no Django, no locust)."""

import csv
import io
import math
import statistics
from dataclasses import dataclass

# The goal on the 2-core machine (docs/deployment.md): no failure, p95 under 300 ms for HTML pages.
P95_GOAL_MS = 300
NOT_HTML = {"synthèse PDF"}


@dataclass(frozen=True)
class PageStats:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float

    @property
    def is_html(self) -> bool:
        return self.name not in NOT_HTML

    @property
    def misses_goal(self) -> bool:
        return self.is_html and self.p95 >= P95_GOAL_MS


def _number(text: str) -> float:
    return float(text) if text not in ("", "N/A") else 0.0


def read_stats(text: str) -> tuple[list[PageStats], PageStats]:
    """The rows of a locust `_stats.csv` (one per page type) and its "Aggregated" total."""
    pages, total = [], None
    for row in csv.DictReader(io.StringIO(text)):
        stats = PageStats(
            name=row["Name"],
            requests=int(row["Request Count"]),
            failures=int(row["Failure Count"]),
            rps=_number(row["Requests/s"]),
            p50=_number(row["50%"]),
            p95=_number(row["95%"]),
            p99=_number(row["99%"]),
        )
        if row["Name"] == "Aggregated":
            total = stats
        elif stats.requests:  # a page type seen only before the window (the login) has an empty row
            pages.append(stats)
    if total is None:
        raise ValueError("pas de ligne « Aggregated » : ce n'est pas un fichier _stats.csv de locust")
    return sorted(pages, key=lambda p: -p.requests), total


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (`share` between 0 and 1) of `values`; 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


def report(
    pages: list[PageStats], total: PageStats, *, login_ms: list[float], login_failures: int = 0, load: str = ""
) -> tuple[str, bool]:
    """The printed summary, and whether the goal is met (0 failures, every HTML page's p95 < goal).

    The logins happen before the measured window (their statistics are reset): `login_failures`
    counts those refused or failed, and a single one misses the goal, since the user it stands
    for browsed as an anonymous visitor (the login page again) instead of as its role."""
    width = max(len(p.name) for p in [*pages, total]) if pages else 10
    header = f"{'requêtes':>8}  {'échecs':>6}  {'req/s':>6}  {'p50 ms':>7}  {'p95 ms':>7}  {'p99 ms':>7}"
    lines = [f"{'page':<{width}}  {header}"]
    for p in [*pages, total]:
        mark = "  <- p95 au-dessus de l'objectif" if p.misses_goal and p is not total else ""
        name = "total" if p is total else p.name
        lines.append(
            f"{name:<{width}}  {p.requests:>8}  {p.failures:>6}  {p.rps:>6.1f}  {p.p50:>7.0f}  {p.p95:>7.0f}  "
            f"{p.p99:>7.0f}{mark}"
        )
    if login_ms:
        lines.append(
            f"Connexions (avant la fenêtre mesurée) : {len(login_ms)}, médiane {statistics.median(login_ms):.0f} ms, "
            f"p95 {percentile(login_ms, 0.95):.0f} ms, max {max(login_ms):.0f} ms."
        )
    if login_failures:
        lines.append(f"Connexions refusées ou en échec : {login_failures}.")
    if load:
        lines.append(f"Charge de la machine (load average 1, 5, 15 min) : {load}")
    missed = [p.name for p in pages if p.misses_goal]
    ok = total.failures == 0 and not login_failures and not missed and total.requests > 0
    if ok:
        lines.append(f"Objectif atteint : 0 échec, p95 sous {P95_GOAL_MS} ms pour toutes les pages HTML.")
    else:
        reasons = []
        if total.requests == 0:
            reasons.append("aucune requête mesurée")
        if login_failures:
            reasons.append(f"{login_failures} connexion(s) refusée(s)")
        if total.failures:
            reasons.append(f"{total.failures} échec(s)")
        if missed:
            reasons.append(f"p95 ≥ {P95_GOAL_MS} ms : {', '.join(missed)}")
        lines.append("Objectif manqué : " + " ; ".join(reasons) + ".")
    return "\n".join(lines), ok
