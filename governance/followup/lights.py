"""The three traffic lights of a follow-up report, computed from the round's thresholds.

The rules as built (each light is green, yellow or red; yellow is at half of
the red threshold; "more than" means a value exactly at a threshold does not
pass it):

cost
    overrun = expected total cost − granted total (the baseline).
    red    if overrun > granted × red % or overrun > red amount;
    yellow if overrun > granted × red % / 2 or overrun > red amount / 2;
    else green. No expected total reported: cannot be computed.
schedule
    red    if the expected completion date is after the approved date plus
           the red number of months (calendar months, a day past the end of
           a shorter month clamps to its last day);
    yellow if it is more than half that span (in days, rounded down) after
           the approved date;
    else green. No expected date: cannot be computed.
benefits
    planned = the gains of the case's economy in the years the round covers
    (the years before the round's year in May; up to and including it in
    November); shortfall = planned − realised in those years.
    red    if shortfall > planned × red %;
    yellow if shortfall > planned × red % / 2;
    else green. Nothing planned yet: green ("nothing planned yet").
"""

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from kkdigital.lib.money import format_kr as _kr

from .models import Light


@dataclass(frozen=True)
class Thresholds:
    cost_red_percent: Decimal = Decimal("10")
    cost_red_amount: int = 5_000_000
    schedule_red_months: int = 3
    benefits_red_percent: Decimal = Decimal("10")

    @classmethod
    def of(cls, round_) -> "Thresholds":
        return cls(
            cost_red_percent=Decimal(round_.cost_red_percent),
            cost_red_amount=int(round_.cost_red_amount),
            schedule_red_months=int(round_.schedule_red_months),
            benefits_red_percent=Decimal(round_.benefits_red_percent),
        )


@dataclass(frozen=True)
class LightResult:
    light: str
    explanation: str


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _exceeds_percent(amount: int, base: int, percent: Decimal) -> bool:
    """amount > base × percent / 100, exactly (no floating point)."""
    return Decimal(amount) * 100 > Decimal(base) * percent


def cost_level(*, granted: int, expected: int | None, t: Thresholds) -> str:
    """The cost light alone (a round's overview judges a thousand reports at once)."""
    if expected is None:
        return Light.NONE
    overrun = expected - granted
    if _exceeds_percent(overrun, granted, t.cost_red_percent) or overrun > t.cost_red_amount:
        return Light.RED
    if (
        _exceeds_percent(overrun, granted, t.cost_red_percent / 2)
        or Decimal(overrun) > Decimal(t.cost_red_amount) / 2
    ):
        return Light.YELLOW
    return Light.GREEN


def cost_light(*, granted: int, expected: int | None, t: Thresholds) -> LightResult:
    light = cost_level(granted=granted, expected=expected, t=t)
    if light == Light.NONE:
        return LightResult(Light.NONE, _("No expected total cost has been reported."))
    if light == Light.GREEN:
        return LightResult(Light.GREEN, _("The expected total is within the grant's margin."))
    values = {"overrun": _kr(expected - granted), "granted": _kr(granted)}
    return LightResult(
        light, _("The expected total exceeds the granted %(granted)s by %(overrun)s") % values
    )


def schedule_level(
    *, approved: datetime.date, expected: datetime.date | None, t: Thresholds
) -> str:
    """The schedule light alone."""
    if expected is None:
        return Light.NONE
    red_after = add_months(approved, t.schedule_red_months)
    if expected > red_after:
        return Light.RED
    if (expected - approved).days > (red_after - approved).days // 2:
        return Light.YELLOW
    return Light.GREEN


def schedule_light(
    *, approved: datetime.date, expected: datetime.date | None, t: Thresholds
) -> LightResult:
    light = schedule_level(approved=approved, expected=expected, t=t)
    if light == Light.NONE:
        return LightResult(Light.NONE, _("No expected completion date has been reported."))
    late_days = (expected - approved).days
    if light == Light.GREEN and late_days <= 0:
        return LightResult(Light.GREEN, _("Expected on or before the approved date."))
    return LightResult(light, _("Expected %(days)s days after the approved date.") % {
        "days": late_days
    })


def benefits_level(*, planned: int, realised: int, t: Thresholds) -> str:
    """The benefits light alone."""
    if planned <= 0:
        return Light.GREEN
    shortfall = planned - realised
    if _exceeds_percent(shortfall, planned, t.benefits_red_percent):
        return Light.RED
    if _exceeds_percent(shortfall, planned, t.benefits_red_percent / 2):
        return Light.YELLOW
    return Light.GREEN


def benefits_light(*, planned: int, realised: int, t: Thresholds) -> LightResult:
    light = benefits_level(planned=planned, realised=realised, t=t)
    if planned <= 0:
        return LightResult(Light.GREEN, _("No gains were planned for the years so far."))
    values = {"realised": _kr(realised), "planned": _kr(planned)}
    return LightResult(light, _("Realised %(realised)s of the planned %(planned)s") % values)
