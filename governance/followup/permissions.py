"""Who may read and write follow-up rounds and reports."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

from portfolio.models import Role
from portfolio.permissions import is_department_user, is_secretariat  # noqa: F401

from .models import FollowUpReport

security_log = logging.getLogger("kkdigital.security")

# Who reads the follow-up report to the Magistrate / ØU and the portfolio at a glance.
READER_ROLES = (Role.SECRETARIAT, Role.IT_DIRECTORS, Role.COMMITTEE_READER)


def can_manage_rounds(user) -> bool:
    """The secretariat opens rounds, sets thresholds and records rebaselines."""
    return is_secretariat(user)


def can_read_portfolio_reports(user) -> bool:
    """The secretariat, the IT directors and committee readers read the collected reports."""
    return user.is_authenticated and user.has_role(*READER_ROLES)


def is_reporting_department(user, report: FollowUpReport) -> bool:
    return is_department_user(user) and user.department_id == report.department_id


def can_view_report(user, report: FollowUpReport) -> bool:
    return can_read_portfolio_reports(user) or is_reporting_department(user, report)


def can_edit_report(user, report: FollowUpReport) -> bool:
    """The case's department (staff and IT lead) fills in a report until it is submitted."""
    return is_reporting_department(user, report) and not report.is_submitted


def can_submit_report(user, report: FollowUpReport) -> bool:
    """The department's IT lead submits the report on the department's behalf."""
    return can_edit_report(user, report) and user.has_role(Role.DEPARTMENT_IT_LEAD)


def reports_visible_to(user, queryset=None):
    queryset = queryset if queryset is not None else FollowUpReport.objects.all()
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if can_read_portfolio_reports(user):
        return queryset
    if is_department_user(user):
        return queryset.filter(department_id=user.department_id)
    return queryset.none()


ACTIONS = {"view": can_view_report, "edit": can_edit_report, "submit": can_submit_report}


def get_report_for(user, pk, action: str = "view", queryset=None) -> FollowUpReport:
    """The report ``pk`` if ``user`` may ``action`` it: 404 when unreadable, else 403."""
    report = reports_visible_to(user, queryset).filter(pk=pk).first()
    if report is None:
        security_log.warning("refused 404 user=%s followup_report=%s", user.pk, pk)
        raise Http404("No such report.")
    if not ACTIONS[action](user, report):
        security_log.warning(
            "refused 403 user=%s followup_report=%s action=%s", user.pk, pk, action
        )
        raise PermissionDenied
    return report
