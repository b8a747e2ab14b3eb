import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership
from tests.factories import MembershipFactory, UserFactory
from tests.toolbox.conftest import ROLES, publish_in_admin
from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource
from toolbox.services import ModerationError, publish, reject

MODERATORS = {"advisor", "portal_admin"}  # of a proposal by "Nord Recyclage" (URIAE)
SEES_PROPOSAL = {"editor", "advisor", "portal_admin"}


def test_publish_signs_dates_and_tells_the_proposer(proposal, advisor, editor):
    published = publish(proposal, by=advisor, base_url="https://portail.example.org")
    proposal.refresh_from_db()
    assert proposal.status == Resource.Status.PUBLISHED == published.status
    assert proposal.moderated_by == advisor
    assert proposal.moderated_at is not None and proposal.published_at == proposal.moderated_at
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [editor.email]
    assert "« Modèle de livret d'accueil » est publiée" in message.subject
    assert f"https://portail.example.org/boite-a-outils/{proposal.pk}/" in message.body


def test_reject_needs_a_reason_and_mails_it(proposal, advisor, editor):
    with pytest.raises(ModerationError, match="motif"):
        reject(proposal, by=advisor, reason="   ")
    proposal.refresh_from_db()
    assert proposal.status == Resource.Status.PROPOSED
    assert mail.outbox == []

    reject(proposal, by=advisor, reason="Le document contient le nom d'un salarié.")
    proposal.refresh_from_db()
    assert proposal.status == Resource.Status.REJECTED
    assert proposal.rejection_reason == "Le document contient le nom d'un salarié."
    assert proposal.moderated_by == advisor and proposal.moderated_at is not None
    assert proposal.published_at is None
    (message,) = mail.outbox
    assert message.to == [editor.email]
    assert "n'a pas été retenue" in message.subject
    assert "Motif du refus :\nLe document contient le nom d'un salarié." in message.body


@pytest.mark.parametrize("first", ["publish", "reject"])
def test_a_decision_is_final(proposal, advisor, portal_admin, first):
    if first == "publish":
        publish(proposal, by=advisor)
    else:
        reject(proposal, by=advisor, reason="Doublon d'un outil existant.")
    before = Resource.objects.get(pk=proposal.pk)
    with pytest.raises(ModerationError, match="seule une proposition en attente"):
        publish(proposal, by=portal_admin)
    with pytest.raises(ModerationError, match="seule une proposition en attente"):
        reject(proposal, by=portal_admin, reason="Autre motif de refus.")
    after = Resource.objects.get(pk=proposal.pk)
    assert (after.status, after.moderated_by_id, after.moderated_at) == (
        before.status,
        before.moderated_by_id,
        before.moderated_at,
    )


def test_an_advisor_cannot_publish_its_own_proposal(advisor, uriae):
    resource = ResourceFactory(provider_network=uriae, proposed_by=advisor, proposal=True)
    with pytest.raises(ModerationError, match="votre propre proposition"):
        publish(resource, by=advisor)
    assert Resource.objects.get(pk=resource.pk).status == Resource.Status.PROPOSED
    assert mail.outbox == []


def test_no_mail_when_an_administrator_publishes_its_own_proposal(portal_admin, uriae):
    resource = ResourceFactory(provider_network=uriae, proposed_by=portal_admin, proposal=True)
    publish(resource, by=portal_admin)
    assert Resource.objects.get(pk=resource.pk).status == Resource.Status.PUBLISHED
    assert mail.outbox == []


def test_another_moderator_publishes_an_advisors_proposal(advisor, uriae):
    proposer = UserFactory()  # another advisor of URIAE
    MembershipFactory(user=proposer, role=Membership.Role.ADVISOR, network=uriae)
    resource = ResourceFactory(provider_network=uriae, proposed_by=proposer, proposal=True)
    publish(resource, by=advisor)
    assert Resource.objects.get(pk=resource.pk).status == Resource.Status.PUBLISHED
    assert [message.to for message in mail.outbox] == [[proposer.email]]


def test_an_advisors_own_publish_answers_403_and_its_button_is_not_shown(client, advisor, uriae):
    resource = ResourceFactory(provider_network=uriae, proposed_by=advisor, proposal=True)
    client.force_login(advisor)
    page = client.get(resource.get_absolute_url()).content.decode()
    assert reverse("toolbox:publish", args=[resource.pk]) not in page
    assert "sera publiée par un autre conseiller du réseau ou un administrateur" in page
    assert reverse("toolbox:reject", args=[resource.pk]) in page  # withdrawing it stays possible
    response = client.post(reverse("toolbox:publish", args=[resource.pk]))
    assert response.status_code == 403
    assert Resource.objects.get(pk=resource.pk).status == Resource.Status.PROPOSED
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_publish_view_matrix(client, login, role, proposal):
    login(role)
    response = client.post(reverse("toolbox:publish", args=[proposal.pk]))
    proposal.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response.url
    elif role in MODERATORS:
        assert response.status_code == 302 and response.url == proposal.get_absolute_url()
        assert proposal.status == Resource.Status.PUBLISHED
        return
    else:
        assert response.status_code == (403 if role in SEES_PROPOSAL else 404)
    assert proposal.status == Resource.Status.PROPOSED
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_reject_view_matrix(client, login, role, proposal):
    login(role)
    url = reverse("toolbox:reject", args=[proposal.pk])
    page = client.get(url)
    response = client.post(url, {"reason": "Merci de retirer les noms des salariés du document."})
    proposal.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and "/login/" in response.url
    elif role in MODERATORS:
        assert page.status_code == 200 and "Motif du refus" in page.text
        assert response.status_code == 302 and response.url == reverse("toolbox:moderation")
        assert proposal.status == Resource.Status.REJECTED
        assert len(mail.outbox) == 1
        return
    else:
        expected = 403 if role in SEES_PROPOSAL else 404
        assert page.status_code == response.status_code == expected
    assert proposal.status == Resource.Status.PROPOSED


def test_reject_view_refuses_an_empty_or_too_short_reason(client, advisor, proposal):
    client.force_login(advisor)
    for reason in ("", "Non."):
        response = client.post(reverse("toolbox:reject", args=[proposal.pk]), {"reason": reason})
        assert response.status_code == 200
        assert ("Indiquez le motif du refus" if not reason else "une phrase au moins") in response.text
    proposal.refresh_from_db()
    assert proposal.status == Resource.Status.PROPOSED
    assert mail.outbox == []


def test_publishing_twice_shows_a_clear_message(client, advisor, proposal):
    client.force_login(advisor)
    client.post(reverse("toolbox:publish", args=[proposal.pk]))
    response = client.post(reverse("toolbox:publish", args=[proposal.pk]), follow=True)
    assert "a déjà été publiée" in response.text
    response = client.get(reverse("toolbox:reject", args=[proposal.pk]), follow=True)
    assert "a déjà été publiée" in response.text
    assert len(mail.outbox) == 1


def test_other_network_advisor_cannot_moderate_a_proposal_it_sees(client, other_advisor, other_editor, uriae):
    """A COORACE structure's editor proposes a tool of URIAE: URIAE moderates it, not COORACE."""
    resource = ResourceFactory(provider_network=uriae, proposed_by=other_editor, proposal=True)
    client.force_login(other_advisor)
    assert client.post(reverse("toolbox:publish", args=[resource.pk])).status_code == 404


def test_structure_without_network_is_moderated_by_admins_only(client, advisor, portal_admin):
    from tests.factories import StructureFactory

    resource = ResourceFactory(provider_network=None, provider_structure=StructureFactory(), proposal=True)
    client.force_login(advisor)
    assert client.post(reverse("toolbox:publish", args=[resource.pk])).status_code == 404
    client.force_login(portal_admin)
    assert client.post(reverse("toolbox:publish", args=[resource.pk])).status_code == 302
    resource.refresh_from_db()
    assert resource.is_published and resource.moderated_by == portal_admin


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_moderation_queue_matrix(client, login, role, proposal):
    login(role)
    response = client.get(reverse("toolbox:moderation"))
    if role == "anonymous":
        assert response.status_code == 302
    elif role in {"advisor", "other_advisor", "portal_admin"}:
        assert response.status_code == 200
        pending = list(response.context["page"].object_list)
        assert pending == ([proposal] if role in MODERATORS else [])
    else:
        assert response.status_code == 403


def test_moderation_queue_lists_decisions_with_constant_queries(
    client, advisor, structure, uriae, django_assert_max_num_queries
):
    for _n in range(25):
        ResourceFactory(provider_network=None, provider_structure=structure, proposal=True)
    for _n in range(12):
        resource = ResourceFactory(provider_network=uriae, proposal=True)
        publish(resource, by=advisor)
    client.force_login(advisor)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("toolbox:moderation"))
    assert response.context["page"].paginator.count == 25
    assert len(response.context["decisions"]) == 10
    assert str(advisor) in response.text


def test_a_proposal_is_announced_to_the_moderators_of_the_provider(client, editor, structure, advisor, other_advisor):
    from tests.factories import MembershipFactory, UserFactory

    second_advisor = UserFactory()
    MembershipFactory(user=second_advisor, role="advisor", network=advisor.memberships.get().network)
    client.force_login(editor)
    client.post(
        reverse("toolbox:propose"),
        {
            "title": "Fiche de liaison",
            "summary": "Pour le référent RMI.",
            "axis": "2",
            "category": "accompagnement",
            "kinds": ["EI"],
            "provider": f"structure:{structure.pk}",
            "url": "https://outils.example.org/liaison",
        },
    )
    # One message per moderator: nobody sees the others' addresses.
    assert sorted(m.to for m in mail.outbox) == sorted([[advisor.email], [second_advisor.email]])
    for message in mail.outbox:
        assert message.cc == message.bcc == []
        assert "nouvelle proposition « Fiche de liaison »" in message.subject
        assert "/boite-a-outils/" in message.body


def test_without_advisor_the_administrators_are_told(client, portal_admin, orphan):
    from tests.factories import NetworkFactory
    from toolbox.services import notify_moderators

    resource = ResourceFactory(provider_network=NetworkFactory(code="FEI"), proposed_by=orphan, proposal=True)
    assert notify_moderators(resource) == 1
    assert [m.to for m in mail.outbox] == [[portal_admin.email]]


def test_concurrent_downloads_are_all_counted(public_resource):
    from toolbox.services import count_download

    first, second = Resource.objects.get(pk=public_resource.pk), Resource.objects.get(pk=public_resource.pk)
    count_download(first)
    count_download(second)  # a stale copy: the increment happens in SQL, not from its stale value
    public_resource.refresh_from_db()
    assert public_resource.download_count == 2


def test_admin_action_publishes_through_the_service(client, portal_admin, proposal, editor):
    response = publish_in_admin(client, portal_admin, proposal)
    assert "1 proposition(s) publiée(s)." in response.text
    proposal.refresh_from_db()
    assert proposal.is_published and proposal.moderated_by == portal_admin
    assert mail.outbox[0].to == [editor.email]
