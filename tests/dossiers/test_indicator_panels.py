"""The dossier pages and the PDF summary show the structure's exit rates for the three years
before the campaign (issue 4: "Dossier pages show the structure's indicators")."""

from datetime import date

import pytest
from django.urls import reverse

from tests.dossiers.test_pdf import _url, pdf_text, poppler  # noqa: F401
from tests.indicators.dashboard_data import save_exits


@pytest.fixture
def exits(structure):
    """Nord Recyclage (EI): in 2007, 2 dynamic exits out of 4 (50 %); in 2008, 3 out of 4 (75 %),
    one of them durable; in 2009 (the campaign's year, not shown) one exit."""
    by_year = {
        2007: ["cdd_moins_6m", "formation_qualifiante", "chomage", "chomage"],
        2008: ["cdi_non_aide", "cdd_moins_6m", "autre_siae", "chomage"],
        2009: ["cdi_non_aide"],
    }
    for year, motives in by_year.items():
        save_exits(structure, motives, reference=f"P{year}-{{n}}", entry=date(year - 1, 6, 1), exit_=date(year, 6, 30))


def test_campaign_indicator_years(campaign):
    assert campaign.indicator_years == [2006, 2007, 2008]


def test_dossier_page_shows_the_three_previous_years(client, editor, dossier, exits):
    client.force_login(editor)
    response = client.get(reverse("dossiers:detail", args=[dossier.pk]))
    text = response.text
    assert "Taux de sortie de Nord Recyclage" in text
    panel = text[text.index("Taux de sortie de Nord Recyclage") :]
    assert "2006" in panel and "2007" in panel and "2008" in panel
    assert "50,0" in panel and "75,0" in panel
    assert ">2009<" not in panel


def test_advisor_and_agent_see_the_panel_too(client, advisor, agent, dossier, exits):
    from dossiers.models import Dossier

    Dossier.objects.filter(pk=dossier.pk).update(status=Dossier.Status.SUBMITTED)
    for user in (advisor, agent):
        client.force_login(user)
        assert "Taux de sortie de Nord Recyclage" in client.get(reverse("dossiers:detail", args=[dossier.pk])).text


def test_pdf_summary_prints_the_rates_and_their_chart(client, poppler, tmp_path, editor, dossier, exits):  # noqa: F811
    client.force_login(editor)
    response = client.get(_url(dossier))
    text = pdf_text(response.content, tmp_path)
    assert "Taux de sortie de Nord Recyclage" in text
    assert "75,0 %" in text
    assert "objectif dynamique 60,0 %" in text  # the chart's target line, drawn as text
