"""The worked example of docs/domain.md, computed by the portal's own code: every figure the document
gives is asserted here, so that the document and the code cannot drift apart."""

from decimal import Decimal

import pytest

from dossiers.models import Structure
from indicators.models import CustomRateDefinition, ExitRecord, PrescriberPositioning
from indicators.reports import build_report
from tests.domain_doc import table
from tests.factories import StructureFactory
from tests.indicators.conftest import add_worked_example


def example_rows() -> dict[str, tuple[str, ...]]:
    """{reference: (exit motive, situation at 3, 6, 12 months)} from the document's table ("" unknown)."""
    rows = {}
    for references, motive, _category, *situations in table("## 8. Exemple chiffré"):
        if " à " in references:
            first, last = (int(ref.removeprefix("EX-")) for ref in references.split(" à "))
            names = [f"EX-{n:03d}" for n in range(first, last + 1)]
        else:
            names = [ref.strip() for ref in references.split(",")]
        for name in names:
            rows[name] = (motive.split()[0], *("" if s == "—" else s for s in situations))
    return rows


EXAMPLE = example_rows()
MET_OUTSIDE = {f"EX-{n:03d}" for n in range(10)}  # 6 hours with outside interlocutors each
TRAINED = {"EX-007", "EX-008", "EX-009"}  # one entry into training each
PREPARED = {"EX-004", "EX-010", "EX-011", "EX-012", "EX-013"}  # two actions toward training each
POSITIONINGS = [("pole_emploi", 30, 12), ("plie", 10, 5), ("conseil_general", 8, 2)]


@pytest.fixture
def report(db):
    structure = StructureFactory(name="Atelier exemple", kind=Structure.Kind.ACI)
    add_worked_example(structure)
    for record in ExitRecord.objects.filter(structure=structure):
        _motive, three, six, twelve = EXAMPLE[record.reference]
        record.situation_3_months, record.situation_6_months, record.situation_12_months = three, six, twelve
        record.support_hours_internal = Decimal(40)
        record.support_hours_external = Decimal(6) if record.reference in MET_OUTSIDE else Decimal(0)
        record.training_entries = int(record.reference in TRAINED)
        record.training_support_actions = 2 if record.reference in PREPARED else 0
        record.save()
    for prescriber, positioned, hired in POSITIONINGS:
        PrescriberPositioning.objects.create(
            structure=structure, year=2009, prescriber=prescriber, positioned=positioned, hired=hired
        )
    full_time = CustomRateDefinition.objects.create(
        name="Emploi durable seulement à temps plein", durable_requires_full_time=True
    )
    without_chomage = CustomRateDefinition.objects.create(name="Sans le chômage", excluded_motives=["chomage"])
    return build_report(
        Structure.objects.filter(pk=structure.pk), 2009, custom_definitions=[full_time, without_chomage]
    )


def percent(rate: dict) -> tuple:
    return rate["numerator"], rate["denominator"], round(rate["rate"] * 100, 1)


def test_the_table_is_the_worked_example_of_the_tests(db):
    records = add_worked_example(StructureFactory(kind=Structure.Kind.ACI))
    assert {record.reference: record.exit_motive for record in records} == {
        reference: row[0] for reference, row in EXAMPLE.items()
    }


def test_the_counts(report):
    exits = report["exits"]
    counts = ("total", "eligible", "durable", "transition", "positive", "other", "retraits")
    assert tuple(exits[name] for name in counts) == (20, 19, 4, 3, 3, 7, 2)


def test_the_three_rates(report):
    assert percent(report["rates"]["official"]) == (10, 17, 58.8)
    assert percent(report["rates"]["uriae"]) == (10, 13, 76.9)
    assert percent(report["rates"]["durable"]) == (4, 17, 23.5)


def test_the_custom_definitions(report):
    full_time, without_chomage = report["custom"]
    assert percent(full_time) == (9, 17, 52.9)
    assert percent(without_chomage) == (10, 14, 71.4)


def test_the_follow_up_rates(report):
    followup = report["followup"]
    assert (*percent(followup["3"]), followup["3"]["known"]) == (11, 17, 64.7, 13)
    assert (*percent(followup["6"]), followup["6"]["known"]) == (8, 17, 47.1, 11)
    assert (*percent(followup["12"]), followup["12"]["known"]) == (5, 17, 29.4, 6)


def test_the_complementary_indicators(report):
    complementary = report["complementary"]
    prescribers = complementary["prescribers"]
    assert [(row["prescriber"], round(row["ratio"] * 100, 1)) for row in prescribers["by_prescriber"]] == [
        ("pole_emploi", 40.0),
        ("plie", 50.0),
        ("conseil_general", 25.0),
    ]
    assert (prescribers["positioned"], prescribers["hired"], round(prescribers["ratio"] * 100, 1)) == (48, 19, 39.6)
    assert complementary["support_hours"] == {
        "salaries": 20,
        "internal": 800.0,
        "external": 60.0,
        "internal_per_salarie": 40.0,
        "external_per_salarie": 3.0,
    }
    assert complementary["training"] == {
        "entries": 3,
        "support_actions": 10,
        "entries_per_salarie": 0.15,
        "support_actions_per_salarie": 0.5,
    }
