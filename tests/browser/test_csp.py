"""Under the Content-Security-Policy, Chromium blocks nothing on the portal's pages or the admin's:
no inline script or style anywhere (a blocked one would be a page silently broken)."""

import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import User
from dossiers.models import Dossier, Structure
from indicators.models import ExitRecord
from tests.browser.login import DEMO_PASSWORD, log_in
from toolbox.models import Resource

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample || ""}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, and the list of what the CSP blocked on it (events and console reports)."""
    blocked = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: blocked.append(f"{page.url}: {m.text}") if "Content Security" in m.text else None)

    def visit(url):
        page.goto(url)
        expect(page.locator("body")).to_be_visible()
        blocked.extend(f"{url}: {violation}" for violation in page.evaluate("window.__cspViolations"))
        return page

    return visit, blocked


def test_the_portal_and_the_admin_run_under_the_csp(page, live_server, watched):
    call_command("seed_demo")
    visit, blocked = watched
    log_in(page, live_server, "admin@demo.local", DEMO_PASSWORD)
    structure = Structure.objects.filter(exit_records__isnull=False).first()
    dossier = Dossier.objects.filter(campaign__year=2009).exclude(answers=None).first()
    record = ExitRecord.objects.filter(structure=structure).first()
    portal = [
        reverse("home"),
        reverse("dossiers:dossier_list"),
        reverse("dossiers:detail", args=[dossier.pk]),
        reverse("dossiers:axis", args=[dossier.pk, 1]),
        reverse("dossiers:structure_edit", args=[structure.pk]),
        reverse("indicators:dashboard"),
        reverse("indicators:structure_dashboard", args=[structure.pk]),
        reverse("indicators:exit_list", args=[structure.pk]),
        reverse("indicators:exit_detail", args=[structure.pk, record.pk]),
        reverse("indicators:exit_create", args=[structure.pk]),
        reverse("toolbox:browse"),
        reverse("toolbox:propose"),
        "/nulle-part/",
    ]
    pages = [*portal, reverse("admin:index"), reverse("admin:indicators_exitrecord_history", args=[record.pk])]
    staff = type("Request", (), {"user": User.objects.get(email="admin@demo.local")})()
    for model_admin in admin.site._registry.values():
        opts = model_admin.model._meta
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        if model_admin.has_add_permission(staff):
            pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    pages.append(reverse("admin:dossiers_structure_change", args=[structure.pk]))
    for url in pages:
        visit(f"{live_server.url}{url}")
    assert blocked == []
    # The admin's scripts run: the navigation filter of the sidebar, the actions' "select all".
    visit(f"{live_server.url}{reverse('admin:dossiers_structure_changelist')}")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text(re.compile(r"\d+ sur \d+ sélectionné"))
    # The portal's own (Bootstrap): the user menu opens.
    visit(f"{live_server.url}/")
    page.get_by_role("button", name="admin@demo.local").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    assert blocked == []


def test_a_toolbox_link_opens_its_site_under_the_csp(page, live_server, watched):
    """The one form that leaves the portal: form-action allows exactly the resource's own origin."""
    call_command("seed_demo")
    visit, blocked = watched
    # Another origin served by the same test server (the referrer policy keeps the portal's URL from it).
    other_origin = live_server.url.replace("localhost", "127.0.0.1")
    assert other_origin != live_server.url
    resource = Resource.objects.filter(status=Resource.Status.PUBLISHED, url__gt="").first()
    Resource.objects.filter(pk=resource.pk).update(url=f"{other_origin}/accounts/login/", download_count=0)
    log_in(page, live_server, "siae@demo.local", DEMO_PASSWORD)
    visit(f"{live_server.url}{reverse('toolbox:detail', args=[resource.pk])}")
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Ouvrir le lien").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url == f"{other_origin}/accounts/login/"
    assert blocked == []
    resource.refresh_from_db()
    assert resource.download_count == 1
