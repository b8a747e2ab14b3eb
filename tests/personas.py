"""Personas shared by every test module, healthchecks-style.

The world: two networks (URIAE, COORACE), an EI of Nord in URIAE ("structure"), an ACI of
Pas-de-Calais in COORACE ("other_structure"), and one person per role, inside and outside.
"""

import pytest
from django.urls import reverse

from accounts.models import Membership
from tests.factories import MembershipFactory, NetworkFactory, StructureFactory, UserFactory

PASSWORD = "motdepasse-de-test"

# Every logged-in persona below, for the role x page matrices (anonymous is tested beside them).
ROLES = [
    "editor",
    "reader",
    "other_editor",
    "advisor",
    "other_advisor",
    "agent",
    "other_agent",
    "portal_admin",
    "orphan",
]


@pytest.fixture
def uriae(db):
    return NetworkFactory(code="URIAE", name="URIAE Nord-Pas-de-Calais")


@pytest.fixture
def coorace(db):
    return NetworkFactory(code="COORACE", name="COORACE")


@pytest.fixture
def structure(uriae):
    return StructureFactory(name="Nord Recyclage", kind="EI", departement="59", commune="Roubaix", networks=[uriae])


@pytest.fixture
def other_structure(coorace):
    return StructureFactory(
        name="Chantier de l'Artois", kind="ACI", departement="62", commune="Arras", networks=[coorace]
    )


def _member_persona(role, **target):
    """A fixture: a new user holding one membership of `role`. A `structure` or `network` target names the
    persona fixture that provides it (so the persona's world is the one the test sees); a `departement` is a code."""

    @pytest.fixture
    def persona(request, db):
        scope = {
            key: value if key == "departement" else request.getfixturevalue(value) for key, value in target.items()
        }
        user = UserFactory()
        MembershipFactory(user=user, role=role, **scope)
        return user

    return persona


editor = _member_persona(Membership.Role.SIAE_EDITOR, structure="structure")
reader = _member_persona(Membership.Role.SIAE_READER, structure="structure")
other_editor = _member_persona(Membership.Role.SIAE_EDITOR, structure="other_structure")
advisor = _member_persona(Membership.Role.ADVISOR, network="uriae")
other_advisor = _member_persona(Membership.Role.ADVISOR, network="coorace")
agent = _member_persona(Membership.Role.AGENT, departement="59")
other_agent = _member_persona(Membership.Role.AGENT, departement="62")


@pytest.fixture
def portal_admin(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def orphan(db):
    """A logged-in user with no membership at all."""
    return UserFactory()


def login_as(client, request, role):
    """Log `client` in as the persona fixture named `role` ("anonymous": nobody); returns the user."""
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def get_as(client, request, role, url, *, sees, data=None):
    """GET `url` as the persona `role`, asserting that the roles in `sees` get the page, anonymous is sent
    to the login page and every other role gets a 404 (nothing tells an outsider that the page exists);
    the response."""
    login_as(client, request, role)
    response = client.get(url, data)
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == (200 if role in sees else 404)
    return response
