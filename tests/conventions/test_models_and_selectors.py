"""The database constraints of conventions, the workflow's services and `objective_results()`."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from conventions import services
from conventions.models import Convention, ConventionYear, Objective
from conventions.selectors import convention_tracking, objective_results
from conventions.services import ConventionError, ObjectiveInput
from indicators.models import CustomRateDefinition
from tests.factories import StructureFactory

from .conftest import add_exits, make_convention

pytestmark = pytest.mark.django_db


def test_two_agreed_conventions_cannot_cover_the_same_year_in_the_database(structure, agent):
    first = make_convention(structure, first_year=2007, last_year=2009, agreed_by=agent)
    second = make_convention(structure, first_year=2009, last_year=2011)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConventionYear.objects.filter(convention=second, year=2009).update(agreed=True)
    assert first.status == "agreed"


def test_the_service_refuses_an_overlapping_agreement_in_french_and_changes_nothing(structure, agent):
    make_convention(structure, first_year=2007, last_year=2009, agreed_by=agent)
    second = make_convention(structure, first_year=2009, last_year=2011)
    with pytest.raises(ConventionError, match="Une convention conclue couvre déjà 2009"):
        services.agree(second, agent)
    second.refresh_from_db()
    assert second.status == "proposed"
    assert not ConventionYear.objects.filter(convention=second, agreed=True).exists()


def test_proposals_may_overlap_and_other_structures_are_free(structure, agent):
    make_convention(structure, first_year=2007, last_year=2009, agreed_by=agent)
    make_convention(structure, first_year=2008, last_year=2010)
    make_convention(StructureFactory(), first_year=2007, last_year=2009, agreed_by=agent)
    assert ConventionYear.objects.filter(agreed=True).count() == 6


def test_a_closed_convention_frees_its_years(structure, agent):
    first = make_convention(structure, first_year=2007, last_year=2009, agreed_by=agent)
    services.close(first, agent)
    second = make_convention(structure, first_year=2009, last_year=2010, agreed_by=agent)
    assert second.status == "agreed"


def test_a_convention_covers_one_to_three_years(structure):
    with pytest.raises(ConventionError, match="au plus 3 ans"):
        make_convention(structure, first_year=2007, last_year=2010)
    assert not Convention.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.create(structure=structure, first_year=2007, last_year=2010)
    with pytest.raises(IntegrityError), transaction.atomic():
        Convention.objects.create(structure=structure, first_year=2009, last_year=2008)


def test_a_rate_target_stays_between_0_and_1(structure):
    convention = make_convention(structure)
    row = convention.convention_years.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(convention_year=row, indicator="transition", target=Decimal("1.5"))
    Objective.objects.create(convention_year=row, indicator="transition", target=Decimal("0.15"))


def test_objective_results_measure_each_agreed_objective(structure, other_structure, editor, agent):
    # 2008: 12 eligible exits, 7 dynamic (4 durable): 58.3 % against 60 %, one exit is 8.3 points.
    add_exits(
        structure, 2008, ["cdi_non_aide"] * 4 + ["cdd_moins_6m"] * 2 + ["formation_qualifiante"] + ["chomage"] * 5
    )
    add_exits(structure, 2008, ["deces"], prefix="R")  # a retrait: counted in exits, out of the rates
    make_convention(structure, editor, agreed_by=agent, exits=14, durable="0.30")
    make_convention(other_structure, first_year=2008, last_year=2008)  # proposed only: absent

    results = objective_results([structure.pk, other_structure.pk], 2008)

    assert list(results) == [structure.pk]
    by_indicator = {r.indicator: r for r in results[structure.pk]}
    assert [r.indicator for r in results[structure.pk]] == ["exits", "official", "durable"]
    exits, official, durable = by_indicator["exits"], by_indicator["official"], by_indicator["durable"]
    assert (exits.actual, exits.target, exits.gap, exits.reached, exits.within_margin) == (13, 14, -1, False, True)
    assert (official.numerator, official.denominator) == (7, 12)
    assert official.gap == pytest.approx(7 / 12 - 0.6) and official.status == "within_margin"
    assert (durable.numerator, durable.denominator, durable.reached, durable.within_margin) == (4, 12, True, False)
    assert official.year_to_date is False
    assert official.as_dict() == {
        "indicator": "official",
        "definition": "Taux de sortie dynamique (officiel)",
        "target": 0.6,
        "actual": 0.5833,
        "numerator": 7,
        "denominator": 12,
        "gap": -0.0167,
        "reached": False,
        "within_margin": True,
        "year_to_date": False,
    }


def test_an_objective_measured_with_a_custom_definition(structure, editor, agent):
    # Durable employment only in a full-time job: the département's rule.
    definition = CustomRateDefinition.objects.create(
        name="CDI temps plein", departement="59", durable_requires_full_time=True
    )
    add_exits(structure, 2008, ["cdi_non_aide"] * 2, full_time=True)
    add_exits(structure, 2008, ["cdi_non_aide"] * 2 + ["chomage"] * 6, full_time=False, prefix="P")
    convention = make_convention(structure, editor, agreed_by=agent)
    services.set_objectives(
        convention, agent, [ObjectiveInput(2008, "durable", Decimal("0.25"), definition)], reason="Règle du 59"
    )

    (durable,) = [
        r for r in objective_results(structure.__class__.objects.all(), 2008)[structure.pk] if r.indicator == "durable"
    ]

    assert (durable.numerator, durable.denominator) == (2, 10)
    assert durable.key == str(definition.pk) and durable.as_dict()["indicator"] == definition.pk
    assert durable.definition == "Taux d'emploi durable · CDI temps plein"
    # 20 % against 25 %: 5 points short, one exit is 10 points.
    assert durable.status == "within_margin"
    # The official rule would count the four CDI: 40 %.
    official_2007 = objective_results([structure.pk], 2007)[structure.pk]
    assert all(r.custom_definition_id is None for r in official_2007)


def test_objective_results_query_count_does_not_grow(django_assert_num_queries, agent):
    structures = [StructureFactory() for _ in range(3)]
    for s in structures:
        make_convention(s, agreed_by=agent)
        add_exits(s, 2008, ["cdi_non_aide", "chomage"])
    with django_assert_num_queries(2):
        results = objective_results([s.pk for s in structures], 2008)
    assert len(results) == 3
    with django_assert_num_queries(1):
        assert objective_results([s.pk for s in structures], 2015) == {}


def test_convention_tracking_year_by_year(structure, editor, agent, django_assert_num_queries):
    add_exits(structure, 2007, ["cdi_non_aide"] * 3 + ["chomage"])
    convention = make_convention(structure, editor, agreed_by=agent)
    with django_assert_num_queries(3):
        tracked = convention_tracking(convention)
    assert [t.year for t in tracked] == [2007, 2008, 2009]
    official = {t.year: next(r for r in t.results if r.indicator == "official") for t in tracked}
    assert (official[2007].numerator, official[2007].denominator, official[2007].reached) == (3, 4, True)
    assert official[2008].status == "unmeasured"


def test_a_departement_definition_is_seen_in_its_departement_only(structure, editor, agent, other_agent, advisor):
    definition = CustomRateDefinition.objects.create(name="CDI temps plein", departement="59")
    for user, sees in ((agent, True), (editor, True), (other_agent, False), (advisor, False)):
        assert CustomRateDefinition.objects.visible_to(user).filter(pk=definition.pk).exists() is sees
    assert CustomRateDefinition.objects.visible_to(None, structure=structure).filter(pk=definition.pk).exists()
    assert not CustomRateDefinition.objects.visible_to(None).filter(pk=definition.pk).exists()


def test_the_indicators_report_of_a_structure_lists_its_objectives(client, structure, editor, agent):
    add_exits(structure, 2008, ["cdi_non_aide"] * 3 + ["chomage"])
    make_convention(structure, editor, agreed_by=agent, exits=5)
    client.force_login(agent)

    data = client.get("/api/v1/indicators/", {"year": 2008, "structure": structure.siret}).json()

    by_indicator = {o["indicator"]: o for o in data["objectives"]}
    assert set(by_indicator) == {"exits", "official", "durable"}
    assert by_indicator["exits"] | {} == {
        **by_indicator["exits"],
        "target": 5,
        "actual": 4,
        "gap": -1,
        "reached": False,
        "within_margin": True,
    }
    assert (by_indicator["official"]["actual"], by_indicator["official"]["reached"]) == (0.75, True)
    # No convention that year, or not a structure scope: no key.
    assert "objectives" not in client.get("/api/v1/indicators/", {"year": 2012, "structure": structure.siret}).json()
    assert "objectives" not in client.get("/api/v1/indicators/", {"year": 2008, "departement": "59"}).json()


def test_the_indicators_command_prints_the_objectives(structure, editor, agent):
    import json
    from io import StringIO

    from django.core.management import call_command

    add_exits(structure, 2008, ["cdi_non_aide", "chomage"])
    make_convention(structure, editor, agreed_by=agent)
    out = StringIO()
    call_command("indicators", "--year", "2008", "--structure", structure.siret, stdout=out)
    objectives = json.loads(out.getvalue())["objectives"]
    official = next(o for o in objectives if o["indicator"] == "official")
    assert (official["target"], official["actual"], official["numerator"], official["denominator"]) == (0.6, 0.5, 1, 2)
    assert official["within_margin"] is True
