"""The secretariat's qualification queue."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.shortcuts import render

from governance.actions import CASE_ACTIONS, needs_override
from governance.models import BudgetCycle
from portfolio.models import CaseState, InvestmentCase
from portfolio.permissions import is_secretariat


@login_required
def qualification_queue(request):
    """Submitted cases of every department, the oldest submission first."""
    if not is_secretariat(request.user):
        raise PermissionDenied
    cases = list(
        InvestmentCase.objects.visible_to(request.user)
        .filter(state=CaseState.SUBMITTED)
        .select_related("department", "cycle")
        .prefetch_related("cycle__phases")
        .annotate(
            submitted_at=Max(
                "transitions__created_at",
                filter=Q(transitions__to_state=CaseState.SUBMITTED),
            )
        )
        .order_by("submitted_at", "pk")
    )
    for case in cases:
        case.qualify_needs_override = needs_override(case, CASE_ACTIONS["qualify"])
    return render(
        request,
        "governance/qualification_queue.html",
        {"cases": cases, "cycle": BudgetCycle.objects.current()},
    )
