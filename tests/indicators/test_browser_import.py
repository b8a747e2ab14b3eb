"""An SIAE editor imports its exits: a file with an error, the French message, the fix, the rates."""

import re

import pytest
from playwright.sync_api import expect

from tests.indicators.conftest import WORKED_EXAMPLE_MOTIVES
from tests.personas import PASSWORD

HEADER = "reference;date_entree;date_sortie;motif_sortie;heures_accompagnement_interne\n"


def worked_example_csv(*, with_error: bool) -> bytes:
    """The docs/domain.md worked example as the structure's spreadsheet exports it (Windows-1252, `;`)."""
    lines = [f"EX-{n:03d};05/01/2009;30/09/2009;{motive};12,5" for n, motive in enumerate(WORKED_EXAMPLE_MOTIVES)]
    # The labels, as typed by hand, with and without accents.
    lines[0] = "EX-000;05/01/2009;30/09/2009;Embauche en CDI non aidé;12,5"
    lines[17] = "EX-017;05/01/2009;30/09/2009;DECES;12,5"
    short_exit = "30/06/2009" if with_error else "01/09/2009"  # the typo: exit before entry
    lines.append(f"EX-SHORT;01/07/2009;{short_exit};cdi_non_aide;3")
    return (HEADER + "\n".join(lines) + "\n").encode("cp1252")


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A French user's browser: the portal then speaks French throughout (Django's own labels too).
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_imports_fixes_and_sees_the_rates(page, live_server, editor, structure, tmp_path):
    page.goto(live_server.url + "/")
    page.get_by_label("Adresse e-mail").fill(editor.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("link", name="Nord Recyclage").click()
    page.get_by_role("link", name="Voir les sorties et les taux de la structure").click()
    expect(page.get_by_text("Aucune sortie enregistrée")).to_be_visible()
    page.get_by_role("link", name="Importer un fichier").click()

    wrong = tmp_path / "sorties 2009.csv"
    wrong.write_bytes(worked_example_csv(with_error=True))
    page.get_by_label("Fichier des sorties").set_input_files(str(wrong))
    page.get_by_role("button", name="Importer").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Le fichier n'a pas été importé : 1 erreur. Aucune sortie n'a été enregistrée.")
    expect(alert).to_contain_text(
        "ligne 21, colonne date_sortie : la date de sortie est antérieure à la date d'entrée."
    )

    fixed = tmp_path / "sorties 2009 corrigé.csv"
    fixed.write_bytes(worked_example_csv(with_error=False))
    page.get_by_label("Fichier des sorties").set_input_files(str(fixed))
    page.get_by_role("button", name="Importer").click()

    expect(page.get_by_role("alert")).to_contain_text("20 sortie(s) créée(s)")
    expect(page).to_have_url(re.compile(r"/structures/\d+/sorties/$"))
    rates = page.get_by_role("table", name=re.compile("Taux 2009"))
    expect(rates.locator("[data-rate=official]")).to_have_text("58,8\u00a0%")
    expect(rates.locator("[data-rate=uriae]")).to_have_text("76,9\u00a0%")
    expect(rates.locator("[data-rate=durable]")).to_have_text("23,5\u00a0%")
    expect(page.get_by_role("heading", name=re.compile("Liste des sorties"))).to_contain_text("20")
