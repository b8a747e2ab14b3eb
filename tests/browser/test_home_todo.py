"""The « À faire » panel, as each role reads it: its own lines, each one leading to the dossier."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from dossiers.models import Campaign, Dossier
from tests.browser.test_login import log_in
from tests.factories import MembershipFactory, NetworkFactory, StructureFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        year=2009,
        title="Conventionnement 2009",
        opens_on=today - datetime.timedelta(days=60),
        review_deadline=today + datetime.timedelta(days=4),
        submission_deadline=today + datetime.timedelta(days=10),
    )
    uriae = NetworkFactory(code="URIAE")
    ei = StructureFactory(name="Nord Recyclage Services", departement="59", networks=[uriae])
    aci = StructureFactory(name="Jardins de Lomme", departement="59", networks=[uriae])
    ai = StructureFactory(name="AI du Douaisis", departement="59", networks=[uriae])
    dossiers = {
        "siae": Dossier.objects.create(structure=ei, campaign=campaign, status="changes_requested"),
        "advisor": Dossier.objects.create(structure=aci, campaign=campaign, status="in_review"),
        "agent": Dossier.objects.create(
            structure=ai, campaign=campaign, status="submitted", submitted_at=timezone.now()
        ),
    }
    users = {
        "siae": UserFactory(email="siae@example.org"),
        "advisor": UserFactory(email="conseiller@example.org"),
        "agent": UserFactory(email="ddtefp59@example.org"),
    }
    MembershipFactory(user=users["siae"], role=Membership.Role.SIAE_EDITOR, structure=ei)
    MembershipFactory(user=users["advisor"], role=Membership.Role.ADVISOR, network=uriae)
    MembershipFactory(user=users["agent"], role=Membership.Role.AGENT, departement="59")
    return users, dossiers


@pytest.mark.parametrize(
    "role, link",
    [
        ("siae", "Reprendre le dossier 2009 de Nord Recyclage Services"),
        ("advisor", "Relire le dossier 2009 de Jardins de Lomme"),
        ("agent", "Examiner le dossier 2009 de AI du Douaisis"),
    ],
)
def test_each_role_follows_its_line_to_the_dossier(page, live_server, world, role, link):
    users, dossiers = world
    log_in(page, live_server, users[role].email)
    panel = page.locator("section[data-todo]")
    expect(panel.get_by_role("heading", name="À faire")).to_be_visible()
    expect(panel.get_by_role("listitem")).to_have_count(1)
    panel.get_by_role("link", name=link).click()
    expect(page).to_have_url(f"{live_server.url}{dossiers[role].get_absolute_url()}")
