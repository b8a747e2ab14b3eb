"""Every URL of the project, in one table: what each persona gets from a GET, and proof that no GET
writes to the database.

- `URLS` has one entry per URL name (walked from the resolver): a `Page` (its GET is requested by
  every persona and anonymous, and the status checked) or a `PostOnly` (its GET answers 405; the
  POST is covered by the test named). A URL with no entry fails `test_every_url_has_an_entry`,
  whose message gives the line to add.
- Every GET runs under `forbid_writes`: an INSERT, UPDATE or DELETE fails the test (as les-emplois
  does with `connection.execute_wrapper`). The one exception is written in the table: Django's
  password reset link stores its token in the session before redirecting (so that the token
  never leaks in a Referer header), an UPDATE of `django_session`, never of the portal's data.
- Every HTML page is checked for inline script or style (refused by the Content-Security-Policy),
  and for Django's `---------` empty choice (the portal's selects say "Choisir…").
"""

import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Notification
from dossiers.models import Answer, AxisComment, Dossier
from dossiers.services import apply_transition
from indicators.models import CustomRateDefinition, ExitRecord, PrescriberPositioning
from tests.conventions.conftest import make_convention
from tests.dossiers.conftest import answer_all_required, make_campaign
from tests.factories import UserFactory
from tests.personas import ROLES
from tests.toolbox.factories import ResourceFactory
from toolbox.models import Resource

pytestmark = pytest.mark.django_db

EVERYONE = frozenset(ROLES)
SEES_STRUCTURE = frozenset({"editor", "reader", "advisor", "agent", "portal_admin"})
EDITS_STRUCTURE = frozenset({"editor", "portal_admin"})
ADVISORS_AND_ADMIN = frozenset({"advisor", "other_advisor", "portal_admin"})
# SIAE staff of one structure only: the indicators page sends them to their structure's dashboard.
ONE_STRUCTURE = {"editor": 302, "reader": 302, "other_editor": 302}


@dataclass(frozen=True)
class Page:
    """A URL read with GET. `args(world)` gives its arguments; a persona outside `sees` gets 404,
    inside `sees` but outside `may` 403, else `status` (or its entry in `overrides`). Anonymous gets
    the login page (302), or `anonymous` when the page is public."""

    args: Callable = lambda world: []
    query: str = ""
    sees: frozenset = EVERYONE
    may: frozenset | None = None
    status: int = 200
    overrides: dict = field(default_factory=dict)
    anonymous: int = 302
    anonymous_to_login: bool = True  # whether anonymous's 302 goes to the login page
    allowed_writes: frozenset = frozenset()  # tables a GET may write to: see the module docstring

    def expected(self, role: str) -> int:
        if role == "anonymous":
            return self.anonymous
        if role in self.overrides:
            return self.overrides[role]
        if role not in self.sees:
            return 404
        if self.may is not None and role not in self.may:
            return 403
        return self.status


@dataclass(frozen=True)
class PostOnly:
    """A URL that only accepts POST: its GET answers 405 (anonymous: the login page, or 405 when the
    view is public). `covered_by` names the test of its POST for every persona."""

    covered_by: str
    args: Callable = lambda world: []
    anonymous: int = 302


def _structure(w):
    return [w.structure.pk]


def _dossier(w):
    return [w.dossier.pk]


def _record(w):
    return [w.structure.pk, w.record.pk]


def _convention(w):
    return [w.convention.pk]


WORKFLOW_TESTS = "tests/conventions/test_workflow_views.py"


URLS = {
    "home": Page(),
    "accessibility": Page(anonymous=200),
    "healthz": Page(anonymous=200),
    # Accounts (django.contrib.auth): the login and password reset pages are public.
    "login": Page(anonymous=200),
    "logout": PostOnly("tests/portal/test_admin_and_auth.py::test_logout_is_a_post"),
    "password_change": Page(),
    "password_change_done": Page(),
    "password_reset": Page(anonymous=200),
    "password_reset_done": Page(anonymous=200),
    "password_reset_confirm": Page(
        args=lambda w: [w.reset_uid, w.reset_token],
        status=302,
        anonymous=302,
        anonymous_to_login=False,
        allowed_writes=frozenset({"django_session"}),
    ),
    "password_reset_complete": Page(anonymous=200),
    # The user's account and what the portal told it (the world's notification is the editor's).
    "accounts:account": Page(),
    "accounts:notifications": Page(),
    "accounts:notification_detail": Page(lambda w: [w.notification.pk], sees=frozenset({"editor"})),
    # Structures and dossiers.
    "dossiers:structure_detail": Page(_structure, sees=SEES_STRUCTURE),
    "dossiers:structure_edit": Page(_structure, sees=SEES_STRUCTURE, may=EDITS_STRUCTURE),
    "dossiers:dossier_start": PostOnly(
        "tests/dossiers/test_dossier_views.py::test_start_matrix", lambda w: [w.structure.pk, 2009]
    ),
    "dossiers:dossier_list": Page(),
    "dossiers:detail": Page(_dossier, sees=SEES_STRUCTURE),
    "dossiers:axis": Page(lambda w: [w.dossier.pk, 1], sees=SEES_STRUCTURE),
    "dossiers:axis_autosave": PostOnly(
        "tests/dossiers/test_autosave.py::test_autosave_matrix", lambda w: [w.dossier.pk, 1]
    ),
    "dossiers:comment": PostOnly(
        "tests/dossiers/test_dossier_views.py::test_comment_matrix", lambda w: [w.dossier.pk, 1]
    ),
    "dossiers:transition": PostOnly(
        "tests/dossiers/test_dossier_views.py::test_transition_matrix", lambda w: [w.dossier.pk, "acknowledge"]
    ),
    "dossiers:reuse": PostOnly("tests/dossiers/test_dossier_views.py::test_reuse_matrix", _dossier),
    "dossiers:attachment": Page(lambda w: [w.dossier.pk, w.attachment.pk], sees=SEES_STRUCTURE),
    "dossiers:snapshots": Page(_dossier, sees=SEES_STRUCTURE),
    "dossiers:pdf": Page(_dossier, sees=SEES_STRUCTURE),
    "dossiers:zip": Page(
        lambda w: [2009], sees=frozenset({"advisor", "other_advisor", "agent", "other_agent", "portal_admin"})
    ),
    # Exits and indicators.
    "indicators:exit_list": Page(_structure, sees=SEES_STRUCTURE),
    "indicators:exit_create": Page(_structure, sees=SEES_STRUCTURE, may=EDITS_STRUCTURE),
    "indicators:exit_import": Page(_structure, sees=SEES_STRUCTURE, may=EDITS_STRUCTURE),
    "indicators:import_template": Page(_structure, sees=SEES_STRUCTURE),
    "indicators:exit_detail": Page(_record, sees=SEES_STRUCTURE),
    "indicators:exit_edit": Page(_record, sees=SEES_STRUCTURE, may=EDITS_STRUCTURE),
    "indicators:exit_delete": Page(_record, sees=SEES_STRUCTURE, may=EDITS_STRUCTURE),
    "indicators:positionings": Page(lambda w: [w.structure.pk, 2009], sees=SEES_STRUCTURE),
    "indicators:api": Page(query="year=2009", anonymous=401),
    "indicators:definition_list": Page(),
    "indicators:definition_create": Page(may=ADVISORS_AND_ADMIN),
    "indicators:definition_edit": Page(
        lambda w: [w.definition.pk],
        sees=frozenset({"editor", "reader", "advisor", "portal_admin"}),
        may=frozenset({"advisor", "portal_admin"}),
    ),
    "indicators:definition_toggle": PostOnly(
        "tests/indicators/test_definition_views.py::test_edit_and_toggle_matrix", lambda w: [w.definition.pk]
    ),
    "indicators:dashboard": Page(overrides=ONE_STRUCTURE),
    "indicators:follow_up_create": PostOnly(
        "tests/indicators/test_watchlist_follow_ups.py::test_follow_up_matrix", _structure
    ),
    "indicators:watchlist": Page(sees=frozenset({"advisor", "other_advisor", "agent", "other_agent", "portal_admin"})),
    # Conventions.
    "conventions:tracking": Page(sees=frozenset({"advisor", "other_advisor", "agent", "other_agent", "portal_admin"})),
    "indicators:structure_dashboard": Page(_structure, sees=SEES_STRUCTURE),
    # Conventions (a proposed one: its editors, its agent and the administrator change its objectives).
    "conventions:propose": Page(_structure, sees=SEES_STRUCTURE),
    "conventions:detail": Page(_convention, sees=SEES_STRUCTURE),
    "conventions:edit": Page(_convention, sees=SEES_STRUCTURE, may=frozenset({"editor", "agent", "portal_admin"})),
    "conventions:comment": PostOnly(f"{WORKFLOW_TESTS}::test_comment_matrix", _convention),
    "conventions:agree": PostOnly(f"{WORKFLOW_TESTS}::test_agree_matrix", _convention),
    "conventions:close": PostOnly(f"{WORKFLOW_TESTS}::test_close_matrix", _convention),
    # Toolbox.
    "toolbox:browse": Page(),
    "toolbox:propose": Page(),
    "toolbox:mine": Page(),
    "toolbox:moderation": Page(may=ADVISORS_AND_ADMIN),
    "toolbox:detail": Page(lambda w: [w.file_resource.pk]),
    "toolbox:download": Page(lambda w: [w.file_resource.pk]),  # only the page's button (POST) counts
    "toolbox:link": Page(lambda w: [w.link_resource.pk], status=302),
    "toolbox:publish": PostOnly(
        "tests/toolbox/test_moderation.py::test_publish_view_matrix", lambda w: [w.proposal.pk]
    ),
    "toolbox:reject": Page(
        lambda w: [w.proposal.pk],
        sees=frozenset({"editor", "advisor", "portal_admin"}),
        may=frozenset({"advisor", "portal_admin"}),
    ),
    "toolbox:resubmit": Page(
        lambda w: [w.rejected.pk],
        sees=frozenset({"editor", "advisor", "portal_admin"}),
        may=frozenset({"editor", "portal_admin"}),
    ),
}
# The Django admin (every URL under DJANGO_ADMIN_URL) is not in the table: every one of its URLs is
# swept by `test_the_admin_never_writes_on_get` (staff only, no write).


# --- Walking the resolver -------------------------------------------------------------------------


def project_urls(resolver=None, namespace=None, prefix=""):
    """(name, route) of every URL pattern of the project, names qualified by their namespace (None
    for a pattern without a name)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from project_urls(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, route


def test_every_url_has_an_entry():
    missing = [
        (name or route, route)
        for name, route in project_urls()
        if (name or route) not in URLS and not route.startswith(_admin_prefix())
    ]
    advice = "\n".join(
        f'    "{name}": Page(args=lambda w: [...], sees=..., may=...),  # {route}\n'
        f'    or "{name}": PostOnly("tests/<app>/test_<thing>.py::test_<its_post>", args=...),'
        for name, route in missing
    )
    assert not missing, (
        f"{len(missing)} URL(s) have no entry in URLS of tests/portal/test_url_table.py. Add, for each, "
        f"what every persona gets from a GET:\n{advice}"
    )
    stale = sorted(set(URLS) - {name or route for name, route in project_urls()})
    assert not stale, f"URLS names URLs that no longer exist: {stale}"


def _admin_prefix():
    return reverse("admin:index").lstrip("/")


# --- No write on GET ------------------------------------------------------------------------------

WRITE = re.compile(r"^\s*(?:WITH\b.*?\b)?(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE)\b", re.IGNORECASE | re.DOTALL)
TABLE = re.compile(r"(?:INTO|UPDATE|FROM)\s+[\"`]?(\w+)", re.IGNORECASE)


@contextmanager
def forbid_writes(allowed_tables=frozenset()):
    """Records every statement that writes (INSERT, UPDATE, DELETE...) outside `allowed_tables`."""
    writes = []

    def watch(execute, sql, params, many, context):
        if WRITE.match(sql):
            table = TABLE.search(sql)
            if not table or table.group(1) not in allowed_tables:
                writes.append(sql[:200])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield writes


DJANGO_EMPTY_LABEL = "---------"
INLINE = re.compile(r"\sstyle=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=\"|javascript:", re.IGNORECASE)


# --- The world the table reads --------------------------------------------------------------------


@dataclass
class World:
    structure: object
    dossier: Dossier
    attachment: Answer
    record: ExitRecord
    definition: CustomRateDefinition
    file_resource: Resource
    link_resource: Resource
    proposal: Resource
    rejected: Resource
    reset_uid: str
    reset_token: str
    convention: object = None
    notification: object = None


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world(structure, other_structure, editor, reader, advisor, agent, uriae):
    """One object behind every URL: a dossier of `structure` transmitted to the DDTEFP (so that its
    agent sees it) with an attachment and a comment, an exit, a rate definition of URIAE, toolbox
    resources in every state."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    forgetful = UserFactory()  # whose password reset link the table follows
    dossier = Dossier.objects.create(structure=structure, campaign=make_campaign(2009))
    answer_all_required(dossier, editor)
    attachment = Answer(
        dossier=dossier, question=dossier.campaign.questions.get(code="organigramme"), attachment_name="orga.png"
    )
    attachment.attachment.save("piece.png", SimpleUploadedFile("orga.png", PNG), save=False)
    attachment.save()
    apply_transition(dossier, "submit", editor, notify=False)
    AxisComment.objects.create(dossier=dossier, axis=1, author=agent, author_role="agent", text="Bien noté.")
    record = ExitRecord.objects.create(
        structure=structure,
        reference="S-1",
        entry_date=date(2009, 1, 5),
        exit_date=date(2009, 9, 30),
        exit_motive="cdi_non_aide",
    )
    PrescriberPositioning.objects.create(structure=structure, year=2009, prescriber="plie", positioned=4, hired=1)
    resources = {
        "file_resource": ResourceFactory(with_file=True, provider_network=uriae),
        "link_resource": ResourceFactory(provider_network=uriae),
        "proposal": ResourceFactory(provider_network=uriae, proposal=True, proposed_by=editor),
        "rejected": ResourceFactory(
            provider_network=uriae,
            proposed_by=editor,
            status=Resource.Status.REJECTED,
            rejection_reason="Retirez les noms des salariés.",
            published_at=None,
        ),
    }
    return World(
        structure=structure,
        dossier=dossier,
        attachment=attachment,
        record=record,
        definition=CustomRateDefinition.objects.create(name="Temps plein", network=uriae, created_by=advisor),
        reset_uid=urlsafe_base64_encode(force_bytes(forgetful.pk)),
        reset_token=default_token_generator.make_token(forgetful),
        convention=make_convention(structure, editor, first_year=2010, last_year=2012),
        notification=Notification.objects.create(user=editor, template="t", subject="Bonjour", body="Texte."),
        **resources,
    )


def _url(name, entry, world):
    return reverse(name, args=entry.args(world)) + (f"?{entry.query}" if getattr(entry, "query", "") else "")


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_every_get_of_every_persona_answers_as_the_table_says_and_writes_nothing(client, request, world, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    wrong, written, inline, dashes = [], [], [], []
    for name, entry in URLS.items():
        url = _url(name, entry, world)
        expected = (
            entry.expected(role) if isinstance(entry, Page) else (405 if role != "anonymous" else entry.anonymous)
        )
        with forbid_writes(getattr(entry, "allowed_writes", frozenset())) as writes:
            response = client.get(url)
        if response.status_code != expected:
            wrong.append(f"{name} ({url}): {response.status_code}, expected {expected}")
        to_login = getattr(entry, "anonymous_to_login", True)
        if role == "anonymous" and expected == 302 and to_login and not response.url.startswith("/accounts/login/"):
            wrong.append(f"{name} ({url}): redirected to {response.url}, not to the login page")
        written.extend(f"{name} ({url}): {sql}" for sql in writes)
        if response.get("Content-Type", "").startswith("text/html") and not getattr(response, "streaming", False):
            page = response.content.decode()
            inline.extend(f"{name}: {m.group(0)}" for m in INLINE.finditer(page))
            if DJANGO_EMPTY_LABEL in page:
                dashes.append(name)
    assert wrong == []
    assert written == []
    assert inline == []
    assert dashes == []


def test_the_only_write_allowed_on_get_is_the_reset_link_session(client, world):
    """The exception of the table is a real one (without it the reset link would be refused), and
    is limited to the session table."""
    entry = URLS["password_reset_confirm"]
    with forbid_writes() as writes:
        response = client.get(_url("password_reset_confirm", entry, world))
    assert response.status_code == 302 and response.url.endswith("/set-password/")
    assert writes and all("django_session" in sql for sql in writes)


def test_every_post_only_url_names_an_existing_test():
    root = Path(__file__).resolve().parents[2]
    for name, entry in URLS.items():
        if isinstance(entry, PostOnly):
            path, _, function = entry.covered_by.partition("::")
            assert (root / path).is_file(), f"{name}: {path} does not exist"
            assert f"def {function}(" in (root / path).read_text(), f"{name}: no {function} in {path}"


def test_the_write_detector_sees_writes(db, structure):
    with forbid_writes() as writes:
        structure.save()
        list(type(structure).objects.all())
    # The UPDATE, then its history rows (simple_history): the SELECT is not counted.
    assert writes[0].upper().startswith("UPDATE")
    assert all(sql.upper().startswith("INSERT") for sql in writes[1:]), writes
    assert any("historicalstructure" in sql for sql in writes[1:])


# --- The admin ------------------------------------------------------------------------------------


def _admin_urls(world):
    """Every admin URL, with an existing object where it needs one."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    objects = {m: m._default_manager.order_by("pk").first() for m in admin.site._registry}
    urls = []
    for name, route in project_urls():
        if not route.startswith(_admin_prefix()):
            continue
        if name is None:
            # Unnamed: an object's old URL (redirected to its change page) or the catch-all.
            row = None
            if "<path:object_id>" in route:
                app_label, model_name = route.removeprefix(_admin_prefix()).split("/")[:2]
                row = objects[apps.get_model(app_label, model_name)]
            if row is not None:
                urls.append((route, "/" + route.replace("<path:object_id>", str(row.pk))))
            elif "<path:object_id>" not in route:
                urls.append((route, reverse("admin:index") + "nulle-part/"))
            continue
        url_name = name.split(":", 1)[1]
        if url_name == "app_list":
            urls.extend((name, reverse(name, args=[app])) for app in {m._meta.app_label for m in objects})
        elif url_name == "view_on_site":
            ct = ContentType.objects.get_for_model(Dossier)
            urls.append((name, reverse(name, args=[ct.pk, world.dossier.pk])))
        elif "<" in route or "(" in route:  # an object's page: <admin>/<app_label>/<model_name>/<id>/...
            app_label, model_name = route.removeprefix(_admin_prefix()).split("/")[:2]
            row = objects[apps.get_model(app_label, model_name)]
            if row is None:
                continue
            if url_name.endswith("_simple_history"):  # one version of the object (simple_history)
                urls.append((name, reverse(name, args=[row.pk, row.history.first().history_id])))
            else:
                urls.append((name, reverse(name, args=[row.pk])))
        else:
            urls.append((name, reverse(name)))
    return urls


@pytest.mark.parametrize("role", ["anonymous", "editor", "advisor", "agent", "orphan", "portal_admin"])
def test_the_admin_never_writes_on_get(client, request, world, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    wrong, written = [], []
    for name, url in _admin_urls(world):
        with forbid_writes() as writes:
            response = client.get(url)
        if role == "anonymous":
            ok = response.status_code == 302
        elif role != "portal_admin":
            ok = response.status_code == 404  # as if there were no admin
        else:
            # 302: a missing object sends back to the index; 403: a forbidden action (deleting a
            # membership); 405: logout; 404: only the catch-all, for an admin page that does not exist.
            ok = response.status_code in (200, 302, 403, 405) or (
                name.endswith("(?P<url>.*)$") and response.status_code == 404
            )
        if not ok:
            wrong.append(f"{name} ({url}): {response.status_code}")
        written.extend(f"{name} ({url}): {sql}" for sql in writes)
    assert wrong == []
    assert written == []
