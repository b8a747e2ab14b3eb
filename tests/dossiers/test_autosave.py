"""The axis page's autosave endpoint: the manual save's version check, answered in JSON."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.dossiers.conftest import ROLES, set_status
from tests.factories import MembershipFactory, UserFactory

SEES = {"editor", "reader", "advisor", "portal_admin"}
WRITES = {"editor", "portal_admin"}


def _payload(dossier, version=0, **answers):
    questions = {q.code: q.pk for q in dossier.campaign.questions.all()}
    return {"version": version, **{f"q_{questions[code]}": value for code, value in answers.items()}}


def _autosave(client, dossier, axis=1, **data):
    return client.post(reverse("dossiers:axis_autosave", args=[dossier.pk, axis]), data)


@pytest.mark.parametrize("role", ROLES)
def test_autosave_matrix(client, request, dossier, role):
    client.force_login(request.getfixturevalue(role))
    response = _autosave(client, dossier, **_payload(dossier, presentation="Brouillon"))
    if role in WRITES:
        assert response.status_code == 200
        assert response.json()["version"] == 1
        assert dossier.answers.get().value == "Brouillon"
    else:
        assert response.status_code == (403 if role in SEES else 404)
        assert not dossier.answers.exists()


def test_it_saves_and_says_when(client, editor, dossier):
    client.force_login(editor)
    response = _autosave(client, dossier, **_payload(dossier, presentation="Notre structure", livret_accueil="oui"))
    answer = response.json()
    assert answer["ok"] is True
    assert answer["message"] == f"Enregistré à {answer['saved_at']}"
    assert len(answer["saved_at"]) == 5 and answer["saved_at"][2] == ":"
    dossier.refresh_from_db()
    assert dossier.version_axis_1 == 1
    assert dossier.saved_by_axis_1 == editor
    # The next autosave carries the version the first one returned.
    response = _autosave(client, dossier, **_payload(dossier, version=1, presentation="Notre structure, suite"))
    assert response.status_code == 200
    assert dossier.answers.get(question__code="presentation").value == "Notre structure, suite"


def test_a_stale_version_is_refused_and_names_another_person(client, editor, dossier, structure):
    colleague = UserFactory()
    MembershipFactory(user=colleague, role=Membership.Role.SIAE_EDITOR, structure=structure)
    client.force_login(colleague)
    assert _autosave(client, dossier, **_payload(dossier, presentation="Texte de Lucie")).status_code == 200
    client.force_login(editor)
    response = _autosave(client, dossier, **_payload(dossier, presentation="Mon texte"))
    assert response.status_code == 409
    assert response.json()["conflict"] is True
    assert "une autre personne a enregistré cet axe" in response.json()["message"]
    assert dossier.answers.get().value == "Texte de Lucie"


def test_the_same_user_in_another_tab_is_told_so(client, editor, dossier):
    client.force_login(editor)
    assert _autosave(client, dossier, **_payload(dossier, presentation="Onglet 1")).status_code == 200
    response = _autosave(client, dossier, **_payload(dossier, presentation="Onglet 2"))
    assert response.status_code == 409
    assert "vous avez enregistré cet axe dans un autre onglet" in response.json()["message"]
    assert dossier.answers.get().value == "Onglet 1"


def test_the_manual_save_names_the_same_user_too(client, editor, dossier):
    client.force_login(editor)
    assert _autosave(client, dossier, **_payload(dossier, presentation="Onglet 1")).status_code == 200
    response = client.post(reverse("dossiers:axis", args=[dossier.pk, 1]), _payload(dossier, presentation="Onglet 2"))
    assert response.status_code == 409
    assert "Vous avez enregistré cet axe dans un autre onglet" in response.text
    assert "Une autre personne a enregistré" not in response.text


def test_bad_input_is_named_and_nothing_is_saved(client, editor, dossier):
    client.force_login(editor)
    response = _autosave(client, dossier, axis=2, **_payload(dossier, duree_parcours="beaucoup"))
    assert response.status_code == 400
    answer = response.json()
    assert answer["message"] == "Non enregistré : 1 réponse à corriger."
    question = dossier.campaign.questions.get(code="duree_parcours")
    assert list(answer["errors"]) == [f"id_q_{question.pk}"]
    dossier.refresh_from_db()
    assert dossier.version_axis_2 == 0 and not dossier.answers.exists()


def test_a_transmitted_dossier_is_not_autosaved(client, editor, dossier):
    set_status(dossier, "submitted")
    client.force_login(editor)
    response = _autosave(client, dossier, **_payload(dossier, presentation="Trop tard"))
    assert response.status_code == 403
    assert not dossier.answers.exists()


def test_autosave_leaves_attachments_alone(client, editor, dossier):
    from tests.dossiers.test_dossier_views import _attachment

    attachment = _attachment(dossier)
    client.force_login(editor)
    data = _payload(dossier, presentation="Texte")
    data[f"q_{attachment.question_id}_clear"] = "on"
    assert _autosave(client, dossier, **data).status_code == 200
    assert dossier.answers.filter(pk=attachment.pk).exists()


def test_the_axis_page_offers_the_autosave_to_editors_only(client, editor, reader, dossier):
    client.force_login(editor)
    page = client.get(reverse("dossiers:axis", args=[dossier.pk, 1])).text
    assert f'data-autosave-url="{reverse("dossiers:axis_autosave", args=[dossier.pk, 1])}"' in page
    assert 'id="autosave-status"' in page and 'aria-live="polite"' in page
    assert "js/autosave" in page
    client.force_login(reader)
    page = client.get(reverse("dossiers:axis", args=[dossier.pk, 1])).text
    assert "data-autosave-url" not in page and "js/autosave" not in page


def test_french_numbers_are_read_stored_plainly_and_shown_in_french(client, editor, dossier):
    client.force_login(editor)
    response = _autosave(client, dossier, axis=2, **_payload(dossier, duree_parcours="1\u00a0250\u00a0000,50"))
    assert response.status_code == 200
    answer = dossier.answers.get(question__code="duree_parcours")
    assert answer.value == "1250000.5"
    assert answer.display() == "1\u202f250\u202f000,5"
    page = client.get(reverse("dossiers:axis", args=[dossier.pk, 2])).text
    assert 'value="1\u202f250\u202f000,5"' in page
