"""Celery tasks of the KITOS import: thin interfaces that load the job by id."""

from celery import shared_task

from . import imports

# Late acknowledgement: a worker that dies mid-job leaves the message to be
# redelivered, and the services' status checks make a second run harmless.
JOB_OPTIONS = {"acks_late": True, "time_limit": 15 * 60, "soft_time_limit": 14 * 60}


@shared_task(**JOB_OPTIONS)
def check_import_job(job_id: int) -> str | None:
    job = imports.import_job_check(job_id=job_id)
    return job.status if job else None


@shared_task(**JOB_OPTIONS)
def run_import_job(job_id: int) -> str | None:
    job = imports.import_job_run(job_id=job_id)
    return job.status if job else None
