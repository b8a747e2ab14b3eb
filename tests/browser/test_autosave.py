"""An editor types on an axis page: nothing typed is lost (autosave, the leave warning), and a
second tab's autosave never overwrites the first's."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.login import log_in
from tests.dossiers.conftest import make_campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typed_text_survives_leaving_the_page_and_a_second_tab_never_overwrites_it(page, live_server, editor):
    from dossiers.models import Dossier

    campaign = make_campaign(2009)
    dossier = Dossier.objects.create(structure=editor.memberships.get().structure, campaign=campaign)
    axis1 = f"{live_server.url}{reverse('dossiers:axis', args=[dossier.pk, 1])}"
    log_in(page, live_server, editor.email)

    # Typed, then the user clicks axis 2 at once: the text is saved on leaving the field.
    page.goto(axis1)
    page.get_by_label("Présentez votre structure.").fill("Nous accueillons 30 salariés.")
    page.get_by_role("link", name="Axe 2", exact=True).click()
    expect(page).to_have_url(re.compile(r"/axe/2/$"))
    page.goto(axis1)
    expect(page.get_by_label("Présentez votre structure.")).to_have_value("Nous accueillons 30 salariés.")

    # Typing and waiting: the status says when it was saved, and leaving needs no confirmation.
    page.get_by_label("Présentez votre structure.").press("Control+End")
    page.get_by_label("Présentez votre structure.").press_sequentially(" Et plus.")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Enregistré à \d\d:\d\d$"))
    dossier.refresh_from_db()
    assert dossier.answers.get(question__code="presentation").value == "Nous accueillons 30 salariés. Et plus."

    # A second tab opened now; the first one goes on and saves: the second tab's autosave is refused.
    second = page.context.new_page()
    second.goto(axis1)
    page.get_by_label("Présentez votre structure.").fill("Version du premier onglet.")
    page.get_by_label("Oui", exact=True).check()
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Enregistré à"))
    second.get_by_label("Présentez votre structure.").fill("Version du second onglet.")
    second.get_by_label("Présentez votre structure.").blur()
    expect(second.get_by_role("status")).to_contain_text("vous avez enregistré cet axe dans un autre onglet")
    dossier.refresh_from_db()
    assert dossier.answers.get(question__code="presentation").value == "Version du premier onglet."

    # The second tab still holds unsaved text: leaving it asks for confirmation.
    dialogs = []
    second.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    second.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]

    # Unsaved text typed a moment ago, before the delay: leaving warns too (dismissed: the page stays).
    dialogs.clear()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_label("Présentez votre structure.").press_sequentially(" Ajout")
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert not page.is_closed()

    # The text typed before that is still saved after the delay; then nothing is pending when the page
    # closes (a save still running would race the next test's database flush).
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^Enregistré à"))
    dossier.refresh_from_db()
    assert "Ajout" in dossier.answers.get(question__code="presentation").value
    second.close()
    page.close()
