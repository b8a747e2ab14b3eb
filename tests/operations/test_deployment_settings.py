"""The settings that docs/deployment.md describes: each documented variable is read by the
settings (or by the script that the doc names), and the media storage switch really switches."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deployment.md"

PRINT_STORAGE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
default_storage = storages["default"]
options = {k: getattr(default_storage, k, None) for k in
           ("bucket_name", "endpoint_url", "region_name", "access_key", "secret_key", "location",
            "default_acl", "file_overwrite", "querystring_auth")}
print(json.dumps({"class": type(default_storage).__module__ + "." + type(default_storage).__name__,
                  "media_root": str(settings.MEDIA_ROOT), **options}))
"""


def _settings(env_overrides, code=PRINT_STORAGE):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_"))}
    env.update({"DJANGO_DEBUG": "true", "DJANGO_SETTINGS_MODULE": "siae_portal.settings", **env_overrides})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def test_files_are_on_disk_by_default(tmp_path):
    result = _settings({"MEDIA_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout)
    assert storage["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert storage["media_root"] == str(tmp_path)


def test_the_s3_switch_uses_a_private_bucket_of_any_s3_compatible_service():
    result = _settings(
        {
            "DJANGO_MEDIA_STORAGE": "s3",
            "DJANGO_S3_BUCKET": "portail-fichiers",
            "DJANGO_S3_ENDPOINT_URL": "https://s3.fr-par.example.org",
            "DJANGO_S3_REGION": "fr-par",
            "DJANGO_S3_ACCESS_KEY_ID": "cle",
            "DJANGO_S3_SECRET_ACCESS_KEY": "secret",
            "DJANGO_S3_PREFIX": "portail/media",
        }
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) | {"media_root": None} == {
        "class": "storages.backends.s3.S3Storage",
        "media_root": None,
        "bucket_name": "portail-fichiers",
        "endpoint_url": "https://s3.fr-par.example.org",
        "region_name": "fr-par",
        "access_key": "cle",
        "secret_key": "secret",
        "location": "portail/media",
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
    }


def test_s3_without_a_bucket_or_an_unknown_storage_is_refused_at_start():
    result = _settings({"DJANGO_MEDIA_STORAGE": "s3"})
    assert result.returncode != 0 and "DJANGO_S3_BUCKET est obligatoire" in result.stderr
    result = _settings({"DJANGO_MEDIA_STORAGE": "ftp"})
    assert result.returncode != 0 and "« filesystem » (par défaut) ou « s3 »" in result.stderr


def test_every_variable_of_the_deployment_doc_is_read_by_the_portal():
    """A variable in docs/deployment.md that nothing reads would be a setting that does nothing."""
    documented = set(re.findall(r"\b((?:DJANGO|DATABASE|PORTAL|LOADTEST)_[A-Z0-9_]+|MEDIA_ROOT|STATIC_ROOT)\b",
                                DOC.read_text(encoding="utf-8")))  # fmt: skip
    assert {"DATABASE_URL", "DJANGO_MEDIA_STORAGE", "DJANGO_S3_BUCKET", "DJANGO_BEHIND_PROXY"} <= documented
    readers = {
        "settings": (ROOT / "siae_portal" / "settings.py").read_text(encoding="utf-8"),
        "loadtest": (ROOT / "loadtest" / "__main__.py").read_text(encoding="utf-8")
        + (ROOT / "loadtest" / "locustfile.py").read_text(encoding="utf-8"),
    }
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    unread = []
    for name in sorted(documented):
        source = readers["loadtest" if name.startswith("LOADTEST_") else "settings"]
        if not re.search(rf"""(environ(\.get)?\(|environ\[|env_bool\(|env_list\()\s*["']{name}["']""", source):
            unread.append(name)
        elif not name.startswith("LOADTEST_") and f"{name}=" not in example:
            unread.append(f"{name} (absent de .env.example)")
    assert unread == []


PRINT_DATABASE_OPTIONS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps(settings.DATABASES["default"].get("OPTIONS", {})))
"""


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, {"options": "-c random_page_cost=1.1"}), ("1.5", {"options": "-c random_page_cost=1.5"}), ("", {})],
)
def test_postgresql_connections_set_the_planner_cost_of_a_random_read(value, expected):
    env = {"DATABASE_URL": "postgres://portail@127.0.0.1:5432/siae_portal"}
    if value is not None:
        env["DATABASE_RANDOM_PAGE_COST"] = value
    result = _settings(env, code=PRINT_DATABASE_OPTIONS)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected


def test_sqlite_connections_have_no_planner_option():
    result = _settings({"DATABASE_URL": "sqlite:///:memory:"}, code=PRINT_DATABASE_OPTIONS)
    assert json.loads(result.stdout) == {}


@pytest.mark.django_db
def test_the_running_postgresql_connection_uses_the_configured_cost():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("A PostgreSQL planner setting.")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
