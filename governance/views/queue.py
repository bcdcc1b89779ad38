"""The secretariat's qualification queue."""

from django.core.paginator import Paginator
from django.db.models import Max, Q, Sum
from django.shortcuts import render

from financing.selectors import money_prefetch, pool_results
from governance.actions import CASE_ACTIONS, needs_override
from governance.models import BudgetCycle
from governance.views.decorators import secretariat_required
from governance.workflow import table
from portfolio.models import CaseState, InvestmentCase

# Rows of the queue per page: a busy intake has hundreds of submitted cases.
PAGE_SIZE = 50


@secretariat_required
def qualification_queue(request):
    """Submitted cases of every department, the oldest submission first, a page at a time;
    the requested totals per cycle count every case in the queue, not only the page's."""
    waiting = InvestmentCase.objects.visible_to(request.user).filter(
        state__in=table.from_states("qualify")
    )
    queue = (
        waiting.select_related("department", "cycle")
        .prefetch_related("cycle__phases", *money_prefetch())
        .annotate(
            submitted_at=Max(
                "transitions__created_at",
                filter=Q(transitions__to_state=CaseState.SUBMITTED),
            )
        )
        .order_by("submitted_at", "pk")
    )
    paginator = Paginator(queue, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    cases = list(page.object_list)
    pools = pool_results(cases)
    for case in cases:
        case.qualify_needs_override = needs_override(case, CASE_ACTIONS["qualify"])
        case.requested_total = sum(a.requested for a in case.allocations.all())
        case.pool = pools[case.pk]
    # Each cycle's sum at its own price level; a cycle whose cases request nothing shows 0.
    totals = (
        BudgetCycle.objects.filter(cases__in=waiting.values("pk"))
        .annotate(requested=Sum("cases__allocations__requested"))
        .order_by("budget_year")
    )
    return render(
        request,
        "governance/qualification_queue.html",
        {
            "cases": cases,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "cycle": BudgetCycle.objects.current(),
            "requested_totals": [(c, c.requested or 0) for c in totals],
        },
    )
