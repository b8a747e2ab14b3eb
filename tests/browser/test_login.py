"""Each role logs in through the form, lands on its own home page, and logs out."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from tests.factories import MembershipFactory, NetworkFactory, StructureFactory, UserFactory

PASSWORD = "motdepasse-de-test"


@pytest.fixture
def world(transactional_db):
    uriae = NetworkFactory(code="URIAE")
    ei = StructureFactory(name="Nord Recyclage Services", kind="EI", departement="59", networks=[uriae])
    StructureFactory(name="Jardins de l'Artois", kind="ACI", departement="62", networks=[uriae])
    StructureFactory(name="AI du Douaisis", kind="AI", departement="59")
    users = {
        "siae": UserFactory(email="siae@example.org", first_name="Sophie"),
        "advisor": UserFactory(email="conseiller@example.org", first_name="Claire"),
        "agent": UserFactory(email="ddtefp59@example.org", first_name="Pierre"),
        "admin": UserFactory(email="admin@example.org", first_name="Anne", is_staff=True, is_superuser=True),
    }
    MembershipFactory(user=users["siae"], role=Membership.Role.SIAE_EDITOR, structure=ei)
    MembershipFactory(user=users["advisor"], role=Membership.Role.ADVISOR, network=uriae)
    MembershipFactory(user=users["agent"], role=Membership.Role.AGENT, departement="59")
    return users


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def log_out(page, live_server, email):
    page.get_by_role("button", name=email).click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("who", "heading", "sees", "does_not_see"),
    [
        ("siae", "Votre structure", ["Nord Recyclage Services"], ["Jardins de l'Artois", "AI du Douaisis"]),
        (
            "advisor",
            "Les structures de votre réseau",
            ["Nord Recyclage Services", "Jardins de l'Artois"],
            ["AI du Douaisis"],
        ),
        (
            "agent",
            "Les structures de votre département",
            ["Nord Recyclage Services", "AI du Douaisis"],
            ["Jardins de l'Artois"],
        ),
        ("admin", "Toutes les structures", ["Nord Recyclage Services", "Jardins de l'Artois", "AI du Douaisis"], []),
    ],
)
def test_role_logs_in_lands_home_and_logs_out(page, live_server, world, who, heading, sees, does_not_see):
    user = world[who]
    log_in(page, live_server, user.email)
    expect(page.get_by_role("heading", name=f"Bonjour {user.first_name}")).to_be_visible()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    table = page.get_by_role("table")
    for name in sees:
        expect(table.get_by_role("link", name=name)).to_be_visible()
    for name in does_not_see:
        expect(table.get_by_text(name)).to_have_count(0)
    log_out(page, live_server, user.email)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_password_gets_a_french_message(page, live_server, world):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill("siae@example.org")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Adresse e-mail ou mot de passe incorrect.")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_skip_link_reaches_the_content_by_keyboard(page, live_server, world):
    log_in(page, live_server, "siae@example.org")
    expect(page.get_by_role("heading", name="Votre structure")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
