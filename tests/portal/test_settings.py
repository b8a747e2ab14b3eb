import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(env_overrides, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_refuses_to_start_without_a_secret_key_in_production():
    result = _check({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY est obligatoire" in result.stderr


def test_development_runs_without_any_variable():
    assert _check({"DJANGO_DEBUG": "true"}).returncode == 0


def test_production_settings_pass_check_deploy():
    result = _check(
        {
            "DJANGO_SECRET_KEY": "a" * 20 + "-Zx9!kq2#vLm8@pW4$rT7^yB1&nH5*jC3",
            "DJANGO_ALLOWED_HOSTS": "portail.example.org",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr
