"""The dossier list's text search: a structure's name (any part, any case) or its SIRET (its
beginning, spaces allowed), within what the user may see and combined with the other filters."""

import pytest
from django.urls import reverse

from dossiers.models import Dossier
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


def _listed(client, **params):
    response = client.get(reverse("dossiers:dossier_list"), {"campaign": "2009", **params})
    assert response.status_code == 200
    return {dossier.structure.name for dossier in response.context["page"].object_list}


@pytest.fixture
def dossiers(campaign, structure, uriae):
    jardin = StructureFactory(name="Les Jardins de Lomme", siret="73282932000074", kind="ACI", departement="59")
    jardin.networks.add(uriae)
    Dossier.objects.create(structure=structure, campaign=campaign)
    Dossier.objects.create(structure=jardin, campaign=campaign)
    return structure, jardin


def test_the_search_finds_a_name_or_a_siret(client, advisor, dossiers):
    structure, jardin = dossiers
    client.force_login(advisor)
    assert _listed(client) == {structure.name, jardin.name}
    assert _listed(client, q="jardins") == {jardin.name}
    assert _listed(client, q="732 829 320") == {jardin.name}
    assert _listed(client, q=structure.siret[:9]) == {structure.name}
    assert _listed(client, q="  ") == {structure.name, jardin.name}
    assert _listed(client, q="introuvable") == set()
    assert _listed(client, q="jardins", kind="EI") == set()


def test_the_search_stays_within_the_users_scope(client, other_advisor, dossiers):
    structure, jardin = dossiers
    client.force_login(other_advisor)
    assert _listed(client, q="jardins") == set()
    assert _listed(client, q=jardin.siret) == set()


def test_the_field_is_on_the_page(client, advisor, dossiers):
    client.force_login(advisor)
    response = client.get(reverse("dossiers:dossier_list"), {"q": "jardins"})
    assert 'name="q"' in response.text and 'value="jardins"' in response.text
