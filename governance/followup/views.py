"""Pages of the follow-up: rounds, reports, rebaselines and the report to the Magistrate / ØU."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance.views.decorators import secretariat_required
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.http import no_store
from portfolio.models import InvestmentCase
from portfolio.permissions import get_case_for, is_department_user, security_log

from . import permissions, services
from .evaluation import evaluate
from .forms import RebaselineForm, ReportForm, RoundForm, RoundReportFilterForm
from .models import FollowUpReport, FollowUpRound, ReportStatus, Season
from .rows import report_rows
from .selectors import reports_with_figures, round_lines, round_overview, round_summary

# Reports per page of a round: enough to scan, few enough to read.
REPORTS_PER_PAGE = 50


def _readers_only(user) -> None:
    if not permissions.can_read_portfolio_reports(user):
        security_log.warning("refused 403 user=%s view=followup", user.pk)
        raise PermissionDenied


def _add_errors(form, error: ServiceError) -> None:
    for name, problems in error.problems.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    if not error.problems:
        form.add_error(None, error.message)


@login_required
def followup_list(request):
    """The rounds (readers) and the department's own reports (departments)."""
    user = request.user
    is_reader = permissions.can_read_portfolio_reports(user)
    if not is_reader and not is_department_user(user):
        raise PermissionDenied
    rounds = []
    if is_reader:
        rounds = list(
            FollowUpRound.objects.annotate(
                n_reports=Count("reports"),
                n_submitted=Count("reports", filter=Q(reports__status=ReportStatus.SUBMITTED)),
            ).order_by("-year", "-season")
        )
    own = []
    if is_department_user(user):
        own = reports_with_figures(FollowUpReport.objects.filter(department_id=user.department_id))
        own.sort(key=lambda f: (-f.report.round.year, f.report.round.season != Season.NOVEMBER))
    return render(
        request,
        "governance/followup/followup_list.html",
        {
            "rounds": rounds,
            "own": own,
            "may_open": permissions.can_manage_rounds(user),
        },
    )


@secretariat_required
def round_create(request):
    today = timezone.localdate()
    season = Season.MAY if today.month <= 6 else Season.NOVEMBER
    initial = {
        "year": today.year,
        "season": season,
        "deadline": datetime.date(today.year, 5 if season == Season.MAY else 11, 20),
    }
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_open(
                actor=request.user,
                year=form.cleaned_data["year"],
                season=form.cleaned_data["season"],
                deadline=form.cleaned_data["deadline"],
                thresholds=form.thresholds(),
            )
        except ServiceError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(round)s is open: %(n)s reports are waiting for the departments.")
                % {"round": round_, "n": round_.reports.count()},
            )
            return redirect(round_)
    return render(request, "governance/followup/round_form.html", {"form": form, "round": None})


@secretariat_required
def round_edit(request, pk):
    round_ = get_object_or_404(FollowUpRound, pk=pk)
    initial = {name: getattr(round_, name) for name in services.THRESHOLD_FIELDS}
    initial["deadline"] = round_.deadline
    form = RoundForm(request.POST or None, initial=initial, with_period=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_set_thresholds(
                actor=request.user,
                round_=round_,
                deadline=form.cleaned_data["deadline"],
                **form.thresholds(),
            )
        except ServiceError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The thresholds have been saved."))
            return redirect(round_)
    return render(request, "governance/followup/round_form.html", {"form": form, "round": round_})


@login_required
def round_detail(request, pk):
    """A round at a glance (how many reported, the lights, per department) and its reports,
    red first, filtered and a page at a time: a round has a report for every running case."""
    _readers_only(request.user)
    round_ = get_object_or_404(FollowUpRound, pk=pk)
    lines = round_lines(round_)
    departments = sorted(
        {(line.department_id, line.department_name) for line in lines}, key=lambda d: d[1]
    )
    form = RoundReportFilterForm(request.GET or None, departments=departments)
    chosen = form.cleaned_data if form.is_valid() else {}
    shown = [
        line
        for line in lines
        if (not chosen.get("status") or line.status == chosen["status"])
        and (not chosen.get("department") or line.department_id == chosen["department"])
        and (not chosen.get("light") or line.worst == chosen["light"])
    ]
    paginator = Paginator(shown, REPORTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "governance/followup/round_detail.html",
        {
            "round": round_,
            "overview": round_overview(lines),
            "form": form,
            "filtered": bool(chosen and any(chosen.values())),
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            # The page's reports from their lines, as the report pages show them.
            "reports": page.object_list,
            "report_rows": report_rows(page.object_list),
            "may_manage": permissions.can_manage_rounds(request.user),
            "thresholds_locked": any(line.is_submitted for line in lines),
            "today": timezone.localdate(),
        },
    )


@login_required
def round_report(request, pk):
    """The follow-up report for the Magistrate / ØU: printable (the browser's print gives a PDF)."""
    _readers_only(request.user)
    round_ = get_object_or_404(FollowUpRound, pk=pk)
    return render(
        request,
        "governance/followup/round_report.html",
        {"round": round_, "summary": round_summary(round_)},
    )


@login_required
def report_detail(request, pk):
    report = permissions.get_report_for(request.user, pk, "view")
    figures = reports_with_figures(FollowUpReport.objects.filter(pk=report.pk))[0]
    baselines = list(report.case.followup_baselines.select_related("created_by"))
    return render(
        request,
        "governance/followup/report_detail.html",
        {
            "report": figures.report,
            "figures": figures,
            "baselines": baselines,
            "may_edit": permissions.can_edit_report(request.user, report),
            "may_submit": permissions.can_submit_report(request.user, report),
            "may_rebaseline": permissions.can_manage_rounds(request.user),
        },
    )


@login_required
def report_edit(request, pk):
    report = permissions.get_report_for(request.user, pk, "edit")
    figures = evaluate(
        FollowUpReport.objects.select_related("round", "baseline", "case__cycle")
        .prefetch_related("years", "case__economy_lines")
        .get(pk=report.pk)
    )
    report = figures.report
    years = [y.year for y in figures.years]
    form = ReportForm(request.POST or None, report=report, years=years)
    if request.method == "POST" and form.is_valid():
        try:
            version = int(request.POST.get("version", "0"))
        except ValueError:
            version = 0
        try:
            services.report_save(
                actor=request.user,
                report=report,
                data=form.report_data(),
                years=form.years_data(),
                version=version,
            )
        except ServiceError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The report has been saved."))
            return redirect(report)
    return render(
        request,
        "governance/followup/report_form.html",
        {"report": report, "figures": figures, "form": form},
    )


@require_POST
@login_required
def report_submit(request, pk):
    report = permissions.get_report_for(request.user, pk, "submit")
    try:
        services.report_submit(actor=request.user, report=report)
    except ServiceError as error:
        messages.error(request, error.message)
        for problems in error.problems.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("governance:followup-report-edit", pk=report.pk)
    messages.success(request, _("The report has been submitted. It can no longer be changed."))
    return redirect(report)


@secretariat_required
def case_rebaseline(request, case_pk):
    case = get_case_for(
        request.user,
        case_pk,
        queryset=InvestmentCase.objects.select_related("cycle").prefetch_related("economy_lines"),
    )
    baseline = case.followup_baselines.order_by("-created_at", "-pk").first()
    years = sorted(
        set(case.cycle.out_years)
        | ({int(y) for y in baseline.granted_by_year} if baseline else set())
    )
    form = RebaselineForm(request.POST or None, years=years, baseline=baseline)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_rebaseline(
                actor=request.user,
                case=case,
                granted_by_year=form.granted(),
                completion_date=form.cleaned_data["completion_date"],
                decided_on=form.cleaned_data["decided_on"],
                decision_text=form.cleaned_data["decision_text"],
            )
        except ServiceError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The new baseline has been recorded."))
            report = case.followup_reports.order_by("-round__year", "-round__season").first()
            return redirect(report or case)
    return render(
        request,
        "governance/followup/rebaseline_form.html",
        {"case": case, "form": form, "baseline": baseline},
    )


@login_required
def target_entry(request, metric_pk):
    """Enter the value of a department target for a round, with its source."""
    from strategy.models import TargetKind, TargetMetric

    from .forms import TargetEntryForm

    metric = get_object_or_404(
        TargetMetric.objects.select_related("strategy__department"),
        pk=metric_pk,
        kind=TargetKind.ENTERED,
    )
    department = metric.strategy.department
    if not (
        permissions.can_manage_rounds(request.user)
        or (is_department_user(request.user) and request.user.department_id == department.pk)
    ):
        raise PermissionDenied
    round_ = FollowUpRound.objects.order_by("-year", "-season").first()
    if round_ is None:
        messages.error(request, _("Values are entered per follow-up round; no round is open yet."))
        return redirect("portfolio:department-plan-index")
    entry = metric.entries.filter(round=round_).first()
    form = TargetEntryForm(
        request.POST or None,
        initial={"value": entry.value, "source": entry.source} if entry else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.target_entry_set(
                actor=request.user,
                metric=metric,
                round_=round_,
                value=form.cleaned_data["value"],
                source=form.cleaned_data["source"],
            )
        except ServiceError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The value has been saved."))
            return redirect("governance:followup-list")
    return render(
        request,
        "governance/followup/target_entry_form.html",
        {"metric": metric, "round": round_, "form": form},
    )


@login_required
def portfolio_glance_view(request):
    """The portfolio at a glance for the secretariat, the IT directors and committee readers."""
    from governance.models import BudgetCycle

    from .glance import chart_data, portfolio_glance

    _readers_only(request.user)
    cycles = list(BudgetCycle.objects.order_by("-budget_year"))
    asked = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if asked.isdigit() and c.budget_year == int(asked)), None)
    cycle = cycle or BudgetCycle.objects.current()
    context = {"cycle": cycle, "cycles": cycles}
    if cycle is not None:
        glance = portfolio_glance(request.user, cycle)
        context.update(glance)
        context["charts"] = {
            "chart-themes": chart_data(glance["themes"], _("Money per strategy theme")),
            "chart-departments": chart_data(glance["departments"], _("Money per department")),
            "chart-years": chart_data(glance["years"], _("Money per year")),
        }
    return render(request, "governance/followup/portfolio_glance.html", context)


def case_page_context(user, case) -> dict:
    """The case's follow-up reports on its case page (registered in governance.apps)."""
    if case.state not in (*services.FOLLOWED_STATES, "completed"):
        return {}
    reports = permissions.reports_visible_to(user, FollowUpReport.objects.filter(case=case))
    figures = reports_with_figures(reports)
    figures.sort(key=lambda f: f.report.round.sort_key, reverse=True)
    return {"followup_figures": figures}


@login_required
@no_store
def round_report_pdf(request, pk):
    """The follow-up report as PDF (WeasyPrint through the notes' renderer), in Danish."""
    from django.http import HttpResponse
    from django.utils import translation

    from kkdigital.lib.pdf import render_pdf

    _readers_only(request.user)
    round_ = get_object_or_404(FollowUpRound, pk=pk)
    with translation.override("da"):
        summary = round_summary(round_)
        context = {
            "round": round_,
            "summary": summary,
            "totals": [
                (_("Totals per department"), summary.by_department),
                (_("Totals per financing channel"), summary.by_channel),
            ],
            "cycle_label": str(round_),
            "printed_on": timezone.localdate(),
        }
        pdf = render_pdf("governance/followup/pdf/round_report.html", context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="opfoelgning-{round_.season}-{round_.year}.pdf"'
    )
    return response
