from datetime import date
from decimal import Decimal

import pytest

from conventions import services
from conventions.services import ObjectiveInput
from tests.indicators.dashboard_data import save_exits


def objectives(years, *, exits=20, official="0.60", durable="0.25", **more):
    """The three required objectives (and any `more` indicator=target) for each of `years`."""
    items = []
    for year in years:
        items += [
            ObjectiveInput(year, "exits", Decimal(exits)),
            ObjectiveInput(year, "official", Decimal(official)),
            ObjectiveInput(year, "durable", Decimal(durable)),
        ]
        items += [ObjectiveInput(year, indicator, Decimal(target)) for indicator, target in more.items()]
    return items


def make_convention(structure, user=None, first_year=2007, last_year=2009, *, agreed_by=None, **targets):
    convention = services.propose(
        structure,
        user,
        first_year=first_year,
        last_year=last_year,
        etp={year: Decimal(12) for year in range(first_year, last_year + 1)},
        objectives=objectives(range(first_year, last_year + 1), **targets),
    )
    if agreed_by is not None:
        convention = services.agree(convention, agreed_by)
    return convention


def add_exits(structure, year, motives, *, full_time=False, prefix="C"):
    """Eligible exits (entry in January, exit in October) of `structure` in `year`."""
    save_exits(
        structure,
        motives,
        reference=f"{prefix}{year}-{{n:03d}}",
        entry=date(year, 1, 5),
        exit_=date(year, 10, 1),
        full_time=full_time,
    )


@pytest.fixture
def agreed(structure, editor, agent):
    return make_convention(structure, editor, agreed_by=agent)
