"""The financing pages: a case's money, the overview with its export, the loan ledger."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kkdigital.lib.cells import neutralise
from kkdigital.lib.csvexport import csv_response
from kkdigital.lib.errors import ServiceError
from portfolio.models import Department
from portfolio.permissions import get_case_for

from . import permissions, services
from .case_page import financing_steps
from .forms import AllocationForm, LoanMoveForm
from .ledger import department_ledger
from .models import FinancingChannel, Loan
from .selectors import channel_year_totals, department_totals

STEP_LABELS = {
    "requested": _("Request money"),
    "recommended": _("Recommend money"),
    "granted": _("Record the granted money"),
}


@login_required
@require_http_methods(["GET", "POST"])
def case_financing(request, pk):
    """The money a case asks for, is recommended or is granted, per channel and year."""
    case = get_case_for(request.user, pk)
    steps = financing_steps(request.user, case)
    if not steps:
        raise PermissionDenied
    step = request.GET.get("trin") or request.POST.get("trin") or steps[0]
    if step not in steps:
        raise PermissionDenied
    channels = list(FinancingChannel.objects.order_by("kind"))
    allocations = list(case.allocations.select_related("channel"))
    form = AllocationForm(
        request.POST or None, channels=channels, years=case.cycle.out_years,
        allocations=allocations, step=step,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                reason = form.cleaned_data.get("override_reason", "")
                for channel, amounts in form.amounts_by_channel().items():
                    _write(step, request.user, case, channel, amounts, reason, form)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The money of the case is saved."))
            return redirect(f"{case.get_absolute_url()}#finansiering")
    return render(request, "financing/case_financing.html", {
        "case": case,
        "form": form,
        "step": step,
        "steps": [(s, STEP_LABELS[s]) for s in steps],
        "step_label": STEP_LABELS[step],
        "price_year": case.cycle.budget_year,
        "years": case.cycle.out_years,
    })


def _write(step, actor, case, channel, amounts, reason, form):
    try:
        if step == "requested":
            services.allocation_request_set(actor=actor, case=case, channel=channel,
                                            amounts=amounts)
        elif step == "recommended":
            services.allocation_recommend_set(actor=actor, case=case, channel=channel,
                                              amounts=amounts, override_reason=reason)
        else:
            services.allocation_grant_set(actor=actor, case=case, channel=channel,
                                          amounts=amounts, override_reason=reason)
    except ServiceError as error:
        # Put each year's message next to its cell of this channel.
        for key, problems in error.problems.items():
            year = key.removeprefix("amount_")
            name = f"amount_{channel.kind}_{year}"
            if name in form.fields:
                for problem in problems:
                    form.add_error(name, problem)
        raise


def _overview_cycle(request):
    from django.apps import apps

    BudgetCycle = apps.get_model("governance", "BudgetCycle")
    year = request.GET.get("aar")
    if year and year.isdigit():
        return get_object_or_404(BudgetCycle, budget_year=int(year))
    cycle = BudgetCycle.objects.current()
    if cycle is None:
        raise Http404("No budget cycle.")
    return cycle


@login_required
def overview(request):
    """Per channel and year: capacity, requested, recommended, granted, remaining; and
    per department. For the secretariat, the directors and committee readers."""
    if not permissions.can_view_overview(request.user):
        raise PermissionDenied
    cycle = _overview_cycle(request)
    rows = channel_year_totals(cycle)
    channels = []
    for row in rows:
        if not channels or channels[-1]["channel"] != row.channel:
            channels.append({"channel": row.channel, "rows": []})
        channels[-1]["rows"].append(row)
    for group in channels:
        group["total"] = {
            name: sum(getattr(r, name) for r in group["rows"])
            for name in ("capacity", "requested", "recommended", "granted", "remaining")
        }
    chart = {
        "labels": [f"{r.channel.name} {r.year}" + (f" ({r.round_label})" if r.round else "")
                   for r in rows],
        "series": [
            {"label": str(_("Capacity")), "data": [r.capacity // 1000 for r in rows]},
            {"label": str(_("Requested")), "data": [r.requested // 1000 for r in rows]},
            {"label": str(_("Recommended")), "data": [r.recommended // 1000 for r in rows]},
            {"label": str(_("Granted")), "data": [r.granted // 1000 for r in rows]},
        ],
    }
    return render(request, "financing/overview.html", {
        "cycle": cycle,
        "channels": channels,
        "departments": department_totals(cycle),
        "price_year": cycle.budget_year,
        "chart": chart,
        "over": [r for r in rows if r.is_over],
        "loan_departments": Department.objects.filter(loans__isnull=False)
        .distinct()
        .order_by("name"),
    })


EXPORT_HEADER = [
    "Kanal", "År", "Runde", "Kapacitet (kr.)", "Ansøgt (kr.)", "Indstillet (kr.)",
    "Bevilget (kr.)", "Rest (kr.)", "P/l",
]


def _export_rows(cycle):
    for row in channel_year_totals(cycle):
        yield [
            neutralise(row.channel.name), row.year, neutralise(row.round_label), row.capacity,
            row.requested, row.recommended, row.granted, row.remaining, row.price_year,
        ]


@login_required
def overview_export(request, fmt):
    """The overview's table as CSV or xlsx: amounts as numbers in whole kroner."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format.")
    if not permissions.can_view_overview(request.user):
        raise PermissionDenied
    cycle = _overview_cycle(request)
    filename = f"finansieringsoverblik-{cycle.budget_year}"
    if fmt == "csv":
        return csv_response(f"{filename}.csv", EXPORT_HEADER, _export_rows(cycle),
                            stream=False)
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Finansiering"
    sheet.append(EXPORT_HEADER)
    for values in _export_rows(cycle):
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


@login_required
def loan_ledger(request, department_code):
    """A department's internal loans: paid out, repaid, interest, outstanding per year."""
    department = get_object_or_404(Department, code=department_code)
    if not permissions.can_view_loans(request.user, department):
        raise PermissionDenied
    loans = list(
        Loan.objects.filter(department=department)
        .select_related("case")
        .prefetch_related("instalments", "reschedules")
    )
    return render(request, "financing/loan_ledger.html", {
        "department": department,
        "loans": loans,
        "ledger": department_ledger(loans),
        "can_manage": permissions.can_manage_loans(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def loan_move(request, pk):
    """The secretariat records a political decision that moves one instalment."""
    if not permissions.can_manage_loans(request.user):
        raise PermissionDenied
    loan = get_object_or_404(Loan.objects.select_related("case", "department"), pk=pk)
    form = LoanMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_move_instalment(actor=request.user, loan=loan, **form.cleaned_data)
        except ServiceError as error:
            form.add_error(None, error.message)
            for field, problems in error.problems.items():
                for problem in problems:
                    if field in form.fields:
                        form.add_error(field, problem)
        else:
            messages.success(request, _("The instalment is moved and the decision logged."))
            return redirect("financing:loan-ledger", department_code=loan.department.code)
    return render(request, "financing/loan_move.html", {"loan": loan, "form": form})


@login_required
@require_http_methods(["POST"])
def loan_create(request, pk):
    """The secretariat makes the loan of a case's granted internal loan."""
    case = get_case_for(request.user, pk)
    try:
        services.loan_create_from_grant(actor=request.user, case=case)
    except ServiceError as error:
        if not permissions.can_manage_loans(request.user):
            raise PermissionDenied from error
        messages.error(request, error.message)
    else:
        messages.success(request, _("The loan and its repayment schedule are made."))
    return redirect(f"{case.get_absolute_url()}#finansiering")
