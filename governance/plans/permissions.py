"""Who reads the plan and who freezes its versions."""

from portfolio.models import Role


def reads_whole_plan(user) -> bool:
    """The directors, the secretariat and the committee readers read the whole plan."""
    return (
        user.is_authenticated
        and user.is_active
        and user.has_role(Role.IT_DIRECTORS, Role.SECRETARIAT, Role.COMMITTEE_READER)
    )


def can_read_plan(user) -> bool:
    """Departments read the plan too, but only their own cases in it (published ones)."""
    return reads_whole_plan(user) or (
        user.is_authenticated
        and user.is_active
        and user.department_id is not None
        and user.has_role(Role.DEPARTMENT_STAFF, Role.DEPARTMENT_IT_LEAD)
    )


def can_freeze_plan(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.SECRETARIAT)


def visible_lines(user, lines):
    """The plan lines ``user`` may read: all, or a department's own cases."""
    if reads_whole_plan(user):
        return list(lines)
    code = user.department.code if user.department_id else None
    return [line for line in lines if code and code in line.department_codes]
