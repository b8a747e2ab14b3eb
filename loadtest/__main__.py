"""`make loadtest`: 50 users on the portal served by gunicorn on PostgreSQL, national demo data.

1. The database (LOADTEST_DATABASE_URL, by default postgres://postgres@127.0.0.1:5432/siae_portal_load)
   is created if missing, migrated and seeded with `seed_demo --scale national` (idempotent).
2. gunicorn serves the portal with production settings (DEBUG off, static files collected), over
   plain HTTP on 127.0.0.1 (no HTTPS redirect, no Secure cookies), with login throttling raised:
   50 users log in within seconds from one address (DJANGO_LOGIN_FAILURE_LIMIT).
3. locust (its own venv, .venv-load) runs headless: the users log in, then LOADTEST_SECONDS (60) of
   browsing are measured (loadtest/locustfile.py).
4. The figures: requests per second, p50/p95/p99 per page type, failures (loadtest/summary.py);
   the exit status is 1 when the goal (0 failures, p95 < 300 ms for HTML pages) is missed.
Results (locust's CSV files, gunicorn's log) stay in loadtest-results/<date>/.
"""

import os
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

from operations.databases import ensure_postgresql_database

from .summary import read_stats, report

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/siae_portal_load"
USERS = 50


def ensure_database(database_url: str) -> None:
    """Create the PostgreSQL database if it does not exist yet."""
    ensure_postgresql_database(
        database_url,
        "make loadtest mesure le portail sur PostgreSQL : LOADTEST_DATABASE_URL doit être une URL postgres://.",
    )


def portal_environment(database_url: str) -> dict:
    """The settings of the served portal: production ones, except HTTPS and login throttling."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "loadtest-only-7f1e3b9d5c2a4e6f8b0d1c3e5a7f9b2d"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_LOGIN_FAILURE_LIMIT": os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "100000"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn s'est arrêté au démarrage : voir gunicorn.log.")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"Le portail ne répond pas sur {url} après {timeout:.0f} s.")


def main() -> int:
    database_url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_DATABASE_URL)
    port = int(os.environ.get("LOADTEST_PORT", "8765"))
    # docs/deployment.md, section 4: 4 processes of 2 threads (PDFs are composed in a child process).
    workers = os.environ.get("LOADTEST_WORKERS", "4")
    threads = os.environ.get("LOADTEST_THREADS", "2")
    seconds = os.environ.get("LOADTEST_SECONDS", "60")
    locust = Path(os.environ.get("LOADTEST_LOCUST", ROOT / ".venv-load" / "bin" / "locust"))
    python = sys.executable
    results = ROOT / "loadtest-results" / datetime.now().strftime("%Y%m%d-%H%M%S")
    results.mkdir(parents=True)
    env = portal_environment(database_url)

    ensure_database(database_url)
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo", "--scale", "national"],
                    ["collectstatic", "--noinput", "-v", "0"]):  # fmt: skip
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True)

    host = f"http://127.0.0.1:{port}"
    with open(results / "gunicorn.log", "w") as log:
        gunicorn = subprocess.Popen(
            [python, "-m", "gunicorn", "siae_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", workers,
             "--threads", threads, "--keep-alive", "10", "--timeout", "120"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_up(f"{host}/accounts/login/", gunicorn)
            load_before = os.getloadavg()
            print(f"{USERS} utilisateurs, connexion puis {seconds} s mesurées sur {host}", end=" ")
            print(f"({workers} workers gunicorn × {threads} threads)...")
            command = [
                str(locust), "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless", "--users", str(USERS),
                "--spawn-rate", "10", "--host", host, "--csv", str(results / "locust"), "--only-summary",
                "--run-time", f"{int(float(seconds)) + 240}s", "--loglevel", "WARNING",
            ]  # fmt: skip
            with open(results / "locust.log", "w") as locust_log:
                subprocess.run(
                    command, cwd=ROOT, env={**os.environ, "LOADTEST_SECONDS": seconds}, check=False,
                    stdout=locust_log, stderr=subprocess.STDOUT,
                )  # fmt: skip
            load_after = os.getloadavg()
        finally:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)

    import json

    pages, total = read_stats((results / "locust_stats.csv").read_text(encoding="utf-8"))
    login_file = results / "locust_login.json"
    logins = json.loads(login_file.read_text()) if login_file.exists() else {}
    load = f"avant {', '.join(f'{x:.2f}' for x in load_before)} ; après {', '.join(f'{x:.2f}' for x in load_after)}"
    text, ok = report(
        pages, total, login_ms=logins.get("login_ms", []), login_failures=logins.get("login_failures", 0), load=load
    )
    print(text)
    (results / "summary.txt").write_text(text + "\n", encoding="utf-8")
    print(f"Fichiers : {results}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
