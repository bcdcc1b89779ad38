"""The Economic Committee's meetings: forwarding cases and recording decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from governance.forms import DecisionForm, ForwardForm, MeetingForm
from governance.models import CommitteeMeeting, Decision
from governance.permissions import (
    can_forward_cases,
    can_record_decisions,
    can_view_committee_meetings,
    is_secretariat,
)
from governance.services.decisions import meeting_create, meeting_decide_all
from governance.services.workflow import case_decide, cases_forward
from governance.views.prioritisation import chosen_cycle
from governance.workflow import table
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.refusals import report_refusal
from portfolio.models import InvestmentCase


def _committee_phase_open(cycle) -> bool:
    """Whether the table's decision steps are inside their phases today."""
    return table.step_open(cycle, "approve")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_list(request):
    """The cycle's meetings; the secretariat registers new ones here."""
    if not can_view_committee_meetings(request.user):
        raise PermissionDenied
    cycle = chosen_cycle(request)
    form = None
    if is_secretariat(request.user):
        form = MeetingForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            meeting = meeting_create(actor=request.user, cycle=cycle, **form.cleaned_data)
            messages.success(request, _("The meeting is registered."))
            return redirect("governance:meeting-detail", pk=meeting.pk)
    elif request.method == "POST":
        raise PermissionDenied
    meetings = cycle.committee_meetings.annotate(
        case_count=Count("cases", distinct=True),
        decision_count=Count("decisions", distinct=True),
    )
    return render(
        request,
        "governance/meeting_list.html",
        {"cycle": cycle, "meetings": meetings, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def forward_cases(request):
    """The secretariat puts prioritised cases before a meeting of the committee."""
    if not can_forward_cases(request.user):
        raise PermissionDenied
    cycle = chosen_cycle(request)
    cases = InvestmentCase.objects.filter(
        cycle=cycle, state__in=table.from_states("forward")
    ).select_related("department", "assessment")
    form = ForwardForm(
        request.POST if request.method == "POST" else None,
        cases=cases,
        meetings=cycle.committee_meetings.all(),
    )
    phase_open = table.step_open(cycle, "forward")
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        try:
            cases_forward(
                actor=request.user,
                case_pks=[case.pk for case in form.cleaned_data["cases"]],
                meeting=meeting,
                override_reason=form.cleaned_data["override_reason"],
            )
        except ServiceError as refusal:
            report_refusal(request, refusal, form)
        else:
            messages.success(request, _("The cases are forwarded to the meeting."))
            return redirect("governance:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "governance/meeting_forward.html",
        {"cycle": cycle, "form": form, "phase_open": phase_open},
        status=400 if request.method == "POST" else 200,
    )


def _meeting_page(request, meeting, *, case_forms=None, bulk_form=None, status=200):
    user = request.user
    cases = list(
        InvestmentCase.objects.visible_to(user)
        .filter(committee_meetings=meeting)
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(meeting=meeting),
                to_attr="meeting_decisions",
            )
        )
        .order_by("department__code", "title")
    )
    case_forms = case_forms or {}
    rows = []
    for case in cases:
        form = None
        if table.may(user, case, "approve"):
            form = case_forms.get(case.pk) or DecisionForm(prefix=f"case{case.pk}")
        decision = case.meeting_decisions[0] if case.meeting_decisions else None
        rows.append({"case": case, "decision": decision, "form": form})
    awaiting = any(row["form"] for row in rows)
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "bulk_form": (bulk_form or DecisionForm(prefix="all")) if awaiting else None,
            "phase_open": _committee_phase_open(meeting.cycle),
        },
        status=status,
    )


def _get_meeting(request, pk):
    if not can_view_committee_meetings(request.user):
        raise PermissionDenied
    return get_object_or_404(CommitteeMeeting.objects.select_related("cycle"), pk=pk)


@login_required
def meeting_detail(request, pk: int):
    return _meeting_page(request, _get_meeting(request, pk))


@login_required
@require_POST
def decision_record_view(request, pk: int, case_pk: int):
    """Record the committee's decision on one case of the meeting."""
    meeting = _get_meeting(request, pk)
    if not can_record_decisions(request.user):
        raise PermissionDenied
    case = get_object_or_404(meeting.cases.all(), pk=case_pk)
    form = DecisionForm(request.POST, prefix=f"case{case.pk}")
    if form.is_valid():
        try:
            case_decide(actor=request.user, case_pk=case.pk, meeting=meeting, **form.cleaned_data)
        except (ServiceError, ValidationError) as refusal:
            report_refusal(request, refusal, form)
        else:
            messages.success(request, _("The decision on “%(case)s” is recorded.") % {
                "case": case.title
            })
            return redirect("governance:meeting-detail", pk=meeting.pk)
    return _meeting_page(
        request, meeting, case_forms={case.pk: form}, status=400
    )


@login_required
@require_POST
def decision_record_all_view(request, pk: int):
    """Record the same decision for every case of the meeting awaiting one."""
    meeting = _get_meeting(request, pk)
    if not can_record_decisions(request.user):
        raise PermissionDenied
    form = DecisionForm(request.POST, prefix="all")
    if form.is_valid():
        try:
            decisions = meeting_decide_all(actor=request.user, meeting=meeting, **form.cleaned_data)
        except (ServiceError, ValidationError) as refusal:
            report_refusal(request, refusal, form)
        else:
            messages.success(
                request,
                _("The decision is recorded for %(count)s cases.") % {"count": len(decisions)},
            )
            return redirect("governance:meeting-detail", pk=meeting.pk)
    return _meeting_page(request, meeting, bulk_form=form, status=400)
