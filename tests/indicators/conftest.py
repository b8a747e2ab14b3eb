from datetime import date

import pytest

from tests.indicators.dashboard_data import WORKED_EXAMPLE, exit_records

# docs/domain.md worked example (exits in 2009): 20 exits, 19 eligible, official 10/17, URIAE 10/13, durable 4/17.
WORKED_EXAMPLE_MOTIVES = WORKED_EXAMPLE


def add_worked_example(structure, year=2009):
    """The worked example in `structure` (a kind eligible by duration: ACI or EI)."""
    records = exit_records(
        structure, WORKED_EXAMPLE_MOTIVES, reference="EX-{n:03d}", entry=date(year, 1, 5), exit_=date(year, 9, 30)
    )
    for record in records:
        record.full_time = record.exit_motive == "cdi_non_aide"
    # After only 2 months: not eligible.
    records += exit_records(
        structure, ["cdi_non_aide"], reference="EX-SHORT", entry=date(year, 7, 1), exit_=date(year, 9, 1)
    )
    for record in records:
        record.save()
    return records


@pytest.fixture
def worked_example(structure):
    return add_worked_example(structure)
