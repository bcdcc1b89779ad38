"""The register's pages: systems, contracts, the re-tendering radar, the
consolidation counts, the KITOS import and the systems a case names.

Every list filters, sorts and pages in SQL and runs a fixed number of queries.
Anyone who may read cases reads the register; a department's own entries come
first. Only the secretariat imports.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kkdigital.lib.csvexport import csv_response
from kkdigital.lib.errors import ServiceError

from ..models import InvestmentCase, Role
from ..permissions import can_edit_case, get_case_for, is_department_user, is_secretariat
from . import imports, selectors, services
from .forms import (
    CaseSystemForm,
    ContractFilterForm,
    ImportUploadForm,
    RadarFilterForm,
    SystemFilterForm,
)
from .models import (
    CaseSystem,
    Contract,
    ContractCase,
    ImportJob,
    ITSystem,
    RegisterSettings,
)
from .rules import add_months

PER_PAGE = 50
# The cycle model belongs to governance, which portfolio does not import.
BudgetCycle = InvestmentCase._meta.get_field("cycle").related_model


def _require_reader(user):
    if not user.has_role(*Role.values):
        raise PermissionDenied


def _own_first(queryset, user):
    """The user's department's entries first, then by name (in SQL)."""
    if is_department_user(user):
        return queryset.own_first(user).order_by("own_order", "name", "pk")
    return queryset.order_by("name", "pk")


def _page(request, queryset):
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    return page, page.paginator.get_elided_page_range(page.number, on_each_side=2)


def _search(queryset, text, *fields):
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__icontains": text})
    return queryset.filter(q)


def filtered_systems(user, data):
    systems = ITSystem.objects.visible_to(user).select_related("owner_department")
    if data.get("q"):
        systems = _search(systems, data["q"], "name", "supplier", "kitos_unit")
    if data.get("department"):
        systems = systems.filter(owner_department=data["department"])
    for name in ("lifecycle", "business_critical"):
        if data.get(name):
            systems = systems.filter(**{name: data[name]})
    if data.get("missing"):
        systems = systems.filter(missing_since__isnull=False)
    return _own_first(systems, user)


def filtered_contracts(user, data, today=None):
    today = today or timezone.localdate()
    contracts = selectors.with_radar_columns(
        Contract.objects.visible_to(user).select_related("owner_department")
    )
    if data.get("q"):
        contracts = _search(contracts, data["q"], "name", "supplier", "contract_id")
    if data.get("department"):
        contracts = contracts.filter(owner_department=data["department"])
    if data.get("expires"):
        contracts = contracts.filter(
            decision_date__lte=add_months(today, int(data["expires"]))
        )
    if data.get("missing"):
        contracts = contracts.filter(missing_since__isnull=False)
    return _own_first(contracts, user)


@login_required
def system_list(request):
    """The IT systems, searchable and filterable; the user's department's first."""
    _require_reader(request.user)
    form = SystemFilterForm(request.GET)
    form.is_valid()
    systems = filtered_systems(request.user, form.cleaned_data)
    if request.GET.get("format") == "csv":
        return _systems_csv(systems)
    page, page_range = _page(request, systems)
    return render(request, "register/system_list.html", {
        "form": form, "page_obj": page, "page_range": page_range,
        "is_secretariat": is_secretariat(request.user),
    })


@login_required
def system_detail(request, pk):
    _require_reader(request.user)
    system = get_object_or_404(
        ITSystem.objects.visible_to(request.user).select_related("owner_department"), pk=pk
    )
    visible_cases = InvestmentCase.objects.visible_to(request.user).values("pk")
    links = (
        CaseSystem.objects.filter(system=system, case__in=visible_cases)
        .select_related("case", "case__department", "case__cycle")
        .order_by("-case__cycle__budget_year", "case__title")
    )
    return render(request, "register/system_detail.html", {
        "system": system,
        "contracts": system.contracts.select_related("owner_department").order_by("name"),
        "links": links,
        "history": system.history.select_related("history_user").order_by("-history_date")[:20],
    })


@login_required
def contract_list(request):
    """The IT contracts with their decision dates; the user's department's first."""
    _require_reader(request.user)
    form = ContractFilterForm(request.GET)
    form.is_valid()
    contracts = filtered_contracts(request.user, form.cleaned_data)
    if request.GET.get("format") == "csv":
        return _contracts_csv(contracts)
    page, page_range = _page(request, contracts)
    return render(request, "register/contract_list.html", {
        "form": form, "page_obj": page, "page_range": page_range,
    })


@login_required
def contract_detail(request, pk):
    _require_reader(request.user)
    contract = get_object_or_404(
        selectors.with_radar_columns(
            Contract.objects.visible_to(request.user).select_related("owner_department")
        ),
        pk=pk,
    )
    visible_cases = InvestmentCase.objects.visible_to(request.user).values("pk")
    case_links = (
        ContractCase.objects.filter(contract=contract, case__in=visible_cases)
        .select_related("case", "case__department")
    )
    return render(request, "register/contract_detail.html", {
        "contract": contract,
        "systems": contract.systems.select_related("owner_department").order_by("name"),
        "case_links": case_links,
        "settings": RegisterSettings.load(),
        "can_create_case": _can_create_case(request.user, contract),
        "history": contract.history.select_related("history_user").order_by("-history_date")[:20],
    })


def _can_create_case(user, contract) -> bool:
    # The rule itself is governance's (it creates the case); the button only mirrors it.
    return contract.open_case_id is None and (
        is_secretariat(user)
        or (is_department_user(user) and user.department_id == contract.owner_department_id)
    )


@login_required
def radar(request):
    """Contracts whose re-tendering decision falls within the next N months,
    business-critical first, with the yearly cost."""
    _require_reader(request.user)
    settings_row = RegisterSettings.load()
    data = request.GET.copy()
    if not data.get("months"):
        data["months"] = settings_row.radar_months
    form = RadarFilterForm(data)
    form.is_valid()
    criteria = form.cleaned_data
    months = criteria.get("months") or settings_row.radar_months
    today = timezone.localdate()
    contracts = selectors.radar(
        Contract.objects.visible_to(request.user), today=today, months=months
    )
    if criteria.get("department"):
        contracts = contracts.filter(owner_department=criteria["department"])
    if criteria.get("critical_only"):
        contracts = contracts.filter(is_critical=True)
    page, page_range = _page(request, contracts)
    for contract in page:
        contract.can_create_case = _can_create_case(request.user, contract)
        contract.overdue = contract.decision_date < today
    return render(request, "register/radar.html", {
        "form": form, "page_obj": page, "page_range": page_range, "months": months,
        "settings": settings_row, "today": today,
    })


@login_required
def consolidation(request):
    """Systems in operation, business-critical, retired and planned for retirement, and
    cross-cutting cases replacing systems in several departments: per department and total."""
    _require_reader(request.user)
    cycles = list(BudgetCycle.objects.order_by("-budget_year"))
    cycle = None
    year = request.GET.get("cycle")
    if year and year.isdigit():
        cycle = next((c for c in cycles if c.budget_year == int(year)), None)
    if cycle is None:
        cycle = BudgetCycle.objects.current() if cycles else None
    result = selectors.consolidation(cycle) if cycle else None
    return render(request, "register/consolidation.html", {
        "cycle": cycle, "cycles": cycles, "result": result,
    })


# ------------------------------------------------------------------- exports

def _csv_response(filename, header, rows):
    return csv_response(filename, header, rows, stream=False)


def _date(day):
    return day.strftime("%d-%m-%Y") if day else ""


def _systems_csv(systems):
    header = [_("IT system"), _("KITOS UUID"), _("Department"), _("KITOS organisation unit"),
              _("Life cycle"), _("Business-critical"), _("Supplier"), _("Number of users"),
              _("Purpose")]
    rows = (
        [s.name, str(s.kitos_uuid or ""), s.owner_department.code, s.kitos_unit,
         s.get_lifecycle_display(), s.get_business_critical_display(), s.supplier,
         s.user_count, s.purpose]
        for s in systems.iterator(chunk_size=2000)
    )
    return _csv_response("it-systemer.csv", header, rows)


def _contracts_csv(contracts):
    header = [_("IT contract"), _("Contract ID"), _("KITOS UUID"), _("Department"),
              _("Supplier"), _("Valid from"), _("Valid to"), _("Irrevocable until"),
              _("Notice period (months)"), _("Extension options"),
              _("Re-tendering decision date"), _("Operating cost per year (kr.)"),
              _("Acquisition cost (kr.)")]
    rows = (
        [c.name, c.contract_id, str(c.kitos_uuid or ""), c.owner_department.code, c.supplier,
         _date(c.valid_from), _date(c.valid_to), _date(c.irrevocable_until), c.notice_months,
         c.extension_options, _date(c.decision_date), c.yearly_operating_cost,
         c.acquisition_cost]
        for c in contracts.iterator(chunk_size=2000)
    )
    return _csv_response("it-kontrakter.csv", header, rows)


# -------------------------------------------------------------------- import

def _require_secretariat(user):
    if not is_secretariat(user):
        raise PermissionDenied


@login_required
def import_list(request):
    """The secretariat uploads a KITOS export and follows earlier imports."""
    _require_secretariat(request.user)
    form = ImportUploadForm()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = imports.import_job_create(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    file_name=upload.name,
                    content=upload.read(),
                )
            except ServiceError as error:
                for name, problems in error.problems.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
                if not error.problems:
                    form.add_error(None, error.message)
            else:
                return redirect(job.get_absolute_url())
    jobs = ImportJob.objects.defer("content", "report").select_related("created_by")[:20]
    return render(request, "register/import_list.html", {"form": form, "jobs": jobs})


def _job_for(request, pk):
    _require_secretariat(request.user)
    return get_object_or_404(ImportJob.objects.defer("content"), pk=pk)


@login_required
def import_detail(request, pk):
    """The job's progress (polled by htmx while it runs) and its report."""
    job = _job_for(request, pk)
    template = (
        "register/partials/_import_status.html"
        if request.headers.get("HX-Request") else "register/import_detail.html"
    )
    return render(request, template, {"job": job, "report": job.report})


@require_POST
@login_required
def import_confirm(request, pk):
    job = _job_for(request, pk)
    try:
        imports.import_job_confirm(actor=request.user, job_id=job.pk)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(job.get_absolute_url())


@require_POST
@login_required
def import_recheck(request, pk):
    job = _job_for(request, pk)
    try:
        imports.import_job_recheck(actor=request.user, job_id=job.pk)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect(job.get_absolute_url())


# ------------------------------------------------------------ case's systems

@login_required
def case_systems(request, pk):
    """The systems a case introduces, replaces or retires; its department edits them
    while it may edit the case."""
    case = get_case_for(request.user, pk)
    may_edit = can_edit_case(request.user, case) or is_secretariat(request.user)
    form = CaseSystemForm()
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if "remove" in request.POST:
            link_pk = request.POST.get("remove", "")
            if not link_pk.isdigit():
                raise Http404
            services.case_system_remove(actor=request.user, case_pk=case.pk,
                                        link_pk=int(link_pk))
            messages.success(request, _("The system was removed from the case."))
            return redirect("register:case-systems", pk=case.pk)
        form = CaseSystemForm(request.POST)
        if form.is_valid():
            try:
                services.case_system_set(
                    actor=request.user, case_pk=case.pk,
                    system_pk=form.cleaned_data["system"].pk, role=form.cleaned_data["role"],
                )
            except ServiceError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The case now names the system."))
                return redirect("register:case-systems", pk=case.pk)
    links = case.system_links.select_related("system", "system__owner_department").order_by(
        "role", "system__name"
    )
    query = (request.GET.get("q") or "").strip()[:200]
    results = []
    if query and may_edit:
        linked = [link.system_id for link in links]
        results = list(
            _own_first(
                _search(ITSystem.objects.select_related("owner_department"), query,
                        "name", "supplier").exclude(pk__in=linked),
                request.user,
            )[:20]
        )
    return render(request, "register/case_systems.html", {
        "case": case, "links": links, "may_edit": may_edit, "query": query,
        "results": results, "form": form,
    })


