"""`send_reminders` with a frozen day (--date): who is reminded, 15, 7 and 1 days before each deadline,
never twice, not for a closed campaign, and caught up after a mail server failure."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Notification
from dossiers import workflow
from dossiers.calculations import reminder_stage
from dossiers.models import Campaign, Dossier
from tests.commands import sent_by
from tests.dossiers.conftest import make_campaign
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SUBMISSION = date(2009, 3, 15)  # make_campaign's deadlines
REVIEW = date(2009, 3, 1)


@pytest.fixture
def campaign():
    return make_campaign(2009, codes=[])


def run(day: date) -> list:
    """The messages a run on `day` sends."""
    return sent_by("send_reminders", day)


def days_around(deadline: date, before=20, after=3):
    return [deadline + timedelta(days=offset) for offset in range(-before, after + 1)]


@pytest.mark.parametrize(
    ("days_left", "stage"), [(16, None), (15, 15), (8, 15), (7, 7), (2, 7), (1, 1), (0, 1), (-1, None)]
)
def test_the_most_urgent_reminder_reached_is_due(days_left, stage):
    assert reminder_stage(SUBMISSION, SUBMISSION - timedelta(days=days_left)) == stage


def test_a_structure_not_started_is_reminded_15_7_and_1_days_before_once_each(campaign, editor, structure, settings):
    settings.PORTAL_BASE_URL = "https://portail.example.org"
    sent = {day: run(day) for day in days_around(SUBMISSION)}
    reminded = {day: messages for day, messages in sent.items() if messages}
    assert list(reminded) == [date(2009, 2, 28), date(2009, 3, 8), date(2009, 3, 14)]
    subjects = [message.subject for (message,) in reminded.values()]
    assert subjects == [
        f"Dossier 2009 de {structure.name} : date limite de transmission dans {days} jours" for days in (15, 7)
    ] + [f"Dossier 2009 de {structure.name} : date limite de transmission dans 1 jour"]
    first = reminded[date(2009, 2, 28)][0]
    assert first.to == [editor.email]
    assert "n'est pas encore commencé : la date limite de transmission à la DDTEFP est le 15 mars 2009" in first.body
    assert f"https://portail.example.org/structures/{structure.pk}/" in first.body
    assert f'href="https://portail.example.org/structures/{structure.pk}/"' in first.alternatives[0][0]
    keys = set(Notification.objects.filter(user=editor).values_list("key", flat=True))
    assert keys == {f"reminder:submission:{structure.pk}:2009:{days}" for days in (15, 7, 1)}


def test_a_draft_is_reminded_with_its_link_and_a_dossier_further_on_is_not(
    campaign, structure, other_structure, editor, other_editor
):
    draft = Dossier.objects.create(structure=structure, campaign=campaign)
    Dossier.objects.create(structure=other_structure, campaign=campaign, status=workflow.IN_REVIEW)
    (message,) = run(SUBMISSION - timedelta(days=7))
    assert message.to == [editor.email]
    assert "est encore en brouillon" in message.body
    assert f"/dossiers/{draft.pk}/" in message.body


def test_only_the_active_editors_are_reminded(campaign, structure, editor, reader):
    gone = MembershipFactory(role=Membership.Role.SIAE_EDITOR, structure=structure)
    gone.deactivate()
    assert [message.to for message in run(SUBMISSION - timedelta(days=1))] == [[editor.email]]


def test_a_run_after_missed_days_sends_only_the_most_urgent_reminder(campaign, editor):
    (message,) = run(SUBMISSION - timedelta(days=5))  # nothing ran at D-15 nor D-7
    assert "dans 5 jours" in message.subject
    assert Notification.objects.get().key.endswith(":7")
    assert run(SUBMISSION - timedelta(days=4)) == []


def test_nothing_for_a_closed_or_not_yet_opened_campaign(campaign, editor):
    assert run(SUBMISSION + timedelta(days=1)) == []
    Campaign.objects.create(
        year=2010,
        title="Conventionnement 2010",
        opens_on=date(2009, 4, 10),
        review_deadline=date(2009, 4, 15),
        submission_deadline=date(2009, 4, 20),
    )
    assert run(date(2009, 4, 9)) == []  # 11 days before, but not open yet
    assert len(run(date(2009, 4, 10))) == 1
    assert Notification.objects.count() == 1


def test_a_mail_failure_is_caught_up_the_next_day_without_duplicate(campaign, editor, settings, caplog):
    settings.EMAIL_BACKEND = "tests.mail_backends.ServerDown"
    with pytest.raises(CommandError, match="1 rappel"):
        run(SUBMISSION - timedelta(days=7))
    assert "not sent to 1 recipient(s)" in caplog.text
    (failed,) = Notification.objects.all()
    assert failed.sent_at is None and failed.key.endswith(":7")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    (message,) = run(SUBMISSION - timedelta(days=6))
    assert "dans 6 jours" in message.subject
    (row,) = Notification.objects.all()  # the failed row, now sent
    assert row.pk == failed.pk and row.sent_at is not None and row.subject == message.subject
    assert run(SUBMISSION - timedelta(days=6)) == []
    assert run(SUBMISSION - timedelta(days=2)) == []


def test_the_advisors_with_reviews_waiting_are_reminded_before_the_review_deadline(
    campaign, structure, other_structure, advisor, other_advisor
):
    Dossier.objects.create(structure=structure, campaign=campaign, status=workflow.IN_REVIEW)
    Dossier.objects.create(structure=other_structure, campaign=campaign)  # a draft: nothing to review
    sent = {day: run(day) for day in days_around(REVIEW)}
    reminded = {day: [m.to for m in messages] for day, messages in sent.items() if messages}
    assert reminded == {
        date(2009, 2, 14): [[advisor.email]],
        date(2009, 2, 22): [[advisor.email]],
        date(2009, 2, 28): [[advisor.email]],
    }
    (message,) = sent[date(2009, 2, 22)]
    assert message.subject == "1 relecture en attente : date limite dans 7 jours (campagne 2009)"
    assert f"- {structure.name} (" in message.body and f"/dossiers/{structure.dossiers.get().pk}/" in message.body
    assert "?campaign=2009&status=in_review" in message.body


def test_the_command_refuses_a_date_it_cannot_read(campaign):
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("send_reminders", "--date", "15/03/2009")
