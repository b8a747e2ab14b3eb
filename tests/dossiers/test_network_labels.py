"""Pages name a network (« CHANTIER école »), never by its code (CHANTIER_ECOLE, for files)."""

import pytest
from django.urls import reverse

from dossiers.models import Network
from indicators.models import CustomRateDefinition
from tests.factories import NetworkFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chantier():
    return NetworkFactory(code="CHANTIER_ECOLE", name="CHANTIER école")


@pytest.fixture
def jardins(chantier):
    return StructureFactory(name="Jardins de Lomme", kind="ACI", departement="59", networks=[chantier])


def test_a_short_name_labels_the_network_and_a_long_one_gives_way_to_the_code():
    assert Network(code="CHANTIER_ECOLE", name="CHANTIER école").label == "CHANTIER école"
    assert Network(code="FEI", name="Fédération des entreprises d'insertion (ex-CNEI)").label == "FEI"


@pytest.mark.parametrize("url_name", ["home", "structure_detail", "definition_list"])
def test_pages_show_the_networks_name(client, portal_admin, chantier, jardins, url_name):
    CustomRateDefinition.objects.create(name="Chantiers", network=chantier, created_by=portal_admin)
    client.force_login(portal_admin)
    url = {
        "home": reverse("home"),
        "structure_detail": reverse("dossiers:structure_detail", args=[jardins.pk]),
        "definition_list": reverse("indicators:definition_list"),
    }[url_name]
    page = client.get(url).content.decode()
    assert "CHANTIER école" in page
    assert "CHANTIER_ECOLE" not in page
