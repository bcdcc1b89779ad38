"""Budget notes as PDF: one case's note and the collected note of a plan."""

from django.utils import timezone, translation

from kkdigital.lib.pdf import render_pdf
from portfolio.models import InvestmentCase

from . import money
from .collected import collected_pdf
from .context import case_note_context, note_code, note_queryset
from .plan import PlanSelection


def case_note_pdf(case: InvestmentCase, *, plan: PlanSelection | None = None,
                  variant: str = "ua") -> bytes:
    """The budget note of one case, in Danish whatever the reader's language."""
    case = note_queryset().get(pk=case.pk)
    with translation.override("da"):
        if plan is None:
            # The note names the plan version the case is part of, if any.
            from .plan import plan_for_cycle

            current = plan_for_cycle(case.cycle)
            plan = current if any(c.pk == case.pk for c in current.cases) else None
        context = case_note_context(case, plan=plan)
        context.update(cycle_label=str(case.cycle), printed_on=timezone.localdate())
        return render_pdf("notes/pdf/case_note.html", context, variant=variant)


def case_note_filename(case: InvestmentCase) -> str:
    return f"budgetnotat-{note_code(case)}.pdf".replace(" ", "-")


def plan_note_context(plan: PlanSelection, *, progress=None) -> dict:
    """The collected note: the summary table's rows and one section per case."""
    from .summary import plan_summary

    cases = list(note_queryset().filter(pk__in=[c.pk for c in plan.cases]))
    by_pk = {c.pk: c for c in cases}
    ordered = [by_pk[c.pk] for c in plan.cases if c.pk in by_pk]
    # The money of all cases in a fixed number of queries, whatever the plan's size.
    allocations = money.allocations_for(ordered)
    loans = money.loans_by_case(ordered)
    pool_rules = money.pool_rules_by_cycle(ordered)
    sections = []
    for index, case in enumerate(ordered, start=1):
        context = case_note_context(case, plan=plan, allocations=allocations.get(case.pk, []),
                                    loans=loans.get(case.pk, []), pool_rules=pool_rules)
        context["section_id"] = f"case-{case.pk}"
        sections.append(context)
        if progress:
            progress(index, len(ordered))
    return {
        "plan": plan,
        "cycle": plan.cycle,
        "cycle_label": str(plan.cycle),
        "printed_on": timezone.localdate(),
        "sections": sections,
        "summary": plan_summary(plan.cycle, sections),
    }


def plan_note_pdf(plan: PlanSelection, *, variant: str = "archive", progress=None,
                  before_layout=None) -> bytes:
    """The collected note of a plan; archival PDF/A-3a (tagged) by default."""
    with translation.override("da"):
        context = plan_note_context(plan, progress=progress)
        if before_layout:
            before_layout()
        return collected_pdf(context, variant=variant)
