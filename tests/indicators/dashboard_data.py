"""Known exits for the tests: built, bulk-inserted (make_exits) or saved one by one as the portal
saves them (save_exits), and the worked example of docs/domain.md."""

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


def exit_records(structure, motives, *, reference, entry, exit_, **fields):
    """Unsaved exits of `structure`, one per motive, entered on `entry` and left on `exit_`;
    `reference` formats the record's index `n` ("EX-{n:03d}")."""
    return [
        ExitRecord.for_bulk_create(
            structure=structure,
            reference=reference.format(n=n),
            entry_date=entry,
            exit_date=exit_,
            exit_motive=motive,
            **fields,
        )
        for n, motive in enumerate(motives)
    ]


def save_exits(structure, motives, **options):
    """The exit_records saved one by one, as the portal saves them: with their history and the
    structure's rollup."""
    records = exit_records(structure, motives, **options)
    for record in records:
        record.save()
    return records


def make_exits(structure, year, motives, *, prefix="S", entry=None, exit_=None, hours_worked=600, **fields):
    """Eligible exits (entry in January, exit in September of `year`) with the given motives, bulk-inserted."""
    records = exit_records(
        structure,
        motives,
        reference=f"{prefix}-{year}-{{n:04d}}",
        entry=entry or date(year, 1, 5),
        exit_=exit_ or date(year, 9, 30),
        hours_worked=hours_worked,
        **fields,
    )
    return ExitRecord.objects.bulk_create(records)


def worked_example(structure, year=2009):
    """20 exits: the 19 eligible ones of docs/domain.md plus one after 2 months only."""
    make_exits(structure, year, WORKED_EXAMPLE)
    make_exits(structure, year, ["cdi_non_aide"], prefix="SHORT", entry=date(year, 7, 1), exit_=date(year, 9, 1))
