"""The figures that `make loadtest` prints, read from locust's CSV statistics."""

import pytest

from loadtest.summary import P95_GOAL_MS, percentile, read_stats, report

HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
    "99.99%,100%\n"
)


def _row(name, count, failures, rps, p50, p95, p99, kind="GET"):
    return f"{kind},{name},{count},{failures},{p50},{p50},1,{p99},1000,{rps},0,{p50},0,0,0,0,{p95},0,{p99},0,0,0\n"


def _csv(*rows):
    return HEADER + "".join(rows)


def test_it_reads_each_page_type_and_the_total():
    pages, total = read_stats(
        _csv(
            _row("accueil", 100, 0, 1.7, 40, 120, 200),
            _row("tableau de bord", 300, 0, 5.0, 80, 250, 290),
            _row("connexion", 0, 0, 0, "N/A", "N/A", "N/A", kind="POST"),  # only before the window
            _row("Aggregated", 400, 0, 6.7, 60, 240, 280, kind=""),
        )
    )
    assert [p.name for p in pages] == ["tableau de bord", "accueil"]  # most requested first
    assert (total.requests, total.rps, total.p95) == (400, 6.7, 240)


def test_the_goal_is_met_with_no_failure_and_every_html_p95_under_300_ms():
    pages, total = read_stats(
        _csv(
            _row("accueil", 100, 0, 1.7, 40, P95_GOAL_MS - 1, 400),
            _row("synthèse PDF", 3, 0, 0.1, 1200, 2500, 2500),  # not HTML: outside the goal
            _row("Aggregated", 103, 0, 1.8, 41, 290, 900, kind=""),
        )
    )
    text, ok = report(pages, total, login_ms=[400, 500, 3000], load="avant 1.00 ; après 2.00")
    assert ok
    assert "Objectif atteint" in text
    assert "Connexions (avant la fenêtre mesurée) : 3, médiane 500 ms" in text
    assert "avant 1.00 ; après 2.00" in text


@pytest.mark.parametrize(
    ("failures", "p95", "expected"),
    [(2, 100, "2 échec(s)"), (0, P95_GOAL_MS, "p95 ≥ 300 ms : accueil")],
)
def test_a_failure_or_a_slow_html_page_misses_the_goal(failures, p95, expected):
    pages, total = read_stats(
        _csv(_row("accueil", 100, failures, 1.7, 40, p95, 400), _row("Aggregated", 100, failures, 1.7, 40, p95, 400))
    )
    text, ok = report(pages, total, login_ms=[])
    assert not ok
    assert expected in text.splitlines()[-1]


def test_a_file_that_is_not_locust_stats_is_refused():
    with pytest.raises(ValueError, match="Aggregated"):
        read_stats(_csv(_row("accueil", 1, 0, 1, 1, 1, 1)))


def test_percentile_is_nearest_rank():
    assert percentile([], 0.95) == 0
    assert percentile([5], 0.95) == 5
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile(list(range(1, 101)), 0.5) == 50


def test_a_refused_login_misses_the_goal_although_the_measured_window_has_no_failure():
    """The logins come before the window (locust's statistics are reset): their failures are
    counted apart by the locustfile, and one is enough to fail the run."""
    pages, total = read_stats(
        _csv(_row("accueil", 100, 0, 1.7, 40, 100, 200), _row("Aggregated", 100, 0, 1.7, 40, 100, 200))
    )
    text, ok = report(pages, total, login_ms=[400] * 49, login_failures=1)
    assert not ok
    assert "Connexions refusées ou en échec : 1." in text
    assert text.splitlines()[-1] == "Objectif manqué : 1 connexion(s) refusée(s)."
