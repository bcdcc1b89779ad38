"""Which cases a collected note holds, in which order, and under which plan version.

The one place that decides it: a frozen plan version (``governance.plans.PlanVersion``,
frozen by the secretariat at a gate) gives its own cases in its own rank order,
its label and the day it was frozen; without one, the working version takes the
cycle's cases that are past the qualification in the directors' rank order
(unranked last, then by code), labelled as the working version of today.
"""

import datetime
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portfolio.models import CaseState, InvestmentCase

# The cases a plan of a cycle holds: qualified and everything after it, except the
# cases that dropped out (not recommended, rejected) or were withdrawn.
PLAN_STATES = (
    CaseState.QUALIFIED,
    CaseState.PRIORITISED,
    CaseState.FORWARDED,
    CaseState.APPROVED,
    CaseState.DEFERRED,
    CaseState.IN_PROGRESS,
    CaseState.COMPLETED,
)


@dataclass
class PlanSelection:
    """The ordered cases of a plan with the version they come from."""

    cycle: object
    cases: list
    label: str
    date: datetime.date
    version_key: str  # stored on export jobs: "working" or a frozen version's id


def plan_queryset(cycle):
    return (
        InvestmentCase.objects.filter(cycle=cycle, state__in=PLAN_STATES)
        .select_related("department", "cycle")
        .order_by(F("assessment__rank").asc(nulls_last=True), "department__note_prefix", "pk")
    )


def plan_for_cycle(cycle, version=None, *, today: datetime.date | None = None) -> PlanSelection:
    """The plan's cases in rank order, with the version's label and date.

    ``version``: a frozen ``governance.plans.PlanVersion`` of the cycle; its cases
    in the version's rank order (cases deleted since are left out). Without it:
    the working version of today.
    """
    if version is not None:
        rows = version.cases.select_related("case__department", "case__cycle").order_by(
            F("rank").asc(nulls_last=True), "title"
        )
        return PlanSelection(
            cycle=cycle,
            cases=[row.case for row in rows if row.case_id is not None],
            label=f"{version} ({version.get_gate_display().lower()})",
            date=timezone.localtime(version.frozen_at).date(),
            version_key=str(version.pk),
        )
    return PlanSelection(
        cycle=cycle,
        cases=list(plan_queryset(cycle)),
        label=_("Working version (not frozen)"),
        date=today or timezone.localdate(),
        version_key="working",
    )
