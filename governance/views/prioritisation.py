"""The IT directors' circle's prioritisation: assess, publish, export.

Scores, ranks and recommendations are read only through
``Assessment.objects.visible_to(user)``: the page and the export show a
department nothing of them before the prioritisation is published.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.forms import AssessmentForm, PublishForm
from governance.models import Assessment, BudgetCycle, PrioritisationRound
from governance.permissions import (
    can_assess_case,
    can_publish_prioritisation,
    can_see_unpublished_assessments,
)
from governance.services.prioritisation import assessment_save, prioritisation_publish
from governance.workflow import table
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.refusals import report_refusal
from portfolio.models import CaseState, InvestmentCase
from portfolio.permissions import get_case_for

# The cases a prioritisation is about: qualified now, or moved on by it.
PRIORITISATION_STATES = (CaseState.QUALIFIED, CaseState.PRIORITISED, CaseState.NOT_RECOMMENDED)


def chosen_cycle(request) -> BudgetCycle:
    pk = request.GET.get("cycle") or request.POST.get("cycle")
    if pk:
        if not str(pk).isdigit():
            raise Http404("No such cycle.")
        return get_object_or_404(BudgetCycle, pk=pk)
    cycle = BudgetCycle.objects.current()
    if cycle is None:
        raise Http404("No budget cycle yet.")
    return cycle


def prioritisation_rows(user, cycle: BudgetCycle):
    """The cases of the cycle's prioritisation this user may read, each with the
    assessment only if the user may see it; ordered by rank where visible."""
    cases = list(
        InvestmentCase.objects.visible_to(user)
        .filter(cycle=cycle)
        .filter(Q(state__in=PRIORITISATION_STATES) | Q(assessment__isnull=False))
        .select_related("department")
    )
    assessments = {
        a.case_id: a
        for a in Assessment.objects.visible_to(user)
        .filter(case__cycle=cycle)
        .select_related("assessed_by")
    }
    rows = [(case, assessments.get(case.pk)) for case in cases]
    # Order by what the user may see: an unseen rank must not show through the order.
    rows.sort(
        key=lambda row: (
            row[1].rank if row[1] and row[1].rank else 10**6,
            -(row[1].score if row[1] else 0),
            row[0].title.lower(),
        )
    )
    return rows


def _page(request, cycle, *, bound_form=None, publish_form=None, status=200):
    user = request.user
    published = PrioritisationRound.objects.filter(cycle=cycle).select_related(
        "published_by"
    ).first()
    rows = []
    for case, assessment in prioritisation_rows(user, cycle):
        form = None
        if published is None and can_assess_case(user, case):
            if bound_form is not None and bound_form.case_pk == case.pk:
                form = bound_form
            else:
                form = AssessmentForm(instance=assessment, prefix=f"case{case.pk}")
        rows.append({"case": case, "assessment": assessment, "form": form})
    may_publish = published is None and can_publish_prioritisation(user)
    phase_open = table.step_open(cycle, "prioritise")
    if may_publish and publish_form is None:
        publish_form = PublishForm()
    return render(
        request,
        "governance/prioritisation_page.html",
        {
            "cycle": cycle,
            "cycles": BudgetCycle.objects.all(),
            "rows": rows,
            "published": published,
            "sees_unpublished": can_see_unpublished_assessments(user),
            "may_publish": may_publish,
            "publish_form": publish_form if may_publish else None,
            "phase_open": phase_open,
        },
        status=status,
    )


@login_required
def prioritisation_page(request):
    """The directors' list of qualified cases with a form per case; read-only (and
    without any assessment before publication) for everybody else."""
    return _page(request, chosen_cycle(request))


@login_required
@require_POST
def assessment_edit(request, pk: int):
    case = get_case_for(request.user, pk, can_assess_case)
    form = AssessmentForm(request.POST, prefix=f"case{case.pk}")
    form.case_pk = case.pk
    if form.is_valid():
        try:
            assessment_save(actor=request.user, case_pk=case.pk, **form.cleaned_data)
        except (ServiceError, ValidationError) as refusal:
            report_refusal(request, refusal, form)
        else:
            messages.success(request, _("The assessment of “%(case)s” is saved.") % {
                "case": case.title
            })
            url = reverse("governance:prioritisation") + f"?cycle={case.cycle_id}"
            return redirect(f"{url}#case-{case.pk}")
    return _page(request, case.cycle, bound_form=form, status=400)


@login_required
@require_POST
def prioritisation_publish_view(request, cycle_pk: int):
    if not can_publish_prioritisation(request.user):
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, pk=cycle_pk)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        prioritisation_publish(
            actor=request.user,
            cycle=cycle,
            override_reason=form.cleaned_data.get("override_reason", ""),
        )
    except (ServiceError, ValidationError) as refusal:
        report_refusal(request, refusal, form)
        return _page(request, cycle, publish_form=form, status=400)
    messages.success(request, _("The prioritisation is published."))
    return redirect(reverse("governance:prioritisation") + f"?cycle={cycle.pk}")


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


@login_required
def prioritisation_export(request):
    """The prioritisation list as CSV, under the same confidentiality as the page."""
    cycle = chosen_cycle(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="prioritering-{cycle.budget_year}.csv"'
    )
    # Excel opens UTF-8 with a byte order mark and semicolons as Danish users expect.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [_("Case"), _("Department"), _("State"), _("Score"), _("Rank"), _("Recommendation"),
         _("Reason")]
    )
    for case, assessment in prioritisation_rows(request.user, cycle):
        writer.writerow(
            _cell(value)
            for value in (
                case.title,
                case.department.code,
                case.get_state_display(),
                assessment.score if assessment else "",
                (assessment.rank or "") if assessment else "",
                assessment.get_recommendation_display() if assessment else "",
                assessment.reason if assessment else "",
            )
        )
    return response
