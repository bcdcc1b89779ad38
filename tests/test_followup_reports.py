"""Follow-up rounds and reports: who may do what, the snapshot, overrides and rebaselines."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from governance.followup import services
from governance.followup.evaluation import evaluate
from governance.followup.models import (
    BaselineSource,
    FollowUpReport,
    Light,
    ReportStatus,
    Season,
)
from governance.followup.reminders import missing_reports, send_followup_reminders
from governance.models import Notification
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState

from .factories_followup import approved_case, fill, open_round

pytestmark = pytest.mark.django_db

APPROVED = datetime.date(2028, 12, 31)  # the end of the last investment year


@pytest.fixture
def case(department, cycle):
    return approved_case(
        department=department, cycle=cycle, gains={2027: 1_000_000, 2028: 2_000_000}
    )


def report_of(case, round_):
    return FollowUpReport.objects.get(case=case, round=round_)


def test_a_round_gives_every_approved_and_in_progress_case_a_report(
    secretariat, department, other_department, cycle
):
    a = approved_case(department=department, cycle=cycle, title="A")
    b = approved_case(
        department=other_department, cycle=cycle, title="B", state=CaseState.IN_PROGRESS
    )
    approved_case(department=department, cycle=cycle, title="C", state=CaseState.FORWARDED)
    round_ = open_round(secretariat)
    reports = {r.case_id: r for r in round_.reports.all()}
    assert set(reports) == {a.pk, b.pk}
    assert reports[b.pk].department == other_department
    assert list(missing_reports(round_)) == sorted(
        reports.values(), key=lambda r: (r.department.name, r.case.title)
    )


@pytest.mark.parametrize("who", ["staff", "it_lead", "director", "committee_reader"])
def test_only_the_secretariat_opens_a_round(request, who, case):
    with pytest.raises(PermissionDenied):
        open_round(request.getfixturevalue(who))


def test_the_first_baseline_without_a_grant_is_the_cases_economy(secretariat, case):
    round_ = open_round(secretariat)
    baseline = report_of(case, round_).baseline
    assert baseline.source == BaselineSource.ECONOMY
    assert baseline.granted_total == 10_000_000
    assert baseline.completion_date == APPROVED


def test_the_department_fills_in_and_its_it_lead_submits(secretariat, staff, it_lead, case):
    round_ = open_round(secretariat, year=2028, season=Season.NOVEMBER)
    report = report_of(case, round_)
    fill(
        report,
        staff,
        expected_total=10_500_000,
        expected_completion=APPROVED,
        years={2027: (6_000_000, 1_000_000), 2028: (3_000_000, 1_800_000)},
    )
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=staff, report=report)
    report = services.report_submit(actor=it_lead, report=report)
    assert report.status == ReportStatus.SUBMITTED
    # 10,5 mio. of 10 mio.: 5 % over is at yellow, not above it.
    assert (report.cost_light, report.schedule_light, report.benefits_light) == (
        Light.GREEN,
        Light.GREEN,
        Light.YELLOW,
    )  # 200.000 short of 3 mio.: 6,7 %
    rows = {r.year: r for r in report.years.all()}
    assert (rows[2027].granted, rows[2027].benefits_planned) == (6_000_000, 1_000_000)


@pytest.mark.parametrize(
    "who", ["outsider", "outsider_it_lead", "director", "secretariat", "committee_reader"]
)
def test_nobody_outside_the_department_writes_its_report(request, who, secretariat, case):
    report = report_of(case, open_round(secretariat))
    with pytest.raises(PermissionDenied):
        fill(report, request.getfixturevalue(who), expected_total=1)


def test_another_departments_it_lead_cannot_submit(secretariat, staff, outsider_it_lead, case):
    report = report_of(case, open_round(secretariat))
    fill(report, staff, expected_total=1, expected_completion=APPROVED)
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=outsider_it_lead, report=report)


def test_a_submitted_report_is_read_only_and_keeps_its_snapshot(secretariat, staff, it_lead, case):
    report = report_of(case, open_round(secretariat))
    fill(report, staff, expected_total=10_000_000, expected_completion=APPROVED)
    services.report_submit(actor=it_lead, report=report)
    with pytest.raises(PermissionDenied):
        fill(report, staff, expected_total=99)
    # A later rebaseline does not change what was reported.
    services.case_rebaseline(
        actor=secretariat,
        case=case,
        granted_by_year={2027: 20_000_000},
        completion_date=APPROVED,
        decided_on=datetime.date(2028, 6, 1),
        decision_text="Ny bevilling.",
    )
    report.refresh_from_db()
    assert evaluate(report).granted_total == 10_000_000
    assert report.baseline.source == BaselineSource.ECONOMY


def test_a_stale_form_is_refused(secretariat, staff, colleague, case):
    report = report_of(case, open_round(secretariat))
    version = report.version
    fill(report, colleague, expected_total=1)
    with pytest.raises(ServiceError):
        services.report_save(
            actor=staff, report=report, data={"risks": "x"}, years={}, version=version
        )


def test_submit_needs_the_expected_figures_and_a_status(secretariat, it_lead, case):
    report = report_of(case, open_round(secretariat))
    with pytest.raises(ServiceError) as error:
        services.report_submit(actor=it_lead, report=report)
    assert set(error.value.problems) == {
        "expected_total_cost",
        "expected_completion",
        "status_text",
    }


def test_an_override_needs_a_justification_and_both_lights_are_shown(secretariat, staff, case):
    report = report_of(case, open_round(secretariat))
    with pytest.raises(ServiceError) as error:
        fill(report, staff, expected_total=20_000_000, cost_override=Light.GREEN)
    assert "cost_override_reason" in error.value.problems
    fill(
        report,
        staff,
        expected_total=20_000_000,
        cost_override=Light.GREEN,
        cost_override_reason="Merudgiften dækkes af forvaltningens egen ramme.",
    )
    report.refresh_from_db()
    cost = evaluate(report).lights[0]
    assert (cost.computed, cost.override, cost.effective) == (Light.RED, Light.GREEN, Light.GREEN)
    assert cost.is_overridden and "egen ramme" in cost.override_reason


def test_a_rebaseline_changes_the_baseline_and_says_so(secretariat, staff, case):
    report = report_of(case, open_round(secretariat))
    fill(report, staff, expected_total=13_000_000, expected_completion=datetime.date(2029, 6, 30))
    report.refresh_from_db()
    before = evaluate(report)
    assert [light.computed for light in before.lights[:2]] == [Light.RED, Light.RED]
    baseline = services.case_rebaseline(
        actor=secretariat,
        case=case,
        granted_by_year={2027: 7_000_000, 2028: 6_000_000},
        completion_date=datetime.date(2029, 6, 30),
        decided_on=datetime.date(2028, 4, 20),
        decision_text="ØU godkendte en udvidet ramme og ny tidsplan.",
    )
    report.refresh_from_db()
    assert report.baseline == baseline and baseline.is_rebaseline
    after = evaluate(report)
    assert after.granted_total == 13_000_000
    assert [light.computed for light in after.lights[:2]] == [Light.GREEN, Light.GREEN]
    # The old baseline is kept beside the new one.
    assert case.followup_baselines.count() == 2


def test_a_rebaseline_needs_the_decision(secretariat, case):
    with pytest.raises(ServiceError):
        services.case_rebaseline(
            actor=secretariat,
            case=case,
            granted_by_year={2027: 1},
            completion_date=APPROVED,
            decided_on=None,
            decision_text="",
        )


def test_only_the_secretariat_rebaselines(staff, case):
    with pytest.raises(PermissionDenied):
        services.case_rebaseline(
            actor=staff,
            case=case,
            granted_by_year={2027: 1},
            completion_date=APPROVED,
            decided_on=APPROVED,
            decision_text="x",
        )


def test_a_new_round_starts_from_the_last_report(secretariat, staff, it_lead, case):
    first = report_of(case, open_round(secretariat, year=2028, season=Season.MAY))
    fill(
        first,
        staff,
        expected_total=11_000_000,
        expected_completion=APPROVED,
        risks="Leverandøren er presset.",
        years={2027: (5_000_000, 900_000)},
        cost_override=Light.GREEN,
        cost_override_reason="Begrundet.",
    )
    services.report_submit(actor=it_lead, report=first)
    second = report_of(case, open_round(secretariat, year=2028, season=Season.NOVEMBER))
    assert second.previous == first
    assert (second.expected_total_cost, second.risks) == (11_000_000, "Leverandøren er presset.")
    assert second.years.get(year=2027).spent == 5_000_000
    assert second.cost_override == ""  # an override is justified again each round


def test_thresholds_change_only_until_a_report_is_submitted(secretariat, staff, it_lead, case):
    round_ = open_round(secretariat)
    services.round_set_thresholds(actor=secretariat, round_=round_, schedule_red_months=6)
    report = report_of(case, round_)
    fill(report, staff, expected_total=1, expected_completion=APPROVED)
    services.report_submit(actor=it_lead, report=report)
    with pytest.raises(ServiceError):
        services.round_set_thresholds(actor=secretariat, round_=round_, schedule_red_months=1)


def test_reminders_go_to_departments_with_missing_reports_once_a_day(
    secretariat, staff, it_lead, outsider, case
):
    round_ = open_round(secretariat, deadline=datetime.date(2028, 5, 20))
    assert send_followup_reminders(today=datetime.date(2028, 5, 10)) == []
    sent = send_followup_reminders(today=datetime.date(2028, 5, 13))
    assert {n.recipient for n in sent} == {staff, it_lead}
    assert case.title in sent[0].body
    assert send_followup_reminders(today=datetime.date(2028, 5, 13)) == []
    fill(report_of(case, round_), staff, expected_total=1, expected_completion=APPROVED)
    services.report_submit(actor=it_lead, report=report_of(case, round_))
    assert send_followup_reminders(today=datetime.date(2028, 5, 19)) == []
    assert not Notification.objects.filter(recipient=outsider).exists()
