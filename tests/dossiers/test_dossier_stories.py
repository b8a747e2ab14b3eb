"""The two stories of the issue, end to end in Chromium, through the login form."""

import re

import pytest
from playwright.sync_api import expect

from dossiers import services
from dossiers.models import Dossier
from tests.dossiers.conftest import answer_all_required
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def log_in(browser, live_server):
    """Log a persona in through the login form, each in its own browser context (closed at the end,
    so that no request reaches the live server after the test)."""
    contexts = []

    def log_in(user):
        context = browser.new_context(locale="fr-FR")
        contexts.append(context)
        return _log_in(context.new_page(), live_server, user)

    yield log_in
    for context in contexts:
        context.close()


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=re.compile("Bonjour"))).to_be_visible()
    return page


def _open_dossier(page, live_server, dossier):
    page.goto(f"{live_server.url}/dossiers/")
    page.get_by_role("link", name=dossier.structure.name).first.click()
    expect(page.get_by_role("heading", name=re.compile(f"Offre de services {dossier.campaign.year}"))).to_be_visible()


def _status(page):
    return page.locator("[data-status]").first


def test_review_story(log_in, live_server, campaign, editor, advisor, structure):
    # The editor starts the dossier from the home page and fills the four axes.
    page = log_in(editor)
    page.get_by_role("button", name="Commencer le dossier 2009 de Nord Recyclage").click()
    expect(_status(page)).to_have_text("brouillon")
    page.get_by_role("link", name=re.compile("Axe 1 ·")).click()
    page.get_by_label("Présentez votre structure.").fill("Entreprise d'insertion du tri à Roubaix.")
    page.get_by_label("Oui").check()
    page.get_by_role("button", name="Enregistrer et passer à l'axe 2").click()
    expect(page.get_by_text("Axe 1 enregistré.")).to_be_visible()
    page.get_by_label("Comment le parcours est-il formalisé ?").fill("Grille d'évaluation mensuelle.")
    page.get_by_role("button", name="Enregistrer et passer à l'axe 3").click()
    page.get_by_label("Présentez votre plan de formation.").fill("CACES.")
    page.get_by_role("button", name="Enregistrer et passer à l'axe 4").click()
    page.get_by_label("Décrivez votre stratégie économique.").fill("Contrats avec les industriels locaux.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Axe 4 enregistré.")).to_be_visible()
    page.get_by_role("link", name="Vue d'ensemble").click()
    expect(page.get_by_text("réponses obligatoires manquantes")).to_have_count(0)
    page.get_by_role("button", name="Demander une relecture au réseau").click()
    expect(_status(page)).to_have_text("en relecture par le réseau")

    # The advisor comments axis 3 and asks for changes.
    advisor_page = log_in(advisor)
    dossier = Dossier.objects.get()
    _open_dossier(advisor_page, live_server, dossier)
    advisor_page.get_by_role("link", name=re.compile("Axe 3 ·")).click()
    advisor_page.get_by_label("Votre commentaire sur cet axe").fill("Quel organisme, quelle durée ?")
    advisor_page.get_by_role("button", name="Publier le commentaire").click()
    advisor_page.get_by_role("link", name="Vue d'ensemble").click()
    advisor_page.get_by_role("button", name="Demander des modifications").click()
    expect(advisor_page.get_by_text("Un commentaire est obligatoire")).to_be_visible()
    advisor_page.get_by_label("Commentaire (obligatoire)").fill("Précisez le plan de formation (axe 3).")
    advisor_page.get_by_role("button", name="Demander des modifications").click()
    expect(_status(advisor_page)).to_have_text("modifications demandées")

    # The editor reads the comment beside axis 3, fixes it and sends it back to review in one action.
    page.reload()
    expect(_status(page)).to_have_text("modifications demandées")
    expect(page.get_by_text("Précisez le plan de formation (axe 3).")).to_be_visible()
    page.get_by_role("link", name=re.compile("Axe 3 ·")).click()
    expect(page.get_by_text("Quel organisme, quelle durée ?")).to_be_visible()
    page.get_by_label("Présentez votre plan de formation.").fill(
        "CACES R489 avec l'AFPA, 5 jours, financé par l'OPCA."
    )
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Axe 3 enregistré.")).to_be_visible()  # saved before leaving the page
    page.get_by_role("link", name="Vue d'ensemble").click()
    page.get_by_role("button", name="Renvoyer en relecture au réseau").click()
    expect(_status(page)).to_have_text("en relecture par le réseau")

    # The advisor approves; the editor transmits.
    advisor_page.reload()
    advisor_page.get_by_role("button", name="Valider le dossier").click()
    expect(_status(advisor_page)).to_have_text("validé par le réseau")
    page.reload()
    # Transmitting is for good: unticked, nothing happens and the page says why.
    page.get_by_role("button", name="Transmettre à la DDTEFP").click()
    expect(page.get_by_text("Cochez la case pour confirmer cette action définitive")).to_be_visible()
    expect(_status(page)).to_have_text("validé par le réseau")
    page.get_by_label(re.compile("Je confirme la transmission à la DDTEFP")).check()
    page.get_by_role("button", name="Transmettre à la DDTEFP").click()
    expect(_status(page)).to_have_text("transmis à la DDTEFP")
    expect(page.get_by_text("Version 1 ·")).to_be_visible()
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    assert dossier.answers.get(question__code="plan_formation").value.startswith("CACES R489")
    assert list(dossier.transitions.order_by("pk").values_list("name", flat=True)) == [
        "ask_review",
        "request_changes",
        "return_to_review",
        "approve",
        "submit",
    ]


def test_complement_story(log_in, live_server, campaign, editor, agent, structure):
    dossier, _ = services.open_dossier(structure, campaign)
    answer_all_required(dossier, editor)
    services.apply_transition(dossier, "submit", editor, notify=False)

    # The agent asks for a complement.
    agent_page = log_in(agent)
    _open_dossier(agent_page, live_server, dossier)
    agent_page.get_by_label("Commentaire (obligatoire)").fill("Joignez l'organigramme de la structure.")
    agent_page.get_by_role("button", name="Demander un complément").click()
    expect(_status(agent_page)).to_have_text("complément demandé")

    # The editor completes the dossier and transmits the complement.
    page = log_in(editor)
    _open_dossier(page, live_server, dossier)
    expect(page.get_by_text("Joignez l'organigramme de la structure.")).to_be_visible()
    page.get_by_role("link", name=re.compile("Axe 1 ·")).click()
    page.get_by_label("Joignez l'organigramme.").set_input_files(
        {"name": "organigramme.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%organigramme\n"}
    )
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Axe 1 enregistré.")).to_be_visible()
    expect(page.get_by_role("link", name="organigramme.pdf")).to_be_visible()
    page.get_by_role("link", name="Vue d'ensemble").click()
    page.get_by_label(re.compile("Je confirme la transmission à la DDTEFP")).check()
    page.get_by_role("button", name="Transmettre le complément à la DDTEFP").click()
    expect(_status(page)).to_have_text("transmis à la DDTEFP")

    # The agent sees what changed and acknowledges.
    agent_page.reload()
    agent_page.get_by_role("link", name="Comparer les versions transmises").click()
    expect(agent_page.get_by_role("cell", name=re.compile("pièce jointe : organigramme.pdf"))).to_be_visible()
    agent_page.go_back()
    agent_page.get_by_label(re.compile("Je confirme que le dossier est complet")).check()
    agent_page.get_by_role("button", name="Accuser réception : dossier complet").click()
    expect(_status(agent_page)).to_have_text("reçu complet")
    dossier.refresh_from_db()
    assert dossier.status == "acknowledged"
    assert list(dossier.transitions.order_by("pk").values_list("name", flat=True)) == [
        "submit",
        "request_complement",
        "resubmit",
        "acknowledge",
    ]
