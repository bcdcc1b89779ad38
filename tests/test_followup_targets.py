"""Department strategies: computed targets equal an independent computation; entered targets."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from governance.followup import services
from governance.followup.models import FollowUpReport
from governance.followup.targets import green_share, realised_gains, target_statuses
from portfolio.models import CaseState, CaseType
from strategy.models import DepartmentStrategy, SignatureProject, TargetKind, TargetMetric

from .factories import BudgetCycleFactory, InvestmentCaseFactory
from .factories_followup import approved_case, fill, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def strategy(department):
    strategy = DepartmentStrategy.objects.create(
        department=department,
        name="Digitaliseringsstrategi for BIF 2025–2027",
        starts_year=2025,
        ends_year=2027,
    )
    TargetMetric.objects.create(
        strategy=strategy, order=1, name="Tilfredshed", kind=TargetKind.ENTERED, unit="score"
    )
    TargetMetric.objects.create(
        strategy=strategy,
        order=2,
        name="Effektiviseringer",
        kind=TargetKind.REALISED_GAINS,
        unit="kroner",
        target_low=45_000_000,
        target_high=50_000_000,
        due_year=2030,
    )
    TargetMetric.objects.create(
        strategy=strategy,
        order=3,
        name="Grønne krav",
        kind=TargetKind.GREEN_SHARE,
        unit="percent",
        target_low=80,
        due_year=2027,
    )
    return strategy


def test_the_green_share_equals_an_independent_count(strategy, department, other_department, cycle):
    states = [
        CaseState.APPROVED,
        CaseState.IN_PROGRESS,
        CaseState.COMPLETED,
        CaseState.FORWARDED,
        CaseState.REJECTED,
    ]
    made = []
    for i, state in enumerate(states * 2):
        made.append(
            InvestmentCaseFactory(
                department=department, cycle=cycle, state=state, green_requirements=i % 3 == 0
            )
        )
    InvestmentCaseFactory(
        department=department,
        cycle=cycle,
        state=CaseState.APPROVED,
        case_type=CaseType.RETENDER,
        green_requirements=True,
    )
    InvestmentCaseFactory(
        department=other_department, cycle=cycle, state=CaseState.APPROVED, green_requirements=True
    )
    InvestmentCaseFactory(
        department=department,
        cycle=BudgetCycleFactory(budget_year=2024),
        state=CaseState.APPROVED,
        green_requirements=True,
    )
    approved = [c for c in made if c.state in states[:3]]
    expected = (sum(c.green_requirements for c in approved), len(approved))
    assert green_share(department, strategy) == expected
    status = next(s for s in target_statuses(strategy, {}) if s.metric.kind == "green_share")
    assert status.value == (Decimal(expected[0] * 100) / expected[1]).quantize(Decimal("0.1"))
    assert status.met is False


def test_realised_gains_equal_an_independent_sum_of_the_latest_submitted_reports(
    strategy, secretariat, staff, it_lead, department, cycle
):
    a = approved_case(department=department, cycle=cycle, title="A", gains={2027: 2_000_000})
    b = approved_case(department=department, cycle=cycle, title="B", gains={2027: 1_000_000})
    may = open_round(secretariat, year=2028, season="may")
    for case, realised in ((a, 1_500_000), (b, 700_000)):
        report = FollowUpReport.objects.get(round=may, case=case)
        fill(
            report,
            staff,
            expected_total=1,
            expected_completion=datetime.date(2028, 12, 31),
            years={2027: (0, realised)},
        )
        services.report_submit(actor=it_lead, report=report)
    november = open_round(secretariat, year=2028, season="november")
    report = FollowUpReport.objects.get(round=november, case=a)
    fill(
        report,
        staff,
        expected_total=1,
        expected_completion=datetime.date(2028, 12, 31),
        years={2027: (0, 1_800_000), 2028: (0, 400_000)},
    )
    services.report_submit(actor=it_lead, report=report)
    # b's November report is not submitted: its May report counts.
    assert realised_gains(department) == 1_800_000 + 400_000 + 700_000


def test_an_entered_target_needs_a_source_and_the_right_department(
    strategy, secretariat, staff, outsider
):
    round_ = open_round(secretariat)
    metric = strategy.targets.get(kind=TargetKind.ENTERED)
    with pytest.raises(PermissionDenied):
        services.target_entry_set(actor=outsider, metric=metric, round_=round_, value=4, source="x")
    entry = services.target_entry_set(
        actor=staff,
        metric=metric,
        round_=round_,
        value=Decimal("4.1"),
        source="Pulsmåling maj 2028",
    )
    assert entry.source == "Pulsmåling maj 2028"
    status = next(s for s in target_statuses(strategy, {metric.pk: entry}) if s.metric == metric)
    assert status.basis == "Pulsmåling maj 2028"


def test_the_plan_page_shows_the_strategy_targets_and_signature_projects(
    client, staff, strategy, department, cycle
):
    case = approved_case(department=department, cycle=cycle, title="AI til resumé")
    project = SignatureProject.objects.create(
        strategy=strategy, number=1, name="Fremtidens digitale jobunivers"
    )
    project.cases.add(case)
    client.force_login(staff)
    url = reverse("portfolio:department-plan", args=[department.code, cycle.budget_year])
    body = client.get(url).content.decode()
    assert strategy.name in body
    assert "45–50 mio. kr." in body
    assert "Fremtidens digitale jobunivers" in body and case.get_absolute_url() in body
    assert (
        reverse(
            "governance:followup-target-entry",
            args=[strategy.targets.get(kind=TargetKind.ENTERED).pk],
        )
        in body
    )
