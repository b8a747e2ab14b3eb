"""A transmission the network has not approved is allowed but labelled so: « transmis sans
validation du réseau » on the agent's dossier page and list, and in the PDF summary stored at
transmission. The history tells it: the transmission's `submit` started elsewhere than « validé »."""

import pytest
from django.urls import reverse

from dossiers import workflow
from dossiers.models import Dossier
from dossiers.services import apply_transition
from tests.dossiers.conftest import answer_all_required, set_status
from tests.dossiers.test_pdf import pdf_text, poppler  # noqa: F401  (fixture)
from tests.factories import StructureFactory

LABEL = "transmis sans validation du réseau"
BADGE = f'<span class="badge text-bg-warning" data-unapproved-transmission>{LABEL}</span>'


DRAFT, IN_REVIEW, CHANGES, APPROVED = workflow.DRAFT, workflow.IN_REVIEW, workflow.CHANGES_REQUESTED, workflow.APPROVED


@pytest.mark.parametrize(
    "steps, expected",
    [
        ([], False),
        ([("ask_review", DRAFT)], False),
        ([("submit", DRAFT)], True),
        (
            [("ask_review", DRAFT), ("request_changes", IN_REVIEW), ("submit", CHANGES)],
            True,
        ),
        ([("ask_review", DRAFT), ("approve", IN_REVIEW), ("submit", APPROVED)], False),
        # A complement goes back without a new review: the first transmission decides.
        (
            [("submit", APPROVED), ("request_complement", "submitted"), ("resubmit", "complement_requested")],
            False,
        ),
    ],
)
def test_the_history_tells_an_unapproved_transmission(steps, expected):
    assert workflow.transmitted_without_approval(steps) is expected


def _walk(dossier, steps, editor, advisor):
    answer_all_required(dossier)
    actors = {workflow.SIAE: editor, workflow.ADVISOR: advisor}
    for name in steps:
        comment = "Précisez l'axe 3." if workflow.TRANSITIONS[name].comment_required else ""
        dossier = apply_transition(
            dossier, name, actors[workflow.TRANSITIONS[name].actor], comment=comment, notify=False
        )
    return dossier


@pytest.mark.django_db
@pytest.mark.parametrize(
    "steps, unapproved",
    [
        (["submit"], True),
        (["ask_review", "request_changes", "submit"], True),
        (["ask_review", "approve", "submit"], False),
    ],
)
def test_the_agent_reads_it_on_the_page_and_the_list(client, dossier, editor, advisor, agent, steps, unapproved):
    _walk(dossier, steps, editor, advisor)
    assert Dossier.objects.with_approval_flag().get().transmitted_unapproved is unapproved
    client.force_login(agent)
    assert (BADGE in client.get(reverse("dossiers:detail", args=[dossier.pk])).text) is unapproved
    assert (BADGE in client.get(reverse("dossiers:dossier_list")).text) is unapproved


@pytest.mark.django_db
def test_the_list_flags_each_row_without_a_query_per_row(
    client, campaign, dossier, editor, advisor, agent, portal_admin, uriae, django_assert_max_num_queries
):
    _walk(dossier, ["submit"], editor, advisor)
    approved = Dossier.objects.create(
        structure=StructureFactory(name="Atelier validé", departement="59", networks=[uriae]), campaign=campaign
    )
    _walk(approved, ["ask_review", "approve", "submit"], portal_admin, advisor)
    client.force_login(agent)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("dossiers:dossier_list"))
    rows = {d.structure.name: d.transmitted_unapproved for d in page.context["page"].object_list}
    assert rows == {"Nord Recyclage": True, "Atelier validé": False}
    assert page.text.count(BADGE) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("steps, unapproved", [(["submit"], True), (["ask_review", "approve", "submit"], False)])
def test_the_stored_pdf_of_the_transmission_says_it(
    client,
    poppler,  # noqa: F811
    tmp_path,
    dossier,
    editor,
    advisor,
    agent,
    steps,
    unapproved,
):
    _walk(dossier, steps, editor, advisor)
    client.force_login(agent)  # the agent prints the version stored at transmission
    text = pdf_text(client.get(reverse("dossiers:pdf", args=[dossier.pk])).content, tmp_path)
    line = f"{LABEL} : la première transmission a été faite sans que le réseau ait validé le dossier"
    assert (line in text) is unapproved


@pytest.mark.django_db
@pytest.mark.parametrize("status, warned", [("draft", True), ("changes_requested", True), ("approved", False)])
def test_the_structure_is_told_before_transmitting(client, dossier, editor, status, warned):
    set_status(dossier, status)
    client.force_login(editor)
    page = client.get(reverse("dossiers:detail", args=[dossier.pk])).text
    assert ("la DDTEFP la verra « transmis sans validation du réseau »" in page) is warned
