"""The dialogue de gestion in a browser: the SIAE proposes its convention, its network's advisor
comments, the DDTEFP agent agrees, and the structure reads the agreed convention."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_siae_proposes_the_advisor_comments_the_agent_agrees(page, live_server, structure, editor, advisor, agent):
    structure_url = f"{live_server.url}{reverse('dossiers:structure_detail', args=[structure.pk])}"
    log_in(page, live_server, editor.email)
    page.goto(structure_url)
    page.get_by_role("link", name="Proposer une convention et ses objectifs").click()
    page.get_by_label("Première année").fill("2010")
    page.get_by_label("Dernière année").fill("2011")
    page.get_by_role("button", name="Choisir ces années").click()
    expect(page.get_by_role("heading", name="Convention 2010-2011")).to_be_visible()
    page.get_by_label("Sorties prévues en 2010").fill("14")
    page.get_by_label("Sorties prévues en 2011").fill("16")
    page.get_by_label("Taux d'emploi durable (%) en 2011").fill("27,5")
    page.get_by_role("button", name="Proposer la convention").click()
    expect(page.get_by_text("Convention 2010-2011 proposée")).to_be_visible()
    convention_url = page.url

    log_in(page, live_server, advisor.email)
    page.goto(convention_url)
    page.get_by_label("Votre commentaire").fill("L'emploi durable 2011 est ambitieux, tenable avec le marché.")
    page.get_by_role("button", name="Ajouter le commentaire").click()
    expect(page.get_by_text("Commentaire ajouté.")).to_be_visible()

    log_in(page, live_server, agent.email)
    page.goto(convention_url)
    expect(page.get_by_text("L'emploi durable 2011 est ambitieux")).to_be_visible()
    page.get_by_role("button", name="Conclure la convention (définitif)").click()
    expect(page.get_by_text("Cochez la case pour confirmer")).to_be_visible()
    page.get_by_label("Numéro de convention").fill("59-EI-2010-07")
    page.get_by_label("Je confirme que ces objectifs sont ceux convenus avec la structure.").check()
    page.get_by_role("button", name="Conclure la convention (définitif)").click()
    expect(page.get_by_text("Convention 2010-2011 conclue.")).to_be_visible()

    log_in(page, live_server, editor.email)
    page.goto(structure_url)
    page.get_by_role("link", name="Convention 2010-2011").click()
    expect(page.locator("[data-status]")).to_have_text("conclue")
    expect(page.get_by_role("definition").filter(has_text="59-EI-2010-07")).to_be_visible()
    expect(page.get_by_role("cell", name="27,5 %")).to_be_visible()
    expect(page.get_by_role("button", name="Conclure la convention (définitif)")).to_have_count(0)
