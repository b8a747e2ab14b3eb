"""The one helper every e-mail goes through (siae_portal/emails.py)."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail

from siae_portal import emails
from tests.factories import UserFactory
from tests.toolbox.factories import ResourceFactory

PUBLISHED = "toolbox/emails/published"


@pytest.fixture
def resource(structure, editor):
    return ResourceFactory(
        title="Livret d'accueil « 2009 » & <b>annexes</b>", provider_network=None, provider_structure=structure
    )


def test_one_message_per_address_with_its_text_and_its_html(resource, editor, advisor):
    sent = emails.send(PUBLISHED, {"resource": resource, "moderator": advisor}, [editor, advisor, editor])
    assert sent == 2
    assert [m.to for m in mail.outbox] == sorted([[editor.email], [advisor.email]])
    for message in mail.outbox:
        assert message.cc == message.bcc == []
        assert message.from_email == django_settings.DEFAULT_FROM_EMAIL
        assert message.subject == "Boîte à outils : « Livret d'accueil « 2009 » & <b>annexes</b> » est publiée"
        # The text says what the user typed; the HTML escapes it.
        assert "Votre proposition « Livret d'accueil « 2009 » & <b>annexes</b> » a été publiée" in message.body
        ((html, mimetype),) = message.alternatives
        assert mimetype == "text/html" and html.startswith("<!doctype html>")
        assert "Livret d&#x27;accueil « 2009 » &amp; &lt;b&gt;annexes&lt;/b&gt;" in html
        assert "<b>annexes" not in html
        assert "<title>Boîte à outils : « Livret d&#x27;accueil « 2009 » &amp; &lt;b&gt;" in html


def test_nobody_to_tell_sends_nothing(resource, advisor):
    assert emails.send(PUBLISHED, {"resource": resource, "moderator": advisor}, []) == 0
    assert mail.outbox == []


def test_a_title_with_a_line_break_cannot_break_the_subject(resource, editor, advisor):
    resource.title = "Livret\r\nBcc: tout-le-monde@example.org"
    emails.send(PUBLISHED, {"resource": resource, "moderator": advisor}, [editor])
    (message,) = mail.outbox
    assert message.subject == "Boîte à outils : « Livret Bcc: tout-le-monde@example.org » est publiée"
    assert message.bcc == []


def test_links_start_with_the_request_or_else_with_portal_base_url(resource, editor, advisor, settings, rf):
    assert emails.portal_url(rf.get("/boite-a-outils/", secure=True)) == "https://testserver"
    context = {"resource": resource, "moderator": advisor}
    emails.send(PUBLISHED, context, [editor], base_url=emails.portal_url(rf.get("/")))
    settings.PORTAL_BASE_URL = "https://portail.example.org/"  # a command, a cron: no request
    emails.send(PUBLISHED, context, [editor])
    from_request, from_setting = mail.outbox
    path = resource.get_absolute_url()
    assert f"Voir la ressource : http://testserver{path}\n" in from_request.body
    assert f"Voir la ressource : https://portail.example.org{path}\n" in from_setting.body
    assert f'href="https://portail.example.org{path}"' in from_setting.alternatives[0][0]


@pytest.mark.parametrize(("backend", "cause"), [("ServerDown", "SMTP injoignable"), ("RecipientRefused", "550")])
def test_a_mail_server_failure_is_logged_then_raised(resource, editor, advisor, settings, caplog, backend, cause):
    settings.EMAIL_BACKEND = f"tests.mail_backends.{backend}"
    second = UserFactory()
    with pytest.raises(emails.MailNotSent):
        emails.send(PUBLISHED, {"resource": resource, "moderator": advisor}, [editor, second])
    assert "« Boîte à outils : « Livret d'accueil" in caplog.text and "2 recipient(s)" in caplog.text
    assert cause in caplog.text


def test_every_e_mail_of_the_project_goes_through_the_helper():
    """The helper is the one place that sends (and, later, records what each user was told)."""
    root = Path(__file__).resolve().parents[2]
    senders = re.compile(r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|EmailMultiAlternatives)")
    skipped = {"tests", "node_modules", "staticfiles", "media", "backups", "loadtest-results"}
    code = []
    for folder, subfolders, files in os.walk(root):
        # Hidden folders too: .git, .venv and the load test's .venv-load.
        subfolders[:] = [name for name in subfolders if name not in skipped and not name.startswith(".")]
        code += [Path(folder) / name for name in files if name.endswith(".py")]
    assert root / "toolbox" / "services.py" in code
    offenders = [
        str(path.relative_to(root))
        for path in code
        if path != root / "siae_portal" / "emails.py" and senders.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
