"""The follow-up report's totals equal an independent sum; grants are the baseline."""

import datetime
import random

import pytest
from django.urls import reverse

from governance.followup.models import BaselineSource, FollowUpReport, Light
from governance.followup.selectors import round_summary
from kkdigital.lib.money import format_thousands

from .factories import DepartmentFactory, UserFactory
from .factories_followup import approved_case, fill, open_round
from .factories_money import AllocationFactory, channels

pytestmark = pytest.mark.django_db


def test_the_first_baseline_is_the_economic_committees_grant(secretariat, department, cycle):
    chans = channels()
    case = approved_case(department=department, cycle=cycle)
    AllocationFactory(
        case=case, channel=chans["frame"], year=2027, requested=6_000_000, granted=5_000_000
    )
    AllocationFactory(
        case=case, channel=chans["pool"], year=2028, requested=4_000_000, granted=3_000_000
    )
    AllocationFactory(case=case, channel=chans["pool"], year=2029, requested=1_000_000)
    round_ = open_round(secretariat)
    baseline = FollowUpReport.objects.get(round=round_, case=case).baseline
    assert baseline.source == BaselineSource.GRANT
    assert baseline.granted_by_year == {"2027": 5_000_000, "2028": 3_000_000}


def test_the_rounds_totals_equal_an_independent_sum(secretariat, cycle):
    from portfolio.models import Role

    rng = random.Random(13)
    chans = channels()
    departments = [DepartmentFactory() for _ in range(3)]
    users = {d.pk: UserFactory(department=d, roles=[Role.DEPARTMENT_STAFF]) for d in departments}
    cases = []
    for i in range(9):
        department = departments[i % 3]
        case = approved_case(
            department=department,
            cycle=cycle,
            title=f"Sag {i}",
            gains={2027: rng.randint(0, 3) * 500_000},
        )
        for year in (2027, 2028):
            channel = chans[["frame", "loan", "pool"][(i + year) % 3]]
            AllocationFactory(
                case=case,
                channel=channel,
                year=year,
                requested=9_000_000,
                granted=rng.randint(1, 9) * 1_000_000,
            )
        cases.append(case)
    round_ = open_round(secretariat, year=2028, season="november")
    entered = {}
    for case in cases:
        report = FollowUpReport.objects.get(round=round_, case=case)
        spent = {
            y: (rng.randint(0, 5) * 1_000_000, rng.randint(0, 4) * 250_000) for y in (2027, 2028)
        }
        expected = rng.choice([None, rng.randint(5, 20) * 1_000_000])
        fill(
            report,
            users[case.department_id],
            expected_total=expected,
            expected_completion=datetime.date(2029, 3, 1),
            years=spent,
        )
        entered[case.pk] = (spent, expected)

    summary = round_summary(round_)

    # Independently: straight from the allocations, the economy and what was typed in.
    from financing.models import Allocation
    from portfolio.models import CaseEconomyLine, EconomyKind

    granted = {c.pk: sum(a.granted for a in Allocation.objects.filter(case=c)) for c in cases}
    planned = {
        c.pk: -sum(
            line.amount
            for line in CaseEconomyLine.objects.filter(
                case=c, kind=EconomyKind.GAIN, year__lte=2028
            )
        )
        for c in cases
    }
    for department in departments:
        mine = [c for c in cases if c.department_id == department.pk]
        row = next(r for r in summary.by_department if r.label == department.name)
        assert row.granted == sum(granted[c.pk] for c in mine)
        assert row.spent == sum(s for c in mine for s, _r in entered[c.pk][0].values())
        assert row.realised == sum(r for c in mine for _s, r in entered[c.pk][0].values())
        assert row.planned == sum(planned[c.pk] for c in mine)
        assert row.expected == sum(
            entered[c.pk][1] if entered[c.pk][1] is not None else granted[c.pk] for c in mine
        )
    assert summary.total.granted == sum(granted.values())
    assert sum(r.granted for r in summary.by_channel) == summary.total.granted
    assert sum(r.cases for r in summary.by_channel) == len(cases)


def test_the_report_lists_red_cases_first_with_their_explanations(
    client, secretariat, committee_reader, department, staff, cycle
):
    green = approved_case(department=department, cycle=cycle, title="Grøn sag")
    red = approved_case(department=department, cycle=cycle, title="Rød sag")
    round_ = open_round(secretariat)
    fill(
        FollowUpReport.objects.get(round=round_, case=green),
        staff,
        expected_total=10_000_000,
        expected_completion=datetime.date(2028, 12, 31),
    )
    fill(
        FollowUpReport.objects.get(round=round_, case=red),
        staff,
        expected_total=14_000_000,
        expected_completion=datetime.date(2028, 12, 31),
        cost_override=Light.YELLOW,
        cost_override_reason="Merudgiften er finansieret.",
    )
    summary = round_summary(round_)
    assert [f.report.case for f in summary.red] == [red]
    assert summary.figures[0].report.case == red
    client.force_login(committee_reader)
    body = client.get(
        reverse("governance:followup-round-report", args=[round_.pk])
    ).content.decode()
    assert body.index("Rød sag") < body.index("Grøn sag")
    assert "Merudgiften er finansieret." in body
    assert format_thousands(summary.total.granted) in body


def test_the_report_downloads_as_a_pdf_for_readers_only(
    client, secretariat, committee_reader, staff, department, cycle
):
    import io

    from pypdf import PdfReader

    case = approved_case(department=department, cycle=cycle, title="Rød sag")
    round_ = open_round(secretariat)
    fill(FollowUpReport.objects.get(round=round_, case=case), staff,
         expected_total=14_000_000, expected_completion=datetime.date(2028, 12, 31))
    url = reverse("governance:followup-round-report-pdf", args=[round_.pk])
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(committee_reader)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Rød sag" in text and "Rød" in text
