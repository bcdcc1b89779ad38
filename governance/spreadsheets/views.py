"""Spreadsheet downloads: the case list as filtered, a department's IT investment plan,
the financing overview and the plan, as xlsx or csv. Each is small enough to be made
while the person waits; the plan's xlsx can also be made as an export job."""

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from governance.models import BudgetCycle
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.http import no_store
from portfolio.filters import CaseFilterForm, filter_cases
from portfolio.models import CaseState, Department, InvestmentCase
from portfolio.permissions import is_department_user, security_log

from ..notes.permissions import can_import_for, can_read_plan_documents
from ..notes.plan import plan_for_cycle
from . import exports, imports
from .writer import CSV_TYPE, XLSX_TYPE, csv_bytes, xlsx_bytes

FORMATS = ("xlsx", "csv")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        help_text=gettext_lazy("At most 2 MB. Start from the template of the department's cases."),
        widget=forms.ClearableFileInput(attrs={"class": "form-file-input",
                                               "accept": ".xlsx,.csv"}),
    )


def _visible(user):
    return InvestmentCase.objects.filter(
        pk__in=InvestmentCase.objects.visible_to(user).values("pk")
    )


def _respond(sheet, fmt: str, name: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such format.")
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes([sheet]), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(csv_bytes(sheet), content_type=CSV_TYPE)
    stamp = timezone.localdate().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{fmt}"'
    return response


@login_required
@no_store
def case_list_download(request, fmt):
    """The case list with the same filters as the page (own department by default)."""
    user = request.user
    data = request.GET.copy()
    if is_department_user(user) and "department" not in data:
        data["department"] = user.department.code
    form = CaseFilterForm(data)
    form.is_valid()
    cases = filter_cases(
        _visible(user).select_related("department", "cycle").prefetch_related("economy_lines"),
        form.cleaned_data,
    )
    with translation.override("da"):
        return _respond(exports.case_list_sheet(cases), fmt, "sager")


@login_required
@no_store
def department_plan_download(request, department_code, budget_year, fmt):
    department = get_object_or_404(Department, code=department_code)
    cycle = get_object_or_404(BudgetCycle, budget_year=budget_year)
    cases = (
        _visible(request.user)
        .filter(department=department, cycle=cycle)
        .exclude(state=CaseState.WITHDRAWN)
        .select_related("department", "cycle")
        .prefetch_related("economy_lines")
        .order_by("title", "pk")
    )
    with translation.override("da"):
        sheet = exports.department_plan_sheet(department, cycle, cases)
        return _respond(sheet, fmt, f"it-investeringsplan-{department.code}-{budget_year}")


@login_required
@no_store
def financing_download(request, budget_year, fmt):
    if not can_read_plan_documents(request.user):
        security_log.warning("refused 403 user=%s view=financing_download", request.user.pk)
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, budget_year=budget_year)
    with translation.override("da"):
        sheet = exports.financing_sheet(cycle)
        if sheet is None:
            raise Http404("No financing overview yet.")
        return _respond(sheet, fmt, f"finansiering-{budget_year}")


@login_required
@no_store
def plan_download(request, budget_year, fmt):
    if not can_read_plan_documents(request.user):
        security_log.warning("refused 403 user=%s view=plan_download", request.user.pk)
        raise PermissionDenied
    cycle = get_object_or_404(BudgetCycle, budget_year=budget_year)
    with translation.override("da"):
        return _respond(exports.plan_sheet(plan_for_cycle(cycle)), fmt, f"plan-{budget_year}")


# --- import ------------------------------------------------------------------------------

IMPORT_SALT = "kkdigital.spreadsheet-import"
IMPORT_MAX_AGE = 60 * 60  # a preview may be confirmed within the hour


def _import_target(request, department_code, budget_year):
    department = get_object_or_404(Department, code=department_code)
    cycle = get_object_or_404(BudgetCycle, budget_year=budget_year)
    if not can_import_for(request.user, department):
        security_log.warning(
            "refused 403 user=%s view=sheet_import department=%s", request.user.pk, department.pk
        )
        raise PermissionDenied
    return department, cycle


def _upload_folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@login_required
@no_store
def import_template_download(request, department_code, budget_year):
    department, cycle = _import_target(request, department_code, budget_year)
    cases = (
        InvestmentCase.objects.filter(department=department, cycle=cycle)
        .exclude(state=CaseState.WITHDRAWN)
        .prefetch_related("economy_lines")
        .select_related("department")
        .order_by("pk")
    )
    with translation.override("da"):
        content = imports.template_workbook(department, cycle, cases)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="skabelon-{department.code}-{budget_year}.xlsx"'
    )
    return response


@login_required
@no_store
@require_http_methods(["GET", "POST"])
def import_view(request, department_code, budget_year):
    """Upload → dry run with every row's changes and errors → import, all or nothing."""
    department, cycle = _import_target(request, department_code, budget_year)
    context = {"department": department, "cycle": cycle, "form": ImportUploadForm()}
    status = 200
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, department, cycle)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read(imports.MAX_UPLOAD_BYTES + 1)
            try:
                kind = imports.check_upload(upload.name, content)
                rows = imports.read_rows(kind, content)
                plan = imports.plan_import(
                    actor=request.user, department=department, cycle=cycle, rows=rows
                )
            except ServiceError as error:
                form.add_error("file", error.message)
                status = 400
            else:
                context["plan"] = plan
                if plan.is_valid:
                    name = f"{uuid.uuid4().hex}.{kind}"
                    (_upload_folder() / name).write_bytes(content)
                    context["token"] = signing.dumps(
                        {"f": name, "u": request.user.pk, "d": department.pk, "c": cycle.pk,
                         "v": plan.versions},
                        salt=IMPORT_SALT,
                    )
                else:
                    status = 400
        else:
            status = 400
    return render(request, "governance/spreadsheets/import.html", context, status=status)


def _confirm(request, department, cycle):
    try:
        token = signing.loads(request.POST["token"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("The preview has expired. Upload the file again."))
        return redirect("governance:sheet-import", department.code, cycle.budget_year)
    if (token["u"], token["d"], token["c"]) != (request.user.pk, department.pk, cycle.pk):
        raise PermissionDenied
    path = _upload_folder() / Path(token["f"]).name
    if not path.is_file():
        messages.error(request, _("The preview has expired. Upload the file again."))
        return redirect("governance:sheet-import", department.code, cycle.budget_year)
    content = path.read_bytes()
    try:
        kind = imports.check_upload(path.name, content)
        rows = imports.read_rows(kind, content)
        plan = imports.plan_import(actor=request.user, department=department, cycle=cycle,
                                   rows=rows)
        counts = imports.import_run(actor=request.user, plan=plan, versions=token["v"])
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("governance:sheet-import", department.code, cycle.budget_year)
    path.unlink(missing_ok=True)
    messages.success(
        request,
        _("Imported: %(created)s new cases and %(changed)s changed cases.")
        % {"created": counts["create"], "changed": counts["change"]},
    )
    return redirect("portfolio:department-plan", department.code, cycle.budget_year)
