"""A notification e-mail sent by a real Celery worker through the real Redis broker.

The worker is a separate process: it must read the rows this test writes, so
the test runs on PostgreSQL with committed transactions (an in-memory SQLite
database is invisible to another process) and with REDIS_URL set. Elsewhere
it is skipped; in CI on PostgreSQL a missing broker is a failure.
"""

import email
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from governance.models import Notification
from governance.tasks import send_notification_email

from .factories import UserFactory

pytestmark = pytest.mark.celery_worker

PROJECT_DIR = Path(settings.BASE_DIR)
WAIT_SECONDS = 30


def _require_postgres_and_redis():
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    if on_postgres and has_redis:
        return
    reason = "needs DATABASE_URL=postgres://… and REDIS_URL: the worker is another process"
    if os.environ.get("CI") and on_postgres:
        pytest.fail(f"In CI on PostgreSQL this test must run: {reason}")
    pytest.skip(reason)


def _test_database_url() -> str:
    # The worker connects to the test database that pytest-django created.
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


def _read_mails(directory: Path) -> list[email.message.Message]:
    messages = []
    for path in sorted(directory.glob("*.log")):
        # The file-based backend separates messages with a line of dashes.
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip()))
    return messages


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_notification_email_through_redis(tmp_path):
    _require_postgres_and_redis()
    recipient = UserFactory(username="worker-recipient", email="modtager@kk.dk")
    notification = Notification.objects.create(
        recipient=recipient,
        subject="Kvittering for indsendelse",
        body="Sagen er indsendt. Venlig hilsen fra Økonomiforvaltningen.",
    )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    # A queue of its own, so that no other worker running on this broker takes the task.
    queue = f"kk-test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kkdigital.settings",
        "DATABASE_URL": _test_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "REDIS_URL": os.environ["REDIS_URL"],
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    env.pop("EMAIL_HOST", None)
    command = [
        sys.executable, "-m", "celery", "-A", "kkdigital", "worker",
        "--pool=solo", "--concurrency=1", "-Q", queue, "-n", f"{queue}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
    ]
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        send_notification_email.apply_async((notification.pk,), queue=queue)

        deadline = time.monotonic() + WAIT_SECONDS
        mails: list = []
        while time.monotonic() < deadline:
            notification.refresh_from_db()
            mails = _read_mails(mail_dir)
            if notification.emailed_at and mails:
                break
            if worker.poll() is not None:
                pytest.fail(f"The worker stopped:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        else:
            pytest.fail(
                f"No e-mail within {WAIT_SECONDS} s:\n{log_path.read_text(errors='replace')}"
            )
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        _forget_queue(queue)

    assert len(mails) == 1
    message = mails[0]
    assert message["To"] == "modtager@kk.dk"
    assert str(email.header.make_header(email.header.decode_header(message["Subject"]))) == (
        "Kvittering for indsendelse"
    )
    body = message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")
    assert "Venlig hilsen fra Økonomiforvaltningen." in body
    assert "governance.tasks.send_notification_email[" in log_path.read_text(errors="replace")


def _forget_queue(queue: str) -> None:
    """Remove the test queue's keys from the broker."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()
