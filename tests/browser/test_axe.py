"""axe-core (4.12, bundled by axe-playwright-python) on the main pages of every role, in Chromium:
no serious or critical violation of WCAG 2.1 A/AA. The pages are those the accessibility statement
(`/accessibilite/`) lists; the structural checks of tests/dossiers/test_accessibility.py stay."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse

from conventions.models import Convention
from dossiers.models import Dossier, Structure
from dossiers.workflow import AGENT_VISIBLE_STATUSES
from tests.browser.login import DEMO_PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Rules of WCAG 2.0/2.1 levels A and AA: what RGAA 4 maps to.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = {"serious", "critical"}


def blocking_violations(page, axe):
    """The serious and critical violations on the page, one readable line per rule and element."""
    results = axe.run(page, options=AXE_OPTIONS)
    return [
        f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']} — {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
        for node in violation["nodes"]
    ]


def role_pages():
    """The main pages of each demo role (the seed's accounts, README)."""
    structure = Structure.objects.get(name="Nord Recyclage Services")
    dossier = Dossier.objects.filter(structure=structure).order_by("-campaign__year").first()
    submitted = Dossier.objects.filter(structure__departement="59").filter(status__in=AGENT_VISIBLE_STATUSES).first()
    convention = Convention.objects.filter(structure=structure).order_by("-first_year").first()
    staff_pages = [
        reverse("home"),
        reverse("dossiers:dossier_list"),
        reverse("dossiers:structure_detail", args=[structure.pk]),
        reverse("dossiers:detail", args=[dossier.pk]),
        reverse("dossiers:axis", args=[dossier.pk, 1]),
        reverse("indicators:exit_list", args=[structure.pk]),
        reverse("indicators:exit_import", args=[structure.pk]),
        reverse("indicators:structure_dashboard", args=[structure.pk]),
        reverse("toolbox:browse"),
        reverse("toolbox:propose"),
        reverse("conventions:detail", args=[convention.pk]),
        reverse("conventions:propose", args=[structure.pk]),
        reverse("accounts:account"),
        reverse("accounts:notifications"),
        reverse("accessibility"),
    ]
    advisor_pages = [
        reverse("home"),
        reverse("dossiers:dossier_list"),
        reverse("dossiers:detail", args=[dossier.pk]),
        reverse("indicators:dashboard"),
        reverse("toolbox:moderation"),
        reverse("conventions:tracking") + "?year=2009",  # the demo conventions cover 2007-2009
        reverse("conventions:detail", args=[convention.pk]),
        reverse("indicators:watchlist"),
    ]
    agent_pages = [
        reverse("home"),
        reverse("dossiers:dossier_list"),
        reverse("indicators:dashboard"),
        reverse("conventions:tracking") + "?year=2009",
        reverse("conventions:detail", args=[convention.pk]),
        reverse("indicators:watchlist"),
    ]
    if submitted is not None:
        agent_pages.append(reverse("dossiers:detail", args=[submitted.pk]))
    return {
        "siae@demo.local": staff_pages,
        "conseiller@demo.local": advisor_pages,
        "ddtefp59@demo.local": agent_pages,
        "admin@demo.local": [
            reverse("home"),
            reverse("indicators:dashboard"),
            reverse("conventions:edit", args=[convention.pk]),  # a change after agreement, with its reason
        ],
    }


def test_every_main_page_of_every_role_passes_axe(page, live_server):
    call_command("seed_demo")
    axe = Axe()
    found = []
    for url in (reverse("login"), reverse("accessibility"), reverse("password_reset")):
        page.goto(f"{live_server.url}{url}")
        found += blocking_violations(page, axe)
    visited = 0
    for email, urls in role_pages().items():
        log_in(page, live_server, email, DEMO_PASSWORD)
        for url in urls:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, f"{email} {url}: {response.status}"
            found += blocking_violations(page, axe)
            visited += 1
    assert visited >= 20
    assert found == [], "\n".join(found)


def test_axe_finds_a_contrast_failure_when_there_is_one(page, live_server):
    """The check can fail: the former navigation colours (white at 55 % on Bootstrap's blue)."""
    page.goto(f"{live_server.url}{reverse('login')}")
    # Through the CSSOM: the CSP refuses an added <style> element.
    page.evaluate(
        """() => {
            document.querySelector(".portal-navbar").style.backgroundColor = "#0d6efd";
            document.querySelector(".navbar-brand").style.color = "rgba(255, 255, 255, 0.55)";
        }"""
    )
    found = blocking_violations(page, Axe())
    assert any("color-contrast" in line for line in found), found
