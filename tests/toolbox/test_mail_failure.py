"""With the mail server down, every moderation step still happens and the user is told the mail did not
leave: a French warning, never a 500 after the database has committed."""

import pytest
from django.urls import reverse

from siae_portal.emails import NOT_SENT_WARNING, MailNotSent
from tests.toolbox.conftest import REASON, form_data, publish_in_admin, resubmit_url
from toolbox.models import Resource
from toolbox.services import publish


def shown(response):
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_the_services_raise_mail_not_sent_once_the_step_is_committed(proposal, advisor, mail_server_down):
    with pytest.raises(MailNotSent):
        publish(proposal, by=advisor)
    assert Resource.objects.get(pk=proposal.pk).is_published


def test_publication(client, advisor, proposal, mail_server_down, caplog):
    client.force_login(advisor)
    response = client.post(reverse("toolbox:publish", args=[proposal.pk]), follow=True)
    assert Resource.objects.get(pk=proposal.pk).is_published
    assert shown(response) == [NOT_SENT_WARNING, "« Modèle de livret d'accueil » est publiée dans la boîte à outils."]
    assert "SMTP injoignable" in caplog.text


def test_refusal(client, advisor, proposal, mail_server_down):
    client.force_login(advisor)
    response = client.post(reverse("toolbox:reject", args=[proposal.pk]), {"reason": REASON}, follow=True)
    resource = Resource.objects.get(pk=proposal.pk)
    assert resource.is_rejected and resource.rejection_reason == REASON
    # Nothing claims that the reason went out by e-mail.
    assert shown(response) == [NOT_SENT_WARNING, "« Modèle de livret d'accueil » est refusée."]


def test_proposal(client, editor, proposal, advisor, mail_server_down):
    client.force_login(editor)
    data = form_data(proposal, title="Fiche de liaison", url="https://outils.example.org/liaison")
    response = client.post(reverse("toolbox:propose"), data, follow=True)
    resource = Resource.objects.get(title="Fiche de liaison")
    assert resource.is_proposed and resource.proposed_by == editor
    messages = shown(response)
    assert messages[0] == NOT_SENT_WARNING and messages[1].startswith("Merci ! Votre proposition « Fiche de liaison »")


# `refused` comes before `mail_server_down`: its refusal is mailed while the server is still up.
def test_resubmission(client, editor, refused, mail_server_down):
    client.force_login(editor)
    response = client.post(resubmit_url(refused), form_data(refused, title="Livret anonymisé"), follow=True)
    resource = Resource.objects.get(pk=refused.pk)
    assert resource.is_proposed and resource.title == "Livret anonymisé"
    assert shown(response) == [NOT_SENT_WARNING, "« Livret anonymisé » est de nouveau proposée."]


def test_admin_action(client, portal_admin, proposal, mail_server_down):
    response = publish_in_admin(client, portal_admin, proposal)
    assert Resource.objects.get(pk=proposal.pk).is_published
    assert shown(response) == ["1 proposition(s) publiée(s).", NOT_SENT_WARNING]
