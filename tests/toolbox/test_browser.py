"""The issue's story in Chromium: an SIAE editor proposes a tool, the network advisor publishes it,
and a user of another structure finds it by search and downloads it."""

import re

import pytest
from django.core import mail
from django.db import connection
from playwright.sync_api import expect

from demo.generators import demo_pdf
from tests.personas import PASSWORD
from toolbox.models import Resource


def _log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_tool_goes_from_one_structure_to_another(page, live_server, editor, advisor, other_editor, tmp_path):
    page.set_default_timeout(10_000)
    tool = tmp_path / "grille-tri.pdf"
    tool.write_bytes(demo_pdf([("Grille d'entretien", ["Questions pour les postes de tri des déchets"])]))

    # 1. The editor of Nord Recyclage (URIAE) proposes its interview grid.
    _log_in(page, live_server, editor)
    page.get_by_role("link", name="Boîte à outils").click()
    page.get_by_role("link", name="Proposer un outil").click()
    page.get_by_label("Titre").fill("Grille d'entretien pour le tri des déchets")
    page.get_by_label("Présentation").fill("Nos questions pour recruter les agents de tri, à adapter.")
    page.get_by_label("Axe de l'offre de services").select_option("1")
    page.get_by_label("Catégorie").select_option(label="Recrutement")
    page.get_by_label("ACI").uncheck()
    page.get_by_label("Fichier").set_input_files(str(tool))
    page.get_by_label("Mots-clés").fill("recrutement, tri")
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Votre proposition « Grille d'entretien pour le tri des déchets »"
    )
    expect(page.get_by_text("En attente de modération")).to_be_visible()
    (announce,) = mail.outbox
    assert announce.to == [advisor.email] and "nouvelle proposition" in announce.subject

    # 2. The URIAE advisor finds it in the moderation queue and publishes it.
    _log_in(page, live_server, advisor)
    page.get_by_role("link", name="Boîte à outils").click()
    page.get_by_role("link", name="Modération").click()
    page.get_by_role("link", name="Grille d'entretien pour le tri des déchets").click()
    page.get_by_role("button", name="Publier").click()
    expect(page.get_by_role("alert")).to_contain_text("est publiée dans la boîte à outils")
    assert mail.outbox[-1].to == [editor.email] and "est publiée" in mail.outbox[-1].subject

    # 3. An editor of another structure (an ACI of COORACE) searches and downloads it.
    _log_in(page, live_server, other_editor)
    page.get_by_role("link", name="Boîte à outils").click()
    # On PostgreSQL the French search finds the singular from a plural; SQLite searches plain text.
    search = page.get_by_role("textbox", name="Rechercher")
    search.fill("entretiens déchet" if connection.vendor == "postgresql" else "entretien déchets")
    search.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Résultats de la recherche"))).to_contain_text("1")
    page.get_by_role("link", name="Grille d'entretien pour le tri des déchets").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name=re.compile("Télécharger")).click()
    download = download_info.value
    assert download.suggested_filename == "grille-d-entretien-pour-le-tri-des-dechets.pdf"
    assert open(download.path(), "rb").read() == tool.read_bytes()

    resource = Resource.objects.get()
    assert resource.status == Resource.Status.PUBLISHED and resource.moderated_by == advisor
    assert resource.download_count == 1
    assert resource.kinds == ["EI", "ETTI", "AI"]
