"""Reads of the register: the radar and the consolidation counts.

Both run a fixed number of queries whatever the size of the register.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery

from ..models import CaseScope, CaseState, Department
from .models import (
    OPEN_CASE_STATES,
    BusinessCritical,
    CaseSystem,
    ContractCase,
    ITSystem,
    Lifecycle,
    SystemRole,
)
from .rules import add_months

# Cases that count in the consolidation: sent on by their department and not
# turned down (drafts are the department's own business until submitted).
COUNTED_CASE_STATES = tuple(
    s for s in CaseState if s not in (CaseState.DRAFT, CaseState.WITHDRAWN, CaseState.REJECTED)
)
# An approved case whose retirements are still to come.
PLANNED_STATES = (CaseState.APPROVED, CaseState.IN_PROGRESS)


def with_radar_columns(contracts):
    """Annotate: business-critical (any covered system is) and the open re-tendering case."""
    critical = ITSystem.objects.filter(
        contracts=OuterRef("pk"), business_critical=BusinessCritical.YES
    )
    open_case = ContractCase.objects.filter(
        contract=OuterRef("pk"), case__state__in=OPEN_CASE_STATES
    ).order_by("-pk")
    return contracts.annotate(
        is_critical=Exists(critical),
        open_case_id=Subquery(open_case.values("case_id")[:1]),
    )


def radar(contracts, *, today: datetime.date, months: int):
    """Contracts whose decision date falls by ``today`` + ``months`` and that have not
    ended yet (a passed decision date is overdue, not gone), business-critical first."""
    horizon = add_months(today, months)
    return (
        with_radar_columns(
            contracts.filter(decision_date__isnull=False, decision_date__lte=horizon).filter(
                Q(valid_to__gte=today) | Q(irrevocable_until__gte=today)
            )
        )
        .select_related("owner_department")
        .order_by("-is_critical", "decision_date", "name", "pk")
    )


@dataclass
class ConsolidationRow:
    department: Department | None
    in_operation: int = 0
    business_critical: int = 0
    retired: int = 0
    planned: int = 0
    cross_cutting_replacing: int = 0


@dataclass
class Consolidation:
    rows: list[ConsolidationRow] = field(default_factory=list)
    total: ConsolidationRow = field(default_factory=lambda: ConsolidationRow(None))


def consolidation(cycle) -> Consolidation:
    """The measure of the second principle ("færrest mulige it-systemer"), per
    department and in total, for ``cycle``:

    - in operation: systems whose life cycle is "in operation";
    - business-critical: systems marked business-critical and not retired;
    - retired: systems a completed case of the cycle has taken out of operation;
    - planned: systems that approved (or started) cases of the cycle will retire;
    - cross-cutting replacing: cross-cutting cases of the cycle that replace
      systems owned by two or more departments (per department: those replacing
      one of the department's systems).
    """
    departments = list(Department.objects.order_by("name"))
    rows = {d.pk: ConsolidationRow(d) for d in departments}
    total = ConsolidationRow(None)

    def add(counts, attribute):
        for department_id, number in counts:
            if department_id in rows:
                setattr(rows[department_id], attribute, number)

    systems = ITSystem.objects.order_by()
    add(
        systems.filter(lifecycle=Lifecycle.IN_OPERATION)
        .values_list("owner_department").annotate(n=Count("pk")),
        "in_operation",
    )
    add(
        systems.filter(business_critical=BusinessCritical.YES)
        .exclude(lifecycle=Lifecycle.NOT_IN_OPERATION)
        .values_list("owner_department").annotate(n=Count("pk")),
        "business_critical",
    )
    retired = CaseSystem.objects.filter(
        role=SystemRole.RETIRES, applied_at__isnull=False, case__cycle=cycle
    ).order_by()
    add(
        retired.values_list("system__owner_department")
        .annotate(n=Count("system", distinct=True)),
        "retired",
    )
    planned = CaseSystem.objects.filter(
        role=SystemRole.RETIRES,
        applied_at__isnull=True,
        case__cycle=cycle,
        case__state__in=PLANNED_STATES,
    ).exclude(system__lifecycle=Lifecycle.NOT_IN_OPERATION).order_by()
    add(
        planned.values_list("system__owner_department")
        .annotate(n=Count("system", distinct=True)),
        "planned",
    )
    replacing = CaseSystem.objects.filter(
        role=SystemRole.REPLACES,
        case__cycle=cycle,
        case__scope=CaseScope.CROSS_CUTTING,
        case__state__in=COUNTED_CASE_STATES,
    ).order_by()
    several = (
        replacing.values("case")
        .annotate(departments=Count("system__owner_department", distinct=True))
        .filter(departments__gte=2)
        .values("case")
    )
    add(
        replacing.filter(case__in=several)
        .values_list("system__owner_department")
        .annotate(n=Count("case", distinct=True)),
        "cross_cutting_replacing",
    )
    total.in_operation = sum(r.in_operation for r in rows.values())
    total.business_critical = sum(r.business_critical for r in rows.values())
    total.retired = retired.values("system").distinct().count()
    total.planned = planned.values("system").distinct().count()
    total.cross_cutting_replacing = several.count()
    return Consolidation(rows=[rows[d.pk] for d in departments], total=total)
