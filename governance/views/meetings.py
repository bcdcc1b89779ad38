"""The Economic Committee's meetings: forwarding cases and recording decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from financing.selectors import case_money, money_prefetch, pool_result, pool_rules_for
from governance.forms import DecisionForm, ForwardForm, MeetingForm
from governance.forms_money import DecisionWithGrantsForm
from governance.models import CommitteeMeeting, Decision
from governance.permissions import (
    can_forward_cases,
    can_record_decisions,
    can_view_committee_meetings,
    is_secretariat,
)
from governance.services.decisions import (
    case_decide_with_grants,
    meeting_create,
    meeting_decide_all,
    meeting_update,
)
from governance.services.workflow import cases_forward
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
    # In the order they are held, as the committee's calendar.
    meetings = cycle.committee_meetings.annotate(
        case_count=Count("cases", distinct=True),
        decision_count=Count("decisions", distinct=True),
    ).order_by("held_on", "pk")
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
        meetings=cycle.committee_meetings.order_by("held_on", "pk"),
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
            ),
            *money_prefetch(),
        )
        .order_by("department__code", "title")
    )
    pool_rules = pool_rules_for(meeting.cycle)
    case_forms = case_forms or {}
    # Decisions are recorded from the minutes, once the meeting has been held.
    held = meeting.held_on <= timezone.localdate()
    rows = []
    for case in cases:
        form = None
        if held and table.may(user, case, "approve"):
            form = case_forms.get(case.pk) or DecisionWithGrantsForm(
                prefix=f"case{case.pk}", allocations=case.allocations.all()
            )
        decision = case.meeting_decisions[0] if case.meeting_decisions else None
        allocations = case.allocations.all()
        rows.append({
            "case": case,
            "decision": decision,
            "form": form,
            "money": case_money(allocations),
            "pool": pool_result(case, pool_rules, allocations=allocations),
        })
    awaiting = any(row["form"] for row in rows)
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "bulk_form": (bulk_form or DecisionForm(prefix="all")) if awaiting else None,
            "phase_open": _committee_phase_open(meeting.cycle),
            "held": held,
            "may_correct": is_secretariat(user) and not any(row["decision"] for row in rows),
            "money_total": sum(row["money"].requested_total for row in rows),
            "recommended_total": sum(row["money"].recommended_total for row in rows),
            "granted_total": sum(row["money"].granted_total for row in rows),
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
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    """The secretariat corrects a meeting's date and agenda item until decisions are
    recorded from it."""
    meeting = _get_meeting(request, pk)
    if not is_secretariat(request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, instance=meeting)
    refused = False
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(
                actor=request.user,
                meeting_pk=meeting.pk,
                held_on=form.cleaned_data["held_on"],
                title=form.cleaned_data["title"],
            )
        except (ServiceError, ValidationError) as refusal:
            report_refusal(request, refusal, form)
            refused = True
        else:
            messages.success(request, _("The meeting is corrected."))
            return redirect("governance:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "governance/meeting_edit.html",
        {"meeting": CommitteeMeeting.objects.get(pk=meeting.pk), "form": form},
        status=400 if form.errors or refused else 200,
    )


@login_required
@require_POST
def decision_record_view(request, pk: int, case_pk: int):
    """Record the committee's decision on one case of the meeting."""
    meeting = _get_meeting(request, pk)
    if not can_record_decisions(request.user):
        raise PermissionDenied
    case = get_object_or_404(meeting.cases.all(), pk=case_pk)
    form = DecisionWithGrantsForm(
        request.POST, prefix=f"case{case.pk}",
        allocations=case.allocations.select_related("channel"),
    )
    if form.is_valid():
        try:
            case_decide_with_grants(
                actor=request.user, case_pk=case.pk, meeting=meeting, **form.decision_data()
            )
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
