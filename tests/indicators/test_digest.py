"""`send_digest` with a frozen day (--date): what advisors and agents are told each week (transmissions
of the last 7 days, signals not told yet, late dossiers), nothing when there is nothing to say, one
digest a week, the opt-out, and a mail failure caught up by the next run."""

from datetime import date, datetime

import pytest
from django.core.management import CommandError
from django.utils import timezone

from accounts.models import Membership, Notification
from dossiers import workflow
from dossiers.models import Dossier, DossierTransition
from indicators.digest import week_key
from tests.commands import sent_by
from tests.dossiers.conftest import make_campaign
from tests.factories import MembershipFactory, NetworkFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2009, 3, 23)  # the week after the 2009 transmission deadline (15 March)


@pytest.fixture
def campaign():
    return make_campaign(2009, codes=[])


def run(day: date) -> dict:
    """{address: message} of what a run on `day` sends."""
    return {message.to[0]: message for message in sent_by("send_digest", day)}


def transmit(structure, campaign, on: date, name="submit"):
    dossier = Dossier.objects.create(structure=structure, campaign=campaign, status=workflow.SUBMITTED)
    log = DossierTransition.objects.create(
        dossier=dossier, name=name, from_status=workflow.APPROVED, to_status=workflow.SUBMITTED, actor=UserFactory()
    )
    moment = timezone.make_aware(datetime(on.year, on.month, on.day, 12))
    DossierTransition.objects.filter(pk=log.pk).update(created_at=moment)
    return dossier


def test_the_digest_tells_the_weeks_transmissions_the_signals_and_the_late_dossiers(
    campaign, structure, uriae, advisor, agent, settings
):
    settings.PORTAL_BASE_URL = "https://portail.example.org"
    transmitted = transmit(structure, campaign, date(2009, 3, 16))
    late = StructureFactory(name="Bâtir Ensemble", departement="59", networks=[uriae])
    Dossier.objects.create(structure=late, campaign=campaign)  # a draft after the deadline
    sent = run(MONDAY)
    assert set(sent) == {advisor.email, agent.email}
    message = sent[advisor.email]
    assert message.subject == (
        "Votre semaine sur le portail : 1 dossier transmis, 2 structures à suivre, 1 dossier en retard"
    )
    body = message.body
    assert "Dossiers transmis à la DDTEFP (1) :\n- Nord Recyclage, dossier 2009, le 16/03/2009 : " in body
    assert f"https://portail.example.org/dossiers/{transmitted.pk}/" in body
    assert "- Nord Recyclage : Aucune sortie enregistrée en 2008 pour 12" in body
    assert "Dossiers en retard (1) :\n- Bâtir Ensemble, dossier 2009 (brouillon) : " in body
    assert f"https://portail.example.org/structures/{late.pk}/" in body
    assert "https://portail.example.org/mon-compte/" in body
    # The agent sees transmitted dossiers only: the late draft is not in its digest.
    assert "Bâtir Ensemble, dossier 2009 (brouillon)" not in sent[agent.email].body
    assert 'href="https://portail.example.org/structures-a-suivre/"' in message.alternatives[0][0]
    row = Notification.objects.get(user=advisor)
    assert row.key == week_key(MONDAY) == "digest:2009-W13"
    assert f"{structure.pk}:no_exit" in row.facts


def test_only_the_last_seven_days_transmissions_are_told(campaign, uriae, advisor):
    days = {"Trop tôt": date(2009, 3, 15), "Premier jour": date(2009, 3, 16), "Veille": date(2009, 3, 22)}
    for name, day in {**days, "Ce jour": MONDAY}.items():
        transmit(StructureFactory(name=name, departement="59", networks=[uriae]), campaign, day)
    body = run(MONDAY)[advisor.email].body
    assert "Dossiers transmis à la DDTEFP (2) :\n- Premier jour, dossier 2009, le 16/03/2009" in body
    assert "- Veille, dossier 2009, le 22/03/2009" in body
    assert "- Trop tôt, dossier" not in body and "- Ce jour, dossier" not in body


def test_nothing_to_say_sends_nothing(db):
    lonely = NetworkFactory(code="FEI", name="FEI")
    MembershipFactory(role=Membership.Role.ADVISOR, network=lonely)
    assert run(MONDAY) == {}
    assert not Notification.objects.exists()


def test_one_digest_a_week_and_only_the_signals_not_told_yet(campaign, structure, advisor):
    assert list(run(MONDAY)) == [advisor.email]
    assert run(date(2009, 3, 25)) == {}  # same week
    assert run(date(2009, 3, 30)) == {}  # next week: the same signal, already told
    Dossier.objects.create(structure=structure, campaign=campaign)  # a draft, late: a new signal
    (message,) = run(date(2009, 4, 6)).values()
    assert "Dossier en retard sur le calendrier de la campagne." in message.body
    assert "Aucune sortie enregistrée" not in message.body  # told three weeks ago
    assert Notification.objects.filter(user=advisor).count() == 2


def test_an_opted_out_user_gets_nothing(campaign, structure, advisor, agent, client):
    client.force_login(advisor)
    client.post("/mon-compte/", {})  # the account page's checkbox, unticked
    assert list(run(MONDAY)) == [agent.email]


def test_an_editor_or_an_administrator_without_membership_gets_no_digest(campaign, structure, editor, portal_admin):
    assert run(MONDAY) == {}


def test_a_mail_failure_is_caught_up_by_the_next_run_of_the_week(campaign, structure, advisor, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.ServerDown"
    with pytest.raises(CommandError, match="1 récapitulatif"):
        run(MONDAY)
    assert Notification.objects.get().sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    (message,) = run(date(2009, 3, 24)).values()
    assert "Aucune sortie enregistrée en 2008" in message.body  # the failed digest did not count as told
    assert run(date(2009, 3, 25)) == {}
    (row,) = Notification.objects.all()
    assert row.sent_at is not None
