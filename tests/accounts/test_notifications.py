"""Every e-mail is recorded for its recipient (siae_portal/emails.py `send`), and the user reads them on
its notifications page; the account page holds the weekly digest opt-out."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Notification
from siae_portal import emails
from tests.factories import UserFactory
from tests.toolbox.factories import ResourceFactory

PUBLISHED = "toolbox/emails/published"


@pytest.fixture
def message_context(structure, advisor):
    resource = ResourceFactory(title="Livret d'accueil", provider_network=None, provider_structure=structure)
    return {"resource": resource, "moderator": advisor}


def test_each_message_is_recorded_for_its_recipient_and_marked_sent(message_context, editor, reader):
    assert emails.send(PUBLISHED, message_context, [editor, reader]) == 2
    rows = Notification.objects.order_by("user__email")
    assert [row.user for row in rows] == sorted([editor, reader], key=lambda u: u.email)
    for row in rows:
        assert row.template == PUBLISHED and row.key == "" and row.sent_at is not None
        assert row.subject == "Boîte à outils : « Livret d'accueil » est publiée"
        assert "Votre proposition « Livret d'accueil » a été publiée" in row.body
    assert {m.body for m in mail.outbox} == {row.body for row in rows}


def test_a_mail_server_failure_leaves_the_rows_not_sent(message_context, editor, mail_server_down):
    with pytest.raises(emails.MailNotSent):
        emails.send(PUBLISHED, message_context, [editor])
    (row,) = Notification.objects.all()
    assert row.sent_at is None and row.user == editor


def test_a_failure_halfway_marks_exactly_who_got_it(message_context, settings, caplog):
    settings.EMAIL_BACKEND = "tests.mail_backends.FailsAfterOne"
    first, second = UserFactory(email="a@example.org"), UserFactory(email="b@example.org")
    with pytest.raises(emails.MailNotSent):
        emails.send(PUBLISHED, message_context, [second, first], key="rappel")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "not sent to 1 recipient(s)" in caplog.text
    sent = {row.user.email: row.is_sent for row in Notification.objects.select_related("user")}
    assert sent == {"a@example.org": True, "b@example.org": False}
    # The next try with the same key reaches only the one who missed it, in the same row.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert emails.send(PUBLISHED, message_context, [first, second], key="rappel") == 1
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    assert Notification.objects.count() == 2 and not Notification.objects.filter(sent_at=None).exists()


def test_a_keyed_message_leaves_once(message_context, editor):
    assert emails.send(PUBLISHED, message_context, [editor], key="rappel:1") == 1
    assert emails.send(PUBLISHED, message_context, [editor], key="rappel:1") == 0
    assert emails.send(PUBLISHED, message_context, [editor], key="rappel:2") == 1
    assert len(mail.outbox) == 2
    assert sorted(Notification.objects.values_list("key", flat=True)) == ["rappel:1", "rappel:2"]


# --- The notifications page ------------------------------------------------------------------------


def _notify(user, subject="Rappel", sent=True, **fields):
    from django.utils import timezone

    return Notification.objects.create(
        user=user,
        template="dossiers/emails/reminder",
        subject=subject,
        body=f"{subject} : le texte du message.",
        sent_at=timezone.now() if sent else None,
        **fields,
    )


def test_the_page_lists_the_users_own_messages_and_says_which_did_not_leave(client, editor, advisor):
    _notify(editor, "Votre dossier est validé")
    _notify(editor, "Relance du dossier", sent=False)
    _notify(advisor, "Relecture demandée")
    client.force_login(editor)
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert "Votre dossier est validé" in page and "Relance du dossier : le texte du message." in page
    assert page.count("non envoyé") == 1
    assert "Relecture demandée" not in page


def test_a_message_reads_in_full_and_another_users_answers_404(client, editor, advisor):
    own, others = _notify(editor, "Votre dossier est validé"), _notify(advisor, "Relecture demandée")
    client.force_login(editor)
    response = client.get(reverse("accounts:notification_detail", args=[own.pk]))
    assert response.status_code == 200 and "Votre dossier est validé : le texte du message." in response.text
    assert client.get(reverse("accounts:notification_detail", args=[others.pk])).status_code == 404
    assert client.get(reverse("accounts:notification_detail", args=[own.pk + others.pk])).status_code == 404


def test_the_page_is_paginated_in_a_constant_number_of_queries(client, editor, django_assert_max_num_queries):
    for number in range(30):
        _notify(editor, f"Message {number}")
    client.force_login(editor)
    with django_assert_max_num_queries(5):  # session, user, count, page
        response = client.get(reverse("accounts:notifications"))
    assert response.text.count("/mon-compte/notifications/") >= 25
    assert "?page=2" in response.text
    with django_assert_max_num_queries(5):
        assert "Message 0" in client.get(reverse("accounts:notifications") + "?page=2").text


def test_an_empty_page_says_so(client, orphan):
    client.force_login(orphan)
    assert "Le portail ne vous a encore envoyé aucun e-mail." in client.get(reverse("accounts:notifications")).text


def test_the_navigation_links_the_account_and_the_notifications(client, editor):
    client.force_login(editor)
    page = client.get(reverse("home")).text
    assert 'href="/mon-compte/"' in page and 'href="/mon-compte/notifications/"' in page


# --- The account page ------------------------------------------------------------------------------


def test_the_account_page_shows_who_the_user_is_and_its_memberships(client, editor, structure):
    editor.last_name = "Martin"
    editor.save()
    client.force_login(editor)
    page = client.get(reverse("accounts:account")).text
    assert "Camille Martin" in page and editor.email in page
    assert f"Salarié de la SIAE (rédacteur) · {structure}" in page
    assert "Recevoir le récapitulatif hebdomadaire" in page


def test_the_digest_opt_out_is_saved(client, advisor):
    assert advisor.receives_digest
    client.force_login(advisor)
    response = client.post(reverse("accounts:account"), {}, follow=True)
    assert "Vous ne recevrez plus le récapitulatif hebdomadaire." in response.text
    advisor.refresh_from_db()
    assert not advisor.receives_digest
    client.post(reverse("accounts:account"), {"receives_digest": "on"})
    advisor.refresh_from_db()
    assert advisor.receives_digest
