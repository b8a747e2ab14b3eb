"""Login throttling without user enumeration, security headers, French error pages and the admin
kept to staff at a configurable path."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.test.client import RequestFactory
from django.urls import reverse

from accounts.throttling import client_address
from tests.personas import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"
WRONG = "Adresse e-mail ou mot de passe incorrect."
LOCKED = "Trop de tentatives de connexion ont échoué pour ce compte ou depuis votre adresse"


def _login(client, email, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Login throttling ----------------------------------------------------------------------------


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(client, editor, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, editor.email, f"faux-{attempt}")
        assert response.status_code == 200
        assert WRONG in response.text
    response = _login(client, editor.email, "faux-encore")
    assert response.status_code == 429
    assert LOCKED in response.text and "pendant 15 minutes" in response.text
    # Locked: the right password no longer logs in, from this address or any other.
    for address in ("10.0.0.1", "192.0.2.7"):
        response = _login(client, editor.email, PASSWORD, address)
        assert response.status_code == 429
        assert not _logged_in(client)
    # Case and spaces do not make another account to guess on.
    assert _login(client, f" {editor.email.upper()} ", PASSWORD, "192.0.2.8").status_code == 429


def test_the_lock_out_ends_with_the_cool_off(client, editor, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, editor.email, f"faux-{attempt}")
    assert _login(client, editor.email, PASSWORD).status_code == 429
    later = AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=later)
    response = _login(client, editor.email, PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


def test_an_address_is_locked_after_five_failures_on_any_accounts(client, editor, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"inconnu-{n}@example.org", "faux", "203.0.113.9")
    # Another account, never tried: refused from this address, and only from it.
    assert _login(client, editor.email, PASSWORD, "203.0.113.9").status_code == 429
    assert not _logged_in(client)
    assert _login(client, editor.email, PASSWORD, "203.0.113.10").status_code == 302
    assert _logged_in(client)


def test_an_unknown_email_and_a_wrong_password_get_the_same_answers(editor, settings):
    """Failures, then the lock-out: byte for byte the same pages, whether the account exists or not."""
    unknown = "personne@example.org"
    pages = {}
    for email, address in ((editor.email, "10.0.0.1"), (unknown, "10.0.0.2")):
        client = Client()
        answers = []
        for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
            response = _login(client, email, f"faux-{attempt}", address)
            answers.append((response.status_code, _without_tokens(response.text).replace(email, "EMAIL")))
        pages[email] = answers
    assert pages[editor.email] == pages[unknown]
    assert [status for status, _ in pages[unknown]] == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429, 429]


def test_password_reset_answers_the_same_for_an_unknown_email(client, editor):
    answers = []
    for email in (editor.email, "personne@example.org"):
        response = client.post(reverse("password_reset"), {"email": email})
        done = client.get(response.url)
        answers.append((response.status_code, response.url, _without_tokens(done.text)))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    assert "Si un compte correspond à cette adresse" in answers[0][2]
    assert [message.to for message in mail.outbox] == [[editor.email]]


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded", "expected"),
    [
        (False, "198.51.100.1", "10.0.0.1"),  # not behind a proxy: the header is the client's, ignored
        (True, "198.51.100.1", "198.51.100.1"),
        (True, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged first entry does not count
        (True, "", "10.0.0.1"),
    ],
)
def test_the_address_counted_is_the_one_the_proxy_saw(settings, behind_proxy, forwarded, expected):
    settings.BEHIND_PROXY = behind_proxy
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


# --- Headers --------------------------------------------------------------------------------------

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def csp_of(response) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


def test_every_page_carries_the_security_headers(client, editor, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    for response in (client.get(LOGIN, secure=True), _logged_in_home(client, editor)):
        assert response.status_code == 200
        assert csp_of(response) == CSP
        assert response["Permissions-Policy"].startswith("accelerometer=(), autoplay=(), browsing-topics=()")
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def _logged_in_home(client, editor):
    client.force_login(editor)
    return client.get("/", secure=True)


def test_session_and_csrf_cookies_are_secure_and_the_session_http_only(client, editor, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get(LOGIN, secure=True)
    assert client.cookies["csrftoken"]["secure"]
    response = client.post(
        LOGIN, {"username": editor.email, "password": PASSWORD}, secure=True, REMOTE_ADDR="10.0.0.5"
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


def test_production_settings_are_strict():
    """The settings as production reads them (no DEBUG, no override): HTTPS everywhere."""
    names = [
        "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "X_FRAME_OPTIONS",
        "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY", "AXES_FAILURE_LIMIT", "ADMIN_URL",
    ]  # fmt: skip
    values = json.loads(
        _django({}, f"from django.conf import settings; print(json.dumps([getattr(settings, n) for n in {names}]))")
    )
    assert dict(zip(names, values, strict=True)) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "AXES_FAILURE_LIMIT": 5,
        "ADMIN_URL": "admin/",
    }


def _django(env_overrides, code) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SECRET_KEY": "x" * 50, "DJANGO_ALLOWED_HOSTS": "portail.example.org", **env_overrides})
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", f"import json; {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


TEMPLATES = ROOT / "templates"
# Rendered by WeasyPrint into a PDF, never served to a browser.
PRINT_TEMPLATES = {"dossiers/dossier_pdf.html"}


def _served_by_the_portal(relative) -> bool:
    """Pages the portal serves; e-mail bodies (`emails/` folders) are read in mail clients, which
    keep only inline styles, and never under the portal's CSP."""
    return str(relative) not in PRINT_TEMPLATES and "emails" not in relative.parts


INLINE = re.compile(r"style=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=|javascript:", re.IGNORECASE)


def test_no_template_holds_inline_script_or_style():
    """The CSP refuses them: a page would silently lose its script or its look."""
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        if _served_by_the_portal(path.relative_to(TEMPLATES))
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []


# --- Error pages ----------------------------------------------------------------------------------


def _assert_french_error_page(response, status, heading):
    assert response.status_code == status
    text = response.content.decode()
    assert '<html lang="fr">' in text
    assert 'class="navbar-brand"' in text and "Portail OS-IAE" in text  # the portal's layout
    assert f'<h1 class="h2 mb-3">{heading}</h1>' in text
    assert "Traceback" not in text and "Exception" not in text and "django" not in text.lower()
    assert csp_of(response) == CSP


def test_404_is_french_in_the_portal_layout(client, editor):
    _assert_french_error_page(client.get("/nulle-part/"), 404, "Page introuvable")
    client.force_login(editor)
    response = client.get(reverse("dossiers:structure_detail", args=[999999]))
    _assert_french_error_page(response, 404, "Page introuvable")
    assert "No Structure matches" not in response.text


def test_403_is_french_and_says_why(client, reader, structure):
    client.force_login(reader)
    response = client.get(reverse("indicators:exit_create", args=[structure.pk]))
    _assert_french_error_page(response, 403, "Accès refusé")


def test_400_is_french(client):
    _assert_french_error_page(client.get("/", HTTP_HOST="evil.example.org"), 400, "Requête incorrecte")


def test_csrf_failure_is_french(editor):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": editor.email, "password": PASSWORD})
    _assert_french_error_page(response, 403, "Le formulaire a expiré")


def test_500_is_french_and_shows_no_traceback(client, editor, settings):
    settings.ROOT_URLCONF = "tests.portal.error_urls"
    client.raise_request_exception = False
    client.force_login(editor)
    response = client.get("/erreur-interne/")
    _assert_french_error_page(response, 500, "Le portail a rencontré une erreur")
    assert "secret-du-test" not in response.text


# --- Admin ----------------------------------------------------------------------------------------


def test_the_admin_is_reachable_by_staff_only(client, editor, portal_admin):
    index = reverse("admin:index")
    changelist = reverse("admin:dossiers_structure_changelist")
    admin_login = reverse("admin:login")
    # Anonymous: the portal's own login page, never the admin's.
    for url, target in ((index, index), (changelist, changelist), (admin_login, index)):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == f"{LOGIN}?next={target}"
        assert response.templates[0].name == "registration/login.html"
    # Logged in but not staff: as if there were no admin.
    client.force_login(editor)
    for url in (index, changelist, admin_login, reverse("admin:jsi18n"), index + "nulle-part/"):
        _assert_french_error_page(client.get(url), 404, "Page introuvable")
    client.force_login(portal_admin)
    assert client.get(index).status_code == 200
    assert client.get(changelist).status_code == 200


def test_the_admin_path_comes_from_the_environment():
    assert (
        _django(
            {"DJANGO_ADMIN_URL": "gestion-8f3k/"}, "from django.urls import reverse; print(reverse('admin:index'))"
        ).strip()
        == "/gestion-8f3k/"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_DEBUG": "true", "DJANGO_ADMIN_URL": "/admin"})
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "DJANGO_ADMIN_URL doit être un chemin relatif terminé par « / »" in result.stderr
