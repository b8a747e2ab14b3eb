import pytest
from django.urls import reverse

from dossiers.models import Structure
from tests.dossiers.conftest import ROLES
from tests.factories import StructureFactory
from tests.personas import get_as, login_as

# Who sees the structure "Nord Recyclage" (EI, Nord, URIAE) and who may edit it.
SEES = {"editor", "reader", "advisor", "agent", "portal_admin"}
EDITS = {"editor", "portal_admin"}


@pytest.mark.parametrize("role", ROLES)
def test_detail_matrix(client, request, structure, role):
    response = get_as(client, request, role, reverse("dossiers:structure_detail", args=[structure.pk]), sees=SEES)
    if role in SEES:
        assert "Nord Recyclage" in response.text
        assert ("Modifier la fiche" in response.text) == (role in EDITS)


@pytest.mark.parametrize("role", ROLES)
def test_edit_page_matrix(client, request, structure, role):
    login_as(client, request, role)
    response = client.get(reverse("dossiers:structure_edit", args=[structure.pk]))
    expected = 200 if role in EDITS else 403 if role in SEES else 404
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_edit_post_matrix(client, request, structure, role):
    login_as(client, request, role)
    response = client.post(
        reverse("dossiers:structure_edit", args=[structure.pk]),
        {"name": "Nouveau nom", "commune": "Lille", "address": "", "activity": "Tri"},
    )
    structure.refresh_from_db()
    if role in EDITS and role != "portal_admin":
        assert response.status_code == 302
        assert structure.name == "Nouveau nom"
    else:
        assert structure.name == "Nord Recyclage"
        assert response.status_code in ({200} if role == "portal_admin" else {403} if role in SEES else {404})


@pytest.mark.parametrize(
    "url", ["home", "dossiers:structure_detail", "dossiers:structure_edit", "password_change", "admin:index"]
)
def test_anonymous_is_sent_to_login(client, structure, url):
    args = [structure.pk] if url.startswith("dossiers:") else []
    response = client.get(reverse(url, args=args))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_login_and_password_reset_pages_are_public(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200


def test_editor_cannot_change_identity_fields(client, editor, structure):
    client.force_login(editor)
    client.post(
        reverse("dossiers:structure_edit", args=[structure.pk]),
        {"name": "Nord Recyclage", "commune": "Roubaix", "departement": "62", "siret": "35600000000048"},
    )
    structure.refresh_from_db()
    assert structure.departement == "59"
    assert structure.siret != "35600000000048"


@pytest.mark.parametrize("posted", [[], ["coorace"], ["uriae", "coorace"]])
def test_editor_cannot_move_the_structure_between_networks(client, request, editor, advisor, structure, posted):
    # The networks decide which advisors see the structure and its dossiers: only administrators change them.
    client.force_login(editor)
    response = client.post(
        reverse("dossiers:structure_edit", args=[structure.pk]),
        {
            "name": "Nord Recyclage",
            "commune": "Roubaix",
            "activity": "Tri",
            "networks": [request.getfixturevalue(code).pk for code in posted],
        },
    )
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.activity == "Tri"
    assert [n.code for n in structure.networks.all()] == ["URIAE"]
    assert "networks" not in client.get(reverse("dossiers:structure_edit", args=[structure.pk])).context["form"].fields
    client.force_login(advisor)
    assert client.get(reverse("dossiers:structure_detail", args=[structure.pk])).status_code == 200


def _admin_form(structure, **changes):
    """The administrator's structure form as `structure` stands, every field filled in, with `changes`."""
    return {
        "name": structure.name,
        "siret": structure.siret,
        "kind": structure.kind,
        "departement": structure.departement,
        "commune": structure.commune,
        "networks": [network.pk for network in structure.networks.all()],
        "insertion_posts_etp": str(structure.insertion_posts_etp),
        **changes,
    }


def test_admin_edits_identity_and_a_wrong_siret_is_refused(client, portal_admin, structure):
    client.force_login(portal_admin)
    data = _admin_form(structure, siret="35600000000049", insertion_posts_etp="18.5")
    response = client.post(reverse("dossiers:structure_edit", args=[structure.pk]), data)
    assert response.status_code == 200
    assert "clé de contrôle" in response.text
    data["siret"] = "356 000 000 00048"
    response = client.post(reverse("dossiers:structure_edit", args=[structure.pk]), data)
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.siret == "35600000000048"
    assert str(structure.insertion_posts_etp) == "18.50"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("editor", {"Nord Recyclage"}),
        ("advisor", {"Nord Recyclage"}),
        ("other_advisor", {"Chantier de l'Artois"}),
        ("agent", {"Nord Recyclage"}),
        ("other_agent", {"Chantier de l'Artois"}),
        ("portal_admin", {"Nord Recyclage", "Chantier de l'Artois"}),
        ("orphan", set()),
    ],
)
def test_home_lists_the_role_structures(client, request, structure, other_structure, role, expected):
    login_as(client, request, role)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    listed = {s.name for s in response.context["page"].object_list}
    assert listed == expected


def test_home_filters_by_kind_departement_and_search(client, advisor, uriae):
    StructureFactory(name="Atelier Vélo", kind="ACI", departement="59", networks=[uriae])
    StructureFactory(name="AI du Pévèle", kind="AI", departement="59", networks=[uriae])
    target = StructureFactory(name="Jardins d'Arras", kind="ACI", departement="62", networks=[uriae])
    client.force_login(advisor)

    def names(**params):
        return {s.name for s in client.get(reverse("home"), params).context["page"].object_list}

    assert names(kind="ACI") == {"Atelier Vélo", "Jardins d'Arras"}
    assert names(kind="ACI", departement="62") == {"Jardins d'Arras"}
    assert names(q="pévèle") == {"AI du Pévèle"}
    assert names(q=target.siret[:9]) == {"Jardins d'Arras"}


def test_home_is_paginated_with_a_constant_number_of_queries(client, advisor, uriae, django_assert_max_num_queries):
    for _ in range(40):
        StructureFactory(networks=[uriae])
    client.force_login(advisor)
    # 8 for the list and the dossiers panel, 1 for the « À faire » panel (one per role), 6 for the
    # Structures à suivre panel (indicators.watchlist), 1 for the départements of the filter.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == Structure.objects.count() == 40
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"), {"page": 2})
    assert len(response.context["page"].object_list) == 15


def test_negative_posts_get_a_clear_french_message_and_change_nothing(client, portal_admin, structure):
    client.force_login(portal_admin)
    data = _admin_form(structure, name="Autre nom", insertion_posts_etp="-3")
    response = client.post(reverse("dossiers:structure_edit", args=[structure.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "insertion_posts_etp": ["Le nombre de postes d'insertion ne peut pas être négatif."]
    }
    structure.refresh_from_db()
    assert structure.name == "Nord Recyclage"
