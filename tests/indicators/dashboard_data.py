"""Known exits for the dashboard tests: the worked example of docs/domain.md, bulk-inserted."""

from datetime import date

from indicators.models import ExitRecord

WORKED_EXAMPLE = (
    ["cdi_non_aide"] * 3
    + ["cdd_6m_plus"]
    + ["cdd_moins_6m"] * 3
    + ["formation_qualifiante"] * 3
    + ["chomage"] * 3
    + ["inactif"] * 2
    + ["sans_nouvelle", "autre_situation_connue", "deces", "conge_longue_duree"]
)


def make_exits(structure, year, motives, *, prefix="S", entry=None, exit_=None, **fields):
    """Eligible exits (entry in January, exit in September of `year`) with the given motives."""
    entry = entry or date(year, 1, 5)
    exit_ = exit_ or date(year, 9, 30)
    records = [
        ExitRecord.for_bulk_create(
            structure=structure,
            reference=f"{prefix}-{year}-{n:04d}",
            entry_date=entry,
            exit_date=exit_,
            exit_motive=motive,
            hours_worked=600,
            **fields,
        )
        for n, motive in enumerate(motives)
    ]
    return ExitRecord.objects.bulk_create(records)


def worked_example(structure, year=2009):
    """20 exits: the 19 eligible ones of docs/domain.md plus one after 2 months only."""
    make_exits(structure, year, WORKED_EXAMPLE)
    make_exits(structure, year, ["cdi_non_aide"], prefix="SHORT", entry=date(year, 7, 1), exit_=date(year, 9, 1))
