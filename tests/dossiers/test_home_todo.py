"""The « À faire » panel of the home page: each role sees only what awaits it, each line links to
the dossier, readers read the state without an action verb, and the query count does not grow."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from dossiers.calculations import TODO_DEADLINE_DAYS
from dossiers.models import Campaign, Dossier
from dossiers.selectors import TODO_SHOWN
from tests.factories import MembershipFactory, StructureFactory
from tests.personas import ROLES

pytestmark = pytest.mark.django_db


def panel(client, user):
    client.force_login(user)
    page = client.get(reverse("home")).text
    if 'id="todo-home-title"' not in page:
        return None
    return page[page.index('id="todo-home-title"') :].split("</section>")[0]


def lines(text):
    """(link target, link text) of each line of the panel."""
    return [
        (href, " ".join(label.split()))
        for href, label in re.findall(r'<li data-todo-kind="[a-z]+">\s*<a href="([^"]+)">([^<]+)</a>', text)
    ]


def campaign_due_in(days, *, review_in=None, year=2009):
    today = timezone.localdate()
    return Campaign.objects.create(
        year=year,
        title=f"Conventionnement {year}",
        opens_on=today - datetime.timedelta(days=90),
        review_deadline=today + datetime.timedelta(days=days if review_in is None else review_in),
        submission_deadline=today + datetime.timedelta(days=days),
    )


@pytest.fixture
def world(structure, other_structure, uriae):
    campaign = campaign_due_in(40, review_in=3)
    changes = Dossier.objects.create(structure=structure, campaign=campaign, status="changes_requested")
    review = Dossier.objects.create(structure=other_structure, campaign=campaign, status="in_review")
    transmitted = Dossier.objects.create(
        structure=StructureFactory(name="Atelier Transmis", departement="59", networks=[uriae]),
        campaign=campaign,
        status="submitted",
        submitted_at=timezone.now(),
    )
    return {"changes": changes, "review": review, "transmitted": transmitted}


EXPECTED = {
    "editor": [("changes", "Reprendre le dossier 2009 de Nord Recyclage")],
    "reader": [("changes", "Dossier 2009 de Nord Recyclage")],
    "other_editor": [],
    "advisor": [],
    "other_advisor": [("review", "Relire le dossier 2009 de Chantier de l&#x27;Artois")],
    "agent": [("transmitted", "Examiner le dossier 2009 de Atelier Transmis")],
    "other_agent": [],
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_items(client, request, world, role):
    text = panel(client, request.getfixturevalue(role))
    if role in ("portal_admin", "orphan"):
        assert text is None  # no membership: nothing awaits them here
        return
    expected = [(world[key].get_absolute_url(), label) for key, label in EXPECTED[role]]
    assert lines(text) == expected
    assert ("Rien à faire pour le moment." in text) == (not expected)


def test_lines_say_why(client, world, editor, reader, other_advisor, agent):
    assert "modifications demandées par le réseau" in panel(client, editor)
    reader_text = panel(client, reader)
    assert "modifications demandées par le réseau" in reader_text and "Reprendre" not in reader_text
    review = panel(client, other_advisor)
    assert f"relecture par le réseau avant le {world['review'].campaign.review_deadline:%d/%m/%Y}" in review
    assert '<span class="badge text-bg-warning">J-3</span>' in review
    assert "en attente de votre accusé de réception" in panel(client, agent)


def test_drafts_near_their_deadline(client, editor, reader, structure, other_structure, other_editor):
    near = Dossier.objects.create(structure=structure, campaign=campaign_due_in(5))
    far = Dossier.objects.create(
        structure=other_structure, campaign=campaign_due_in(TODO_DEADLINE_DAYS + 1, year=2010)
    )
    text = panel(client, editor)
    assert lines(text) == [(near.get_absolute_url(), "Transmettre le dossier 2009 de Nord Recyclage")]
    assert '<span class="badge text-bg-warning">J-5</span>' in text
    assert lines(panel(client, reader)) == [(near.get_absolute_url(), "Dossier 2009 de Nord Recyclage")]
    assert "Rien à faire pour le moment." in panel(client, other_editor)  # its draft is not due yet
    Campaign.objects.filter(pk=far.campaign_id).update(submission_deadline=timezone.localdate())
    assert lines(panel(client, other_editor)) == [
        (far.get_absolute_url(), "Transmettre le dossier 2010 de Chantier de l&#x27;Artois")
    ]
    Campaign.objects.filter(pk=near.campaign_id).update(
        submission_deadline=timezone.localdate() - datetime.timedelta(2)
    )
    assert '<span class="badge text-bg-danger">J+2</span>' in panel(client, editor)


def test_the_complement_requested_and_the_late_transmission_show(client, editor, agent, structure):
    campaign = campaign_due_in(-3)
    dossier = Dossier.objects.create(structure=structure, campaign=campaign, status="complement_requested")
    assert lines(panel(client, editor)) == [
        (dossier.get_absolute_url(), "Compléter le dossier 2009 de Nord Recyclage")
    ]
    Dossier.objects.filter(pk=dossier.pk).update(status="submitted", first_submitted_at=timezone.now())
    assert "transmis en retard (3 jours)" in panel(client, agent)


@pytest.mark.parametrize("persona", ["editor", "other_advisor", "agent"])
def test_the_query_count_does_not_grow(
    client,
    request,
    world,
    uriae,
    coorace,
    structure,
    persona,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    user = request.getfixturevalue(persona)
    campaign = world["changes"].campaign

    def add(count):
        for i in range(count):
            other = StructureFactory(departement="59", networks=[coorace])
            if persona == "editor":
                MembershipFactory(user=user, role=Membership.Role.SIAE_EDITOR, structure=other)
            status = "changes_requested" if persona == "editor" else ["in_review", "submitted"][i % 2]
            Dossier.objects.create(structure=other, campaign=campaign, status=status)

    client.force_login(user)
    client.get(reverse("home"))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("home"))
    add(2 * TODO_SHOWN + 6)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(reverse("home")).text
    text = page[page.index('id="todo-home-title"') :].split("</section>")[0]
    assert len(lines(text)) == TODO_SHOWN
    total = 2 * TODO_SHOWN + 7 if persona == "editor" else TODO_SHOWN + 4
    assert f"Voir les {total} dossiers" in text
