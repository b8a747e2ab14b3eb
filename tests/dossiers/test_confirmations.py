"""Irreversible actions ask for confirmation, without JavaScript: transmit (and transmit a
complement), acknowledge, undo an approval, reuse last year's answers. Unticked, nothing changes
and the page says why, keeping what was typed; ticked, the action happens."""

import pytest
from django.core import mail
from django.urls import reverse

from dossiers import workflow
from dossiers.models import Answer, Dossier, DossierTransition
from tests.dossiers.conftest import answer_all_required, set_status

TRANSITION_ERROR = "Cochez la case pour confirmer cette action définitive : rien n&#x27;a été fait."
REUSE_ERROR = "Cochez la case pour confirmer la reprise des réponses de l&#x27;an dernier : rien n&#x27;a été repris."

CONFIRMED = [
    # transition, from, persona
    ("submit", "draft", "editor"),
    ("submit", "approved", "editor"),
    ("resubmit", "complement_requested", "editor"),
    ("acknowledge", "submitted", "agent"),
    ("resume", "approved", "editor"),
]


def test_the_irreversible_steps_are_the_ones_that_ask():
    asking = {name for name, transition in workflow.TRANSITIONS.items() if transition.confirmation}
    assert asking == {"submit", "resubmit", "acknowledge", "resume"}


def _post(client, dossier, name, **data):
    return client.post(reverse("dossiers:transition", args=[dossier.pk, name]), {"comment": "Mon message", **data})


@pytest.mark.parametrize(("name", "before", "persona"), CONFIRMED)
def test_unconfirmed_nothing_changes_and_the_page_says_why(client, request, dossier, name, before, persona):
    answer_all_required(dossier)
    set_status(dossier, before)
    client.force_login(request.getfixturevalue(persona))
    response = _post(client, dossier, name)
    assert response.status_code == 400
    assert TRANSITION_ERROR in response.text
    assert f'id="id_{name}_confirm"' in response.text and "form-check-input is-invalid" in response.text
    assert ">Mon message</textarea>" in response.text  # what was typed is kept
    dossier.refresh_from_db()
    assert dossier.status == before
    assert not DossierTransition.objects.exists() and not dossier.snapshots.exists() and mail.outbox == []


@pytest.mark.parametrize(("name", "before", "persona"), CONFIRMED)
def test_confirmed_the_action_happens(client, request, dossier, name, before, persona):
    answer_all_required(dossier)
    set_status(dossier, before)
    client.force_login(request.getfixturevalue(persona))
    response = _post(client, dossier, name, confirm="on")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == workflow.TRANSITIONS[name].target
    assert DossierTransition.objects.get().comment == "Mon message"


def test_each_box_says_what_cannot_be_undone_and_other_steps_have_none(client, editor, advisor, dossier):
    client.force_login(editor)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).text
    assert page.count('type="checkbox"') == 1  # transmit; asking for a review is undone by the network
    assert workflow.TRANSITIONS["submit"].confirmation in page.replace("&#x27;", "'")
    set_status(dossier, "in_review")
    client.force_login(advisor)
    assert 'type="checkbox"' not in client.get(reverse("dossiers:detail", args=[dossier.pk])).text


def test_a_forged_unconfirmed_post_is_still_a_403(client, agent, dossier):
    set_status(dossier, "complement_requested")
    client.force_login(agent)
    assert _post(client, dossier, "acknowledge").status_code == 403


@pytest.fixture
def last_year(structure, previous_campaign):
    old = Dossier.objects.create(structure=structure, campaign=previous_campaign, status="acknowledged")
    Answer.objects.create(dossier=old, question=previous_campaign.questions.get(code="presentation"), value="2008")
    return old


def test_reusing_last_year_unconfirmed_copies_nothing(client, editor, dossier, last_year):
    client.force_login(editor)
    response = client.post(reverse("dossiers:reuse", args=[dossier.pk]))
    assert response.status_code == 400 and REUSE_ERROR in response.text
    assert not dossier.answers.exists()
    response = client.post(reverse("dossiers:reuse", args=[dossier.pk]), {"confirm": "on"})
    assert response.status_code == 302 and dossier.answers.get().value == "2008"
