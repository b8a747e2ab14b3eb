"""Follow-up at scale in a browser, on the demo data: the network's advisor opens the structures
at risk and marks one followed with a note; the Nord DDTEFP agent downloads its campaign's ZIP."""

import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.login import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("seed_demo")


def test_the_advisor_marks_a_structure_at_risk_followed_with_a_note(page, live_server, demo):
    note = "Rendez-vous pris avec la direction : plan d'accompagnement vers l'emploi durable."
    log_in(page, live_server, "conseiller@demo.local", DEMO_PASSWORD)
    page.goto(f"{live_server.url}{reverse('indicators:watchlist')}")
    table = page.get_by_role("table", name="Structures à suivre")
    first = table.get_by_role("row").nth(1)  # row 0 is the header
    name = first.get_by_role("link").inner_text()
    first.locator("summary", has_text="Marquer suivie").click()
    first.get_by_label("Note ou décision").fill(note)
    first.get_by_role("button", name="Marquer suivie").click()

    expect(page.get_by_text(f"{name} est marquée suivie.")).to_be_visible()
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(row.get_by_text("suivie", exact=True)).to_be_visible()
    expect(row.get_by_text(note)).to_be_visible()
    expect(row).to_contain_text("par Claire Conseillère URIAE")  # the note says who wrote it


def test_the_agent_downloads_the_campaigns_zip_from_the_dossier_list(page, live_server, demo, tmp_path):
    log_in(page, live_server, "ddtefp59@demo.local", DEMO_PASSWORD)
    page.goto(f"{live_server.url}{reverse('dossiers:dossier_list')}")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile(r"Télécharger les synthèses PDF \d{4} \(ZIP\)")).click()
    download = info.value
    assert re.fullmatch(r"syntheses-os-\d{4}\.zip", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert "index.csv" in names
        pdfs = [n for n in names if n.endswith(".pdf")]
        assert pdfs, names
        assert all(archive.read(n).startswith(b"%PDF") for n in pdfs)
        index = archive.read("index.csv").decode("utf-8-sig")
    assert all(n in index for n in pdfs), "every PDF has its row in index.csv"
