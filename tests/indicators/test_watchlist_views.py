from datetime import date

import pytest
from django.urls import reverse

from indicators.models import ExitRecord
from tests.factories import StructureFactory
from tests.personas import ROLES

URL = reverse("indicators:watchlist")
EXPECTED = {role: 404 for role in ROLES} | {
    "advisor": 200,
    "other_advisor": 200,
    "agent": 200,
    "other_agent": 200,
    "portal_admin": 200,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, request, client):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == EXPECTED[role]


@pytest.mark.django_db
def test_anonymous_goes_to_login(client):
    assert client.get(URL).status_code == 302


def _low_durable(structure, year=2009):
    for n in range(2):
        ExitRecord.objects.create(
            structure=structure,
            reference=f"W{structure.pk}-{n}",
            entry_date=date(year - 1, 1, 5),
            exit_date=date(year, 9, 30),
            exit_motive="chomage",
        )


@pytest.mark.django_db
def test_advisor_reads_the_reasons_of_its_network_only(client, advisor, structure, other_structure):
    _low_durable(structure)
    _low_durable(other_structure)
    client.force_login(advisor)
    page = client.get(URL, {"year": 2009}).content.decode()
    assert "Nord Recyclage" in page and "Chantier de l&#x27;Artois" not in page
    assert "Taux d&#x27;emploi durable sous 25 % en 2009 : 0,0 % (0/2)." in page


@pytest.mark.django_db
def test_a_year_out_of_range_falls_back_to_the_last_full_year(client, advisor):
    client.force_login(advisor)
    response = client.get(URL, {"year": 1500})
    assert response.status_code == 200
    assert response.context["year"] == date.today().year - 1


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 10])
def test_page_query_count_does_not_grow(n, client, advisor, uriae, django_assert_max_num_queries):
    for _ in range(n):
        _low_durable(StructureFactory(networks=[uriae]))
    client.force_login(advisor)
    client.get(URL, {"year": 2009})  # warm the session
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"year": 2009})
    assert len(response.context["rows"]) == n
