from datetime import date

import pytest

from indicators.models import ExitRecord
from tests.indicators.dashboard_data import WORKED_EXAMPLE

# docs/domain.md worked example (exits in 2009): 20 exits, 19 eligible, official 10/17, URIAE 10/13, durable 4/17.
WORKED_EXAMPLE_MOTIVES = WORKED_EXAMPLE


def add_worked_example(structure, year=2009):
    """The worked example in `structure` (a kind eligible by duration: ACI or EI)."""
    records = [
        ExitRecord(
            structure=structure,
            reference=f"EX-{n:03d}",
            entry_date=date(year, 1, 5),
            exit_date=date(year, 9, 30),
            exit_motive=motive,
            full_time=motive == "cdi_non_aide",
        )
        for n, motive in enumerate(WORKED_EXAMPLE_MOTIVES)
    ]
    # After only 2 months: not eligible.
    records.append(
        ExitRecord(
            structure=structure,
            reference="EX-SHORT",
            entry_date=date(year, 7, 1),
            exit_date=date(year, 9, 1),
            exit_motive="cdi_non_aide",
        )
    )
    for record in records:
        record.save()
    return records


@pytest.fixture
def worked_example(structure):
    return add_worked_example(structure)
