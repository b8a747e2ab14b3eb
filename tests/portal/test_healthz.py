"""/healthz (django-health-check): 200 when the database, the storage and the mail server answer,
503 as soon as one does not; public (the load balancer has no account), never cached."""

import pytest
from django.core.files.storage import FileSystemStorage
from django.db.backends.utils import CursorWrapper

pytestmark = pytest.mark.django_db


def test_everything_answers(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.get("/healthz", headers={"accept": "application/json"})
    assert response.status_code == 200
    assert set(response.json()) == {"Database(alias='default')", "Mail(alias='default')", "Storage(alias='default')"}
    assert "no-cache" in response["Cache-Control"]


def test_the_html_answer_is_french_and_needs_no_inline_style(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text and "répond" in response.text
    assert "<style" not in response.text and "style=" not in response.text


def test_the_mail_server_down_answers_503(client, mail_server_down):
    response = client.get("/healthz", headers={"accept": "application/json"})
    assert response.status_code == 503
    assert response.json()["Mail(alias='default')"] != "OK"
    assert response.json()["Database(alias='default')"] == "OK"


def test_the_storage_failing_answers_503(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(FileSystemStorage, "_save", refuse)
    response = client.get("/healthz", headers={"accept": "application/json"})
    assert response.status_code == 503
    assert response.json()["Storage(alias='default')"] != "OK"


def test_the_database_down_answers_503(client, monkeypatch):
    from django.db import OperationalError

    def down(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", down)
    response = client.get("/healthz", headers={"accept": "application/json"})
    assert response.status_code == 503
    assert response.json()["Database(alias='default')"] != "OK"
