"""The traffic lights at, just below and just above each threshold (no database)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.followup.lights import (
    Thresholds,
    add_months,
    benefits_light,
    cost_light,
    schedule_light,
)
from governance.followup.models import Light

T = Thresholds(
    cost_red_percent=Decimal("10"),
    cost_red_amount=5_000_000,
    schedule_red_months=3,
    benefits_red_percent=Decimal("10"),
)
GRANTED = 10_000_000  # 10 % = 1.000.000 kr., far below the 5 mio. amount rule


@pytest.mark.parametrize(
    ("expected", "light"),
    [
        (GRANTED, Light.GREEN),
        (GRANTED + 500_000, Light.GREEN),  # at yellow (5 %): not more than
        (GRANTED + 500_001, Light.YELLOW),  # just above yellow
        (GRANTED + 999_999, Light.YELLOW),  # just below red
        (GRANTED + 1_000_000, Light.YELLOW),  # at red (10 %)
        (GRANTED + 1_000_001, Light.RED),  # just above red
        (GRANTED - 3_000_000, Light.GREEN),  # under budget
    ],
)
def test_cost_light_by_percent(expected, light):
    assert cost_light(granted=GRANTED, expected=expected, t=T).light == light


@pytest.mark.parametrize(
    ("expected", "light"),
    [
        # 10 % of 200 mio. is 20 mio.: the amount rule (5 mio.) decides first.
        (200_000_000 + 2_500_000, Light.GREEN),  # at yellow amount (2,5 mio.)
        (200_000_000 + 2_500_001, Light.YELLOW),
        (200_000_000 + 4_999_999, Light.YELLOW),
        (200_000_000 + 5_000_000, Light.YELLOW),  # at red amount
        (200_000_000 + 5_000_001, Light.RED),
    ],
)
def test_cost_light_by_amount(expected, light):
    assert cost_light(granted=200_000_000, expected=expected, t=T).light == light


def test_cost_light_cannot_be_computed_without_an_expected_total():
    assert cost_light(granted=GRANTED, expected=None, t=T).light == Light.NONE


def test_cost_explanation_names_the_overrun():
    result = cost_light(granted=GRANTED, expected=GRANTED + 2_000_000, t=T)
    assert "2.000.000 kr." in result.explanation


APPROVED = datetime.date(2027, 6, 30)
RED_AT = datetime.date(2027, 9, 30)  # approved + 3 months
YELLOW_DAYS = (RED_AT - APPROVED).days // 2  # 46 days


@pytest.mark.parametrize(
    ("expected", "light"),
    [
        (APPROVED - datetime.timedelta(days=10), Light.GREEN),
        (APPROVED, Light.GREEN),
        (APPROVED + datetime.timedelta(days=YELLOW_DAYS), Light.GREEN),  # at yellow
        (APPROVED + datetime.timedelta(days=YELLOW_DAYS + 1), Light.YELLOW),
        (RED_AT - datetime.timedelta(days=1), Light.YELLOW),  # just below red
        (RED_AT, Light.YELLOW),  # at red: 3 months late is not more than 3 months
        (RED_AT + datetime.timedelta(days=1), Light.RED),  # just above red
    ],
)
def test_schedule_light(expected, light):
    assert schedule_light(approved=APPROVED, expected=expected, t=T).light == light


def test_schedule_light_cannot_be_computed_without_a_date():
    assert schedule_light(approved=APPROVED, expected=None, t=T).light == Light.NONE


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(datetime.date(2027, 11, 30), 3) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2027, 1, 31), 1) == datetime.date(2027, 2, 28)


PLANNED = 4_000_000  # 10 % behind = 400.000 kr. short; 5 % = 200.000 kr.


@pytest.mark.parametrize(
    ("realised", "light"),
    [
        (PLANNED, Light.GREEN),
        (PLANNED + 1_000_000, Light.GREEN),
        (PLANNED - 200_000, Light.GREEN),  # at yellow
        (PLANNED - 200_001, Light.YELLOW),  # just above yellow
        (PLANNED - 399_999, Light.YELLOW),  # just below red
        (PLANNED - 400_000, Light.YELLOW),  # at red
        (PLANNED - 400_001, Light.RED),  # just above red
        (0, Light.RED),
    ],
)
def test_benefits_light(realised, light):
    assert benefits_light(planned=PLANNED, realised=realised, t=T).light == light


def test_benefits_light_is_green_when_nothing_was_planned_yet():
    assert benefits_light(planned=0, realised=0, t=T).light == Light.GREEN


def test_thresholds_are_the_rounds():
    t = Thresholds(
        cost_red_percent=Decimal("20"),
        cost_red_amount=10**12,
        schedule_red_months=6,
        benefits_red_percent=Decimal("30"),
    )
    assert cost_light(granted=GRANTED, expected=GRANTED + 900_000, t=t).light == Light.GREEN
    assert (
        schedule_light(approved=APPROVED, expected=RED_AT + datetime.timedelta(days=1), t=t).light
        == Light.YELLOW
    )
    assert benefits_light(planned=PLANNED, realised=PLANNED - 500_000, t=t).light == Light.GREEN


@given(
    granted=st.integers(min_value=0, max_value=10**10),
    overrun=st.integers(min_value=-(10**9), max_value=10**10),
)
def test_more_overrun_never_gives_a_better_cost_light(granted, overrun):
    order = [Light.GREEN, Light.YELLOW, Light.RED]
    a = cost_light(granted=granted, expected=granted + overrun, t=T).light
    b = cost_light(granted=granted, expected=granted + overrun + 1, t=T).light
    assert order.index(b) >= order.index(a)


@given(
    planned=st.integers(min_value=1, max_value=10**10),
    realised=st.integers(min_value=0, max_value=10**10),
)
def test_red_benefits_means_more_than_the_threshold_behind(planned, realised):
    result = benefits_light(planned=planned, realised=realised, t=T).light
    assert (result == Light.RED) == ((planned - realised) * 10 > planned)
