"""Export tasks: thin interfaces that load the job by id and call the service.

``run_export`` is acknowledged late (a worker that dies mid-render leaves the
message to be delivered again) and time-limited by settings
(``CELERY_TASK_ANNOTATIONS``: EXPORT_SOFT_TIME_LIMIT / EXPORT_TIME_LIMIT); the
broker's visibility timeout is longer than the hard limit.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import translation
from django.utils.translation import gettext as _

from . import services

log = logging.getLogger("kkdigital.exports")


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_export(job_pk: int) -> str:
    try:
        return services.export_run(job_pk=job_pk)
    except SoftTimeLimitExceeded:
        with translation.override("da"):
            services.export_fail(
                job_pk=job_pk,
                reason=_("The export took longer than the time allowed and was stopped. "
                         "Start it again; if it fails again, contact the secretariat's "
                         "IT support."),
            )
        return "timed out"
    except Exception as error:
        log.exception("export %s failed", job_pk)
        with translation.override("da"):
            services.export_fail(
                job_pk=job_pk,
                reason=_("The export failed: %(error)s") % {"error": str(error)[:500]
                                                             or type(error).__name__},
            )
        return "failed"


@shared_task(ignore_result=True)
def sweep_exports() -> int:
    """Every minute (Celery beat): queue again the exports that never got to a worker."""
    return services.export_sweep()
