"""Loaded as a pytest plugin (`-p tests.django_env`) before Django's settings: the test
environment is production-like (DEBUG off) but served over plain HTTP by the live server."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ["DJANGO_DEBUG"] = "false"
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
os.environ["DJANGO_SECURE_COOKIES"] = "false"
os.environ["DJANGO_HSTS_SECONDS"] = "0"
os.environ["DJANGO_MANIFEST_STATIC"] = "false"
# pytest-playwright's sync API keeps an event loop in the main thread; Django would then refuse
# every database call in tests (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The live server's threads would otherwise keep PostgreSQL connections open, and the test
# database could not be dropped at the end of the run.
os.environ["DATABASE_CONN_MAX_AGE"] = "0"
