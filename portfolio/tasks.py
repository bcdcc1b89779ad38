"""Celery tasks of portfolio (found by the Celery app's autodiscovery)."""

from portfolio.register.tasks import check_import_job, run_import_job  # noqa: F401
