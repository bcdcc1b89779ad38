"""Who may do what with a case: one function per question.

Views fetch cases through ``get_case_for``; services ask the ``can_*``
functions again before they change anything.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import CaseState, InvestmentCase, Role

security_log = logging.getLogger("kkdigital.security")


def is_secretariat(user) -> bool:
    return user.is_authenticated and user.has_role(Role.SECRETARIAT)


def is_department_user(user) -> bool:
    return (
        user.is_authenticated
        and user.department_id is not None
        and user.has_role(Role.DEPARTMENT_STAFF, Role.DEPARTMENT_IT_LEAD)
    )


def can_view_case(user, case: InvestmentCase) -> bool:
    return InvestmentCase.objects.visible_to(user).filter(pk=case.pk).exists()


def can_create_case(user) -> bool:
    """Department staff and IT leads write cases for their own department."""
    return is_department_user(user)


def can_edit_case(user, case: InvestmentCase) -> bool:
    """The owning department edits its drafts and returned cases."""
    return (
        is_department_user(user)
        and case.department_id == user.department_id
        and case.is_editable
    )


def is_case_it_lead(user, case: InvestmentCase) -> bool:
    """The IT lead of the department that owns the case: it speaks for the department."""
    return (
        user.is_authenticated
        and user.has_role(Role.DEPARTMENT_IT_LEAD)
        and user.department_id is not None
        and case.department_id == user.department_id
    )


def can_submit_case(user, case: InvestmentCase) -> bool:
    """Only the owning department's IT lead sends a case on."""
    return is_case_it_lead(user, case) and case.is_editable


def can_withdraw_case(user, case: InvestmentCase) -> bool:
    """The owning department's IT lead withdraws a case before it is qualified."""
    return is_case_it_lead(user, case) and case.can_transition_to(CaseState.WITHDRAWN)


def can_qualify_case(user, case: InvestmentCase) -> bool:
    """The secretariat qualifies a submitted case."""
    return is_secretariat(user) and case.can_transition_to(CaseState.QUALIFIED)


def can_return_case(user, case: InvestmentCase) -> bool:
    """The secretariat returns a submitted case to its department."""
    return is_secretariat(user) and case.can_transition_to(CaseState.RETURNED)


def can_see_unpublished_assessments(user) -> bool:
    """The IT directors' circle and the secretariat read the prioritisation before it is
    published; everybody else only afterwards (see ``Assessment.objects.visible_to``)."""
    return user.is_authenticated and user.has_role(Role.IT_DIRECTORS, Role.SECRETARIAT)


def can_assess_case(user, case: InvestmentCase) -> bool:
    """The IT directors' circle (and the secretariat for it) scores qualified cases."""
    return can_see_unpublished_assessments(user) and case.state == CaseState.QUALIFIED


def can_publish_prioritisation(user) -> bool:
    """Only the secretariat closes and publishes the directors' prioritisation."""
    return is_secretariat(user)


def can_prioritise_case(user, case: InvestmentCase) -> bool:
    """Publishing the prioritisation moves a qualified case on (the secretariat)."""
    return can_publish_prioritisation(user) and case.state == CaseState.QUALIFIED


def can_forward_case(user, case: InvestmentCase) -> bool:
    """The secretariat puts a prioritised case before the Economic Committee."""
    return is_secretariat(user) and case.can_transition_to(CaseState.FORWARDED)


def can_decide_case(user, case: InvestmentCase) -> bool:
    """The secretariat records the Economic Committee's decision on a forwarded case."""
    return is_secretariat(user) and case.state == CaseState.FORWARDED


def can_start_case(user, case: InvestmentCase) -> bool:
    """The owning department's IT lead or the secretariat starts an approved case."""
    return (is_case_it_lead(user, case) or is_secretariat(user)) and case.can_transition_to(
        CaseState.IN_PROGRESS
    )


def can_complete_case(user, case: InvestmentCase) -> bool:
    """The owning department's IT lead or the secretariat completes a case in progress."""
    return (is_case_it_lead(user, case) or is_secretariat(user)) and case.can_transition_to(
        CaseState.COMPLETED
    )


def can_view_committee_meetings(user) -> bool:
    """The secretariat and the committee readers follow the Economic Committee's meetings."""
    return user.is_authenticated and user.has_role(Role.SECRETARIAT, Role.COMMITTEE_READER)


ACTIONS = {
    "view": lambda user, case: True,  # visibility is checked by the queryset
    "edit": can_edit_case,
    "submit": can_submit_case,
    "withdraw": can_withdraw_case,
    "qualify": can_qualify_case,
    "return": can_return_case,
    "assess": can_assess_case,
    "start": can_start_case,
    "complete": can_complete_case,
}


def get_case_for(user, pk, action: str = "view", queryset=None) -> InvestmentCase:
    """The case ``pk`` if ``user`` may ``action`` it.

    A case the user may not even read answers 404, so that its existence does
    not leak; a readable case the user may not act on answers 403. Both are
    logged with user, object and time.
    """
    base = queryset if queryset is not None else InvestmentCase.objects.all()
    case = base.filter(pk__in=InvestmentCase.objects.visible_to(user).values("pk")).filter(
        pk=pk
    ).first()
    if case is None:
        security_log.warning("refused 404 user=%s case=%s action=%s", user.pk, pk, action)
        raise Http404("No such case.")
    if not ACTIONS[action](user, case):
        security_log.warning("refused 403 user=%s case=%s action=%s", user.pk, pk, action)
        raise PermissionDenied
    return case
