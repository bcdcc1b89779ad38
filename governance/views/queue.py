"""The secretariat's qualification queue."""

from django.db.models import Max, Q
from django.shortcuts import render

from governance.actions import CASE_ACTIONS, needs_override
from governance.models import BudgetCycle
from governance.views.decorators import secretariat_required
from governance.workflow import table
from portfolio.models import CaseState, InvestmentCase


@secretariat_required
def qualification_queue(request):
    """Submitted cases of every department, the oldest submission first."""
    cases = list(
        InvestmentCase.objects.visible_to(request.user)
        .filter(state__in=table.from_states("qualify"))
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
