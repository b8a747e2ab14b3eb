"""A dossier transmitted after its deadline stays « transmis en retard (N jours) » for good: on its
page, in the list (badge and « En retard seulement » filter), the CSV export and the PDF summary.
One transmitted on time shows nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.calculations import countdown, days_late, late_transmission_text
from dossiers.models import Campaign, Dossier
from dossiers.services import apply_transition
from tests.dossiers.conftest import answer_all_required
from tests.dossiers.test_pdf import pdf_text, poppler  # noqa: F401  (fixture)

DUE = datetime.date(2009, 3, 15)


@pytest.mark.parametrize(
    "transmitted_on, expected",
    [
        (None, 0),
        (datetime.date(2009, 3, 1), 0),
        (DUE, 0),
        (datetime.date(2009, 3, 16), 1),
        (datetime.date(2009, 4, 14), 30),
    ],
)
def test_days_late(transmitted_on, expected):
    assert days_late(transmitted_on, DUE) == expected


def test_late_transmission_text():
    assert late_transmission_text(0) == ""
    assert late_transmission_text(1) == "transmis en retard (1 jour)"
    assert late_transmission_text(2) == "transmis en retard (2 jours)"
    assert late_transmission_text(1250) == "transmis en retard (1\u202f250 jours)"


@pytest.mark.parametrize("days, text", [(5, "J-5"), (1, "J-1"), (0, "jour J"), (-2, "J+2")])
def test_countdown(days, text):
    assert countdown(days) == text


def _deadline_in(campaign, days):
    Campaign.objects.filter(pk=campaign.pk).update(submission_deadline=timezone.localdate() + datetime.timedelta(days))


def _transmit(dossier, editor):
    answer_all_required(dossier)
    return apply_transition(dossier, "submit", editor, notify=False)


@pytest.mark.django_db
def test_the_flag_survives_transmission_and_complement(campaign, dossier, editor, agent):
    _deadline_in(campaign, -5)
    assert Dossier.objects.flagged_late().get() == dossier  # late before transmission: not transmitted
    assert list(Dossier.objects.transmitted_late()) == []
    dossier = _transmit(dossier, editor)
    assert dossier.is_late() is False  # the old flag vanished at transmission...
    assert dossier.days_late_at_transmission == 5  # ...this one stays
    assert dossier.late_transmission_text == "transmis en retard (5 jours)"
    assert list(Dossier.objects.transmitted_late()) == [dossier]
    first = dossier.first_submitted_at
    apply_transition(dossier, "request_complement", agent, comment="La pièce manque.", notify=False)
    dossier = apply_transition(Dossier.objects.get(pk=dossier.pk), "resubmit", editor, notify=False)
    dossier.refresh_from_db()
    assert dossier.first_submitted_at == first and dossier.submitted_at > first
    assert dossier.days_late_at_transmission == 5
    apply_transition(dossier, "acknowledge", agent, notify=False)
    assert list(Dossier.objects.flagged_late()) == [dossier]


@pytest.mark.django_db
def test_transmitted_on_time_shows_nothing(client, campaign, dossier, editor, agent):
    _deadline_in(campaign, 0)  # the deadline day still counts as in time
    dossier = _transmit(dossier, editor)
    assert dossier.days_late_at_transmission == 0
    assert list(Dossier.objects.flagged_late()) == []
    client.force_login(agent)
    assert "transmis en retard" not in client.get(reverse("dossiers:detail", args=[dossier.pk])).text
    assert "transmis en retard" not in client.get(reverse("dossiers:dossier_list")).text


@pytest.mark.django_db
def test_the_agent_sees_the_flag_on_the_page_the_list_the_filter_and_the_csv(
    client, campaign, dossier, editor, agent, structure, django_assert_max_num_queries
):
    from tests.factories import StructureFactory

    _deadline_in(campaign, -3)
    _transmit(dossier, editor)
    on_time = Dossier.objects.create(
        structure=StructureFactory(name="Atelier à l'heure", departement="59"),
        campaign=campaign,
        status="submitted",
        first_submitted_at=timezone.now() - datetime.timedelta(days=10),
    )
    client.force_login(agent)
    badge = '<span class="badge text-bg-danger" data-late-transmission="3">transmis en retard (3 jours)</span>'
    assert badge in client.get(reverse("dossiers:detail", args=[dossier.pk])).text
    url = reverse("dossiers:dossier_list")
    listed = client.get(url)
    assert listed.text.count("transmis en retard") == 1 and badge in listed.text
    with django_assert_max_num_queries(10):
        late = client.get(url, {"late": "on"}).context["page"].object_list
    assert list(late) == [dossier]
    rows = client.get(url, {"export": "csv"}).content.decode("utf-8-sig").splitlines()
    header = rows[0].split(";")
    by_name = {row.split(";")[1]: row.split(";") for row in rows[1:]}
    late_column, days_column = header.index("En retard"), header.index("Jours de retard à la transmission")
    assert (by_name["Nord Recyclage"][late_column], by_name["Nord Recyclage"][days_column]) == ("oui", "3")
    assert (by_name[on_time.structure.name][late_column], by_name[on_time.structure.name][days_column]) == ("non", "")
    home = client.get(reverse("home")).text
    assert "1 dossier en retard" in home


@pytest.mark.django_db
def test_the_pdf_says_transmitted_late(client, poppler, tmp_path, campaign, dossier, editor, agent):  # noqa: F811
    _deadline_in(campaign, -4)
    dossier = _transmit(dossier, editor)
    client.force_login(agent)
    text = pdf_text(client.get(reverse("dossiers:pdf", args=[dossier.pk])).content, tmp_path)
    deadline = (timezone.localdate() - datetime.timedelta(4)).strftime("%d/%m/%Y")
    assert f"transmis en retard (4 jours) : première transmission le {timezone.localdate():%d/%m/%Y}" in text
    assert f"après la date limite du {deadline}" in text


@pytest.mark.django_db
def test_a_pdf_transmitted_on_time_says_nothing_late(client, poppler, tmp_path, campaign, dossier, editor, agent):  # noqa: F811
    _deadline_in(campaign, 1)
    dossier = _transmit(dossier, editor)
    client.force_login(agent)
    text = pdf_text(client.get(reverse("dossiers:pdf", args=[dossier.pk])).content, tmp_path)
    assert "en retard" not in text


@pytest.mark.django_db
def test_the_migration_fills_the_first_transmission_of_existing_dossiers(
    campaign, dossier, other_dossier, editor, agent
):
    import importlib

    from django.apps import apps

    fill = importlib.import_module("dossiers.migrations.0006_first_submitted_at").fill_first_transmission
    dossier = _transmit(dossier, editor)
    first = dossier.transitions.get(name="submit").created_at
    apply_transition(dossier, "request_complement", agent, comment="La pièce manque.", notify=False)
    apply_transition(Dossier.objects.get(pk=dossier.pk), "resubmit", editor, notify=False)
    stamp = timezone.now() - datetime.timedelta(days=2)
    Dossier.objects.filter(pk=other_dossier.pk).update(status="acknowledged", submitted_at=stamp)  # no log
    Dossier.objects.update(first_submitted_at=None)
    fill(apps, None)
    assert Dossier.objects.get(pk=dossier.pk).first_submitted_at == first  # the first logged transmission
    assert Dossier.objects.get(pk=other_dossier.pk).first_submitted_at == stamp
