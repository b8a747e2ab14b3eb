"""The home page panel of the structures to follow."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from indicators import watchlist
from indicators.dashboards import default_year
from indicators.templatetags.indicators_tags import HOME_WATCHLIST_SIZE
from tests.factories import StructureFactory
from tests.indicators.test_watchlist_views import _low_durable
from tests.personas import ROLES

WATCHERS = {"advisor", "other_advisor", "agent", "other_agent", "portal_admin"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_only_watchers_see_the_panel(role, request, client, structure):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("home")).content.decode()
    assert ('id="watchlist-home-title"' in page) == (role in WATCHERS)


@pytest.mark.django_db
def test_the_panel_lists_the_first_structures_with_signals_and_links_the_page(
    client, advisor, structure, other_structure
):
    year = default_year()
    _low_durable(structure, year)
    _low_durable(other_structure, year)
    client.force_login(advisor)
    page = client.get(reverse("home")).content.decode()
    panel = page[page.index('id="watchlist-home-title"') :].split("</section>")[0]
    assert "Nord Recyclage" in panel and "Chantier de l&#x27;Artois" not in panel
    assert reverse("indicators:watchlist") in panel


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, HOME_WATCHLIST_SIZE + 5])
def test_home_query_count_is_constant(n, client, advisor, uriae, django_assert_max_num_queries):
    year = default_year()
    for _ in range(n):
        _low_durable(StructureFactory(networks=[uriae]), year)
    client.force_login(advisor)
    client.get(reverse("home"))
    cache.clear()  # the panel is computed again, not read from the cache
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    panel = response.content.decode().split('id="watchlist-home-title"')[1].split("</section>")[0]
    assert panel.count("<li>") == min(n, HOME_WATCHLIST_SIZE)
    assert f"Voir les {n} structure{'s' if n > 1 else ''} à suivre" in panel


def _panel(response):
    return response.content.decode().split('id="watchlist-home-title"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_the_panel_is_computed_once_per_scope_within_the_cache_time(
    client, advisor, uriae, django_assert_max_num_queries, monkeypatch
):
    year = default_year()
    _low_durable(StructureFactory(networks=[uriae], name="Première"), year)
    client.force_login(advisor)
    first = client.get(reverse("home"))
    assert "Signaux calculés à " in _panel(first)
    computed = []
    monkeypatch.setattr(watchlist, "watchlist", lambda *args, **kwargs: computed.append(args) or [])
    # A structure added since is not listed until the cached summary expires; the full page is exact.
    _low_durable(StructureFactory(networks=[uriae], name="Seconde"), year)
    again = client.get(reverse("home"))
    assert computed == []
    assert "Première" in _panel(again) and "Seconde" not in _panel(again)
    cache.clear()
    client.get(reverse("home"))
    assert len(computed) == 1


@pytest.mark.django_db
def test_users_of_the_same_scope_share_the_summary_and_other_scopes_do_not(advisor, other_advisor, agent):
    """One network's advisors read the same cached summary; another network's or a département's
    never do (each sees only its own structures)."""
    keys = {role: watchlist._scope_key(user.scope) for role, user in
            {"advisor": advisor, "other_advisor": other_advisor, "agent": agent}.items()}  # fmt: skip
    assert len(set(keys.values())) == 3
    same_network = type(advisor).objects.create_user(email="second@uriae.test", password="x")
    for membership in advisor.memberships.all():
        membership.pk = None
        membership.user = same_network
        membership.save()
    assert watchlist._scope_key(same_network.scope) == keys["advisor"]
