"""Property-based test of the pages that read their query string (filters, sort, page, format,
the API): whatever a forged URL holds, the page answers (a form error, a 400 or a 404), never 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.indicators.dashboard_data import worked_example
from tests.toolbox.factories import ResourceFactory

PARAMETERS = [
    "q", "kind", "departement", "year", "status", "late", "page", "sort", "format", "provider", "axis",
    "category", "motive", "campaign", "structure", "network", "export", "avant", "apres", "tout",
]  # fmt: skip
NASTY = st.sampled_from(
    ["²", "network:²", "structure:٣", "network:99999999999999999999", "-1", "0", "1e9", "9" * 30, "\x00", "%00",
     "2009\x00", "' OR 1=1 --", "<script>", "csv", "xlsx", "pdf", "toutes", "on", "2A", "", " "]
)  # fmt: skip
QUERIES = st.lists(st.tuples(st.sampled_from(PARAMETERS), st.one_of(NASTY, st.text(max_size=30))), max_size=5)


@pytest.fixture
def pages(structure, uriae):
    worked_example(structure, 2009)
    ResourceFactory(provider_network=uriae)
    return [
        reverse("home"),
        reverse("dossiers:dossier_list"),
        reverse("indicators:dashboard"),
        reverse("indicators:structure_dashboard", args=[structure.pk]),
        reverse("indicators:exit_list", args=[structure.pk]),
        reverse("indicators:api"),
        reverse("indicators:definition_list"),
        reverse("toolbox:browse"),
        reverse("toolbox:moderation"),
    ]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(QUERIES)
@example([("provider", "network:²")])
@example([("q", "\x00"), ("year", "2009\x00")])
def test_no_query_string_makes_a_page_fail(client, portal_admin, pages, query):
    client.force_login(portal_admin)
    for url in pages:
        response = client.get(url, query)
        assert response.status_code in (200, 302, 400, 404), (url, query, response.status_code)
