"""Charts fit their column at every width from 360 px: an SVG scales with its viewBox (CSS in
static/css/portal.css, no inline style) and no dashboard scrolls sideways."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from dossiers.models import Structure
from tests.browser.login import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each chart's width against its container's, and the page's against the window's (in CSS pixels).
MEASURE = """() => ({
    charts: [...document.querySelectorAll("svg.chart")].map((svg) => ({
        chart: svg.getBoundingClientRect().width,
        container: svg.parentElement.clientWidth,
    })),
    page: document.documentElement.scrollWidth,
    window: document.documentElement.clientWidth,
})"""


@pytest.mark.parametrize("width", [360, 1366])
def test_dashboards_charts_fit_their_column(page, live_server, width):
    call_command("seed_demo")
    # Logged in wide: the account's button is in the open navbar.
    log_in(page, live_server, "conseiller@demo.local", DEMO_PASSWORD)
    page.set_viewport_size({"width": width, "height": 800})
    structure = Structure.objects.get(name="Nord Recyclage Services")
    for url in (reverse("indicators:structure_dashboard", args=[structure.pk]), reverse("indicators:dashboard")):
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200
        sizes = page.evaluate(MEASURE)
        assert sizes["charts"], f"{url}: no chart at {width} px"
        too_wide = [size for size in sizes["charts"] if size["chart"] > size["container"] + 0.5]
        assert too_wide == [], f"{url} at {width} px"
        assert sizes["page"] <= sizes["window"], f"{url} at {width} px scrolls sideways"
