"""Who may read budget notes, collected notes and exported files.

The secretariat reads and exports everything; the IT directors' circle and the
committee readers download the notes of the cases they may read and the plan's
collected note; department users download the notes of their own department's
cases and import into their own department only.
"""

from portfolio.models import InvestmentCase, Role
from portfolio.permissions import is_department_user, is_secretariat

PLAN_READER_ROLES = (Role.SECRETARIAT, Role.IT_DIRECTORS, Role.COMMITTEE_READER)


def can_download_case_note(user, case: InvestmentCase, *, known_visible: bool = False) -> bool:
    """``known_visible``: the caller has already read the case through the
    visibility rule (the case page), so it is not asked again."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_secretariat(user):
        return True
    if not known_visible and not InvestmentCase.objects.visible_to(user).filter(
        pk=case.pk
    ).exists():
        return False
    if user.has_role(Role.IT_DIRECTORS, Role.COMMITTEE_READER):
        return True
    return is_department_user(user) and case.department_id == user.department_id


def can_read_plan_documents(user) -> bool:
    """The collected note and the plan's spreadsheets."""
    return user.is_authenticated and user.is_active and user.has_role(*PLAN_READER_ROLES)


def can_start_exports(user) -> bool:
    return is_secretariat(user)


def can_import_for(user, department) -> bool:
    """The secretariat imports for any department, a department user for their own."""
    if is_secretariat(user):
        return True
    return is_department_user(user) and department is not None and (
        user.department_id == department.pk
    )
