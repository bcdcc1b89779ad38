"""Reminders to departments that have not submitted their follow-up reports (Celery beat, daily)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from governance.models import Notification
from governance.services.notifications import department_users, in_app_message, queue_email

from .models import FollowUpReport, ReportStatus

# Departments are reminded this many days before the deadline, on the day, and
# every week after it while reports are missing.
REMIND_DAYS_BEFORE = (7, 1, 0)


def missing_reports(round_):
    """The reports of a round not yet submitted: who has not reported."""
    return (
        FollowUpReport.objects.filter(round=round_, status=ReportStatus.DRAFT)
        .select_related("case", "department")
        .order_by("department__name", "case__title", "pk")
    )


def _due(deadline: datetime.date, today: datetime.date) -> bool:
    days_left = (deadline - today).days
    return days_left in REMIND_DAYS_BEFORE or (days_left < 0 and -days_left % 7 == 0)


def send_followup_reminders(today: datetime.date | None = None) -> list[Notification]:
    """One notification per department user and department with reports missing.

    Idempotent per day: a report reminded today (``last_reminded_on``) is not
    reminded again, so beat running twice sends nothing twice.
    """
    today = today or timezone.localdate()
    created = []
    reports = (
        FollowUpReport.objects.filter(status=ReportStatus.DRAFT)
        .exclude(last_reminded_on=today)
        .select_related("round", "case", "department")
        .order_by("department_id", "round_id", "case__title")
    )
    by_department: dict[int, list[FollowUpReport]] = {}
    for report in reports:
        if _due(report.round.deadline, today):
            by_department.setdefault(report.department_id, []).append(report)
    with transaction.atomic():
        for department_id, due in by_department.items():
            for user in department_users([department_id]):
                created.append(_notify(user, due))
            # last_reminded_on is bookkeeping, excluded from the history.
            FollowUpReport.objects.filter(pk__in=[r.pk for r in due]).update(last_reminded_on=today)
    return created


def _notify(user, reports) -> Notification:
    with translation.override(settings.LANGUAGE_CODE):
        round_ = reports[0].round
        context = {
            "recipient": user,
            "round": round_,
            "deadline": date_format(round_.deadline, "j. F Y"),
            "reports": reports,
            "site_url": settings.KK_SITE_URL,
            "list_url": settings.KK_SITE_URL + reverse("governance:followup-list"),
        }
        subject = _("Reminder: follow-up reports due on %(deadline)s") % context
        body = render_to_string("governance/email/followup_reminder.txt", context).strip() + "\n"
        message = in_app_message("governance/email/followup_reminder.txt", context)
    notification = Notification(recipient=user, subject=subject[:250], body=body,
                                message=message)
    notification.full_clean()
    notification.save()
    queue_email(notification.pk)
    return notification
