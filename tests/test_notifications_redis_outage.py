"""A Redis outage neither stalls the web nor loses mail.

With the broker down a transition is saved and its request returns at once
(no result backend, no publish retries, short timeouts); the notifications stay
unsent, and once Redis is back the beat task's sweep sends each mail exactly
once. The end-to-end test starts and stops a Redis server of its own on a free
port (never the shared one) and a real Celery worker, so it runs on PostgreSQL
with REDIS_URL set, as in CI, and is skipped elsewhere; the rules of the sweep
(once, never twice, skip what another sender holds) are tested on any database.
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from governance.models import Notification
from governance.services import notifications
from governance.services.notifications import notification_send_email, send_unsent_emails
from governance.tasks import send_unsent_notification_emails
from kkdigital.celery import app as celery_app
from portfolio.models import CaseState, InvestmentCase

from .factories import UserFactory
from .governance_helpers import complete_case, open_phases
from .test_celery_worker import (
    PROJECT_DIR,
    _read_mails,
    _require_postgres_and_redis,
    _test_database_url,
)

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def old_notification(recipient, **kwargs):
    notification = Notification.objects.create(
        recipient=recipient, subject="Emne", body="Tekst", **kwargs
    )
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    return notification


# The sweep, on any database


def test_the_sweep_sends_each_unsent_mail_once(staff, director):
    first, second = old_notification(staff), old_notification(director)
    assert send_unsent_emails() == 2
    assert send_unsent_emails() == 0
    assert send_unsent_notification_emails.delay().get() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, director.email])
    for notification in (first, second):
        notification.refresh_from_db()
        assert notification.emailed_at is not None


def test_a_late_task_after_the_sweep_sends_nothing(staff):
    notification = old_notification(staff)
    send_unsent_emails()
    assert notification_send_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_new_old_and_addressless_notifications(staff, director, settings):
    Notification.objects.create(recipient=staff, subject="Lige nu", body="Tekst")
    ancient = old_notification(staff)
    Notification.objects.filter(pk=ancient.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=30))
    director.email = ""
    director.save()
    old_notification(director)
    assert send_unsent_emails() == 0
    assert mail.outbox == []


def test_a_failed_enqueue_pauses_the_next_ones(staff, django_capture_on_commit_callbacks):
    from governance.tasks import send_notification_email

    calls = []

    def down(*args, **kwargs):
        calls.append(args)
        raise ConnectionError("broker down")

    with mock.patch.object(send_notification_email, "delay", side_effect=down):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(5):
                notifications._queue_email(old_notification(staff).pk)
    # One attempt, not one timeout per notification.
    assert len(calls) == 1
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 5


@pytest.mark.skipif(not ON_POSTGRES, reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_send_each_mail_once():
    recipients = [UserFactory(username=f"modtager-{i}") for i in range(6)]
    for user in recipients:
        old_notification(user)
    real_send = mail.send_mail
    lock = threading.Lock()

    def slow_send(*args, **kwargs):
        time.sleep(0.1)
        with lock:
            return real_send(*args, **kwargs)

    results = []

    def sweep():
        try:
            results.append(send_unsent_emails())
        finally:
            close_old_connections()
            connection.close()

    with mock.patch("governance.services.notifications.send_mail", side_effect=slow_send):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sum(results) == 6
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in recipients)


# The outage, end to end, with a Redis server of our own


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A throw-away redis-server on a free port: started, stopped, started again."""

    def __init__(self, directory):
        self.port = _free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _use_broker(url: str | None, eager: bool):
    """Point this process's Celery app at ``url`` and drop its cached connections."""
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = eager
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_redis_outage_neither_stalls_the_request_nor_loses_the_mail(
    client, tmp_path, cycle, department, it_lead, secretariat
):
    _require_postgres_and_redis()
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed for this test")
    redis = OwnRedis(tmp_path)
    before = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    redis.start()
    worker = None
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log_path = tmp_path / "worker.log"
    try:
        _use_broker(redis.url, eager=False)
        open_phases(cycle, "intake")
        case = complete_case(department=department, cycle=cycle, created_by=it_lead)
        client.force_login(it_lead)
        # A running web process has served pages and talked to the broker before:
        # load the URLs and the transport, so that only the submit is timed.
        assert client.get(case.get_absolute_url()).status_code == 200
        with celery_app.connection_for_write() as warm:
            warm.ensure_connection(max_retries=1)

        redis.stop()
        started = time.monotonic()
        response = client.post(reverse("governance:case-action", args=[case.pk, "submit"]))
        elapsed = time.monotonic() - started
        print(f"submit with Redis down: {elapsed:.2f} s")
        assert response.status_code == 302
        assert elapsed < 2, f"the request took {elapsed:.1f} s with Redis down"
        assert InvestmentCase.objects.get(pk=case.pk).state == CaseState.SUBMITTED
        unsent = Notification.objects.filter(case=case, emailed_at__isnull=True)
        assert set(unsent.values_list("recipient__username", flat=True)) == {
            it_lead.username, secretariat.username}

        redis.start()
        queue = f"kk-test-{uuid.uuid4().hex}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kkdigital.settings",
            "DATABASE_URL": _test_database_url(),
            "DB_CONN_MAX_AGE": "0",
            "REDIS_URL": redis.url,
            "CELERY_QUEUE": queue,
            "KK_UNSENT_EMAIL_MIN_AGE_SECONDS": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        }
        env.pop("EMAIL_HOST", None)
        with open(log_path, "wb") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "kkdigital", "worker", "--pool=solo",
                 "--concurrency=1", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip",
                 "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
                cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        # Beat's sweep, twice (a second beat, or a beat and a late run): each mail once.
        for _ in range(2):
            send_unsent_notification_emails.apply_async(queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not unsent.exists() and len(_read_mails(mail_dir)) >= 2:
                break
            if worker.poll() is not None:
                pytest.fail(f"The worker stopped:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        else:
            pytest.fail(f"No mail within 30 s:\n{log_path.read_text(errors='replace')}")
        time.sleep(1)  # the second sweep has run: it must have sent nothing more
        mails = _read_mails(mail_dir)
        assert sorted(m["To"] for m in mails) == sorted([it_lead.email, secretariat.email])
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(timeout=5)
        redis.stop()
        _use_broker(*before)
