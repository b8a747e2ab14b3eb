import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import StructureFactory
from tests.toolbox.conftest import ROLES, URIAE_MEMBERS
from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource

PROPOSAL_VIEWERS = {"editor", "advisor", "portal_admin"}  # the proposer, the URIAE advisor, admins


@pytest.mark.parametrize("role", ROLES)
def test_visible_to_matrix(request, role, public_resource, restricted_resource, proposal):
    user = request.getfixturevalue(role)
    visible = set(Resource.objects.visible_to(user))
    assert public_resource in visible
    assert (restricted_resource in visible) == (role in URIAE_MEMBERS)
    assert (proposal in visible) == (role in PROPOSAL_VIEWERS)


def test_anonymous_sees_nothing(public_resource):
    assert not Resource.objects.visible_to(AnonymousUser()).exists()


@pytest.mark.parametrize("role", ROLES)
def test_restricted_resource_is_404_to_non_members(client, login, role, restricted_resource):
    login(role)
    for name in ("toolbox:detail", "toolbox:download"):
        response = client.get(reverse(name, args=[restricted_resource.pk]))
        assert response.status_code == (200 if role in URIAE_MEMBERS else 404)
    response = client.post(reverse("toolbox:download", args=[restricted_resource.pk]))
    assert response.status_code == (200 if role in URIAE_MEMBERS else 404)
    listed = client.get(reverse("toolbox:browse")).context["page"].object_list
    assert (restricted_resource in listed) == (role in URIAE_MEMBERS)
    restricted_resource.refresh_from_db()
    assert restricted_resource.download_count == (1 if role in URIAE_MEMBERS else 0)


def test_staff_of_any_member_structure_is_a_member(client, uriae, restricted_resource):
    """Membership comes from any structure of the network, not only the personas' one."""
    from tests.factories import MembershipFactory, UserFactory

    member = UserFactory()
    MembershipFactory(user=member, role="siae_reader", structure=StructureFactory(networks=[uriae]))
    outsider = UserFactory()
    MembershipFactory(user=outsider, role="siae_editor", structure=StructureFactory(networks=[]))
    assert Resource.objects.visible_to(member).filter(pk=restricted_resource.pk).exists()
    assert not Resource.objects.visible_to(outsider).filter(pk=restricted_resource.pk).exists()


def test_inactive_membership_gives_no_access(uriae, restricted_resource, editor):
    editor.memberships.get().deactivate()
    editor.__dict__.pop("scope", None)  # the scope is cached on the instance
    assert not Resource.objects.visible_to(editor).filter(pk=restricted_resource.pk).exists()


def test_advisor_sees_proposals_of_its_network_structures_and_network_only(
    advisor, other_advisor, uriae, coorace, structure, other_structure, other_editor
):
    own_network = ResourceFactory(provider_network=uriae, proposed_by=other_editor, proposal=True)
    own_structure = ResourceFactory(provider_network=None, provider_structure=structure, proposal=True)
    other = ResourceFactory(provider_network=None, provider_structure=other_structure, proposal=True)
    coorace_tool = ResourceFactory(provider_network=coorace, proposal=True)
    assert set(Resource.objects.moderable_by(advisor).proposed()) == {own_network, own_structure}
    assert set(Resource.objects.moderable_by(other_advisor).proposed()) == {other, coorace_tool}
    assert set(Resource.objects.visible_to(advisor)) == {own_network, own_structure}
    # The proposer sees its own proposal even when another network moderates it.
    assert own_network in Resource.objects.visible_to(other_editor)


def test_moderation_scope_of_non_advisors_is_empty(editor, agent, orphan, portal_admin, proposal):
    for user in (editor, agent, orphan):
        assert not Resource.objects.moderable_by(user).exists()
    assert list(Resource.objects.moderable_by(portal_admin)) == [proposal]


def test_kind_and_axis_filters(uriae):
    aci_only = ResourceFactory(provider_network=uriae, axis="2")
    aci_only.kinds = ["ACI"]
    aci_only.save()
    transversal = ResourceFactory(provider_network=uriae, axis="transversal")
    other_axis = ResourceFactory(provider_network=uriae, axis="4")
    assert set(Resource.objects.for_kind("ACI").for_axis("2")) == {aci_only, transversal}
    assert set(Resource.objects.for_kind("EI").for_axis("2")) == {transversal}
    assert set(Resource.objects.for_axis("4", with_transversal=False)) == {other_axis}
    assert not Resource.objects.for_kind("XYZ").exists()


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"url": "", "file": ""}, "resource_file_or_link"),
        ({"file": "toolbox/x/outil.pdf"}, "resource_file_or_link"),
        ({"provider_network": None}, "resource_one_provider"),
        ({"suits_ei": False, "suits_etti": False, "suits_ai": False, "suits_aci": False}, "resource_suits_a_kind"),
        ({"status": "rejected", "rejection_reason": ""}, "resource_rejection_has_reason"),
        ({"status": "published", "published_at": None}, "resource_publication_dated"),
        ({"status": "rejected", "rejection_reason": "Doublon", "moderated_at": None}, "resource_moderation_dated"),
        ({"axis": "5"}, "resource_axis_valid"),
        ({"category": "autre"}, "resource_category_valid"),
    ],
)
def test_database_constraints(uriae, changes, constraint):
    resource = ResourceFactory(provider_network=uriae)
    for name, value in changes.items():
        setattr(resource, name, value)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        resource.save()


def test_both_providers_is_refused(uriae, structure):
    with pytest.raises(IntegrityError, match="resource_one_provider"), transaction.atomic():
        ResourceFactory(provider_network=uriae, provider_structure=structure)


def test_published_restricted_resource_stays_members_only_for_the_providers_advisor(
    client, advisor, coorace, structure
):
    """A structure of URIAE publishes a tool reserved to COORACE members: the URIAE advisor, who
    moderated the proposal, is not a COORACE member and must not see it once published."""
    tool = ResourceFactory(provider_network=None, provider_structure=structure, restricted_to=coorace, with_file=True)
    assert tool not in Resource.objects.visible_to(advisor)
    client.force_login(advisor)
    assert client.get(reverse("toolbox:detail", args=[tool.pk])).status_code == 404
