"""With the database down, every page answers a French 503 in the portal's layout (no traceback,
Retry-After), rendered without touching the database; other failures keep their 500 page."""

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper

from tests.portal.test_security import _assert_french_error_page

pytestmark = pytest.mark.django_db

HEADING = "Le portail est momentanément indisponible"


@pytest.fixture
def production(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    return client


@pytest.fixture
def database_down(monkeypatch):
    def down(self, sql, params=None):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(CursorWrapper, "execute", down)


@pytest.mark.parametrize("url", ["/", "/dossiers/", "/boite-a-outils/", "/indicateurs/", "/accounts/login/"])
def test_pages_answer_a_french_503(production, editor, url, request):
    production.force_login(editor)
    request.getfixturevalue("database_down")
    response = production.get(url)
    _assert_french_error_page(response, 503, HEADING)
    assert response["Retry-After"] == "60"
    assert "5432" not in response.text and "Connection refused" not in response.text


def test_a_dropped_connection_is_a_503_too(production, editor, monkeypatch):
    production.force_login(editor)

    def dropped(self, sql, params=None):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(CursorWrapper, "execute", dropped)
    _assert_french_error_page(production.get("/dossiers/"), 503, HEADING)


def test_another_failure_keeps_the_500_page(production, editor, settings):
    settings.ROOT_URLCONF = "tests.portal.error_urls"
    production.force_login(editor)
    _assert_french_error_page(production.get("/erreur-interne/"), 500, "Le portail a rencontré une erreur")
