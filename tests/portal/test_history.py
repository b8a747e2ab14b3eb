"""Every change to an answer, a structure, a resource, a membership and a rate definition is kept
(django-simple-history): who and when, on the administrators' history pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from dossiers.models import Answer, Structure
from indicators.models import CustomRateDefinition
from tests.dossiers.conftest import campaign, dossier  # noqa: F401  (fixtures)
from tests.toolbox.conftest import proposal  # noqa: F401  (fixture)
from toolbox.models import Resource


def _latest(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


def _assert_recent(entry, user, history_type="~"):
    assert entry is not None
    assert entry.history_user == user
    assert entry.history_type == history_type
    assert timezone.now() - entry.history_date < datetime.timedelta(minutes=1)


def test_an_answer_saved_through_the_axis_form_is_kept_with_its_author(client, editor, dossier):  # noqa: F811
    questions = {q.code: q.pk for q in dossier.campaign.questions.all()}
    client.force_login(editor)
    url = reverse("dossiers:axis", args=[dossier.pk, 1])
    presentation, livret = f"q_{questions['presentation']}", f"q_{questions['livret_accueil']}"
    data = {"version": 0, presentation: "Première version", livret: "oui"}
    assert client.post(url, data).status_code == 302
    data.update({"version": 1, presentation: "Seconde version"})
    assert client.post(url, data).status_code == 302
    answer = dossier.answers.get(question__code="presentation")
    versions = list(answer.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.value, v.history_user) for v in versions] == [
        ("+", "Première version", editor),
        ("~", "Seconde version", editor),
    ]
    _assert_recent(versions[-1], editor)
    # A cleared answer is deleted: the deletion is kept too, with who cleared it.
    data.update({"version": 2, presentation: ""})
    assert client.post(url, data).status_code == 302
    assert not Answer.objects.filter(pk=answer.pk).exists()
    _assert_recent(_latest(Answer, answer.pk), editor, "-")


def test_a_structure_edited_by_its_editor_is_kept_with_its_author(client, editor, structure):
    client.force_login(editor)
    response = client.post(
        reverse("dossiers:structure_edit", args=[structure.pk]),
        {"name": "Nord Recyclage Services", "commune": "Lille", "address": "", "activity": "Tri"},
    )
    assert response.status_code == 302
    entry = _latest(Structure, structure.pk)
    _assert_recent(entry, editor)
    assert (entry.name, entry.commune) == ("Nord Recyclage Services", "Lille")
    assert entry.prev_record.name == "Nord Recyclage"


def test_a_structure_network_change_in_the_admin_is_kept(client, portal_admin, structure, coorace):
    client.force_login(portal_admin)
    url = reverse("admin:dossiers_structure_change", args=[structure.pk])
    data = {
        "name": structure.name,
        "kind": structure.kind,
        "siret": structure.siret,
        "departement": structure.departement,
        "commune": structure.commune,
        "address": structure.address,
        "networks": [coorace.pk],
        "insertion_posts_etp": "12",
        "activity": "",
    }
    assert client.post(url, data).status_code == 302
    entry = _latest(Structure, structure.pk)
    assert entry.history_user == portal_admin
    assert [link.network for link in entry.networks.all()] == [coorace]


def test_a_resource_published_by_an_advisor_is_kept_with_its_moderator(client, advisor, proposal):  # noqa: F811
    client.force_login(advisor)
    assert client.post(reverse("toolbox:publish", args=[proposal.pk])).status_code == 302
    entry = _latest(Resource, proposal.pk)
    _assert_recent(entry, advisor)
    assert entry.status == Resource.Status.PUBLISHED
    assert entry.prev_record.status == Resource.Status.PROPOSED


def test_a_membership_deactivated_in_the_admin_is_kept_with_the_administrator(client, portal_admin, editor):
    membership = editor.memberships.get()
    client.force_login(portal_admin)
    response = client.post(
        reverse("admin:accounts_membership_changelist"),
        {"action": "deactivate", "_selected_action": [membership.pk]},
    )
    assert response.status_code == 302
    entry = _latest(Membership, membership.pk)
    _assert_recent(entry, portal_admin)
    assert entry.is_active is False and entry.prev_record.is_active is True


def test_a_rate_definition_edited_by_an_advisor_is_kept_with_its_author(client, advisor, uriae):
    client.force_login(advisor)
    data = {"name": "Durable temps plein", "network": uriae.pk, "is_active": "on"}
    assert client.post(reverse("indicators:definition_create"), data).status_code == 302
    definition = CustomRateDefinition.objects.get()
    _assert_recent(_latest(CustomRateDefinition, definition.pk), advisor, "+")
    data.update(durable_requires_full_time="on")
    assert client.post(reverse("indicators:definition_edit", args=[definition.pk]), data).status_code == 302
    entry = _latest(CustomRateDefinition, definition.pk)
    _assert_recent(entry, advisor)
    assert entry.durable_requires_full_time is True


@pytest.mark.parametrize(
    "model",
    [Answer, Structure, Resource, Membership, CustomRateDefinition],
    ids=lambda model: model._meta.model_name,
)
def test_the_admin_history_page_shows_who_changed_what(client, request, portal_admin, editor, model):
    if model is Answer:
        dossier = request.getfixturevalue("dossier")
        question = dossier.campaign.questions.get(code="presentation")
        obj = Answer.objects.create(dossier=dossier, question=question, value="Texte")
    elif model is Structure:
        obj = request.getfixturevalue("structure")
    elif model is Resource:
        obj = request.getfixturevalue("proposal")
    elif model is Membership:
        obj = editor.memberships.get()
    else:
        obj = CustomRateDefinition.objects.create(name="Variante")
    # The last change is signed by the editor (as the request middleware does on a page).
    obj._history_user = editor
    obj.save()
    client.force_login(portal_admin)
    meta = model._meta
    response = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk]))
    assert response.status_code == 200
    assert str(editor) in response.text
    entry = obj.history.latest()
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_simple_history", args=[obj.pk, entry.history_id])
    assert client.get(url).status_code == 200


def test_the_history_page_answers_for_an_object_without_history(client, portal_admin, structure):
    """Rows loaded in bulk before history existed (or by a loader that wrote none) still open."""
    structure.history.all().delete()
    client.force_login(portal_admin)
    response = client.get(reverse("admin:dossiers_structure_history", args=[structure.pk]))
    assert response.status_code == 200
