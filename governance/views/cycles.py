"""The annual cycle pages: the secretariat's cycles and phase dates, and the
årshjul that every logged-in user can read."""

import datetime
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from governance.forms_cycles import PhaseDatesFormSet
from governance.models import BudgetCycle, Phase, PhaseKind, default_phase_windows
from governance.permissions import is_secretariat
from governance.services import cycles as services
from governance.views.decorators import secretariat_required
from governance.workflow import table
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.refusals import report_refusal
from portfolio.models import CaseState

# What happens in each phase and who acts (DESIGN.md, the annual cycle).
PHASE_GUIDE = {
    PhaseKind.INTAKE: (
        _(
            "The departments describe their investment needs as cases; each "
            "department's IT lead submits them to the secretariat."
        ),
        _("Departments"),
    ),
    PhaseKind.QUALIFICATION: (
        _(
            "The secretariat checks that each submitted case is complete and "
            "qualifies it, or returns it to the department with a comment."
        ),
        _("Secretariat (ØKF)"),
    ),
    PhaseKind.PRIORITISATION: (
        _(
            "The IT directors' circle scores and ranks the qualified cases and "
            "recommends which go on to the Economic Committee."
        ),
        _("IT directors' circle"),
    ),
    PhaseKind.TRANSFER_CASE: (
        _(
            "The Economic Committee decides the first round of the investment and "
            "innovation pool in the transfer case."
        ),
        _("Economic Committee (ØU)"),
    ),
    PhaseKind.BUDGET_NEGOTIATIONS: (
        _(
            "The Economic Committee decides the plan, the multi-year frame and the "
            "budget notes: each case is approved, rejected or deferred."
        ),
        _("Economic Committee (ØU)"),
    ),
    PhaseKind.FOLLOW_UP_MAY: (
        _(
            "Semi-annual follow-up: the departments report progress, economy and "
            "benefit realisation; the secretariat collects it."
        ),
        _("Departments and secretariat"),
    ),
    PhaseKind.FOLLOW_UP_NOVEMBER: (
        _(
            "Semi-annual follow-up: the departments report progress, economy and "
            "benefit realisation; the secretariat collects it."
        ),
        _("Departments and secretariat"),
    ),
}


@dataclass
class PhaseRow:
    """A phase as the pages show it: its dates, whether it is open today, and
    what happens in it."""

    phase: Phase
    status: str  # "open", "upcoming" or "ended"
    what: str
    who: str
    # The workflow table's steps allowed in the phase, with who takes them.
    steps: list = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return {
            "open": _("Open now"),
            "upcoming": _("Upcoming"),
            "ended": _("Ended"),
        }[self.status]


def phase_rows(cycle: BudgetCycle, today: datetime.date) -> list[PhaseRow]:
    """The cycle's phases in the order of the annual cycle (uses prefetched phases)."""
    rows = []
    for phase in sorted(cycle.phases.all(), key=services.phase_sort_key):
        if phase.is_open(today):
            status = "open"
        elif today < phase.starts_on:
            status = "upcoming"
        else:
            status = "ended"
        what, who = PHASE_GUIDE[phase.kind]
        rows.append(
            PhaseRow(
                phase=phase,
                status=status,
                what=what,
                who=who,
                steps=table.steps_in_phase(phase.kind),
            )
        )
    return rows


def _cycle_or_404(year: int) -> BudgetCycle:
    return get_object_or_404(
        BudgetCycle.objects.prefetch_related("phases"), budget_year=year
    )


@secretariat_required
def cycle_list(request):
    today = timezone.localdate()
    cycles = list(
        BudgetCycle.objects.annotate(case_count=Count("cases")).prefetch_related("phases")
    )
    current = BudgetCycle.objects.current(today)
    rows = []
    for cycle in cycles:
        phases = phase_rows(cycle, today)
        rows.append(
            {
                "cycle": cycle,
                "phases": phases,
                "open": [row for row in phases if row.status == "open"],
                "is_current": current is not None and cycle.pk == current.pk,
            }
        )
    return render(
        request,
        "governance/cycle_list.html",
        # Years as text: numbers are shown with a thousands separator ("2.029").
        {"rows": rows, "next_year": str(services.next_budget_year(today)), "today": today},
    )


@secretariat_required
def cycle_detail(request, year: int):
    today = timezone.localdate()
    cycle = _cycle_or_404(year)
    rows = phase_rows(cycle, today)
    counts = dict(
        cycle.cases.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    state_counts = [(state.label, counts[state]) for state in CaseState if counts.get(state)]
    current = BudgetCycle.objects.current(today)
    return render(
        request,
        "governance/cycle_detail.html",
        {
            "cycle": cycle,
            "rows": rows,
            "open_rows": [row for row in rows if row.status == "open"],
            "next_row": next((row for row in rows if row.status == "upcoming"), None),
            "is_current": current is not None and current.pk == cycle.pk,
            "state_counts": state_counts,
            "case_count": sum(counts.values()),
            "carried_over_count": cycle.cases.filter(carried_over_from__isnull=False).count(),
            "pending_carry_over": services.cases_to_carry_over(cycle).count(),
            "previous_year": str(cycle.budget_year - 1),
            "today": today,
        },
    )


@secretariat_required
def cycle_create(request):
    """GET shows what creating next year's cycle will do; POST does it."""
    today = timezone.localdate()
    refused = False
    if request.method == "POST":
        try:
            seen_year = int(request.POST.get("budget_year", ""))
        except ValueError:
            seen_year = 0  # not a year the page offered: refused by the service
        try:
            cycle, carried = services.cycle_create_next(actor=request.user, budget_year=seen_year)
        except ServiceError as refusal:
            report_refusal(request, refusal)
            refused = True
        else:
            messages.success(
                request,
                ngettext(
                    "%(cycle)s has been created. %(count)d deferred case has been "
                    "carried over into its intake.",
                    "%(cycle)s has been created. %(count)d deferred cases have been "
                    "carried over into its intake.",
                    len(carried),
                )
                % {"cycle": cycle, "count": len(carried)},
            )
            return redirect("governance:cycle-detail", year=cycle.budget_year)
    year = services.next_budget_year(today)
    previous = BudgetCycle.objects.filter(budget_year=year - 1).first()
    deferred = []
    if previous is not None:
        deferred = list(
            previous.cases.filter(state=CaseState.DEFERRED)
            .select_related("department")
            .order_by("department__name", "title")
        )
    windows = [
        {"label": PhaseKind(kind).label, "starts_on": starts, "ends_on": ends}
        for kind, starts, ends in default_phase_windows(year)
    ]
    return render(
        request,
        "governance/cycle_create.html",
        {
            "year": str(year),
            "previous": previous,
            "deferred": deferred,
            "windows": windows,
        },
        status=409 if refused else 200,
    )


@secretariat_required
def cycle_edit(request, year: int):
    cycle = _cycle_or_404(year)
    phases = sorted(cycle.phases.all(), key=services.phase_sort_key)
    if request.method == "POST":
        formset = PhaseDatesFormSet(request.POST, cycle=cycle, phases=phases)
        if formset.is_valid():
            try:
                changed = services.cycle_update_phases(
                    actor=request.user, cycle=cycle, dates=formset.dates()
                )
            except (ServiceError, ValidationError) as refusal:
                # Someone else changed the cycle meanwhile: say why, keep the input.
                report_refusal(request, refusal)
            else:
                if not changed:
                    messages.info(request, _("No dates were changed."))
                    return redirect("governance:cycle-detail", year=cycle.budget_year)
                messages.success(
                    request,
                    ngettext(
                        "The dates of %(count)d phase have been saved.",
                        "The dates of %(count)d phases have been saved.",
                        len(changed),
                    )
                    % {"count": len(changed)},
                )
                return redirect("governance:cycle-detail", year=cycle.budget_year)
    else:
        formset = PhaseDatesFormSet(cycle=cycle, phases=phases)
    guide = {kind: what for kind, (what, _who) in PHASE_GUIDE.items()}
    return render(
        request,
        "governance/cycle_edit.html",
        {
            "cycle": cycle,
            "formset": formset,
            "forms_with_guide": [(form, guide[form.phase.kind]) for form in formset.forms],
        },
    )


@require_POST
@secretariat_required
def cycle_carry_over(request, year: int):
    """Carry deferred cases of the previous cycle that arrived after the cycle was created."""
    cycle = _cycle_or_404(year)
    try:
        carried = services.cycle_carry_over_deferred(actor=request.user, cycle=cycle)
    except ServiceError as refusal:
        report_refusal(request, refusal)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d deferred case has been carried over into the intake.",
                "%(count)d deferred cases have been carried over into the intake.",
                len(carried),
            )
            % {"count": len(carried)},
        )
    return redirect("governance:cycle-detail", year=cycle.budget_year)


@login_required
def annual_cycle(request):
    """The current cycle's årshjul: its phases, which is open, and who acts."""
    today = timezone.localdate()
    cycle = BudgetCycle.objects.current(today)
    if cycle is not None:
        cycle = _cycle_or_404(cycle.budget_year)
    return render(
        request,
        "governance/cycle_annual.html",
        {
            "cycle": cycle,
            "rows": phase_rows(cycle, today) if cycle else [],
            "today": today,
            "can_manage": is_secretariat(request.user),
        },
    )
