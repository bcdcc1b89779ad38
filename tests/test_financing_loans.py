"""Internal loans made from a grant; moving an instalment by a political decision."""

from decimal import Decimal

import pytest

from financing import services
from financing.models import ChannelKind, LoanInstalment, LoanReschedule, LoanTerms
from kkdigital.lib.errors import ServiceError
from portfolio.models import CaseState, EconomyKind

from .factories import CaseEconomyLineFactory, InvestmentCaseFactory
from .factories_money import capacities, channels

pytestmark = pytest.mark.django_db


@pytest.fixture
def granted_loan_case(cycle, department, secretariat):
    chans = channels()
    capacities(chans[ChannelKind.LOAN], {2027: 5_000_000})
    LoanTerms.objects.create(cycle=cycle, term_years=3, rate=Decimal("2"))
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    CaseEconomyLineFactory(case=case, kind=EconomyKind.RETENDER, amount=1_000_000)
    services.allocation_grant_set(
        actor=secretariat, case=case, channel=chans[ChannelKind.LOAN], amounts={2027: 1_000_000}
    )
    return case


def test_a_granted_loan_gets_its_annuity_schedule(granted_loan_case, secretariat):
    loan = services.loan_create_from_grant(actor=secretariat, case=granted_loan_case)
    assert (loan.principal, loan.payout_year, loan.term_years) == (1_000_000, 2027, 3)
    rows = list(loan.instalments.values_list("year", "principal_part", "interest_part"))
    assert rows == [
        (2028, 326_755, 20_000),
        (2029, 333_290, 13_465),
        (2030, 339_955, 6_799),
    ]


def test_it_refuses_a_second_loan_and_a_department_user(granted_loan_case, secretariat, staff):
    with pytest.raises(ServiceError):
        services.loan_create_from_grant(actor=staff, case=granted_loan_case)
    services.loan_create_from_grant(actor=secretariat, case=granted_loan_case)
    with pytest.raises(ServiceError):
        services.loan_create_from_grant(actor=secretariat, case=granted_loan_case)


def test_moving_an_instalment_is_logged_and_keeps_the_principal(granted_loan_case, secretariat):
    loan = services.loan_create_from_grant(actor=secretariat, case=granted_loan_case)
    services.loan_move_instalment(
        actor=secretariat, loan=loan, from_year=2029, to_year=2031,
        reason="ØU 12. maj: afdraget udskydes",
    )
    rows = {i.year: i for i in LoanInstalment.objects.filter(loan=loan)}
    assert sorted(rows) == [2028, 2029, 2030, 2031]
    assert rows[2029].principal_part == 0
    assert rows[2031].moved_from_year == 2029
    assert sum(i.principal_part for i in rows.values()) == 1_000_000
    record = LoanReschedule.objects.get(loan=loan)
    assert (record.from_year, record.to_year, record.decided_by) == (2029, 2031, secretariat)


def test_moving_needs_a_reason_and_a_later_free_year(granted_loan_case, secretariat):
    loan = services.loan_create_from_grant(actor=secretariat, case=granted_loan_case)
    with pytest.raises(ServiceError):
        services.loan_move_instalment(actor=secretariat, loan=loan, from_year=2029,
                                      to_year=2031, reason=" ")
    with pytest.raises(ServiceError):
        services.loan_move_instalment(actor=secretariat, loan=loan, from_year=2029,
                                      to_year=2030, reason="Beslutning")
    assert not LoanReschedule.objects.exists()


def test_a_zero_rate_loan_repays_in_equal_parts(cycle, department, secretariat):
    chans = channels()
    capacities(chans[ChannelKind.LOAN], {2027: 5_000_000})
    case = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    CaseEconomyLineFactory(case=case, kind=EconomyKind.RETENDER, amount=1_000_000)
    services.allocation_grant_set(
        actor=secretariat, case=case, channel=chans[ChannelKind.LOAN], amounts={2027: 1_000_000}
    )
    loan = services.loan_create_from_grant(actor=secretariat, case=case, term_years=3)
    assert list(loan.instalments.values_list("principal_part", "interest_part")) == [
        (333_333, 0), (333_333, 0), (333_334, 0)
    ]
