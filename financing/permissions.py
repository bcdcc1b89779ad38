"""Who may do what with a case's money (object scope comes from portfolio)."""

from portfolio import permissions as case_permissions
from portfolio.models import Role


def can_request(user, case) -> bool:
    """The owning department asks for money while it may still edit the case."""
    return case_permissions.can_edit_case(user, case)


def can_recommend(user) -> bool:
    """The IT directors' circle and the secretariat recommend amounts."""
    return user.is_authenticated and user.has_role(Role.IT_DIRECTORS, Role.SECRETARIAT)


def can_grant(user) -> bool:
    """Only the secretariat records what the Economic Committee granted."""
    return case_permissions.is_secretariat(user)


def can_override_capacity(user) -> bool:
    """Only the secretariat may let an allocation pass a channel's capacity."""
    return case_permissions.is_secretariat(user)


def can_view_overview(user) -> bool:
    """The financing overview is for the secretariat, the directors and committee readers."""
    return user.is_authenticated and user.has_role(
        Role.SECRETARIAT, Role.IT_DIRECTORS, Role.COMMITTEE_READER
    )


def can_manage_loans(user) -> bool:
    return case_permissions.is_secretariat(user)


def can_view_loans(user, department=None) -> bool:
    """The secretariat, the directors and committee readers see every department's
    loans; a department's own people see theirs."""
    if can_view_overview(user):
        return True
    return bool(
        department is not None
        and case_permissions.is_department_user(user)
        and user.department_id == department.pk
    )
