"""The financing pages: the case's money, the overview and its export, the loan ledger."""

import pytest
from django.urls import reverse

from financing import services
from financing.models import Allocation, ChannelKind
from financing.selectors import channel_year_totals
from portfolio.models import CaseState

from .factories import InvestmentCaseFactory
from .factories_money import PriceIndexFactory, capacities, channels

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(cycle):
    chans = channels()
    for channel in chans.values():
        capacities(channel, {year: 10_000_000 for year in cycle.out_years})
    PriceIndexFactory(year=2027)
    return chans


def test_the_department_requests_money_on_the_case_page(client, money, staff, department, cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle)
    client.force_login(staff)
    url = reverse("financing:case-financing", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"trin": "requested", "amount_frame_2027": "1.500.000"})
    assert response.status_code == 302
    assert Allocation.objects.get(case=case).requested == 1_500_000
    detail = client.get(case.get_absolute_url())
    assert 'id="finansiering"' in detail.content.decode()
    assert "1.500" in detail.content.decode()


def test_a_bad_amount_is_shown_next_to_its_cell(client, money, staff, department, cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle)
    client.force_login(staff)
    response = client.post(reverse("financing:case-financing", args=[case.pk]),
                           {"trin": "requested", "amount_frame_2027": "mange"})
    assert response.status_code == 200
    assert 'id="id_amount_frame_2027_error"' in response.content.decode()
    assert 'value="mange"' in response.content.decode()


def test_another_department_cannot_see_or_request(client, money, outsider, department, cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle)
    client.force_login(outsider)
    assert client.get(reverse("financing:case-financing", args=[case.pk])).status_code == 404


def test_a_committee_reader_cannot_change_money(client, money, committee_reader, department,
                                                cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    client.force_login(committee_reader)
    assert client.get(reverse("financing:case-financing", args=[case.pk])).status_code == 403


def test_a_grant_past_capacity_shows_the_danish_message(client, money, secretariat, department,
                                                        cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    client.force_login(secretariat)
    response = client.post(reverse("financing:case-financing", args=[case.pk]),
                           {"trin": "granted", "amount_frame_2027": "12.000.000"})
    assert response.status_code == 200
    assert "overskredet med 2.000.000 kr." in response.content.decode()
    assert not Allocation.objects.exists()


def test_the_overview_is_for_secretariat_directors_and_committee(client, money, staff,
                                                                 committee_reader):
    url = reverse("financing:overview")
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(committee_reader)
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="financing-chart-data"' in page.content.decode()


def _make_cases(count, department, cycle, frame, secretariat):
    for _ in range(count):
        case = InvestmentCaseFactory(department=department, cycle=cycle,
                                     state=CaseState.FORWARDED)
        services.allocation_grant_set(actor=secretariat, case=case, channel=frame,
                                      amounts={2027: 100_000, 2028: 50_000})


def test_the_overview_costs_the_same_queries_at_two_sizes(
    client, money, secretariat, department, other_department, cycle,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(secretariat)
    url = reverse("financing:overview")
    _make_cases(2, department, cycle, money[ChannelKind.FRAME], secretariat)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _make_cases(8, other_department, cycle, money[ChannelKind.FRAME], secretariat)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_the_export_matches_the_overview(client, money, secretariat, department, cycle):
    _make_cases(3, department, cycle, money[ChannelKind.FRAME], secretariat)
    client.force_login(secretariat)
    response = client.get(reverse("financing:overview-export", args=["csv"]))
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Kanal;År")
    frame_2027 = next(line for line in lines if line.startswith("Flerårig ramme;2027"))
    assert frame_2027.split(";")[3:8] == ["10000000", "0", "0", "300000", "9700000"]
    xlsx = client.get(reverse("financing:overview-export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    row = next(r for r in channel_year_totals(cycle) if r.year == 2027
               and r.channel.kind == ChannelKind.FRAME)
    assert row.granted == 300_000


@pytest.fixture
def loan(money, cycle, department, secretariat):
    from financing.models import LoanTerms
    from portfolio.models import EconomyKind

    from .factories import CaseEconomyLineFactory

    LoanTerms.objects.create(cycle=cycle, term_years=3, rate=2)
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    CaseEconomyLineFactory(case=case, kind=EconomyKind.RETENDER, amount=1_000_000)
    services.allocation_grant_set(actor=secretariat, case=case, channel=money[ChannelKind.LOAN],
                                  amounts={2027: 1_000_000})
    return services.loan_create_from_grant(actor=secretariat, case=case)


def test_the_ledger_shows_paid_out_repaid_interest_and_outstanding(client, loan, staff):
    client.force_login(staff)
    page = client.get(reverse("financing:loan-ledger", args=[loan.department.code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "1.000.000" in body and "326.755" in body and "673.245" in body


def test_another_department_cannot_read_the_ledger(client, loan, outsider):
    client.force_login(outsider)
    url = reverse("financing:loan-ledger", args=[loan.department.code])
    assert client.get(url).status_code == 403


def test_the_secretariat_moves_an_instalment_with_a_reason(client, loan, secretariat, staff):
    url = reverse("financing:loan-move", args=[loan.pk])
    client.force_login(staff)
    assert client.get(url).status_code == 403
    client.force_login(secretariat)
    refused = client.post(url, {"from_year": 2029, "to_year": 2030, "reason": "ØU"})
    assert refused.status_code == 200
    assert "Vælg et senere år uden afdrag." in refused.content.decode()
    response = client.post(url, {"from_year": 2029, "to_year": 2031, "reason": "ØU 12/5"})
    assert response.status_code == 302
    assert loan.instalments.get(year=2031).moved_from_year == 2029


def test_the_case_page_shows_the_loan_schedule(client, loan, secretariat):
    client.force_login(secretariat)
    body = client.get(loan.case.get_absolute_url()).content.decode()
    assert "Afdragsplan" in body and "339.955" in body
