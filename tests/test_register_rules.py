"""The re-tendering decision date, against values computed by hand."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portfolio.register.rules import add_months, decision_date, end_date

D = datetime.date


@pytest.mark.parametrize(
    "valid_to, irrevocable, notice, lead, expected",
    [
        # Valid to 30-06-2028, 6 months' notice, 18 months' lead: 24 months back.
        (D(2028, 6, 30), None, 6, 18, D(2026, 6, 30)),
        # Irrevocable until later than valid to: the irrevocable date counts.
        (D(2027, 12, 31), D(2028, 12, 31), 3, 18, D(2027, 3, 31)),
        # Irrevocable until earlier than valid to: valid to counts.
        (D(2031, 4, 30), D(2026, 4, 30), 12, 18, D(2028, 10, 30)),
        # No notice period: only the lead time.
        (D(2029, 12, 31), None, None, 18, D(2028, 6, 30)),
        # Only an irrevocable period.
        (None, D(2030, 1, 15), 0, 18, D(2028, 7, 15)),
        # A day that does not exist in the target month becomes its last day.
        (D(2028, 5, 31), None, 3, 0, D(2028, 2, 29)),
        (D(2027, 5, 31), None, 3, 0, D(2027, 2, 28)),
        # The secretariat's lead time of 24 months instead of 18.
        (D(2030, 3, 1), None, 6, 24, D(2027, 9, 1)),
    ],
)
def test_the_decision_date_equals_the_hand_computed_date(
    valid_to, irrevocable, notice, lead, expected
):
    assert (
        decision_date(
            valid_to=valid_to, irrevocable_until=irrevocable, notice_months=notice,
            lead_months=lead,
        )
        == expected
    )


def test_a_contract_without_end_date_has_no_decision_date():
    assert decision_date(valid_to=None, irrevocable_until=None, notice_months=6,
                         lead_months=18) is None
    assert end_date(None, None) is None


def test_extension_options_do_not_move_the_decision_date(db):
    from .factories_register import ContractFactory

    with_option = ContractFactory(valid_to=D(2028, 6, 30), notice_months=6,
                                  extension_options="2 x 12 måneder")
    without = ContractFactory(valid_to=D(2028, 6, 30), notice_months=6)
    assert with_option.decision_date == without.decision_date == D(2026, 6, 30)


def test_add_months_crosses_years_both_ways():
    assert add_months(D(2027, 1, 31), -1) == D(2026, 12, 31)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 1, 1), -24) == D(2024, 1, 1)

days = st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31))
months = st.integers(min_value=0, max_value=120)


@given(day=days, back=months)
def test_moving_back_and_forth_never_passes_the_start_and_keeps_the_month(day, back):
    there = add_months(day, -back)
    again = add_months(there, back)
    assert (again.year, again.month) == (day.year, day.month)
    assert again <= day
    assert (day.year * 12 + day.month) - (there.year * 12 + there.month) == back


@given(valid_to=days, irrevocable=st.none() | days, notice=st.none() | months,
       lead=months, more=st.integers(min_value=1, max_value=24))
def test_a_longer_lead_time_or_notice_never_gives_a_later_decision_date(
    valid_to, irrevocable, notice, lead, more
):
    base = decision_date(valid_to=valid_to, irrevocable_until=irrevocable,
                         notice_months=notice, lead_months=lead)
    longer_lead = decision_date(valid_to=valid_to, irrevocable_until=irrevocable,
                                notice_months=notice, lead_months=lead + more)
    longer_notice = decision_date(valid_to=valid_to, irrevocable_until=irrevocable,
                                  notice_months=(notice or 0) + more, lead_months=lead)
    assert longer_lead <= base and longer_notice <= base
    assert base <= end_date(valid_to, irrevocable)
