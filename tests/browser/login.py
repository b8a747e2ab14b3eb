"""Logging in as a user does it, through the login form, for the browser stories."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.personas import PASSWORD

DEMO_PASSWORD = "demo-siae-2009"  # every account of seed_demo (demo/data/accounts.json)


def log_in(page, live_server, email, password=PASSWORD):
    """Log `email` in on `page` (anyone logged in before is logged out first), and wait for the account
    menu, the button that bears the e-mail, so that the next step runs logged in."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{reverse('login')}")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name=email)).to_be_visible()
