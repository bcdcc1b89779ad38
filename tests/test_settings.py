"""Settings come from the environment: each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROBE = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER, "broker": settings.CELERY_BROKER_URL,
    "debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
    "secure_cookie": settings.SESSION_COOKIE_SECURE, "hsts": settings.SECURE_HSTS_SECONDS,
    "language": settings.LANGUAGE_CODE, "tz": settings.TIME_ZONE,
    "email_backend": settings.EMAIL_BACKEND,
}))
"""
CONFIG_VARS = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS",
               "EMAIL_HOST", "BEHIND_PROXY", "SECURE_SSL_REDIRECT")
REAL_KEY = "t3st-" + "k" * 20 + "x9Q!vB7#mZ2@pL5$wR8^nJ4&hF6*dS1"


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
    clean["DJANGO_SETTINGS_MODULE"] = "kkdigital.settings"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=120,
    )


def probe(**env: str) -> dict:
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_database_url_it_uses_an_sqlite_file():
    config = probe()
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["name"].endswith("db.sqlite3")


def test_with_database_url_it_uses_postgresql():
    config = probe(DATABASE_URL="postgres://kk@db.example:5432/kkdigital")
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["name"] == "kkdigital"


def test_without_redis_url_celery_runs_tasks_eagerly():
    config = probe()
    assert config["eager"] is True


def test_with_redis_url_redis_is_the_broker():
    config = probe(REDIS_URL="redis://redis:6379/0")
    assert config["eager"] is False
    assert config["broker"] == "redis://redis:6379/0"


def test_the_demo_defaults_are_danish_and_copenhagen_time_with_console_mail():
    config = probe()
    assert config["debug"] is True
    assert config["language"] == "da"
    assert config["tz"] == "Europe/Copenhagen"
    assert config["email_backend"] == "django.core.mail.backends.console.EmailBackend"


def test_an_smtp_host_switches_mail_to_smtp():
    config = probe(EMAIL_HOST="smtp.kk.dk")
    assert config["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"


def test_debug_off_without_secret_key_refuses_to_start():
    result = run(PROBE, DEBUG="0", ALLOWED_HOSTS="kkdigital.kk.dk")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_with_a_secret_is_hardened():
    config = probe(DEBUG="0", SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="kkdigital.kk.dk")
    assert config["debug"] is False
    assert config["hosts"] == ["kkdigital.kk.dk"]
    assert config["secure_cookie"] is True
    assert config["hsts"] >= 31536000


@pytest.mark.parametrize("behind_proxy", ["0", "1"])
def test_the_deploy_check_passes_with_debug_off_and_a_real_secret(behind_proxy):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in CONFIG_VARS},
            "DEBUG": "0", "SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "kkdigital.kk.dk",
            "BEHIND_PROXY": behind_proxy,
        },
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
