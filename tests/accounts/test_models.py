import pytest
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from accounts.models import Membership, User
from dossiers.models import Structure
from tests.factories import MembershipFactory, StructureFactory, UserFactory


def test_user_logs_in_by_email_case_insensitively(client, db):
    UserFactory(email="marie@example.org")
    # django-axes checks every login against a request (the test client gives none by itself).
    assert client.login(request=HttpRequest(), username="Marie@Example.org", password="motdepasse-de-test")


def test_create_user_normalises_email(db):
    user = User.objects.create_user(email="Paul@Example.ORG", password="x-long-password")
    assert user.email == "paul@example.org"


def test_scope_reads_every_active_membership(editor, structure, other_structure, uriae):
    MembershipFactory(user=editor, role=Membership.Role.SIAE_READER, structure=other_structure)
    MembershipFactory(user=editor, role=Membership.Role.ADVISOR, network=uriae)
    MembershipFactory(user=editor, role=Membership.Role.AGENT, departement="62", is_active=False)
    editor = User.objects.get(pk=editor.pk)
    scope = editor.scope
    assert scope.editor_structure_ids == {structure.pk}
    assert scope.reader_structure_ids == {other_structure.pk}
    assert scope.network_ids == {uriae.pk}
    assert scope.departements == frozenset()
    assert not scope.is_admin


def test_editor_role_wins_over_reader_on_the_same_structure(editor, structure):
    MembershipFactory(user=editor, role=Membership.Role.SIAE_READER, structure=structure)
    editor = User.objects.get(pk=editor.pk)
    assert editor.scope.editor_structure_ids == {structure.pk}
    assert editor.scope.reader_structure_ids == frozenset()


def test_membership_is_deactivated_not_deleted(editor):
    membership = editor.memberships.get()
    membership.delete()
    membership.refresh_from_db()
    assert not membership.is_active
    assert membership.deactivated_at is not None
    assert User.objects.get(pk=editor.pk).scope.is_empty


@pytest.mark.parametrize(
    "fields",
    [
        {"role": "siae_editor"},
        {"role": "advisor"},
        {"role": "agent"},
        {"role": "agent", "departement": "59", "with_structure": True},
    ],
)
def test_database_refuses_a_membership_without_its_target(db, fields):
    fields = dict(fields)
    if fields.pop("with_structure", False):
        fields["structure"] = StructureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), **fields)


def test_visible_structures_per_role(
    structure, other_structure, editor, advisor, other_advisor, agent, other_agent, portal_admin, orphan
):
    def visible(user):
        return set(Structure.objects.visible_to(User.objects.get(pk=user.pk)))

    assert visible(editor) == {structure}
    assert visible(advisor) == {structure}
    assert visible(other_advisor) == {other_structure}
    assert visible(agent) == {structure}
    assert visible(other_agent) == {other_structure}
    assert visible(portal_admin) == {structure, other_structure}
    assert visible(orphan) == set()


def test_a_structure_in_two_networks_is_listed_once(structure, coorace, advisor):
    structure.networks.add(coorace)
    MembershipFactory(user=advisor, role=Membership.Role.ADVISOR, network=coorace)
    advisor = User.objects.get(pk=advisor.pk)
    assert list(Structure.objects.visible_to(advisor)) == [structure]


def test_database_refuses_a_role_that_is_not_defined(db):
    assert Membership.Role.values == ["siae_editor", "siae_reader", "advisor", "agent"]
    with pytest.raises(IntegrityError, match="membership_target_matches_role"), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role="observer", departement="59")
