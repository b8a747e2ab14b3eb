import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from tests.toolbox.conftest import ROLES
from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource

PAGES = ["toolbox:browse", "toolbox:propose", "toolbox:mine"]


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize("name", PAGES)
def test_pages_for_every_logged_in_user(client, login, role, name, public_resource):
    login(role)
    response = client.get(reverse(name))
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response.url
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_detail_and_download_of_a_public_resource(client, login, role, public_resource):
    login(role)
    detail = client.get(reverse("toolbox:detail", args=[public_resource.pk]))
    preview = client.get(reverse("toolbox:download", args=[public_resource.pk]))
    public_resource.refresh_from_db()
    assert public_resource.download_count == 0  # a GET never writes: only the page's button counts
    download = client.post(reverse("toolbox:download", args=[public_resource.pk]))
    public_resource.refresh_from_db()
    if role == "anonymous":
        assert detail.status_code == download.status_code == preview.status_code == 302
        assert public_resource.download_count == 0
        return
    assert preview.status_code == 200
    assert detail.status_code == 200
    assert escape("Grille d'entretien de recrutement") in detail.text
    assert "Télécharger (PDF" in detail.text
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="grille-d-entretien-de-recrutement.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert public_resource.download_count == 1
    # Moderation details (who proposed it) are for the proposer and the moderators only.
    assert ("Modération" in detail.text) == (role == "portal_admin" or role == "other_advisor")


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_proposal_pages_matrix(client, login, role, proposal):
    login(role)
    detail = client.get(reverse("toolbox:detail", args=[proposal.pk]))
    download = client.get(reverse("toolbox:download", args=[proposal.pk]))
    if role == "anonymous":
        assert detail.status_code == 302
    elif role in {"editor", "advisor", "portal_admin"}:
        assert detail.status_code == download.status_code == 200
        assert "En attente de modération" in detail.text
        assert ("Publier" in detail.text) == (role != "editor")
    else:
        assert detail.status_code == download.status_code == 404
    proposal.refresh_from_db()
    assert proposal.download_count == 0  # previews of a proposal are not downloads


def test_link_redirects_and_counts_atomically(client, editor, uriae):
    resource = ResourceFactory(provider_network=uriae, url="https://outils.example.org/cedre", download_count=41)
    client.force_login(editor)
    response = client.get(reverse("toolbox:link", args=[resource.pk]))
    assert response.status_code == 302 and response.url == "https://outils.example.org/cedre"
    resource.refresh_from_db()
    assert resource.download_count == 41  # a GET never writes
    response = client.post(reverse("toolbox:link", args=[resource.pk]))
    assert response.status_code == 303 and response.url == "https://outils.example.org/cedre"
    resource.refresh_from_db()
    assert resource.download_count == 42
    assert client.get(reverse("toolbox:download", args=[resource.pk])).status_code == 404  # no file


def test_file_resource_has_no_link_and_a_missing_file_is_404(client, editor, public_resource):
    client.force_login(editor)
    assert client.get(reverse("toolbox:link", args=[public_resource.pk])).status_code == 404
    Path(public_resource.file.path).unlink()
    assert client.get(reverse("toolbox:download", args=[public_resource.pk])).status_code == 404
    public_resource.refresh_from_db()
    assert public_resource.download_count == 0


def test_uploaded_files_are_not_served_from_media_url(client, editor, public_resource):
    client.force_login(editor)
    assert client.get("/media/" + public_resource.file.name).status_code == 404


def _form_data(structure, **overrides):
    data = {
        "title": "Grille d'entretien des ouvriers du tri",
        "summary": "Les questions que nous posons aux candidats positionnés par le PLIE.",
        "axis": "1",
        "kinds": ["EI", "ACI"],
        "category": "recrutement",
        "provider": f"structure:{structure.pk}" if structure else "",
        "url": "",
        "tags": "Entretien, recrutement ; entretien, Tri",
        "restricted_to": "",
    }
    data.update(overrides)
    return data


def test_propose_a_file(client, editor, structure, pdf_bytes, settings):
    client.force_login(editor)
    form_page = client.get(reverse("toolbox:propose"))
    assert form_page.context["form"].initial["provider"] == f"structure:{structure.pk}"
    data = _form_data(structure, file=SimpleUploadedFile("grille.pdf", pdf_bytes, content_type="application/pdf"))
    response = client.post(reverse("toolbox:propose"), data)
    resource = Resource.objects.get()
    assert response.status_code == 302 and response.url == resource.get_absolute_url()
    assert resource.status == Resource.Status.PROPOSED
    assert resource.proposed_by == editor
    assert resource.provider_structure == structure and resource.provider_network is None
    assert resource.kinds == ["EI", "ACI"]
    assert resource.tags == "entretien, recrutement, tri"
    assert (resource.file_type, resource.file_size) == ("pdf", len(pdf_bytes))
    stored = Path(resource.file.path)
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT)) and stored.read_bytes() == pdf_bytes
    mine = client.get(reverse("toolbox:mine"))
    assert list(mine.context["page"].object_list) == [resource]
    assert "proposée" in mine.text


def test_propose_a_link_for_a_network(client, advisor, uriae):
    client.force_login(advisor)
    data = _form_data(None, provider=f"network:{uriae.pk}", url="https://uriae.example.org/outils", kinds=["AI"])
    data["restricted_to"] = uriae.pk
    assert client.post(reverse("toolbox:propose"), data).status_code == 302
    resource = Resource.objects.get()
    assert resource.provider_network == uriae and resource.restricted_to == uriae
    assert resource.url == "https://uriae.example.org/outils" and not resource.file


def _exe():
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200


def _zip_with_exe():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("setup.exe", _exe())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("grille.pdf", _exe(), "n'est pas d'un type accepté"),  # a renamed executable
        ("grille.docx", _zip_with_exe(), "n'est pas d'un type accepté"),
        ("grille.pdf", b"", "vide"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(client, editor, structure, settings, name, content, message):
    client.force_login(editor)
    data = _form_data(structure, file=SimpleUploadedFile(name, content))
    response = client.post(reverse("toolbox:propose"), data)
    assert response.status_code == 200
    assert escape(message) in response.text
    assert not Resource.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [path for path in media.rglob("*") if path.is_file()]


def test_oversized_file_is_refused(client, editor, structure):
    client.force_login(editor)
    content = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 10)
    response = client.post(
        reverse("toolbox:propose"), _form_data(structure, file=SimpleUploadedFile("a.pdf", content))
    )
    assert "la limite est de 10" in response.text
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "Joignez un fichier ou indiquez un lien"),
        ({"url": "javascript:alert(1)"}, "Saisissez une URL valide"),
        ({"kinds": []}, "Cochez au moins un type de structure"),
        ({"provider": "structure:999999"}, "Sélectionnez un choix valide"),
        ({"provider": ""}, "Ce champ est obligatoire"),
        ({"axis": "9"}, "Sélectionnez un choix valide"),
    ],
)
def test_invalid_proposals_change_nothing(client, editor, structure, overrides, message):
    client.force_login(editor)
    response = client.post(reverse("toolbox:propose"), _form_data(structure, **overrides))
    assert response.status_code == 200
    assert escape(message) in response.text
    assert not Resource.objects.exists()


def test_file_and_link_together_are_refused(client, editor, structure, pdf_bytes):
    client.force_login(editor)
    data = _form_data(structure, url="https://outils.example.org/x", file=SimpleUploadedFile("a.pdf", pdf_bytes))
    response = client.post(reverse("toolbox:propose"), data)
    assert "pas les deux" in response.text
    assert not Resource.objects.exists()


def test_cannot_propose_for_another_structure_or_restrict_to_a_foreign_network(
    client, editor, structure, other_structure, coorace
):
    client.force_login(editor)
    response = client.post(
        reverse("toolbox:propose"), _form_data(structure, provider=f"structure:{other_structure.pk}")
    )
    assert "Sélectionnez un choix valide" in response.text
    response = client.post(
        reverse("toolbox:propose"), _form_data(structure, url="https://x.example.org/", restricted_to=coorace.pk)
    )
    assert "Sélectionnez un choix valide" in response.text
    assert not Resource.objects.exists()


def test_browse_filters_and_sorts(client, editor, uriae, coorace, structure):
    ResourceFactory(title="Business plan", provider_network=uriae, axis="4", category="economie", download_count=3)
    ResourceFactory(title="Léa", provider_network=coorace, axis="2", category="logiciels", download_count=50)
    c = ResourceFactory(
        title="Livret d'accueil", provider_network=None, provider_structure=structure, axis="1", download_count=7
    )
    c.kinds = ["EI"]
    c.save()
    ResourceFactory(title="Refusé", provider_network=uriae, status="rejected", rejection_reason="Doublon")
    client.force_login(editor)

    def titles(**params):
        return [r.title for r in client.get(reverse("toolbox:browse"), params).context["page"].object_list]

    assert titles() == ["Livret d'accueil", "Léa", "Business plan"]  # newest first, published only
    assert titles(sort="downloads") == ["Léa", "Livret d'accueil", "Business plan"]
    assert titles(axis="4") == ["Business plan"]
    assert titles(category="logiciels") == ["Léa"]
    assert titles(kind="ACI") == ["Léa", "Business plan"]
    assert titles(provider=f"network:{coorace.pk}") == ["Léa"]
    assert titles(provider=f"structure:{structure.pk}") == ["Livret d'accueil"]
    assert titles(axis="99", sort="nonsense") == ["Livret d'accueil", "Léa", "Business plan"]  # ignored
    providers = client.get(reverse("toolbox:browse")).context["filter_form"].fields["provider"].choices
    assert providers[1] == (
        "Réseaux",
        [(f"network:{coorace.pk}", "COORACE"), (f"network:{uriae.pk}", "URIAE Nord-Pas-de-Calais")],
    )
    assert providers[2] == ("Structures", [(f"structure:{structure.pk}", structure.name)])


def test_browse_is_paginated_with_a_constant_number_of_queries(
    client, other_editor, uriae, coorace, structure, django_assert_max_num_queries
):
    for n in range(30):
        ResourceFactory(provider_network=[uriae, coorace][n % 2], restricted_to=coorace if n % 5 == 0 else None)
    for _n in range(15):
        ResourceFactory(provider_network=None, provider_structure=structure)
    client.force_login(other_editor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("toolbox:browse"))
    assert response.context["page"].paginator.count == 45
    assert len(response.context["page"].object_list) == 20
    with django_assert_max_num_queries(8):
        response = client.get(reverse("toolbox:browse"), {"page": 3, "sort": "downloads", "kind": "EI", "q": "outil"})
    assert len(response.context["page"].object_list) == 5


def test_my_proposals_show_the_rejection_reason_with_constant_queries(
    client, editor, structure, django_assert_max_num_queries
):
    for _n in range(10):
        ResourceFactory(provider_network=None, provider_structure=structure, proposed_by=editor, proposal=True)
    ResourceFactory(
        provider_network=None,
        provider_structure=structure,
        proposed_by=editor,
        status="rejected",
        rejection_reason="Retirez les noms des salariés.",
    )
    client.force_login(editor)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("toolbox:mine"))
    assert response.context["page"].paginator.count == 11
    assert "Retirez les noms des salariés." in response.text


def test_nav_entry(client, editor):
    client.force_login(editor)
    response = client.get(reverse("home"))
    assert f'href="{reverse("toolbox:browse")}">Boîte à outils</a>' in response.text


def test_detail_and_propose_pages_have_a_constant_number_of_queries(
    client, advisor, proposal, restricted_resource, django_assert_max_num_queries
):
    client.force_login(advisor)
    for resource in (proposal, restricted_resource):
        with django_assert_max_num_queries(7):
            response = client.get(reverse("toolbox:detail", args=[resource.pk]))
        assert response.status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(reverse("toolbox:propose")).status_code == 200


def test_restricted_link_is_404_to_non_members(client, other_editor, editor, uriae):
    resource = ResourceFactory(provider_network=uriae, restricted_to=uriae, url="https://uriae.example.org/lea")
    client.force_login(other_editor)
    assert client.get(reverse("toolbox:link", args=[resource.pk])).status_code == 404
    client.force_login(editor)
    assert client.get(reverse("toolbox:link", args=[resource.pk])).url == "https://uriae.example.org/lea"
