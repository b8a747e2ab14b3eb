"""Every département is named ("59 - Nord"), from siae_portal/data/departements.csv."""

import pytest
from django.template import engines
from django.urls import reverse

from siae_portal.reference import DEPARTEMENT_CHOICES, DEPARTEMENT_NAMES, DEPARTEMENTS, departement_label


def test_the_official_list_has_its_101_departements_in_order():
    assert len(DEPARTEMENTS) == len(DEPARTEMENT_CHOICES) == 101
    assert DEPARTEMENTS[:3] == ["01", "02", "03"] and DEPARTEMENTS[18:22] == ["19", "2A", "2B", "21"]
    assert DEPARTEMENTS[-5:] == ["971", "972", "973", "974", "976"]
    assert "20" not in DEPARTEMENTS and "975" not in DEPARTEMENTS
    assert all(DEPARTEMENT_NAMES.values())


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("59", "59 - Nord"),
        ("01", "01 - Ain"),
        ("2A", "2A - Corse-du-Sud"),
        ("21", "21 - Côte-d'Or"),
        ("90", "90 - Territoire de Belfort"),
        ("974", "974 - La Réunion"),
        ("976", "976 - Mayotte"),
    ],
)
def test_a_departement_is_shown_with_its_name(code, label):
    assert departement_label(code) == label
    assert dict(DEPARTEMENT_CHOICES)[code] == label


def test_every_template_has_the_filter():
    template = engines["django"].from_string("{{ code|departement }}|{{ none|departement }}")
    assert template.render({"code": "62", "none": ""}) == "62 - Pas-de-Calais|"


@pytest.mark.django_db
def test_the_lists_name_the_departement(client, advisor, structure):
    client.force_login(advisor)
    assert "<td>59 - Nord</td>" in client.get(reverse("home")).content.decode()
    page = client.get(reverse("dossiers:structure_detail", args=[structure.pk])).content.decode()
    assert "59 - Nord" in page
