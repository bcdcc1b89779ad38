"""Which cases a collected note holds, in which order, and under which plan version.

This is the adapter the directors' board's plan versions plug into. Until a
frozen plan version exists on this branch, :func:`plan_for_cycle` takes the
cycle's cases that are past the qualification, in the directors' rank order
(unranked last, then by code), and labels the selection as a working version
of today. A frozen version (board's ``TransitionPlan`` version) should be
passed as ``version`` and its own ordered cases, label and date returned
instead: only :func:`plan_for_cycle` needs to change.
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
    """The plan's cases in rank order, with the version's label and date."""
    if version is not None:
        cases = list(version.ordered_cases())
        return PlanSelection(
            cycle=cycle,
            cases=cases,
            label=str(version),
            date=version.frozen_on,
            version_key=str(version.pk),
        )
    return PlanSelection(
        cycle=cycle,
        cases=list(plan_queryset(cycle)),
        label=_("Working version (not frozen)"),
        date=today or timezone.localdate(),
        version_key="working",
    )
