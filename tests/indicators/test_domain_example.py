"""The worked example of docs/domain.md, computed by the portal's own code: every figure the document
gives is asserted here, so that the document and the code cannot drift apart."""

from decimal import Decimal

import pytest

from dossiers.models import Structure
from indicators.models import CustomRateDefinition, ExitRecord, PrescriberPositioning
from indicators.reports import build_report
from tests.factories import StructureFactory
from tests.indicators.conftest import add_worked_example

# Situations observed at 3, 6 and 12 months, by the reference of docs/domain.md's table ("" unknown).
SITUATIONS = {
    "EX-000": ("cdi_non_aide", "cdi_non_aide", "cdi_non_aide"),
    "EX-001": ("cdi_non_aide", "cdi_non_aide", "cdi_non_aide"),
    "EX-002": ("cdi_non_aide", "cdi_non_aide", "cdi_non_aide"),
    "EX-003": ("cdd_6m_plus", "cdi_non_aide", "cdi_non_aide"),
    "EX-004": ("contrat_aide", "chomage", ""),
    "EX-005": ("cdd_moins_6m", "contrat_aide", ""),
    "EX-006": ("cdd_moins_6m", "", ""),
    "EX-007": ("formation_qualifiante", "formation_qualifiante", "cdd_moins_6m"),
    "EX-008": ("formation_qualifiante", "formation_qualifiante", ""),
    "EX-009": ("formation_qualifiante", "chomage", ""),
    "EX-010": ("cdd_moins_6m", "cdd_moins_6m", "chomage"),
    "EX-011": ("chomage", "chomage", ""),
    "EX-012": ("chomage", "", ""),
    "EX-018": ("", "cdi_non_aide", ""),  # the congé de longue durée: a retrait, left out
    "EX-SHORT": ("cdi_non_aide", "", ""),  # not eligible: left out
}
MET_OUTSIDE = {f"EX-{n:03d}" for n in range(10)}  # 6 hours with outside interlocutors each
TRAINED = {"EX-007", "EX-008", "EX-009"}  # one entry into training each
PREPARED = {"EX-004", "EX-010", "EX-011", "EX-012", "EX-013"}  # two actions toward training each
POSITIONINGS = [("pole_emploi", 30, 12), ("plie", 10, 5), ("conseil_general", 8, 2)]


@pytest.fixture
def report(db):
    structure = StructureFactory(name="Atelier exemple", kind=Structure.Kind.ACI)
    add_worked_example(structure)
    for record in ExitRecord.objects.filter(structure=structure):
        three, six, twelve = SITUATIONS.get(record.reference, ("", "", ""))
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


def test_the_counts(report):
    assert report["exits"] == {
        "total": 20,
        "eligible": 19,
        "retraits": 2,
        "durable": 4,
        "transition": 3,
        "positive": 3,
        "other": 7,
    }


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
