"""The DDTEFP agent's story, in Chromium: from its list of transmitted dossiers, it downloads the
summary it will read before the dialogue de gestion, and reads what the SIAE transmitted."""

import pytest

from dossiers import services
from tests.dossiers.conftest import answer_all_required
from tests.dossiers.test_dossier_stories import _log_in
from tests.dossiers.test_pdf import pdf_text, poppler  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("poppler")
def test_the_agent_downloads_the_transmitted_summary(browser, live_server, tmp_path, campaign, editor, agent):
    dossier, _ = services.open_dossier(editor.memberships.get().structure, campaign)
    answer_all_required(dossier, editor)
    services.apply_transition(dossier, "submit", editor, notify=False)
    services.apply_transition(dossier, "request_complement", agent, comment="Précisez.", notify=False)
    # The SIAE is rewriting an answer: the agent must still read the transmitted one.
    dossier.answers.filter(question__code="plan_formation").update(value="Texte en cours de réécriture")

    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    try:
        page = _log_in(context.new_page(), live_server, agent)
        page.goto(f"{live_server.url}/dossiers/")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Télécharger la synthèse PDF de Nord Recyclage (2009)").click()
        download = download_info.value
        assert download.suggested_filename == "synthese-os-2009-nord-recyclage-v1.pdf"
        content = open(download.path(), "rb").read()
    finally:
        context.close()
    text = pdf_text(content, tmp_path)
    assert "Version transmise n° 1" in text
    assert "Réponse à plan_formation" in text and "réécriture" not in text
    # The stored summary of a transmitted version never changes: it shows the status it was sent with.
    assert "« transmis à la DDTEFP »" in text and "complément demandé" not in text
