"""The re-tendering decision date: the one rule, in one place.

A contract ends on its "valid to" date, or on its "irrevocable until" date when
that is later (a contract cannot be ended before its irrevocable period is
over). Notice must be given ``notice_months`` before the end, and the
re-tendering itself takes the secretariat's tender lead time (default 18
months) before the notice. So::

    decision date = end date − notice period − tender lead time

Extension options not yet used are NOT added: the decision is whether to use an
option or re-tender, and it must be made by the same date. Months are
calendar months; a day that does not exist in the target month becomes that
month's last day (31 May − 3 months = 28/29 February).
"""

import calendar
import datetime

DEFAULT_TENDER_LEAD_MONTHS = 18


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months (negative: back), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def end_date(valid_to, irrevocable_until):
    """The later of the two dates; None when neither is known."""
    dates = [d for d in (valid_to, irrevocable_until) if d is not None]
    return max(dates) if dates else None


def decision_date(*, valid_to, irrevocable_until, notice_months, lead_months):
    """The latest date by which the re-tendering decision must be made (None: no end date)."""
    end = end_date(valid_to, irrevocable_until)
    if end is None:
        return None
    return add_months(end, -((notice_months or 0) + (lead_months or 0)))
