"""Who may do what with a case: one function per question.

Views fetch cases through ``get_case_for``; services ask the ``can_*``
functions again before they change anything.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import InvestmentCase, Role

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


def can_submit_case(user, case: InvestmentCase) -> bool:
    """Only the owning department's IT lead sends a case on."""
    return (
        user.is_authenticated
        and user.has_role(Role.DEPARTMENT_IT_LEAD)
        and case.department_id == user.department_id
        and case.is_editable
    )


def can_withdraw_case(user, case: InvestmentCase) -> bool:
    """The owning department's IT lead withdraws a case before it is qualified."""
    from .models import CaseState

    return (
        user.is_authenticated
        and user.has_role(Role.DEPARTMENT_IT_LEAD)
        and case.department_id == user.department_id
        and case.can_transition_to(CaseState.WITHDRAWN)
    )


ACTIONS = {
    "view": lambda user, case: True,  # visibility is checked by the queryset
    "edit": can_edit_case,
    "submit": can_submit_case,
    "withdraw": can_withdraw_case,
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
