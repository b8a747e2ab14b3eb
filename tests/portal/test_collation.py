"""French alphabetical order, the same in Python, on SQLite and on PostgreSQL (the CI runs this
file on both): accents and case do not decide before the letters do."""

import pytest
from django.urls import reverse

from dossiers.models import Structure
from siae_portal.collation import French, compare_french
from siae_portal.words import french_key
from tests.factories import StructureFactory

NAMES = ["Bruay Services", "Bâtir Ensemble", "atelier du Cœur", "Élan", "Eco Chantier", "Zèbre", "Ecole d'Arras"]
FRENCH_ORDER = [
    "atelier du Cœur",
    "Bâtir Ensemble",
    "Bruay Services",
    "Eco Chantier",
    "Ecole d'Arras",
    "Élan",
    "Zèbre",
]


def test_the_pure_key_follows_french_order():
    assert sorted(NAMES, key=french_key) == FRENCH_ORDER
    assert sorted(NAMES) != FRENCH_ORDER  # the code point order puts "Zèbre" before "atelier", "Élan" last
    assert french_key("Cœur") < french_key("Coffre")  # œ is o + e
    assert compare_french("Bâtir", "Bruay") == -1 and compare_french("Bruay", "Bâtir") == 1
    assert compare_french("Élan", "Élan") == 0
    # Ties between spellings that differ only by accents or case are broken, always the same way.
    assert sorted(["élan", "Elan", "elan"], key=french_key) == sorted(["elan", "élan", "Elan"], key=french_key)


@pytest.mark.django_db
def test_the_database_sorts_in_french_order():
    for name in NAMES:
        StructureFactory(name=name)
    assert list(Structure.objects.order_by(French("name")).values_list("name", flat=True)) == FRENCH_ORDER
    assert list(Structure.objects.values_list("name", flat=True)) == FRENCH_ORDER  # Meta.ordering


@pytest.mark.django_db
def test_the_structure_list_and_the_dashboard_table_read_in_french_order(client, portal_admin):
    for name in NAMES:
        StructureFactory(name=name)
    client.force_login(portal_admin)
    page = client.get(reverse("home")).content.decode()
    positions = [page.index(name.replace("'", "&#x27;")) for name in FRENCH_ORDER]
    assert positions == sorted(positions)
    table = client.get(reverse("indicators:dashboard"), {"sort": "name"}).context["page"].object_list
    names = [row.name for row in table if row.name in NAMES]
    assert names == FRENCH_ORDER
