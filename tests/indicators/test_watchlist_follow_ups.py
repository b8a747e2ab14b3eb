"""The follow-up log of the watchlist: who may write it, what the page shows, what the structure sees."""

from datetime import date

import pytest
from django.urls import reverse

from indicators.models import FollowUp
from siae_portal.text_limits import COMMENT_MAX_LENGTH
from tests.factories import StructureFactory
from tests.indicators.test_watchlist_views import _low_durable
from tests.personas import ROLES

WATCHLIST = reverse("indicators:watchlist")
# "structure" is URIAE's, in the Nord (59).
MAY_FOLLOW = {"advisor", "agent", "portal_admin"}


def _url(structure):
    return reverse("indicators:follow_up_create", args=[structure.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_follow_up_matrix(role, request, client, structure):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.post(_url(structure), {"decision": "Appel au directeur", "year": "2009"})
    if role in MAY_FOLLOW:
        assert response.status_code == 302
        assert response.url == f"{WATCHLIST}?year=2009"
        follow_up = FollowUp.objects.get()
        assert (follow_up.structure, follow_up.author, follow_up.decision) == (structure, user, "Appel au directeur")
        assert not follow_up.shared_with_structure and follow_up.next_date is None
    else:
        assert response.status_code == 404
        assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_get_is_refused(client, advisor, structure):
    client.force_login(advisor)
    assert client.get(_url(structure)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["", "x" * (COMMENT_MAX_LENGTH + 1)])
def test_bad_input_changes_nothing(decision, client, advisor, structure):
    client.force_login(advisor)
    response = client.post(_url(structure), {"decision": decision, "next_date": "2026-13-40"}, follow=True)
    assert not FollowUp.objects.exists()
    assert "non enregistré" in response.content.decode()


@pytest.mark.django_db
def test_the_page_shows_followed_with_the_latest_note_and_keeps_the_signals(client, advisor, agent, structure):
    _low_durable(structure)
    client.force_login(agent)
    client.post(_url(structure), {"decision": "Première note"})
    client.force_login(advisor)
    client.post(_url(structure), {"decision": "Visite prévue", "next_date": "2026-03-15"})
    page = client.get(WATCHLIST, {"year": 2009}).content.decode()
    assert "suivie" in page and "Visite prévue" in page and "15/03/2026" in page
    assert "Première note" not in page  # only the latest
    assert "Taux d&#x27;emploi durable sous 25 % en 2009" in page
    assert FollowUp.objects.filter(structure=structure).count() == 2  # the log keeps both


@pytest.mark.django_db
def test_a_structure_without_follow_up_is_not_marked(client, advisor, structure):
    _low_durable(structure)
    client.force_login(advisor)
    page = client.get(WATCHLIST, {"year": 2009}).content.decode()
    assert 'badge text-bg-info">suivie' not in page
    assert "Marquer suivie" in page


@pytest.mark.django_db
def test_the_structure_staff_see_shared_notes_only(client, advisor, editor, reader, other_editor, structure):
    client.force_login(advisor)
    client.post(_url(structure), {"decision": "Note interne"})
    client.post(_url(structure), {"decision": "Note partagée", "shared_with_structure": "on"})
    dashboard = reverse("indicators:structure_dashboard", args=[structure.pk])
    for staff in (editor, reader):
        client.force_login(staff)
        page = client.get(dashboard).content.decode()
        assert "Note partagée" in page and "Note interne" not in page
    client.force_login(advisor)
    page = client.get(dashboard).content.decode()
    assert "Note partagée" in page and "Note interne" in page
    assert list(FollowUp.objects.visible_to(other_editor)) == []


@pytest.mark.django_db
def test_visible_to_by_persona(advisor, other_advisor, agent, other_agent, portal_admin, orphan, structure):
    FollowUp.objects.create(structure=structure, author=advisor, decision="n", next_date=date(2026, 1, 1))
    for user, expected in [
        (advisor, 1),
        (agent, 1),
        (portal_admin, 1),
        (other_advisor, 0),
        (other_agent, 0),
        (orphan, 0),
    ]:
        assert FollowUp.objects.visible_to(user).count() == expected


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 10])
def test_page_query_count_stays_constant_with_follow_ups(n, client, advisor, uriae, django_assert_max_num_queries):
    for _ in range(n):
        followed = StructureFactory(networks=[uriae])
        _low_durable(followed)
        FollowUp.objects.create(structure=followed, author=advisor, decision="vu")
    client.force_login(advisor)
    client.get(WATCHLIST, {"year": 2009})
    with django_assert_max_num_queries(11):
        response = client.get(WATCHLIST, {"year": 2009})
    assert [row.follow_up is not None for row in response.context["rows"]] == [True] * n
