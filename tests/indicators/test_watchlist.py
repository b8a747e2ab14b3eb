from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dossiers import workflow
from dossiers.models import Dossier
from indicators.calculations import Rate
from indicators.watchlist import (
    SMALL_POSTS_ETP,
    UNANSWERED_DAYS,
    StructureFigures,
    signals_for,
    watched_structures,
    watchlist,
)
from tests.dossiers.conftest import make_campaign
from tests.factories import NetworkFactory, StructureFactory
from tests.indicators.dashboard_data import save_exits

YEAR = 2009


def codes(figures, year=YEAR):
    return {signal.code for signal in signals_for(figures, year)}


def fig(**kwargs):
    kwargs.setdefault("insertion_posts_etp", Decimal("12"))
    kwargs.setdefault("peers_in_networks", 3)
    # A year with exits so that "no exit" stays quiet unless a test empties it.
    kwargs.setdefault("official", {YEAR: Rate(8, 10)})
    return StructureFigures(**kwargs)


# --- Each signal on both sides of its threshold -------------------------------------------------


def test_low_official_needs_both_years_below_60():
    assert "low_official" in codes(fig(official={YEAR - 1: Rate(59, 100), YEAR: Rate(5, 10)}))
    assert "low_official" not in codes(fig(official={YEAR - 1: Rate(60, 100), YEAR: Rate(5, 10)}))
    assert "low_official" not in codes(fig(official={YEAR: Rate(5, 10)}))  # no rate the year before


def test_low_official_needs_a_denominator():
    assert "low_official" not in codes(fig(official={YEAR - 1: Rate(0, 0), YEAR: Rate(5, 10)}))


def test_low_official_reason_names_the_figures():
    reasons = [s.reason for s in signals_for(fig(official={YEAR - 1: Rate(1, 4), YEAR: Rate(1, 2)}), YEAR)]
    assert any("sous 60 %" in r and "25,0 % (1/4)" in r and "50,0 % (1/2)" in r for r in reasons)


def test_falling_three_years_in_a_row():
    falling = {YEAR - 3: Rate(9, 10), YEAR - 2: Rate(8, 10), YEAR - 1: Rate(7, 10), YEAR: Rate(65, 100)}
    assert "falling_official" in codes(fig(official=falling))
    flat = {**falling, YEAR - 1: Rate(8, 10)}
    assert "falling_official" not in codes(fig(official=flat))
    assert "falling_official" not in codes(fig(official={k: v for k, v in falling.items() if k != YEAR - 3}))


def test_low_durable_below_25():
    assert "low_durable" in codes(fig(durable={YEAR: Rate(24, 100)}))
    assert "low_durable" not in codes(fig(durable={YEAR: Rate(25, 100)}))
    assert "low_durable" not in codes(fig(durable={YEAR: Rate(0, 0)}))


def test_dossier_signals():
    assert {"late_dossier", "unanswered_dossier"} <= codes(fig(late_dossier=True, unanswered_dossier=True))
    assert not {"late_dossier", "unanswered_dossier"} & codes(fig())


def test_no_exit_with_posts():
    assert "no_exit" in codes(fig(official={}))
    assert "no_exit" not in codes(fig(official={}, insertion_posts_etp=Decimal("0"), peers_in_networks=1))
    assert "no_exit" not in codes(fig())


def test_small_and_isolated():
    small = SMALL_POSTS_ETP - Decimal("0.5")
    assert "small_isolated" in codes(fig(insertion_posts_etp=small, peers_in_networks=0))
    assert "small_isolated" in codes(fig(insertion_posts_etp=small, peers_in_networks=None))
    assert "small_isolated" not in codes(fig(insertion_posts_etp=small, peers_in_networks=1))
    assert "small_isolated" not in codes(fig(insertion_posts_etp=SMALL_POSTS_ETP, peers_in_networks=0))


def test_missed_objective_beyond_the_margin():
    missed = fig(missed_objectives=[("Taux de sortie dynamique (officiel)", 0.6, 0.4, True)])
    reasons = [s.reason for s in signals_for(missed, YEAR)]
    assert any("40,0 % pour un objectif de 60,0 %" in r for r in reasons)
    assert "missed_objective" not in codes(fig())


def test_a_healthy_structure_has_no_signal():
    assert (
        signals_for(fig(official={YEAR - 1: Rate(7, 10), YEAR: Rate(7, 10)}, durable={YEAR: Rate(3, 10)}), YEAR) == []
    )


# --- The selector -------------------------------------------------------------------------------


def _exits(structure, year, durable, other):
    save_exits(
        structure,
        ["cdi_non_aide"] * durable + ["chomage"] * other,
        reference=f"R{structure.pk}-{year}-{{n}}",
        entry=date(year - 1, 1, 5),
        exit_=date(year, 9, 30),
    )


@pytest.mark.django_db
def test_watchlist_finds_the_signals_from_the_database():
    network = NetworkFactory()
    weak = StructureFactory(name="Faible", networks=[network])
    _exits(weak, YEAR - 1, 1, 3)
    _exits(weak, YEAR, 1, 3)
    strong = StructureFactory(name="Solide", networks=[network])
    _exits(strong, YEAR - 1, 3, 1)
    _exits(strong, YEAR, 3, 1)
    lonely = StructureFactory(name="Seule", kind="EI", insertion_posts_etp=2, networks=[NetworkFactory()])
    _exits(lonely, YEAR, 3, 1)
    rows = {row.structure.name: {s.code for s in row.signals} for row in watchlist(Structure_all(), YEAR)}
    assert rows == {"Faible": {"low_official"}, "Seule": {"small_isolated"}}


def Structure_all():
    from dossiers.models import Structure

    return Structure.objects.all()


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 8])
def test_watchlist_query_count_is_constant(n, django_assert_max_num_queries):
    network = NetworkFactory()
    for i in range(n):
        s = StructureFactory(networks=[network], insertion_posts_etp=12 + i)
        _exits(s, YEAR, 0, 2)  # durable 0/2: below 25 %
    with django_assert_max_num_queries(7):
        rows = watchlist(Structure_all(), YEAR)
    assert [{s.code for s in row.signals} for row in rows] == [{"low_durable"}] * n


@pytest.mark.django_db
def test_scope(editor, reader, advisor, agent, other_advisor, portal_admin, structure, other_structure):
    assert list(watched_structures(editor)) == []
    assert list(watched_structures(reader)) == []
    assert list(watched_structures(advisor)) == [structure]
    assert list(watched_structures(agent)) == [structure]
    assert list(watched_structures(other_advisor)) == [other_structure]
    assert set(watched_structures(portal_admin)) == {structure, other_structure}


@pytest.mark.django_db
@pytest.mark.parametrize("days, signalled", [(UNANSWERED_DAYS, False), (UNANSWERED_DAYS + 1, True)])
def test_unanswered_for_30_days_at_its_boundary(structure, days, signalled):
    """The signal counts whole days in the portal's time zone: a request answered by nobody since
    exactly 30 days ago is not yet a signal, since 31 days it is."""
    today = date(2009, 6, 15)
    dossier = Dossier.objects.create(structure=structure, campaign=make_campaign(YEAR, codes=[]))
    changed = today - timedelta(days=days)
    # A queryset update, because save() would set updated_at to now (auto_now).
    Dossier.objects.filter(pk=dossier.pk).update(
        status=workflow.CHANGES_REQUESTED,
        updated_at=timezone.make_aware(datetime(changed.year, changed.month, changed.day, 12)),
    )
    rows = watchlist(Structure_all(), YEAR, today=today)
    found = {signal.code for row in rows for signal in row.signals}
    assert ("unanswered_dossier" in found) is signalled


def test_the_posts_in_the_reasons_read_as_french_numbers():
    """The posts are stored as decimals (17.00, 2.50): the reasons print them as French users write them."""
    (no_exit,) = [s.reason for s in signals_for(fig(official={}, insertion_posts_etp=Decimal("17.00")), YEAR)]
    assert "pour 17 postes d'insertion" in no_exit
    small = [s.reason for s in signals_for(fig(insertion_posts_etp=Decimal("2.50"), peers_in_networks=None), YEAR)]
    assert any(reason.startswith("Petite structure (2,5 postes, moins de 5)") for reason in small)
