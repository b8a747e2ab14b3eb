import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PDF_CHILD_PROCESS = False  # composed in the test's process (tests/portal/test_pdf_process.py: the child)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the home page's watchlist panel is cached)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mail_server_down(settings):
    """Every e-mail fails as when the SMTP server is unreachable."""
    settings.EMAIL_BACKEND = "tests.mail_backends.ServerDown"


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's chromium. Without it they are skipped locally, but in CI a
    missing browser is a failure, never a skip."""
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(
            f"CI=true mais Chromium est introuvable ({CHROMIUM}) : les tests navigateur doivent tourner."
        )
    skip = pytest.mark.skip(reason=f"Chromium introuvable ({CHROMIUM})")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


# --- Personas ---------------------------------------------------------------------------------
from tests.personas import *  # noqa: E402, F403
