"""The indicators report: the `indicators` command (json, csv) and the API scope matrix."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from indicators.models import CustomRateDefinition, ExitRecord, PrescriberPositioning
from tests.factories import StructureFactory
from tests.indicators.conftest import add_worked_example
from tests.personas import ROLES

pytestmark = pytest.mark.django_db

WORKED_EXITS = {"total": 20, "eligible": 19, "retraits": 2, "durable": 4, "transition": 3, "positive": 3, "other": 7}
WORKED_RATES = {
    "official": {"numerator": 10, "denominator": 17, "rate": 10 / 17},
    "uriae": {"numerator": 10, "denominator": 13, "rate": 10 / 13},
    "durable": {"numerator": 4, "denominator": 17, "rate": 4 / 17},
}


def api(client, **params):
    return client.get(reverse("indicators:api"), params)


def command(*args):
    out = io.StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_command_json_is_the_worked_example(worked_example, structure):
    ExitRecord.objects.create(
        structure=structure, reference="OTHER-YEAR", entry_date=date(2009, 6, 1), exit_date=date(2010, 1, 1),
        exit_motive="chomage",
    )  # fmt: skip
    report = json.loads(command("--year", "2009", "--structure", structure.siret))
    assert report["scope"] == {
        "type": "structure", "siret": structure.siret, "name": "Nord Recyclage", "kind": "EI", "departement": "59",
        "structures": 1,
    }  # fmt: skip
    assert report["year"] == 2009
    assert report["exits"] == WORKED_EXITS
    assert report["rates"] == WORKED_RATES
    assert round(report["rates"]["official"]["rate"] * 100, 1) == 58.8
    assert round(report["rates"]["uriae"]["rate"] * 100, 1) == 76.9
    assert round(report["rates"]["durable"]["rate"] * 100, 1) == 23.5


def test_command_scopes_and_empty_year(worked_example, structure, other_structure, uriae):
    add_worked_example(other_structure)
    both = json.loads(command("--year", "2009"))
    assert both["exits"]["total"] == 40
    assert both["scope"]["structures"] == 2
    assert json.loads(command("--year", "2009", "--departement", "62"))["exits"]["total"] == 20
    assert json.loads(command("--year", "2009", "--kind", "aci"))["scope"]["code"] == "ACI"
    assert json.loads(command("--year", "2009", "--network", "URIAE"))["exits"]["total"] == 20
    empty = json.loads(command("--year", "2008", "--structure", structure.siret))
    assert empty["exits"]["total"] == 0
    assert empty["rates"]["official"] == {"numerator": 0, "denominator": 0, "rate": None}


def test_command_csv(worked_example, structure):
    rows = list(
        csv.reader(
            io.StringIO(command("--year", "2009", "--structure", structure.siret, "--format", "csv")), delimiter=";"
        )
    )
    assert rows[0] == ["indicateur", "valeur"]
    values = dict(rows[1:])
    assert values["exits.total"] == "20"
    assert values["rates.official.numerator"] == "10"
    assert values["rates.official.denominator"] == "17"
    assert float(values["rates.official.rate"]) == pytest.approx(10 / 17)
    assert values["scope.siret"] == structure.siret


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "deux-mille"], "year"),
        (["--year", "2009", "--structure", "12345"], "14 chiffres"),
        (["--year", "2009", "--structure", "35600000000048"], "Aucune structure"),
        (["--year", "2009", "--departement", "99"], "Département inconnu"),
        (["--year", "2009", "--kind", "SCOP"], "Type de structure inconnu"),
        (["--year", "2009", "--network", "INCONNU"], "Réseau inconnu"),
    ],
)
def test_command_errors(db, args, message):
    with pytest.raises(CommandError, match=message):
        command(*args)


def test_custom_definitions_complementary_and_followup_in_the_report(worked_example, structure, uriae, coorace):
    CustomRateDefinition.objects.create(name="Durable à temps plein (DDTEFP 59)", durable_requires_full_time=True)
    CustomRateDefinition.objects.create(name="Réseau COORACE", network=coorace, excluded_motives=["chomage"])
    CustomRateDefinition.objects.create(name="Inactive", is_active=False)
    PrescriberPositioning.objects.create(structure=structure, year=2009, prescriber="plie", positioned=10, hired=4)
    PrescriberPositioning.objects.create(
        structure=structure, year=2009, prescriber="pole_emploi", positioned=30, hired=6
    )
    ExitRecord.objects.filter(reference__in=["EX-000", "EX-004"]).update(
        situation_6_months="cdi_non_aide", support_hours_internal=40, support_hours_external=10, training_entries=1
    )
    ExitRecord.objects.filter(reference="EX-012").update(situation_6_months="chomage", training_support_actions=3)
    report = json.loads(command("--year", "2009", "--structure", structure.siret))
    # The portal-wide active definition only (COORACE's belongs to another network, the inactive one is off).
    assert [(c["label"], c["numerator"], c["denominator"]) for c in report["custom"]] == [
        ("Durable à temps plein (DDTEFP 59)", 9, 17)  # the cdd_6m_plus exit is not full time
    ]
    assert report["followup"]["6"] == {"numerator": 2, "denominator": 17, "rate": 2 / 17, "known": 3}
    assert report["followup"]["3"]["rate"] == 0.0
    complementary = report["complementary"]
    assert complementary["prescribers"]["positioned"] == 40
    assert complementary["prescribers"]["hired"] == 10
    assert complementary["prescribers"]["ratio"] == 0.25
    assert [p["prescriber"] for p in complementary["prescribers"]["by_prescriber"]] == ["pole_emploi", "plie"]
    assert complementary["support_hours"] == {
        "salaries": 20, "internal": 80.0, "external": 20.0, "internal_per_salarie": 4.0, "external_per_salarie": 1.0
    }  # fmt: skip
    assert complementary["training"]["entries"] == 2
    assert complementary["training"]["support_actions"] == 3


# --- API ------------------------------------------------------------------------------------------

SEES = {"editor", "reader", "advisor", "agent", "portal_admin"}


@pytest.mark.parametrize("role", ROLES)
def test_api_structure_matrix(client, request, worked_example, structure, role):
    client.force_login(request.getfixturevalue(role))
    response = api(client, year=2009, structure=structure.siret)
    if role in SEES:
        assert response.status_code == 200
        data = response.json()
        assert data["exits"] == WORKED_EXITS
        assert data["rates"] == WORKED_RATES
    else:
        assert response.status_code == 404
        assert "périmètre" in response.json()["error"]


@pytest.mark.parametrize(
    ("role", "departement", "status"),
    [
        ("agent", "59", 200),
        ("agent", "62", 404),
        ("other_agent", "62", 200),
        ("advisor", "59", 200),  # sees its network's structure there
        ("advisor", "62", 404),
        ("editor", "59", 200),
        ("other_editor", "59", 404),
        ("portal_admin", "62", 200),
        ("orphan", "59", 404),
    ],
)
def test_api_departement_matrix(client, request, worked_example, other_structure, role, departement, status):
    client.force_login(request.getfixturevalue(role))
    response = api(client, year=2009, departement=departement)
    assert response.status_code == status
    if status == 200 and departement == "59":
        assert response.json()["exits"]["total"] == 20
        assert response.json()["scope"]["label"] == "59 - Nord"


@pytest.mark.parametrize(
    ("role", "network", "status", "total"),
    [
        ("advisor", "URIAE", 200, 20),
        ("advisor", "COORACE", 404, None),
        ("other_advisor", "COORACE", 200, 20),
        ("agent", "URIAE", 200, 20),  # Nord Recyclage is in its département
        ("other_agent", "URIAE", 404, None),
        ("portal_admin", "uriae", 200, 20),
        ("editor", "COORACE", 404, None),
        ("advisor", "FEI", 404, None),  # unknown network
    ],
)
def test_api_network_matrix(client, request, worked_example, other_structure, role, network, status, total):
    add_worked_example(other_structure)
    client.force_login(request.getfixturevalue(role))
    response = api(client, year=2009, network=network)
    assert response.status_code == status
    if total is not None:
        assert response.json()["exits"]["total"] == total


@pytest.mark.parametrize(
    ("role", "total"),
    [("portal_admin", 40), ("advisor", 20), ("other_agent", 20), ("editor", 20), ("orphan", 0)],
)
def test_api_kind_and_all_are_limited_to_what_the_user_sees(
    client, request, worked_example, other_structure, role, total
):
    add_worked_example(other_structure)
    client.force_login(request.getfixturevalue(role))
    assert api(client, year=2009).json()["exits"]["total"] == total
    ei_total = api(client, year=2009, kind="EI").json()["exits"]["total"]
    assert ei_total == (20 if role in {"portal_admin", "advisor", "editor"} else 0)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "« year » est obligatoire"),
        ({"year": "2009x"}, "« year » est obligatoire"),
        ({"year": "1900"}, "hors de la plage"),
        ({"year": "2009", "structure": "abc"}, "SIRET de 14 chiffres"),
        ({"year": "2009", "structure": "²" * 14}, "SIRET de 14 chiffres"),  # digits for isdigit(), not a SIRET
        ({"year": "2009", "departement": "100"}, "Département inconnu"),
        ({"year": "2009", "kind": "SCOP"}, "Type de structure inconnu"),
        ({"year": "2009", "kind": "EI", "departement": "59"}, "au plus un périmètre"),
        ({"year": "2009", "annee": "2009"}, "Paramètre(s) inconnu(s) : annee"),
    ],
)
def test_api_bad_parameters_are_400_in_french(client, portal_admin, params, message):
    client.force_login(portal_admin)
    response = api(client, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]


def test_api_anonymous_gets_401(client, structure):
    response = api(client, year=2009, structure=structure.siret)
    assert response.status_code == 401
    assert "connectez-vous" in response.json()["error"]


def test_api_exact_json_of_the_worked_example_for_an_aci(client, portal_admin):
    aci = StructureFactory(name="Chantier exemple", kind="ACI", departement="62")
    add_worked_example(aci)
    client.force_login(portal_admin)
    data = api(client, year=2009, structure=aci.siret).json()
    assert {key: data[key] for key in ("scope", "year", "exits", "rates")} == {
        "scope": {
            "type": "structure", "siret": aci.siret, "name": "Chantier exemple", "kind": "ACI", "departement": "62",
            "structures": 1,
        },
        "year": 2009,
        "exits": WORKED_EXITS,
        "rates": WORKED_RATES,
    }  # fmt: skip


def test_api_custom_definitions_follow_the_reader(client, worked_example, advisor, other_advisor, uriae, coorace):
    CustomRateDefinition.objects.create(name="Portail", excluded_motives=["chomage"])
    CustomRateDefinition.objects.create(name="URIAE temps plein", network=uriae, durable_requires_full_time=True)
    CustomRateDefinition.objects.create(name="COORACE", network=coorace)
    client.force_login(advisor)
    labels = [c["label"] for c in api(client, year=2009, departement="59").json()["custom"]]
    assert labels == ["Portail", "URIAE temps plein"]
    client.force_login(other_advisor)
    assert [c["label"] for c in api(client, year=2009).json()["custom"]] == ["COORACE", "Portail"]


def test_api_query_count_is_constant(client, portal_admin, django_assert_num_queries, uriae):
    for _ in range(5):
        add_worked_example(StructureFactory(networks=[uriae]))
    client.force_login(portal_admin)
    # Session, user, memberships, network, custom definitions, then the report: one GROUP BY over
    # the exits (rates, follow-ups, support and training) and one over the positionings.
    with django_assert_num_queries(8):
        response = api(client, year=2009, network="URIAE")
    assert response.json()["exits"]["total"] == 100
