"""A refused proposal is corrected by its proposer (or an administrator) and goes back to moderation."""

from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from tests.toolbox.conftest import REASON, ROLES, form_data, resubmit_url
from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource
from toolbox.services import ModerationError, publish, reject, resubmit

RESUBMITS = {"editor", "portal_admin"}  # the proposer, an administrator
SEES_REFUSAL = {"editor", "advisor", "portal_admin"}  # as today: the proposer, the URIAE moderator, admins


# --- Transitions --------------------------------------------------------------------------------


def test_the_refusal_mail_tells_the_proposer_it_may_correct_it(proposal, advisor, editor):
    reject(proposal, by=advisor, reason=REASON, base_url="https://portail.example.org")
    (message,) = mail.outbox
    assert "Vous pouvez la corriger et la proposer à nouveau depuis sa page" in message.body
    assert f"https://portail.example.org/boite-a-outils/{proposal.pk}/" in message.body


def test_resubmit_puts_a_refused_proposal_back_in_moderation_and_tells_the_moderators(
    client, editor, refused, advisor
):
    client.force_login(editor)
    refused_at = refused.moderated_at
    response = client.post(resubmit_url(refused), form_data(refused, title="Livret d'accueil anonymisé"))
    assert response.status_code == 302 and response.url == refused.get_absolute_url()
    resource = Resource.objects.get(pk=refused.pk)
    assert resource.status == Resource.Status.PROPOSED
    assert resource.title == "Livret d'accueil anonymisé"
    assert resource.summary == "Le livret, sans aucun nom de salarié."
    assert resource.proposed_by == editor and resource.proposed_at > refused_at
    # The refusal stays on the resource, as the previous decision, until the next one.
    assert (resource.rejection_reason, resource.moderated_by, resource.moderated_at) == (REASON, advisor, refused_at)
    assert resource.was_refused
    (message,) = mail.outbox
    assert message.to == [advisor.email] and message.cc == message.bcc == []
    assert "proposition corrigée « Livret d'accueil anonymisé »" in message.subject
    assert f"Motif du refus précédent :\n{REASON}" in message.body
    assert f"/boite-a-outils/{resource.pk}/" in message.body
    page = client.get(resource.get_absolute_url())
    assert "En attente de modération" in page.text and "Refus précédent" in page.text
    assert "Corriger et proposer à nouveau" not in page.text


def test_the_next_decision_replaces_the_previous_refusal(refused, editor, advisor):
    resubmit(refused, by=editor)
    reject(refused, by=advisor, reason="Le nom figure encore en page 2.")
    resource = Resource.objects.get(pk=refused.pk)
    assert resource.is_rejected and resource.rejection_reason == "Le nom figure encore en page 2."
    resubmit(resource, by=editor)
    published = publish(resource, by=advisor)
    assert published.is_published and published.rejection_reason == "" and not published.was_refused


@pytest.mark.parametrize("status", ["proposed", "published"])
def test_only_a_refused_resource_can_be_resubmitted(client, editor, proposal, advisor, status):
    if status == "published":
        publish(proposal, by=advisor)
        mail.outbox.clear()
    before = Resource.objects.get(pk=proposal.pk)
    with pytest.raises(ModerationError, match="seule une proposition refusée"):
        resubmit(before, by=editor)
    client.force_login(editor)
    page = client.get(resubmit_url(proposal), follow=True)
    assert "seule une proposition refusée" in page.text
    response = client.post(resubmit_url(proposal), form_data(proposal, title="Autre titre"), follow=True)
    assert "seule une proposition refusée" in response.text
    after = Resource.objects.get(pk=proposal.pk)
    assert (after.status, after.title, after.proposed_at) == (before.status, before.title, before.proposed_at)
    assert mail.outbox == []


def test_resubmitting_twice_sends_one_message(client, editor, refused):
    client.force_login(editor)
    client.post(resubmit_url(refused), form_data(refused))
    response = client.post(resubmit_url(refused), form_data(refused, title="Encore"), follow=True)
    assert "seule une proposition refusée" in response.text
    assert Resource.objects.get(pk=refused.pk).title == refused.title
    assert len(mail.outbox) == 1


def test_an_invalid_correction_changes_nothing(client, editor, refused):
    client.force_login(editor)
    response = client.post(resubmit_url(refused), form_data(refused, title="", url="https://outils.example.org/x"))
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.text
    assert escape("pas les deux") in response.text  # the current file and a link
    resource = Resource.objects.get(pk=refused.pk)
    assert resource.is_rejected and resource.title == refused.title
    assert mail.outbox == []


def test_the_file_can_be_replaced_and_the_old_one_goes(
    client, editor, refused, pdf_bytes, settings, django_capture_on_commit_callbacks
):
    old = Path(refused.file.path)
    client.force_login(editor)
    upload = SimpleUploadedFile("livret-anonymise.pdf", pdf_bytes, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resubmit_url(refused), {**form_data(refused), "file": upload})
    assert response.status_code == 302
    resource = Resource.objects.get(pk=refused.pk)
    assert resource.file.name.endswith("livret-anonymise.pdf")
    assert (resource.file_type, resource.file_size) == ("pdf", len(pdf_bytes))
    assert not old.exists() and Path(resource.file.path).exists()


def test_the_file_can_give_way_to_a_link(client, editor, refused, django_capture_on_commit_callbacks):
    old = Path(refused.file.path)
    client.force_login(editor)
    data = form_data(refused, url="https://outils.example.org/livret", remove_file="on")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(resubmit_url(refused), data).status_code == 302
    resource = Resource.objects.get(pk=refused.pk)
    assert resource.url == "https://outils.example.org/livret" and not resource.file
    assert (resource.file_type, resource.file_size) == ("", None)
    assert not old.exists()


def test_the_form_starts_from_the_resource_and_keeps_its_file(client, editor, refused):
    client.force_login(editor)
    page = client.get(resubmit_url(refused))
    form = page.context["form"]
    assert form.initial["kinds"] == refused.kinds and form.initial["title"] == refused.title
    assert form.initial["provider"] == f"structure:{refused.provider_structure_id}"
    assert escape(REASON) in page.text
    assert reverse("toolbox:download", args=[refused.pk]) in page.text  # never a MEDIA_URL link
    assert client.post(resubmit_url(refused), form_data(refused)).status_code == 302
    assert Resource.objects.get(pk=refused.pk).file.name == refused.file.name


def test_an_administrator_resubmits_on_behalf_of_the_proposer(client, portal_admin, editor, refused):
    client.force_login(portal_admin)
    assert client.post(resubmit_url(refused), form_data(refused)).status_code == 302
    resource = Resource.objects.get(pk=refused.pk)
    assert resource.is_proposed and resource.proposed_by == editor
    assert str(portal_admin) in mail.outbox[0].body


def test_the_moderation_queue_marks_a_corrected_proposal(client, editor, advisor, refused):
    resubmit(refused, by=editor)
    client.force_login(advisor)
    response = client.get(reverse("toolbox:moderation"))
    assert list(response.context["page"].object_list) == [refused]
    assert "Corrigée après un refus" in response.text


def test_a_proposal_without_advisor_is_resubmitted_to_the_administrators(portal_admin, orphan):
    from tests.factories import NetworkFactory

    network = NetworkFactory(code="FEI")
    resource = ResourceFactory(provider_network=network, proposed_by=orphan, proposal=True)
    reject(resource, by=portal_admin, reason="Merci d'ajouter un mode d'emploi.")
    mail.outbox.clear()
    resubmit(resource, by=orphan)
    assert [m.to for m in mail.outbox] == [[portal_admin.email]]


# --- Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_refused_resource_page_matrix(client, login, role, refused):
    login(role)
    response = client.get(refused.get_absolute_url())
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response.url
        return
    assert response.status_code == (200 if role in SEES_REFUSAL else 404)  # unchanged
    if response.status_code == 200:
        assert escape(REASON) in response.text
        assert ("Corriger et proposer à nouveau" in response.text) == (role in RESUBMITS)
        assert (resubmit_url(refused) in response.text) == (role in RESUBMITS)


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_resubmit_page_matrix(client, login, role, refused):
    login(role)
    page = client.get(resubmit_url(refused))
    response = client.post(resubmit_url(refused), form_data(refused, title="Titre corrigé"))
    resource = Resource.objects.get(pk=refused.pk)
    if role == "anonymous":
        assert page.status_code == response.status_code == 302 and "/login/" in response.url
    elif role in RESUBMITS:
        assert page.status_code == 200 and "Corriger et proposer à nouveau" in page.text
        assert response.status_code == 302 and response.url == refused.get_absolute_url()
        assert resource.is_proposed and resource.title == "Titre corrigé"
        assert len(mail.outbox) == 1
        return
    else:
        assert page.status_code == response.status_code == (403 if role in SEES_REFUSAL else 404)
    assert resource.is_rejected and resource.title == refused.title
    assert mail.outbox == []
