"""Every change of the follow-up: open a round, fill in and submit a report, rebaseline.

Keyword-only, atomic, checked again here whatever the view did.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState, InvestmentCase

from . import permissions
from .baseline import (
    default_completion_date,
    economy_costs_by_year,
    granted_by_case,
    planned_gains_by_year,
)
from .evaluation import evaluate
from .models import (
    BaselineSource,
    CaseBaseline,
    FollowUpReport,
    FollowUpReportYear,
    FollowUpRound,
    ReportStatus,
    Season,
)

# The cases a round asks a report for.
FOLLOWED_STATES = (CaseState.APPROVED, CaseState.IN_PROGRESS)
REPORT_TEXT_FIELDS = ("status_text", "milestones", "risks", "needs_from_circle")
REPORT_FIELDS = (
    *REPORT_TEXT_FIELDS,
    "expected_total_cost",
    "expected_completion",
    "cost_override",
    "cost_override_reason",
    "schedule_override",
    "schedule_override_reason",
    "benefits_override",
    "benefits_override_reason",
)
THRESHOLD_FIELDS = (
    "cost_red_percent",
    "cost_red_amount",
    "schedule_red_months",
    "benefits_red_percent",
)


def _problems(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in error.error_dict.items()}
    return {"__all__": [str(m) for m in error.messages]}


def _save(obj, actor, reason: str = "") -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ServiceError(_("Please correct the fields marked."), _problems(error)) from error
    obj._history_user = actor
    if reason:
        obj._change_reason = reason
    obj.save()


def current_baseline(case, *, actor, granted: dict[int, int] | None = None) -> CaseBaseline:
    """The case's baseline in force; the first one is made from ØU's grant (or its economy)."""
    baseline = case.followup_baselines.order_by("-created_at", "-pk").first()
    if baseline is not None:
        return baseline
    granted = granted if granted is not None else granted_by_case([case.pk]).get(case.pk, {})
    source = BaselineSource.GRANT
    if not granted:
        granted, source = economy_costs_by_year(case), BaselineSource.ECONOMY
    baseline = CaseBaseline(
        case=case,
        source=source,
        granted_by_year={str(y): int(v) for y, v in sorted(granted.items())},
        completion_date=default_completion_date(case),
        created_by=actor,
    )
    baseline.full_clean()
    baseline.save()
    return baseline


def round_open(
    *,
    actor,
    year: int,
    season: str,
    deadline: datetime.date,
    thresholds: dict | None = None,
    today: datetime.date | None = None,
) -> FollowUpRound:
    """The secretariat opens a round: every approved or in-progress case gets a report.

    A case's new report starts from its last report (texts, expected figures and
    the years' spend and realised benefits), never from the overrides: an
    override must be justified again each round.
    """
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied
    if season not in Season.values:
        raise ServiceError(_("Choose May or November."), {"season": [_("Choose May or November.")]})
    with transaction.atomic():
        round_ = FollowUpRound(
            year=year, season=season, deadline=deadline, opened_by=actor, **(thresholds or {})
        )
        if deadline.year != year:
            raise ServiceError(
                _("The deadline must lie in the round's year."),
                {"deadline": [_("The deadline must lie in the round's year.")]},
            )
        _save(round_, actor, _("Round opened"))
        cases = list(
            InvestmentCase.objects.filter(state__in=FOLLOWED_STATES)
            .select_related("cycle", "department")
            .prefetch_related("economy_lines")
            .order_by("department__name", "title", "pk")
        )
        granted = granted_by_case([c.pk for c in cases])
        for case in cases:
            _report_create(round_=round_, case=case, actor=actor, granted=granted.get(case.pk, {}))
    return round_


def _report_create(*, round_, case, actor, granted) -> FollowUpReport:
    baseline = current_baseline(case, actor=actor, granted=granted)
    previous = (
        FollowUpReport.objects.filter(case=case)
        .exclude(round=round_)
        .order_by("-round__year", "-round__season", "-pk")
        .prefetch_related("years")
        .first()
    )
    report = FollowUpReport(
        round=round_, case=case, department=case.department, baseline=baseline, previous=previous
    )
    if previous is not None:
        for name in (*REPORT_TEXT_FIELDS, "expected_total_cost", "expected_completion"):
            setattr(report, name, getattr(previous, name))
    _save(report, actor, _("Report created for the round"))
    years = set(case.cycle.out_years) | {int(y) for y in baseline.granted_by_year}
    years |= set(planned_gains_by_year(case))
    carried = {r.year: r for r in previous.years.all()} if previous else {}
    years |= set(carried)
    for year in sorted(years):
        row = FollowUpReportYear(
            report=report,
            year=year,
            spent=carried[year].spent if year in carried else 0,
            benefits_realised=carried[year].benefits_realised if year in carried else 0,
        )
        _save(row, actor)
    return report


def round_set_thresholds(*, actor, round_: FollowUpRound, **values) -> FollowUpRound:
    """The secretariat sets a round's thresholds, until the first report is submitted
    (a submitted report was judged on them)."""
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied
    with transaction.atomic():
        round_ = FollowUpRound.objects.select_for_update().get(pk=round_.pk)
        if round_.reports.filter(status=ReportStatus.SUBMITTED).exists():
            raise ServiceError(
                _("Reports of this round have been submitted; its thresholds can no longer change.")
            )
        for name in THRESHOLD_FIELDS:
            if name in values:
                setattr(round_, name, values[name])
        if "deadline" in values:
            round_.deadline = values["deadline"]
        _save(round_, actor, _("Thresholds changed"))
    return round_


def report_save(
    *, actor, report: FollowUpReport, data: dict, years: dict[int, tuple[int, int]], version: int
) -> FollowUpReport:
    """The department saves its report (any number of times until it is submitted).

    ``years`` maps a year to (spent, benefits realised) in whole kroner;
    ``version`` is the version the form was read at: a report changed meanwhile
    is refused instead of overwritten.
    """
    with transaction.atomic():
        report = FollowUpReport.objects.select_for_update().get(pk=report.pk)
        if not permissions.can_edit_report(actor, report):
            raise PermissionDenied
        if report.version != version:
            raise ServiceError(
                _("Someone else saved the report while you were editing it. Reload the page.")
            )
        for name in REPORT_FIELDS:
            if name in data:
                setattr(report, name, data[name] if data[name] is not None else _empty(name))
        report.version += 1
        _save(report, actor)
        rows = {r.year: r for r in report.years.select_for_update()}
        for year, (spent, realised) in years.items():
            row = rows.get(year) or FollowUpReportYear(report=report, year=year)
            if row.pk and row.spent == spent and row.benefits_realised == realised:
                continue
            row.spent, row.benefits_realised = spent, realised
            _save(row, actor)
    return report


def _empty(name: str):
    return None if name in ("expected_total_cost", "expected_completion") else ""


def report_submit(*, actor, report: FollowUpReport) -> FollowUpReport:
    """The department's IT lead submits: the lights are computed and the report is frozen.

    The granted amounts and planned gains are copied into the report's own
    year rows, so a later rebaseline or a change of the business case never
    changes what was reported.
    """
    with transaction.atomic():
        report = (
            FollowUpReport.objects.select_for_update(of=("self",))
            .select_related("round", "baseline", "case__cycle")
            .get(pk=report.pk)
        )
        if not permissions.can_submit_report(actor, report):
            raise PermissionDenied
        problems = {}
        if report.expected_total_cost is None:
            problems["expected_total_cost"] = [_("Give the expected total cost.")]
        if report.expected_completion is None:
            problems["expected_completion"] = [_("Give the expected completion date.")]
        if not report.status_text.strip():
            problems["status_text"] = [_("Describe the status of the case.")]
        if problems:
            raise ServiceError(_("The report is not complete."), problems)
        figures = evaluate(report)
        for light in figures.lights:
            setattr(report, f"{light.aspect}_light", light.computed)
        rows = {r.year: r for r in report.years.select_for_update()}
        for year in figures.years:
            row = rows.get(year.year) or FollowUpReportYear(report=report, year=year.year)
            row.granted, row.benefits_planned = year.granted, year.planned
            _save(row, actor)
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = actor
        report.version += 1
        _save(report, actor, _("Report submitted"))
    return report


def case_rebaseline(
    *,
    actor,
    case: InvestmentCase,
    granted_by_year: dict[int, int],
    completion_date: datetime.date,
    decided_on: datetime.date,
    decision_text: str,
) -> CaseBaseline:
    """The secretariat records a new ØU decision on a case's amounts or dates.

    A new baseline row: the old one stays, reports already submitted keep the
    one they were judged on, and reports not yet submitted move to the new one.
    """
    if not permissions.can_manage_rounds(actor):
        raise PermissionDenied
    with transaction.atomic():
        case = InvestmentCase.objects.select_for_update().get(pk=case.pk)
        baseline = CaseBaseline(
            case=case,
            source=BaselineSource.REBASELINE,
            granted_by_year={str(y): int(v) for y, v in sorted(granted_by_year.items()) if v},
            completion_date=completion_date,
            decided_on=decided_on,
            decision_text=decision_text.strip(),
            created_by=actor,
        )
        _save(baseline, actor)
        for report in FollowUpReport.objects.select_for_update().filter(
            case=case, status=ReportStatus.DRAFT
        ):
            report.baseline = baseline
            report.version += 1
            _save(report, actor, _("Rebaselined"))
    return baseline


def target_entry_set(*, actor, metric, round_: FollowUpRound, value, source: str):
    """The department (or the secretariat) enters a target's value for a round, with its source."""
    from strategy.models import TargetKind

    from .models import TargetEntry

    department_id = metric.strategy.department_id
    if not (
        permissions.can_manage_rounds(actor)
        or (permissions.is_department_user(actor) and actor.department_id == department_id)
    ):
        raise PermissionDenied
    if metric.kind != TargetKind.ENTERED:
        raise ServiceError(_("This target is computed; it cannot be entered."))
    with transaction.atomic():
        entry = TargetEntry.objects.select_for_update().filter(
            metric=metric, round=round_
        ).first() or TargetEntry(metric=metric, round=round_, entered_by=actor)
        entry.value, entry.source, entry.entered_by = value, source.strip(), actor
        entry.entered_at = timezone.now()
        _save(entry, actor)
    return entry
