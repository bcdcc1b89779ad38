"""Export jobs: start, restart, run and sweep.

A job is a row saved first and handed to the broker when the transaction
commits. The run is idempotent: a second delivery of the same message (a worker
killed mid-render, the broker's visibility timeout, the sweeper) either finds
the job finished and does nothing, or renders again and writes the same file
name atomically under the row's lock, so exactly one finished file remains.
"""

import datetime
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kkdigital.lib.errors import ServiceError

from ..notes.permissions import can_start_exports
from ..notes.plan import plan_for_cycle
from .models import ExportJob, ExportKind, ExportState

log = logging.getLogger("kkdigital.exports")

# A queued job whose message is older than this is handed to the broker again.
REQUEUE_AFTER = datetime.timedelta(minutes=1)


class BrokerUnavailable(ServiceError):
    """The job is saved but the queue cannot be reached; the sweeper queues it later."""


def export_start(*, actor, kind: str, cycle, version=None) -> ExportJob:
    """The secretariat starts an export of a cycle's plan (working or frozen version)."""
    if not can_start_exports(actor):
        raise PermissionDenied
    if kind not in ExportKind.values:
        raise ServiceError(_("Unknown export."))
    plan = plan_for_cycle(cycle, version)
    with transaction.atomic():
        job = ExportJob(
            kind=kind,
            cycle=cycle,
            version_key=plan.version_key,
            version_label=f"{plan.label}, {plan.date:%d.%m.%Y}",
            created_by=actor,
            step=_("Waiting for a free worker"),
        )
        job.full_clean()
        job.save()
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def export_restart(*, actor, job_pk: int) -> ExportJob:
    """Start a failed export again; a finished or running one is left alone."""
    if not can_start_exports(actor):
        raise PermissionDenied
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_pk)
        if job.state != ExportState.FAILED:
            raise ServiceError(_("Only a failed export can be started again."))
        job.state = ExportState.QUEUED
        job.error = ""
        job.progress = 0
        job.step = _("Waiting for a free worker")
        job.queued_at = None
        job.save(update_fields=["state", "error", "progress", "step", "queued_at"])
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_pk: int) -> bool:
    """Hand the job to the broker. False (and the job stays queued) if the broker
    cannot be reached within about a second; the sweeper tries again."""
    from kkdigital.celery import app

    from .tasks import run_export

    if app.conf.task_always_eager:
        ExportJob.objects.filter(pk=job_pk).update(queued_at=timezone.now())
        run_export.apply_async((job_pk,))
        return True
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=1)
            run_export.apply_async(
                (job_pk,), connection=connection, retry=False,
                queue=app.conf.task_default_queue,
            )
    except Exception as error:  # noqa: BLE001 - any broker failure means "later"
        log.warning("export %s: broker unreachable (%s); the sweeper will queue it", job_pk,
                    type(error).__name__)
        ExportJob.objects.filter(pk=job_pk, state=ExportState.QUEUED).update(
            step=_("The export queue cannot be reached right now. The export is saved "
                   "and starts by itself when the queue is back.")
        )
        return False
    ExportJob.objects.filter(pk=job_pk).update(queued_at=timezone.now())
    return True


def export_sweep(*, now=None) -> int:
    """Queue again the jobs that never reached a worker, and those whose worker died
    (running for longer than the hard time limit allows)."""
    now = now or timezone.now()
    stale_running = now - datetime.timedelta(seconds=settings.EXPORT_TIME_LIMIT + 60)
    waiting = list(
        ExportJob.objects.filter(state=ExportState.QUEUED)
        .exclude(queued_at__gt=now - REQUEUE_AFTER)
        .values_list("pk", flat=True)
    )
    dead = list(
        ExportJob.objects.filter(state=ExportState.RUNNING, started_at__lt=stale_running)
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in [*waiting, *dead]:
        count += enqueue(pk)
    return count


# --- the run --------------------------------------------------------------------------


def _progress(job_pk: int, percent: int, step: str) -> None:
    ExportJob.objects.filter(pk=job_pk, state=ExportState.RUNNING).update(
        progress=percent, step=step
    )


def export_run(*, job_pk: int) -> str:
    """Render the job's file and store it; safe to run twice for the same job."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_pk).first()
        if job is None or job.state in (ExportState.DONE, ExportState.FAILED):
            return "skipped"
        job.state = ExportState.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.progress = 5
        job.step = _("Collecting the cases")
        job.save(update_fields=["state", "attempts", "started_at", "progress", "step"])
    content, filename = render_job(job)
    _progress(job.pk, 95, _("Saving the file"))
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_pk)
        if job.state == ExportState.DONE:
            return "already done"
        relative = store_file(job, filename, content)
        job.file.name = relative
        job.state = ExportState.DONE
        job.progress = 100
        job.step = ""
        job.error = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "state", "progress", "step", "error", "finished_at"])
    return "done"


def export_fail(*, job_pk: int, reason: str) -> None:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_pk).first()
        if job is None or job.state == ExportState.DONE:
            return
        job.state = ExportState.FAILED
        job.error = reason
        job.step = ""
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "error", "step", "finished_at"])


def render_job(job: ExportJob) -> tuple[bytes, str]:
    from django.utils import translation

    plan = plan_for_cycle(job.cycle, _frozen_version(job))
    year = job.cycle.budget_year
    with translation.override("da"):
        if job.kind == ExportKind.PLAN_PDF:
            from ..notes.render import plan_note_pdf

            def progress(done, total):
                _progress(job.pk, 5 + int(45 * done / max(total, 1)),
                          _("Writing the case sections (%(done)s of %(total)s)")
                          % {"done": done, "total": total})

            def rendering():
                _progress(job.pk, 50, _("Laying out the pages"))

            content = plan_note_pdf(plan, progress=progress, before_layout=rendering)
            return content, f"budgetnotat-samlet-{year}.pdf"
        if job.kind == ExportKind.PLAN_XLSX:
            from ..spreadsheets.exports import plan_workbook

            _progress(job.pk, 30, _("Writing the spreadsheet"))
            return plan_workbook(plan), f"plan-{year}.xlsx"
    raise ServiceError(_("Unknown export."))


def _frozen_version(job: ExportJob):
    """The frozen plan version the job was started for (None: the working version)."""
    if job.version_key == "working":
        return None
    from governance.plans.models import PlanVersion

    version = PlanVersion.objects.filter(pk=job.version_key, cycle=job.cycle).first()
    if version is None:
        raise ServiceError(_("The plan version no longer exists."))
    return version


def store_file(job: ExportJob, filename: str, content: bytes) -> str:
    """Write the file atomically to its fixed place: exports/<job id>/<name>."""
    folder = Path(settings.MEDIA_ROOT) / "exports" / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("*.part"):
        leftover.unlink(missing_ok=True)
    final = folder / filename
    temporary = folder / f".{uuid.uuid4().hex}.part"
    temporary.write_bytes(content)
    os.replace(temporary, final)
    for other in folder.iterdir():
        if other != final and other.is_file():
            other.unlink(missing_ok=True)
    return f"exports/{job.pk}/{filename}"
