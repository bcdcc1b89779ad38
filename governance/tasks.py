"""Celery tasks of the process: thin interfaces that load by id and call a service."""

import smtplib

from celery import shared_task

from governance.services import notifications


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=8,
)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification; retried with growing pauses while the mail server fails."""
    return notifications.notification_send_email(notification_id=notification_id)


@shared_task
def send_intake_reminders() -> int:
    """Daily (Celery beat): remind departments with drafts before the intake deadline."""
    return len(notifications.send_intake_reminders())


@shared_task
def send_unsent_notification_emails() -> int:
    """Every two minutes (Celery beat): send the notification e-mails still unsent,
    e.g. those that could not be queued while the broker was down."""
    return notifications.send_unsent_emails()


@shared_task
def retender_radar() -> int:
    """Nightly (Celery beat): draft re-tendering cases for contracts the radar finds."""
    from governance.services.retender import retender_radar_run

    return len(retender_radar_run())


@shared_task
def send_followup_reminders() -> int:
    """Daily (Celery beat): remind departments of follow-up reports not yet submitted."""
    from governance.followup.reminders import send_followup_reminders as send

    return len(send())
# The export tasks live with their sub-package; importing them here lets the
# worker's autodiscovery (which reads governance.tasks) register them.
from governance.exports.tasks import run_export, sweep_exports  # noqa: E402, F401
