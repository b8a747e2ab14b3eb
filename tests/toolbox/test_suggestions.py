import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import StructureFactory
from tests.toolbox.factories import ResourceFactory

TEMPLATE = Template("{% load toolbox_tags %}{% toolbox_suggestions axis structure user %}")


def render(axis, structure, user):
    return TEMPLATE.render(Context({"axis": axis, "structure": structure, "user": user}))


@pytest.fixture
def tools(uriae, coorace):
    """For an EI ("structure") on axis 1: what should and should not be suggested."""
    ei_axis1 = ResourceFactory(title="Grille d'entretien EI", axis="1", provider_network=uriae, download_count=5)
    ei_axis1.kinds = ["EI"]
    ei_axis1.save()
    transversal = ResourceFactory(title="Certification CEDRE", axis="transversal", provider_network=coorace)
    aci_only = ResourceFactory(title="Mallette prévention ACI", axis="1", provider_network=uriae, download_count=3)
    aci_only.kinds = ["ACI"]
    aci_only.save()
    ResourceFactory(title="Plan de financement", axis="4", provider_network=uriae)
    ResourceFactory(title="Outil réservé COORACE", axis="1", provider_network=coorace, restricted_to=coorace)
    ResourceFactory(title="Proposition en attente", axis="1", provider_network=uriae, proposal=True)
    return {"ei_axis1": ei_axis1, "transversal": transversal}


def _titles(html):
    return [line.split(">", 1)[1].split("<", 1)[0] for line in html.split('<li class="mb-1"><a ')[1:]]


def test_suggests_published_visible_tools_of_the_axis_and_kind(tools, structure, editor):
    html = render(1, structure, editor)
    assert "Outils utiles pour cet axe" in html
    # The axis's own tools first, then the transversal ones.
    assert _titles(html) == ["Grille d&#x27;entretien EI", "Certification CEDRE"]
    assert f'href="{tools["ei_axis1"].get_absolute_url()}"' in html
    assert "?axis=1&amp;kind=EI" in html


def test_axis_may_be_given_as_text_or_object(tools, structure, editor):
    class AxisObject:
        number = 1

    assert _titles(render("1", structure, editor)) == _titles(render(AxisObject(), structure, editor))
    assert _titles(render(4, structure, editor)) == ["Plan de financement", "Certification CEDRE"]


def test_restricted_tools_only_for_members(tools, other_structure, other_editor, coorace):
    # "other_structure" is an ACI of COORACE: it gets the ACI tool and the COORACE-only tool.
    assert _titles(render(1, other_structure, other_editor)) == [
        "Mallette prévention ACI",
        "Outil réservé COORACE",
        "Certification CEDRE",
    ]


def test_at_most_five_with_a_constant_number_of_queries(uriae, structure, editor):
    for n in range(8):
        ResourceFactory(title=f"Outil {n}", axis="2", provider_network=uriae, download_count=n)
    editor.scope  # noqa: B018 - loaded once per request by the page anyway
    with CaptureQueriesContext(connection) as queries:
        html = render(2, structure, editor)
    assert len(queries) == 1
    assert _titles(html) == ["Outil 7", "Outil 6", "Outil 5", "Outil 4", "Outil 3"]


def test_empty_and_unknown_axis(structure, editor, db):
    assert "Pas encore d'outil partagé" in render(3, structure, editor)
    html = render("9", structure, editor)
    assert _titles(html) == [] and "Voir la boîte à outils" not in html


def test_structure_kind_matters(uriae, editor):
    etti = StructureFactory(kind="ETTI", networks=[uriae])
    tool = ResourceFactory(title="Dossier FGR ETTI", axis="4", provider_network=uriae)
    tool.kinds = ["ETTI"]
    tool.save()
    assert _titles(render(4, etti, editor)) == ["Dossier FGR ETTI"]


def test_dossier_axis_page_shows_the_suggestions(client, editor, other_editor, structure, other_structure, tools):
    from dossiers.models import Dossier
    from tests.dossiers.conftest import make_campaign

    campaign = make_campaign(2009)
    dossier = Dossier.objects.create(structure=structure, campaign=campaign)
    client.force_login(editor)
    response = client.get(reverse("dossiers:axis", args=[dossier.pk, 1]))
    assert "Outils utiles pour cet axe" in response.text
    assert f'href="{tools["ei_axis1"].get_absolute_url()}"' in response.text
    assert "Mallette prévention ACI" not in response.text  # an EI's page: no ACI-only tool
    # The ACI of COORACE gets its own kind's and network's tools.
    other = Dossier.objects.create(structure=other_structure, campaign=campaign)
    client.force_login(other_editor)
    response = client.get(reverse("dossiers:axis", args=[other.pk, 1]))
    assert "Mallette prévention ACI" in response.text and "Outil réservé COORACE" in response.text
