"""Locust users of `make loadtest` (run by locust from .venv-load: no Django import here).

Every user logs in through the login form (GET for the CSRF token, then POST) as one of the three
roles; once all of them are in, the statistics are reset and the measured window starts (a login
costs 0.4 s of CPU: 50 of them would swamp the first seconds). Then each user browses like a person
of its role, with a pause of 1 to 3 s between pages: home, dossier list, a dossier, an axis, the
dashboards, the toolbox, and now and then (one page in 100) a PDF summary. Login times are kept apart
(<csv prefix>_login.json)."""

import json
import os
import random
import re
import time

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-siae-2009")
MEASURE_SECONDS = float(os.environ.get("LOADTEST_SECONDS", "60"))
LOGIN_NAME = "connexion"
# After the logins, the users start at random moments within this time, which is not measured: 50
# first clicks at the same instant are a burst no real day has.
WARM_UP_SECONDS = 3

DOSSIER_LINK = re.compile(r'href="/dossiers/(\d+)/"')
STRUCTURE_DASHBOARD_LINK = re.compile(r'href="/indicateurs/structures/(\d+)/')
STRUCTURE_LINK = re.compile(r'href="/structures/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

all_logged_in = Event()
state = {"logged_in": 0, "login_times": [], "login_failures": 0, "window_started": None}


@events.request.add_listener
def _keep_login_times(name, response_time, exception, **kwargs):
    """The logins happen before the statistics are reset: their times and failures (a refusal, an
    error status, no answer) are kept apart, and any failure fails the run (summary.report)."""
    if name != LOGIN_NAME:
        return
    if exception is None:
        state["login_times"].append(response_time)
    else:
        state["login_failures"] += 1


def _start_window(environment):
    """All users are in: let them spread out (WARM_UP_SECONDS), then reset the statistics, measure
    for MEASURE_SECONDS and stop."""
    all_logged_in.set()

    def measure():
        gevent.sleep(WARM_UP_SECONDS)
        environment.runner.stats.reset_all()
        state["window_started"] = time.time()
        gevent.sleep(MEASURE_SECONDS)
        environment.runner.quit()

    gevent.spawn(measure)


@events.quitting.add_listener
def _write_login_times(environment, **kwargs):
    prefix = environment.parsed_options.csv_prefix
    if prefix:
        with open(f"{prefix}_login.json", "w", encoding="utf-8") as handle:
            figures = {key: state[key] for key in ("login_times", "login_failures", "window_started")}
            json.dump({"login_ms": figures.pop("login_times"), **figures}, handle)


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    accounts: list[str] = []

    def on_start(self):
        self.dossiers, self.structures = [], []
        # The login and the first pages (discover) happen before the measured window.
        page = self.client.get("/accounts/login/", name="connexion (formulaire)")
        token = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            {"username": random.choice(self.accounts), "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
            name=LOGIN_NAME,
            catch_response=True,
        ) as response:
            # A good login redirects to the home page; the form again means it was refused.
            if 'name="password"' in response.text:
                response.failure("connexion refusée")
        self.discover()  # also before the window: 50 users opening their first pages at once is no steady state
        state["logged_in"] += 1
        if state["logged_in"] >= self.environment.parsed_options.num_users:
            _start_window(self.environment)
        all_logged_in.wait()
        gevent.sleep(random.uniform(0, WARM_UP_SECONDS))

    def discover(self):
        """The ids this user may open, read from its own pages (as a person would click)."""
        listing = self.client.get("/dossiers/", name="découverte (liste des dossiers)")
        self.dossiers = DOSSIER_LINK.findall(listing.text)[:20]
        home = self.client.get("/", name="découverte (accueil)")
        self.structures = STRUCTURE_LINK.findall(home.text)[:20]

    def open_dossier(self):
        if not self.dossiers:
            return
        pk = random.choice(self.dossiers)
        self.client.get(f"/dossiers/{pk}/", name="dossier")
        return pk

    @task(3)
    def home(self):
        self.client.get("/", name="accueil")

    @task(3)
    def dossier_list(self):
        self.client.get("/dossiers/", name="liste des dossiers")

    @task(4)
    def dossier(self):
        self.open_dossier()

    @task(4)
    def axis(self):
        if self.dossiers:
            self.client.get(f"/dossiers/{random.choice(self.dossiers)}/axe/{random.randint(1, 4)}/", name="axe")

    @task(2)
    def structure_dashboard(self):
        if self.structures:
            pk = random.choice(self.structures)
            self.client.get(f"/indicateurs/structures/{pk}/", name="tableau de bord structure")

    @task(2)
    def toolbox(self):
        self.client.get("/boite-a-outils/", name="boîte à outils")

    @task(1)
    def toolbox_search(self):
        words = random.choice(["livret accueil", "recrutement", "prévention", "formation"])
        self.client.get("/boite-a-outils/", params={"q": words}, name="boîte à outils (recherche)")

    @task(1)
    def pdf(self):
        # "Now and then": about one page in 100 (WeasyPrint draws it: 0.4 to 1.5 s of CPU).
        if self.dossiers and random.random() < 0.2:
            self.client.get(f"/dossiers/{random.choice(self.dossiers)}/synthese.pdf", name="synthèse PDF")


class SiaeStaff(PortalUser):
    weight = 2
    accounts = ["siae@demo.local", "siae62@demo.local"]


class DashboardReader(PortalUser):
    """The advisors and the agents, who also read the dashboard of their network or département."""

    abstract = True

    @task(3)
    def dashboard(self):
        self.client.get("/indicateurs/", name="tableau de bord (réseau, département)")


class Advisor(DashboardReader):
    weight = 2
    accounts = ["conseiller@demo.local", "coorace@demo.local"]


class Agent(DashboardReader):
    weight = 1
    accounts = ["ddtefp59@demo.local", "ddtefp62@demo.local"]
