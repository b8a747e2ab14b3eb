"""Campaign deadlines: how far they are, which dossiers are late, and where it shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.calculations import Deadline
from dossiers.models import Campaign, Dossier
from tests.factories import StructureFactory

DUE = datetime.date(2009, 3, 15)


def day(offset):
    return DUE + datetime.timedelta(days=offset)


# --- The pure rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "today, done, days_left, late, soon, text",
    [
        (day(-30), False, 30, False, False, "dans 30 jours"),
        (day(-8), False, 8, False, False, "dans 8 jours"),
        (day(-7), False, 7, False, True, "dans 7 jours"),
        (day(-1), False, 1, False, True, "dans 1 jour"),
        (DUE, False, 0, False, True, "aujourd'hui"),  # the deadline day still counts as in time
        (day(1), False, -1, True, False, "dépassée de 1 jour"),
        (day(31), False, -31, True, False, "dépassée de 31 jours"),
        (day(32), False, -32, True, False, "dépassée"),  # beyond a month the date says enough
        (day(5), True, -5, False, False, "dépassée de 5 jours"),  # done: never late, never pressing
        (day(-3), True, 3, False, False, "dans 3 jours"),
    ],
)
def test_deadline(today, done, days_left, late, soon, text):
    deadline = Deadline(DUE, today, done)
    assert (deadline.days_left, deadline.late, deadline.soon, deadline.delay_text) == (days_left, late, soon, text)


# --- Which dossiers are late: the model and its SQL twin agree --------------------------------------


ALL_STATUSES = [value for value, _ in Dossier.Status.choices]
LATE_AFTER_SUBMISSION = {"draft", "in_review", "changes_requested", "approved"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today, expected_late",
    [
        (datetime.date(2009, 2, 28), set()),  # before both deadlines
        (datetime.date(2009, 3, 1), set()),  # the review deadline day
        (datetime.date(2009, 3, 2), {"in_review"}),  # review overdue, transmission still in time
        (datetime.date(2009, 3, 15), {"in_review"}),  # the transmission deadline day
        (datetime.date(2009, 3, 16), LATE_AFTER_SUBMISSION),  # not transmitted after the deadline
    ],
)
def test_late_dossiers_in_python_and_in_sql(campaign, today, expected_late):
    dossiers = {status: Dossier.objects.create(structure=StructureFactory(), campaign=campaign, status=status)
                for status in ALL_STATUSES}  # fmt: skip
    in_python = {status for status, dossier in dossiers.items() if dossier.is_late(today)}
    in_sql = set(Dossier.objects.late(today).values_list("status", flat=True))
    assert in_python == in_sql == expected_late


# --- Where it shows --------------------------------------------------------------------------------


def current_campaign(year, *, review_in, submission_in):
    today = timezone.localdate()
    return Campaign.objects.create(
        year=year,
        title=f"Conventionnement {year}",
        opens_on=today - datetime.timedelta(days=60),
        review_deadline=today + datetime.timedelta(days=review_in),
        submission_deadline=today + datetime.timedelta(days=submission_in),
    )


@pytest.mark.django_db
def test_the_dossier_page_counts_the_days_left(client, editor, structure):
    campaign = current_campaign(2031, review_in=-2, submission_in=5)
    dossier = Dossier.objects.create(structure=structure, campaign=campaign, status="in_review")
    client.force_login(editor)
    text = client.get(reverse("dossiers:detail", args=[dossier.pk])).text
    assert "transmission à la DDTEFP avant le" in text
    assert '<span class="badge text-bg-warning">dans 5 jours</span>' in text
    assert '<span class="badge text-bg-danger">en retard</span> (date dépassée de 2 jours)' in text  # the review
    Dossier.objects.filter(pk=dossier.pk).update(status="submitted")
    text = client.get(reverse("dossiers:detail", args=[dossier.pk])).text
    assert "en retard" not in text and "dans 5 jours" not in text  # transmitted: no more pressure


@pytest.mark.django_db
def test_advisor_finds_the_late_dossiers(client, advisor, uriae, django_assert_max_num_queries):
    campaign = current_campaign(2031, review_in=-10, submission_in=-1)
    statuses = ["draft", "in_review", "approved", "submitted", "acknowledged", "complement_requested"]
    for i, status in enumerate(statuses):
        Dossier.objects.create(structure=StructureFactory(name=f"S{i} {status}", networks=[uriae]), campaign=campaign,
                               status=status)  # fmt: skip
    client.force_login(advisor)
    url = reverse("dossiers:dossier_list")
    response = client.get(url, {"campaign": "2031"})
    assert response.text.count('<span class="badge text-bg-danger">en retard</span>') == 3
    with django_assert_max_num_queries(10):
        late = client.get(url, {"campaign": "2031", "late": "on"}).context["page"].object_list
    assert sorted(d.status for d in late) == ["approved", "draft", "in_review"]
    csv = client.get(url, {"campaign": "2031", "export": "csv"}).content.decode("utf-8-sig").splitlines()
    header = csv[0].split(";")
    column = header.index("En retard")
    assert {line.split(";")[1]: line.split(";")[column] for line in csv[1:]} == {
        "S0 draft": "oui", "S1 in_review": "oui", "S2 approved": "oui",
        "S3 submitted": "non", "S4 acknowledged": "non", "S5 complement_requested": "non",
    }  # fmt: skip
    home = client.get(reverse("home")).text
    assert "3 dossiers en retard" in home and "late=on" in home
    # Without a campaign in the link, the list and its campaign field both show the latest one.
    response = client.get(url, {"late": "on"})
    assert len(response.context["page"].object_list) == 3
    assert response.context["filter_form"]["campaign"].value() == "2031"


@pytest.mark.django_db
def test_the_late_filter_never_shows_an_agent_what_it_may_not_see(client, agent, uriae):
    campaign = current_campaign(2031, review_in=-10, submission_in=-1)
    for status in ("draft", "in_review", "approved", "submitted"):
        Dossier.objects.create(structure=StructureFactory(departement="59"), campaign=campaign, status=status)
    client.force_login(agent)
    listed = client.get(reverse("dossiers:dossier_list"), {"campaign": "2031", "late": "on"}).context["page"]
    assert list(listed.object_list) == []  # the late ones are drafts: invisible to the DDTEFP
    home = client.get(reverse("home")).text
    assert "en retard" not in home
