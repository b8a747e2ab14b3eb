"""The home page panel of the structures to follow."""

import pytest
from django.urls import reverse

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
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    panel = response.content.decode().split('id="watchlist-home-title"')[1].split("</section>")[0]
    assert panel.count("<li>") == min(n, HOME_WATCHLIST_SIZE)
    assert f"Voir les {n} structure{'s' if n > 1 else ''} à suivre" in panel
