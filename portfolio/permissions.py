"""Who may read and write a case: visibility and the department's own editing.

Views fetch cases through ``get_case_for`` with a permission function; the
portfolio services ask the same functions again before they change anything.
Who may move a case through the governance process (submit, qualify,
prioritise, forward, decide …) is written once, in the workflow table of
governance (``governance.workflow.table``, rules in ``governance.permissions``).
"""

import logging
from collections.abc import Callable

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


def may_view(user, case: InvestmentCase) -> bool:
    """Reading needs nothing more than ``visible_to``, which ``get_case_for`` applies."""
    return True


def get_case_for(
    user, pk, check: Callable[[object, InvestmentCase], bool] = may_view, queryset=None
) -> InvestmentCase:
    """The case ``pk`` if ``user`` may read it and ``check(user, case)`` allows it.

    ``check`` is a permission function such as ``can_edit_case`` or, from
    governance, ``can_assess_case``. A case the user may not even read answers
    404, so that its existence does not leak; a readable case the check refuses
    answers 403. Both are logged (by the refusal middleware) with user, object,
    check and time.
    """
    if not callable(check):
        raise TypeError("get_case_for takes a permission function, not an action name.")
    name = getattr(check, "__name__", repr(check))
    base = queryset if queryset is not None else InvestmentCase.objects.all()
    case = base.filter(pk__in=InvestmentCase.objects.visible_to(user).values("pk")).filter(
        pk=pk
    ).first()
    # The refusal is logged by kkdigital.middleware.RefusalLogMiddleware, with
    # the exception's text as the reason.
    if case is None:
        raise Http404(f"case={pk} check={name}")
    if not check(user, case):
        raise PermissionDenied(f"case={pk} check={name}")
    return case
