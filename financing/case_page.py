"""Financing's part of the case page, handed to portfolio through its registry
(portfolio never imports financing): the allocations, the pool verdict, the loan."""

from django.urls import reverse

from portfolio.economy import payback_years

from . import permissions
from .models import Loan
from .selectors import asks_pool, case_money, pool_result, pool_rules_for
from .services import GRANT_STATES, RECOMMEND_STATES


def financing_steps(user, case) -> list[str]:
    """The steps of the money this user may write on this case now, most likely first."""
    steps = []
    if permissions.can_request(user, case):
        steps.append("requested")
    if permissions.can_grant(user) and case.state in GRANT_STATES:
        steps.append("granted")
    if permissions.can_recommend(user) and case.state in RECOMMEND_STATES:
        steps.append("recommended")
    return steps


def case_financing_context(user, case) -> dict:
    allocations = list(case.allocations.select_related("channel").order_by("channel__kind", "year"))
    result = None
    if asks_pool(allocations):
        result = pool_result(case, pool_rules_for(case.cycle), allocations=allocations)
    loan = (
        Loan.objects.filter(case=case).prefetch_related("instalments", "reschedules").first()
        if any(a.channel.kind == "loan" for a in allocations)
        else None
    )
    steps = financing_steps(user, case)
    return {
        "financing": {
            "allocations": allocations,
            "money": case_money(allocations),
            "overrides": [a for a in allocations if a.override_reason],
            "pool": result,
            "payback_years": payback_years(case),
            "loan": loan,
            "steps": steps,
            "edit_url": reverse("financing:case-financing", args=[case.pk]) if steps else "",
            "can_make_loan": loan is None
            and permissions.can_manage_loans(user)
            and any(a.channel.kind == "loan" and a.granted for a in allocations),
            "price_year": case.cycle.budget_year,
        }
    }
