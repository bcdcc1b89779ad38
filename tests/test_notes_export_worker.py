"""A plan export run by a real Celery worker through Redis, and one whose worker is
killed in the middle of the rendering (PostgreSQL and Redis, as in CI)."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from governance.exports.models import ExportJob, ExportKind, ExportState
from kkdigital.celery import app as celery_app
from portfolio.models import CaseState, EconomyKind

from .factories_notes import complete_case
from .test_celery_worker import _forget_queue, _require_postgres_and_redis, _test_database_url

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def queue(settings, tmp_path):
    """A queue of its own for this test's worker, and a media folder both processes use."""
    _require_postgres_and_redis()
    name = f"kk-notes-{uuid.uuid4().hex}"
    settings.MEDIA_ROOT = tmp_path / "media"
    before = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = name, False
    yield name
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = before
    _forget_queue(name)


def start_worker(queue, media_root, log_path, **extra_env):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kkdigital.settings",
        "DATABASE_URL": _test_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(media_root),
        **extra_env,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "kkdigital", "worker",
        "--pool=solo", "--concurrency=1", "-Q", queue, "-n", f"{queue}-{uuid.uuid4().hex[:6]}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
    ]
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log,
                            stderr=subprocess.STDOUT)


def stop(worker):
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)


def wait_for(condition, seconds, worker, log_path, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"The worker stopped:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.2)
    pytest.fail(f"No {what} within {seconds} s:\n{log_path.read_text(errors='replace')}")


def plan_of(department, cycle, count):
    for number in range(count):
        complete_case(
            department=department, cycle=cycle, title=f"Sag nummer {number + 1}",
            state=CaseState.PRIORITISED,
            economy=[(EconomyKind.INVESTMENT, 2027, 1_000_000 + number),
                     (EconomyKind.GAIN, None, -400_000)],
        )


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_exports_the_plan_and_the_secretariat_downloads_it(
    client, queue, secretariat, department, cycle, tmp_path
):
    plan_of(department, cycle, 3)
    log_path = tmp_path / "worker.log"
    worker = start_worker(queue, settings.MEDIA_ROOT, log_path)
    try:
        client.force_login(secretariat)
        response = client.post(reverse("governance:export-start"),
                               {"kind": ExportKind.PLAN_PDF, "cycle": cycle.pk})
        assert response.status_code == 302
        job = ExportJob.objects.get()
        assert job.queued_at is not None  # handed to Redis, not run in this process

        def finished():
            job.refresh_from_db()
            return job.state == ExportState.DONE

        wait_for(finished, 90, worker, log_path, "finished export")
    finally:
        stop(worker)
    download = client.get(reverse("governance:export-download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "governance.exports.tasks.run_export[" in log_path.read_text(errors="replace")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_still_ends_with_exactly_one_finished_file(
    client, queue, secretariat, department, cycle, tmp_path
):
    plan_of(department, cycle, 30)  # enough pages that the layout takes seconds
    log_path = tmp_path / "worker.log"
    # A short hard limit and visibility timeout, so that Redis hands the message of
    # the dead worker to the next one within the test's patience.
    limits = {
        "EXPORT_SOFT_TIME_LIMIT": "50", "EXPORT_TIME_LIMIT": "55",
        "CELERY_VISIBILITY_TIMEOUT": "60", "CELERY_RESTORE_INTERVAL": "1",
        "CELERY_RESTORE_THROTTLE": "1",
    }
    first = start_worker(queue, settings.MEDIA_ROOT, log_path, **limits)
    second = None
    try:
        client.force_login(secretariat)
        client.post(reverse("governance:export-start"),
                    {"kind": ExportKind.PLAN_PDF, "cycle": cycle.pk})
        job = ExportJob.objects.get()

        def rendering():
            job.refresh_from_db()
            return job.state == ExportState.RUNNING and job.progress >= 50

        wait_for(rendering, 90, first, log_path, "rendering")
        os.kill(first.pid, signal.SIGKILL)  # mid-render, no chance to clean up
        first.wait(timeout=10)
        job.refresh_from_db()
        assert job.state == ExportState.RUNNING
        folder = settings.MEDIA_ROOT / "exports" / str(job.pk)
        assert not any(p.suffix == ".pdf" for p in folder.glob("*")) if folder.exists() else True

        second = start_worker(queue, settings.MEDIA_ROOT, log_path, **limits)

        def finished():
            job.refresh_from_db()
            return job.state == ExportState.DONE

        wait_for(finished, 240, second, log_path, "finished export after the kill")
    finally:
        for worker in (first, second):
            if worker is not None:
                stop(worker)
    assert job.attempts == 2
    assert [p.name for p in folder.iterdir()] == ["budgetnotat-samlet-2027.pdf"]
    assert (folder / "budgetnotat-samlet-2027.pdf").read_bytes().startswith(b"%PDF")
