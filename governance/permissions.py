"""Who may act in the governance process: the role and department rules.

The workflow table (``governance.workflow.table``) names one of these rules for
each transition; views ask ``can_transition`` (the table's answer for the
case's current state) and the transition path asks the table again. Which
cases a person may *read* is portfolio's business: ``portfolio.permissions``.
"""

from portfolio.models import InvestmentCase, Role
from portfolio.permissions import is_secretariat

__all__ = [
    "can_assess_case",
    "can_decide_case",
    "can_forward_case",
    "can_qualify_case",
    "can_return_case",
    "can_forward_cases",
    "can_record_decisions",
    "can_publish_prioritisation",
    "can_see_unpublished_assessments",
    "can_transition",
    "can_view_committee_meetings",
    "is_case_it_lead",
    "is_case_it_lead_or_secretariat",
    "is_secretariat",
    "may_act_outside_phase",
]


def is_case_it_lead(user, case: InvestmentCase) -> bool:
    """The IT lead of the department that owns the case: it speaks for the department."""
    return (
        user.is_authenticated
        and user.has_role(Role.DEPARTMENT_IT_LEAD)
        and user.department_id is not None
        and case.department_id == user.department_id
    )


def is_case_it_lead_or_secretariat(user, case: InvestmentCase) -> bool:
    return is_case_it_lead(user, case) or is_secretariat(user)


def is_it_lead(user) -> bool:
    """An IT lead of some department (the role, without a case)."""
    return (
        user.is_authenticated
        and user.has_role(Role.DEPARTMENT_IT_LEAD)
        and user.department_id is not None
    )


def is_it_lead_or_secretariat(user) -> bool:
    return is_it_lead(user) or is_secretariat(user)


def is_secretariat_for(user, case: InvestmentCase) -> bool:
    """The secretariat (ØKF) acts on every department's cases."""
    return is_secretariat(user)


def may_act_outside_phase(user) -> bool:
    """Only the secretariat acts outside a transition's phase, and it must give a reason."""
    return is_secretariat(user)


def can_transition(user, case: InvestmentCase, action: str) -> bool:
    """Whether ``user`` may make the table's ``action`` (e.g. "qualify") on ``case``
    from the state it is in now, by role and department (the phase is the
    service's and the button's business: see ``workflow.table.phase_allows``)."""
    from governance.workflow import table

    return table.may(user, case, action)


def can_see_unpublished_assessments(user) -> bool:
    """The IT directors' circle and the secretariat read the prioritisation before it is
    published; everybody else only afterwards (see ``Assessment.objects.visible_to``)."""
    return user.is_authenticated and user.has_role(Role.IT_DIRECTORS, Role.SECRETARIAT)


def can_assess_case(user, case: InvestmentCase) -> bool:
    """The IT directors' circle (and the secretariat for it) scores the cases that
    await the prioritisation (qualified ones)."""
    from governance.workflow import table

    return can_see_unpublished_assessments(user) and case.state in table.from_states(
        "prioritise"
    )


def can_forward_cases(user) -> bool:
    """Who puts prioritised cases before the Economic Committee (the table's "forward")."""
    from governance.workflow import table

    return table.holds_role_for(user, "forward")


def can_record_decisions(user) -> bool:
    """Who records the Economic Committee's decisions (the table's "approve", "reject",
    "defer")."""
    from governance.workflow import table

    return all(table.holds_role_for(user, name) for name in ("approve", "reject", "defer"))


def can_publish_prioritisation(user) -> bool:
    """Who closes and publishes the directors' prioritisation: whoever the table's rows
    "prioritise" and "not_recommend" (the moves publishing makes) name (the secretariat)."""
    from governance.workflow import table

    return all(table.holds_role_for(user, name) for name in ("prioritise", "not_recommend"))


def can_qualify_case(user, case: InvestmentCase) -> bool:
    """Whether ``user`` may qualify ``case`` now (the table's row "qualify")."""
    return can_transition(user, case, "qualify")


def can_return_case(user, case: InvestmentCase) -> bool:
    """Whether ``user`` may return ``case`` to its department now (row "return")."""
    return can_transition(user, case, "return")


def can_forward_case(user, case: InvestmentCase) -> bool:
    """Whether ``user`` may put ``case`` before the Economic Committee now (row "forward")."""
    return can_transition(user, case, "forward")


def can_decide_case(user, case: InvestmentCase) -> bool:
    """Whether ``user`` may record the committee's decision on ``case`` now (rows
    "approve", "reject", "defer" name the same people)."""
    return can_transition(user, case, "approve")


def can_view_committee_meetings(user) -> bool:
    """The secretariat and the committee readers follow the Economic Committee's meetings."""
    return user.is_authenticated and user.has_role(Role.SECRETARIAT, Role.COMMITTEE_READER)
