"""Allocations: who may request, recommend and grant, and capacity as a hard limit."""

import pytest

from financing import services
from financing.models import Allocation, ChannelKind
from financing.selectors import allocations_by_case, channel_year_totals
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState, EconomyKind

from .factories import CaseEconomyLineFactory, InvestmentCaseFactory
from .factories_money import capacities, channels

pytestmark = pytest.mark.django_db


@pytest.fixture
def money(cycle):
    chans = channels()
    for channel in chans.values():
        capacities(channel, {2027: 10_000_000, 2028: 10_000_000})
    return chans


def test_the_department_requests_money_for_its_draft(money, department, staff, cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle)
    services.allocation_request_set(
        actor=staff, case=case, channel=money[ChannelKind.FRAME],
        amounts={2027: 2_000_000, 2028: 1_000_000},
    )
    rows = Allocation.objects.filter(case=case).order_by("year")
    assert [(a.year, a.requested) for a in rows] == [(2027, 2_000_000), (2028, 1_000_000)]
    assert rows[0].history.first().history_user == staff


def test_it_refuses_a_request_from_another_department(money, outsider, department, cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle)
    with pytest.raises(ServiceError):
        services.allocation_request_set(
            actor=outsider, case=case, channel=money[ChannelKind.FRAME], amounts={2027: 1}
        )
    assert not Allocation.objects.exists()


def test_it_refuses_a_request_once_the_case_is_submitted(money, department, staff, cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.SUBMITTED)
    with pytest.raises(ServiceError):
        services.allocation_request_set(
            actor=staff, case=case, channel=money[ChannelKind.FRAME], amounts={2027: 1}
        )


def test_a_loan_request_needs_retendering_costs(money, department, staff, cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle)
    with pytest.raises(ServiceError, match="genudbud"):
        services.allocation_request_set(
            actor=staff, case=case, channel=money[ChannelKind.LOAN], amounts={2027: 500_000}
        )
    CaseEconomyLineFactory(case=case, kind=EconomyKind.RETENDER, amount=500_000)
    services.allocation_request_set(
        actor=staff, case=case, channel=money[ChannelKind.LOAN], amounts={2027: 500_000}
    )
    assert Allocation.objects.get(case=case).requested == 500_000


def test_a_year_outside_the_cycle_is_refused_next_to_the_field(money, department, staff, cycle):
    case = InvestmentCaseFactory(department=department, cycle=cycle)
    with pytest.raises(ServiceError) as error:
        services.allocation_request_set(
            actor=staff, case=case, channel=money[ChannelKind.FRAME], amounts={2035: 1}
        )
    assert "amount_2035" in error.value.problems


def test_a_grant_past_the_capacity_says_by_how_much(money, secretariat, cycle, department):
    frame = money[ChannelKind.FRAME]
    first = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    second = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    services.allocation_grant_set(
        actor=secretariat, case=first, channel=frame, amounts={2027: 7_000_000}
    )
    with pytest.raises(services.CapacityExceeded) as error:
        services.allocation_grant_set(
            actor=secretariat, case=second, channel=frame, amounts={2027: 4_500_000}
        )
    assert "1.500.000 kr." in error.value.message
    assert error.value.over == {2027: 1_500_000}
    assert not Allocation.objects.filter(case=second).exists()


def test_the_secretariat_may_exceed_the_capacity_with_a_logged_reason(
    money, secretariat, cycle, department
):
    frame = money[ChannelKind.FRAME]
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    services.allocation_grant_set(
        actor=secretariat, case=case, channel=frame, amounts={2027: 12_000_000},
        override_reason="ØU besluttede at finansiere fuldt",
    )
    allocation = Allocation.objects.get(case=case)
    assert allocation.granted == 12_000_000
    assert allocation.override_reason == "ØU besluttede at finansiere fuldt"
    assert "ØU besluttede" in allocation.history.first().history_change_reason


def test_directors_cannot_override_the_capacity(money, director, cycle, department):
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.QUALIFIED)
    with pytest.raises(services.CapacityExceeded):
        services.allocation_recommend_set(
            actor=director, case=case, channel=money[ChannelKind.FRAME],
            amounts={2027: 11_000_000}, override_reason="Vigtigt",
        )


def test_only_the_secretariat_grants(money, director, cycle, department):
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    with pytest.raises(ServiceError):
        services.allocation_grant_set(
            actor=director, case=case, channel=money[ChannelKind.FRAME], amounts={2027: 1}
        )


def test_a_grant_replaces_the_recommendation_in_the_capacity(money, secretariat, cycle, department):
    frame = money[ChannelKind.FRAME]
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    services.allocation_recommend_set(
        actor=secretariat, case=case, channel=frame, amounts={2027: 8_000_000}
    )
    services.allocation_grant_set(
        actor=secretariat, case=case, channel=frame, amounts={2027: 6_000_000}
    )
    row = next(r for r in channel_year_totals(cycle) if r.channel == frame and r.year == 2027)
    assert (row.recommended, row.granted, row.committed, row.remaining) == (
        8_000_000, 6_000_000, 6_000_000, 4_000_000
    )


def test_allocations_by_case_is_one_query(money, cycle, department, django_assert_num_queries):
    cases = [InvestmentCaseFactory(department=department, cycle=cycle) for _ in range(3)]
    for case in cases:
        Allocation.objects.create(case=case, channel=money[ChannelKind.FRAME], year=2027,
                                  requested=5)
    with django_assert_num_queries(1):
        result = allocations_by_case(cases)
    assert all(len(result[c.pk]) == 1 for c in cases)
