"""A département filter lists only the départements of the user's scope: an agent's own, the
départements of an advisor's network's structures, all of them for an administrator."""

import re

import pytest
from django.urls import reverse

from dossiers.selectors import departements_in_scope
from siae_portal.reference import DEPARTEMENTS
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db

# Every page with a département filter.
FILTER_PAGES = ["home", "dossiers:dossier_list", "indicators:dashboard", "conventions:tracking"]


def departement_options(page: str) -> list[str]:
    select = re.search(r'<select name="departement".*?</select>', page, re.DOTALL).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


@pytest.fixture
def somme_structure(uriae):
    """A structure of URIAE in the Somme: the advisor's network spans two départements."""
    return StructureFactory(name="Picardie Services", departement="80", networks=[uriae])


@pytest.mark.parametrize("url_name", FILTER_PAGES)
@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent", ["59"]), ("advisor", ["59", "80"]), ("other_advisor", ["62"]), ("portal_admin", DEPARTEMENTS)],
)
def test_the_filter_lists_the_departements_of_the_scope(
    client, request, structure, other_structure, somme_structure, url_name, role, expected
):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse(url_name)).content.decode()
    assert departement_options(page) == ["", *expected]


def test_the_options_are_named(client, agent, structure):
    client.force_login(agent)
    page = client.get(reverse("indicators:dashboard")).content.decode()
    assert '<option value="59">59 - Nord</option>' in page


def test_siae_staff_see_the_departements_of_their_structures(editor, structure, other_structure):
    assert departements_in_scope(editor) == ["59"]


def test_a_departement_outside_the_scope_is_refused(client, agent, structure):
    client.force_login(agent)
    response = client.get(reverse("indicators:dashboard"), {"departement": "62"})
    assert response.context["form"].errors["departement"]
