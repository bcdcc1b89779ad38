"""The secretariat's qualification queue."""

from django.db.models import Max, Q
from django.shortcuts import render

from financing.selectors import money_prefetch, pool_results, requested_totals_by_cycle
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
        .prefetch_related("cycle__phases", *money_prefetch())
        .annotate(
            submitted_at=Max(
                "transitions__created_at",
                filter=Q(transitions__to_state=CaseState.SUBMITTED),
            )
        )
        .order_by("submitted_at", "pk")
    )
    pools = pool_results(cases)
    for case in cases:
        case.qualify_needs_override = needs_override(case, CASE_ACTIONS["qualify"])
        case.requested_total = sum(a.requested for a in case.allocations.all())
        case.pool = pools[case.pk]
    return render(
        request,
        "governance/qualification_queue.html",
        {
            "cases": cases,
            "cycle": BudgetCycle.objects.current(),
            "requested_totals": requested_totals_by_cycle(cases),
        },
    )
