"""Custom rate definitions: advisors for their network, administrators for all or the portal."""

import pytest
from django.urls import reverse

from indicators.models import CustomRateDefinition
from tests.personas import ROLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def uriae_definition(uriae):
    return CustomRateDefinition.objects.create(
        name="URIAE : durable à temps plein", network=uriae, durable_requires_full_time=True
    )


@pytest.fixture
def portal_definition(db):
    return CustomRateDefinition.objects.create(
        name="Portail : sans les ruptures d'essai", excluded_motives=["rupture_essai"]
    )


@pytest.fixture
def coorace_definition(coorace):
    return CustomRateDefinition.objects.create(
        name="COORACE : sans les inactifs", network=coorace, excluded_motives=["inactif"]
    )


# Who sees which definition in the list (editor and reader work in a URIAE structure).
VISIBLE = {
    "editor": {"uriae", "portail"},
    "reader": {"uriae", "portail"},
    "other_editor": {"coorace", "portail"},
    "advisor": {"uriae", "portail"},
    "other_advisor": {"coorace", "portail"},
    "agent": {"portail"},
    "other_agent": {"portail"},
    "portal_admin": {"uriae", "portail", "coorace"},
    "orphan": {"portail"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.usefixtures("uriae_definition", "portal_definition", "coorace_definition", "structure", "other_structure")
def test_list_matrix(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("indicators:definition_list"))
    assert response.status_code == 200
    names = {row["definition"].name.split(" ")[0].lower() for row in response.context["rows"]}
    assert names == VISIBLE[role]
    assert ("Nouvelle définition" in response.text) == (role in {"advisor", "other_advisor", "portal_admin"})


@pytest.mark.parametrize("role", ROLES)
def test_create_matrix(client, request, role, uriae, coorace):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("indicators:definition_create")
    get = client.get(url)
    network = coorace if role == "other_advisor" else uriae
    post = client.post(
        url,
        {"name": "Durable temps plein", "excluded_motives": ["inactif"], "durable_requires_full_time": "on",
         "network": network.pk, "is_active": "on"},
    )  # fmt: skip
    if role in {"advisor", "other_advisor", "portal_admin"}:
        assert get.status_code == 200
        assert post.status_code == 302
        definition = CustomRateDefinition.objects.get()
        assert (definition.network, definition.excluded_motives, definition.created_by) == (network, ["inactif"], user)
    else:
        assert get.status_code == post.status_code == 403
        assert not CustomRateDefinition.objects.exists()


def test_advisor_cannot_define_for_another_network_nor_for_the_portal(client, advisor, coorace):
    client.force_login(advisor)
    url = reverse("indicators:definition_create")
    response = client.post(url, {"name": "Pour COORACE", "network": coorace.pk, "is_active": "on"})
    assert response.status_code == 200
    assert "network" in response.context["form"].errors
    response = client.post(url, {"name": "Pour tous", "network": "", "is_active": "on"})
    assert "network" in response.context["form"].errors
    assert not CustomRateDefinition.objects.exists()


def test_admin_defines_a_portal_wide_rate_and_retraits_are_not_offered(client, portal_admin):
    client.force_login(portal_admin)
    response = client.get(reverse("indicators:definition_create"))
    assert "deces" not in [code for code, _ in response.context["form"].fields["excluded_motives"].choices]
    client.post(reverse("indicators:definition_create"), {"name": "Portail", "network": "", "is_active": "on"})
    assert CustomRateDefinition.objects.get().network is None


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("advisor", 200),
        ("other_advisor", 404),
        ("editor", 403),  # sees its network's definition, cannot change it
        ("reader", 403),
        ("agent", 404),
        ("other_editor", 404),
        ("other_agent", 404),
        ("portal_admin", 200),
    ],
)
def test_edit_and_toggle_matrix(client, request, uriae_definition, role, expected):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("indicators:definition_edit", args=[uriae_definition.pk])).status_code == expected
    response = client.post(reverse("indicators:definition_toggle", args=[uriae_definition.pk]))
    uriae_definition.refresh_from_db()
    if expected == 200:
        assert response.status_code == 302
        assert not uriae_definition.is_active
    else:
        assert response.status_code == expected
        assert uriae_definition.is_active


def test_advisor_cannot_edit_a_portal_definition(client, advisor, portal_definition):
    client.force_login(advisor)
    assert client.get(reverse("indicators:definition_edit", args=[portal_definition.pk])).status_code == 403


def test_advisor_edits_and_reactivates(client, advisor, uriae, uriae_definition):
    client.force_login(advisor)
    response = client.post(
        reverse("indicators:definition_edit", args=[uriae_definition.pk]),
        {"name": "URIAE v2", "excluded_motives": ["sans_nouvelle", "inactif"], "network": uriae.pk},
    )
    assert response.status_code == 302
    uriae_definition.refresh_from_db()
    assert (uriae_definition.name, uriae_definition.excluded_motives, uriae_definition.is_active) == (
        "URIAE v2",
        ["inactif", "sans_nouvelle"],
        False,
    )
    client.post(reverse("indicators:definition_toggle", args=[uriae_definition.pk]))
    uriae_definition.refresh_from_db()
    assert uriae_definition.is_active


def test_inactive_definitions_are_hidden_from_readers(client, editor, uriae_definition):
    uriae_definition.is_active = False
    uriae_definition.save()
    client.force_login(editor)
    assert client.get(reverse("indicators:definition_list")).context["rows"] == []


def test_anonymous_is_sent_to_login(client, uriae_definition):
    for url in (
        reverse("indicators:definition_list"),
        reverse("indicators:definition_create"),
        reverse("indicators:definition_edit", args=[uriae_definition.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url
