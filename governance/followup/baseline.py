"""What a case is followed up against: granted amounts, the approved date, the planned gains.

Granted amounts come from financing's allocations (ØU's grants per channel and
year). A case approved without a recorded grant is followed up against the
costs of its own economy, and the baseline says so.
"""

import datetime
from collections import defaultdict

from django.db.models import Sum

from financing.models import Allocation
from portfolio.models import EconomyKind

COST_KINDS = (EconomyKind.INVESTMENT, EconomyKind.OPERATING, EconomyKind.RETENDER)


def granted_by_case(case_ids) -> dict[int, dict[int, int]]:
    """{case id: {year: granted kroner}} over all channels, in one query."""
    result: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        Allocation.objects.filter(case_id__in=list(case_ids), granted__isnull=False)
        .order_by()
        .values("case_id", "year")
        .annotate(total=Sum("granted"))
    )
    for row in rows:
        result[row["case_id"]][row["year"]] = int(row["total"] or 0)
    return dict(result)


def economy_costs_by_year(case) -> dict[int, int]:
    """The case's own costs per year (investment, operating, re-tendering)."""
    costs: dict[int, int] = defaultdict(int)
    for line in case.economy_lines.all():
        if line.year is not None and line.kind in COST_KINDS:
            costs[line.year] += int(line.amount)
    return {year: amount for year, amount in costs.items() if amount}


def planned_gains_by_year(case) -> dict[int, int]:
    """The gains of the case's business case per year, as positive kroner."""
    gains: dict[int, int] = defaultdict(int)
    for line in case.economy_lines.all():
        if line.year is not None and line.kind == EconomyKind.GAIN:
            gains[line.year] += -int(line.amount)
    return dict(gains)


def default_completion_date(case) -> datetime.date:
    """Until the Economic Committee sets another: the end of the last year with investment."""
    years = [
        line.year
        for line in case.economy_lines.all()
        if line.year is not None
        and line.kind in (EconomyKind.INVESTMENT, EconomyKind.RETENDER)
        and line.amount
    ]
    return datetime.date(max(years) if years else case.cycle.budget_year, 12, 31)


def last_year_covered(round_) -> int:
    """The last year a round reports realised figures for: in May the year before the
    round's year, in November the round's year."""
    from .models import Season

    return round_.year - 1 if round_.season == Season.MAY else round_.year


def years_covered(round_, years) -> list[int]:
    """The years a round reports realised figures for (``last_year_covered`` and before)."""
    last = last_year_covered(round_)
    return sorted(y for y in years if y <= last)
