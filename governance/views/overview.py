"""The secretariat's overview of a cycle: cases per department and state, and who must act."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from financing.selectors import department_totals
from governance.models import BudgetCycle, PhaseKind
from governance.views.decorators import secretariat_required
from governance.workflow import table
from portfolio.models import CaseState, Department, InvestmentCase

# The intake deadline is highlighted from this many days before it.
DEADLINE_WARNING_DAYS = 14

# A department has submitted something once a case has left its draft state;
# a withdrawn case may never have been submitted, so it does not count.
NOT_SUBMITTED_STATES = (CaseState.DRAFT, CaseState.WITHDRAWN)


@dataclass
class DepartmentRow:
    department: Department
    counts: list[int]
    total: int = 0
    has_submitted: bool = False
    # (state, count) pairs, so that each count can link to its cases.
    cells: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Overview:
    cycle: BudgetCycle
    states: list[CaseState]
    rows: list[DepartmentRow]
    state_totals: list[int]
    total: int
    intake_deadline: datetime.date | None
    days_left: int | None
    deadline_near: bool
    not_submitted: list[Department]
    waiting: list[dict] = field(default_factory=list)
    total_cells: list[tuple[str, int]] = field(default_factory=list)


def build_overview(cycle: BudgetCycle, today: datetime.date) -> Overview:
    """Count the cycle's cases per department and state in one aggregate query."""
    states = list(CaseState)
    departments = list(Department.objects.order_by("name"))
    counts: dict[tuple[int, str], int] = {
        (row["department_id"], row["state"]): row["n"]
        for row in InvestmentCase.objects.filter(cycle=cycle)
        .order_by()
        .values("department_id", "state")
        .annotate(n=Count("pk"))
    }
    rows = []
    for department in departments:
        row_counts = [counts.get((department.pk, state), 0) for state in states]
        rows.append(
            DepartmentRow(
                department=department,
                counts=row_counts,
                total=sum(row_counts),
                cells=[(state.value, n) for state, n in zip(states, row_counts, strict=True)],
                has_submitted=any(
                    n
                    for state, n in zip(states, row_counts, strict=True)
                    if state not in NOT_SUBMITTED_STATES
                ),
            )
        )
    state_totals = [sum(row.counts[i] for row in rows) for i in range(len(states))]
    by_state = dict(zip(states, state_totals, strict=True))

    intake = next((p for p in cycle.phases.all() if p.kind == PhaseKind.INTAKE), None)
    deadline = intake.ends_on if intake else None
    days_left = (deadline - today).days if deadline else None
    return Overview(
        cycle=cycle,
        states=states,
        rows=rows,
        state_totals=state_totals,
        total_cells=[(state.value, n) for state, n in zip(states, state_totals, strict=True)],
        total=sum(state_totals),
        intake_deadline=deadline,
        days_left=days_left,
        deadline_near=days_left is not None and 0 <= days_left <= DEADLINE_WARNING_DAYS,
        not_submitted=[row.department for row in rows if not row.has_submitted],
        waiting=[
            {
                "key": waiting.key,
                "who": waiting.who,
                "what": waiting.what,
                "states": [CaseState(s).label for s in waiting_states],
                "state_links": [(s, CaseState(s).label) for s in waiting_states],
                "count": sum(by_state[s] for s in waiting_states),
            }
            for waiting, waiting_states in table.waiting_groups()
        ],
    )


def money_by_department(cycle) -> dict:
    """Requested, recommended and granted money per department and in total over the
    cycle's years, in the cycle's price level (financing's selector)."""
    rows: dict[str, dict] = {}
    for row in department_totals(cycle):
        entry = rows.setdefault(
            row.department_name,
            {"department": row.department_name, "requested": 0, "recommended": 0, "granted": 0},
        )
        for name in ("requested", "recommended", "granted"):
            entry[name] += getattr(row, name)
    lines = sorted(rows.values(), key=lambda r: r["department"])
    return {
        "rows": lines,
        "total": {
            name: sum(r[name] for r in lines) for name in ("requested", "recommended", "granted")
        },
        "price_year": cycle.budget_year,
    }


@secretariat_required
def cycle_overview(request, budget_year: int | None = None):
    cycles = list(BudgetCycle.objects.order_by("-budget_year"))
    if budget_year is None:
        cycle = BudgetCycle.objects.current()
    else:
        cycle = next((c for c in cycles if c.budget_year == budget_year), None)
        if cycle is None:
            raise Http404("No such cycle.")
    overview = build_overview(cycle, timezone.localdate()) if cycle else None
    money = money_by_department(cycle) if cycle else None
    return render(
        request,
        "governance/cycle_overview.html",
        {
            "overview": overview,
            "money": money,
            "cycle": cycle,
            "cycles": cycles,
            # The counts link to the case list, filtered to the cycle (and more).
            "list_url": (
                f"{reverse('portfolio:case-list')}?cycle={cycle.budget_year}" if cycle else ""
            ),
        },
    )
