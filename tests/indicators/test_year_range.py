"""One accepted year range (`siae_portal.reference.FIRST_YEAR`/`LAST_YEAR`) for the API and
command, the campaigns' constraint, the dashboards' year choices and the positionings' years."""

import datetime

import pytest
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Campaign
from siae_portal.reference import FIRST_YEAR, LAST_YEAR
from tests.indicators.test_reports import api, command

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("year", "status"), [(FIRST_YEAR - 1, 400), (FIRST_YEAR, 200), (LAST_YEAR, 200), (LAST_YEAR + 1, 400)]
)
def test_api_accepts_the_range_and_names_it(client, portal_admin, year, status):
    client.force_login(portal_admin)
    response = api(client, year=year)
    assert response.status_code == status
    if status == 400:
        assert response.json()["error"] == f"L'année {year} est hors de la plage acceptée (2000 à 2100)."


def test_command_refuses_a_year_out_of_the_range(db):
    with pytest.raises(CommandError, match="hors de la plage acceptée"):
        command("--year", str(FIRST_YEAR - 1))


@pytest.mark.parametrize(
    ("year", "accepted"), [(FIRST_YEAR - 1, False), (FIRST_YEAR, True), (LAST_YEAR, True), (LAST_YEAR + 1, False)]
)
def test_campaign_years_are_checked_by_the_database(year, accepted):
    def create():
        with transaction.atomic():
            Campaign.objects.create(
                year=year,
                title="Campagne",
                opens_on=datetime.date(2009, 1, 5),
                review_deadline=datetime.date(2009, 3, 1),
                submission_deadline=datetime.date(2009, 3, 15),
            )

    if accepted:
        create()
    else:
        with pytest.raises(IntegrityError):
            create()


def test_dashboard_and_positionings_offer_years_back_to_the_first_one(client, editor, structure):
    client.force_login(editor)
    form = client.get(reverse("indicators:structure_dashboard", args=[structure.pk])).context["form"]
    choices = [year for year, _ in form.fields["year"].choices]
    assert choices[-1] == FIRST_YEAR
    years = client.get(reverse("indicators:positionings", args=[structure.pk, 2009])).context["years"]
    assert years[-1] == FIRST_YEAR and years[0] == timezone.localdate().year


@pytest.mark.parametrize(
    ("year", "status"),
    [(FIRST_YEAR - 1, 404), (FIRST_YEAR, 200), (LAST_YEAR, 200), (LAST_YEAR + 1, 404), (10**9, 404)],
)
def test_positionings_answer_404_out_of_the_range(client, editor, structure, year, status):
    client.force_login(editor)
    assert client.get(reverse("indicators:positionings", args=[structure.pk, year])).status_code == status
    response = client.post(reverse("indicators:positionings", args=[structure.pk, year]), {})
    assert response.status_code == (404 if status == 404 else 200)
