"""The money part of a budget note, read from the financing app (see MONEY_API.md).

Written against the money contract: ``financing.models.Allocation`` (requested,
recommended, granted per case, channel and year), ``financing.selectors.pool_result``,
``financing.models.Loan`` / ``LoanInstalment`` and ``portfolio.economy.payback_years``.
While a branch does not have those yet, the note says that no financing is
recorded and computes the payback itself (same rule as the contract).
"""

from dataclasses import dataclass, field

from portfolio.models import EconomyKind

try:  # the money helper's models; absent until "money" is merged
    from financing.models import Allocation, Loan, LoanInstalment, PoolRules
except ImportError:  # pragma: no cover - depends on the merge order
    Allocation = Loan = LoanInstalment = PoolRules = None

try:
    from financing.selectors import pool_result
except ImportError:  # pragma: no cover
    pool_result = None

try:
    from portfolio.economy import payback_years as contract_payback_years
except ImportError:  # pragma: no cover
    contract_payback_years = None


@dataclass
class ChannelFinancing:
    """One channel's requested, recommended and granted amounts by year."""

    channel: object
    years: list[int]
    requested: dict[int, int | None] = field(default_factory=dict)
    recommended: dict[int, int | None] = field(default_factory=dict)
    granted: dict[int, int | None] = field(default_factory=dict)

    def rows(self):
        """(label key, cells by year, total) for the template."""
        out = []
        for key, values in (
            ("requested", self.requested),
            ("recommended", self.recommended),
            ("granted", self.granted),
        ):
            cells = [values.get(year) for year in self.years]
            known = [c for c in cells if c is not None]
            out.append((key, cells, sum(known) if known else None))
        return out

    @property
    def requested_total(self) -> int:
        return sum(v or 0 for v in self.requested.values())


@dataclass
class LoanView:
    principal: int
    payout_year: int
    term_years: int
    rate: object
    instalments: list  # (year, principal_part, interest_part, moved_from_year)

    @property
    def principal_total(self) -> int:
        return sum(row[1] for row in self.instalments)

    @property
    def interest_total(self) -> int:
        return sum(row[2] for row in self.instalments)


def financing_available() -> bool:
    return Allocation is not None


def allocations_for(cases) -> dict[int, list]:
    """Allocations of ``cases`` by case id, in one query (empty without the money app)."""
    if Allocation is None:
        return {}
    by_case: dict[int, list] = {}
    rows = Allocation.objects.filter(case__in=[c.pk for c in cases]).select_related("channel")
    for allocation in rows.order_by("channel__kind", "year"):
        by_case.setdefault(allocation.case_id, []).append(allocation)
    return by_case


def channel_financing(allocations, years: list[int]) -> list[ChannelFinancing]:
    channels: dict[int, ChannelFinancing] = {}
    for allocation in allocations:
        entry = channels.get(allocation.channel_id)
        if entry is None:
            all_years = sorted(set(years) | {a.year for a in allocations})
            entry = channels[allocation.channel_id] = ChannelFinancing(
                channel=allocation.channel, years=all_years
            )
        # The pool may have two rounds in a year: the note shows the year's sum.
        for values, amount in (
            (entry.requested, allocation.requested),
            (entry.recommended, allocation.recommended),
            (entry.granted, allocation.granted),
        ):
            if amount is not None:
                values[allocation.year] = (values.get(allocation.year) or 0) + amount
            else:
                values.setdefault(allocation.year, None)
    return list(channels.values())


# ``pool_rules`` not handed in: the pool result reads the case's cycle's rules itself.
READ_RULES = object()


def pool_rules_by_cycle(cases) -> dict[int, object]:
    """The pool rules of the cases' cycles by cycle id, in one query (a cycle without
    rules is absent: its cases get None, "no rules set")."""
    if PoolRules is None:
        return {}
    cycle_ids = {case.cycle_id for case in cases}
    return {rules.cycle_id: rules for rules in PoolRules.objects.filter(cycle_id__in=cycle_ids)}


def pool_result_for(case, *, allocations=None, pool_rules=READ_RULES):
    """The pool criteria's result, or None where the pool does not apply.

    ``allocations`` (the case's, with their channel) and ``pool_rules`` (from
    :func:`pool_rules_by_cycle`) may be handed in, read once for many cases; without
    them the case's allocations and its cycle's rules are read here."""
    if pool_result is None:
        return None
    args = () if pool_rules is READ_RULES else (pool_rules.get(case.cycle_id),)
    result = pool_result(case, *args, allocations=allocations)
    return result if getattr(result, "applies", False) else None


def loans_by_case(cases) -> dict[int, list[LoanView]]:
    """The internal loans of ``cases`` by case id, in two queries whatever their number
    (none without the money app)."""
    if Loan is None:
        return {}
    ids = [c.pk for c in cases]
    # The instalments by their own query, not a prefetch: a prefetch runs only when
    # some case has a loan, and a note's query count would depend on the case.
    schedules: dict[int, list[tuple]] = {}
    for row in LoanInstalment.objects.filter(loan__case__in=ids).values_list(
        "loan_id", "year", "principal_part", "interest_part", "moved_from_year"
    ):
        schedules.setdefault(row[0], []).append(row[1:])
    by_case: dict[int, list[LoanView]] = {}
    for loan in Loan.objects.filter(case__in=ids).order_by("pk"):
        instalments = sorted(schedules.get(loan.pk, []), key=lambda row: row[0])
        by_case.setdefault(loan.case_id, []).append(
            LoanView(
                principal=loan.principal,
                payout_year=loan.payout_year,
                term_years=loan.term_years,
                rate=loan.rate,
                instalments=instalments,
            )
        )
    return by_case


def loans_for(case) -> list[LoanView]:
    return loans_by_case([case]).get(case.pk, [])


def payback(case, lines) -> int | None:
    """Whole years from the first investment until the gains have paid it back."""
    if contract_payback_years is not None:
        return contract_payback_years(case)
    return payback_from_lines(lines)


def payback_from_lines(lines) -> int | None:
    """The contract's rule on plain lines: count years from the first year with an
    investment (or re-tendering) cost until cumulative gains cover cumulative
    investment; the permanent gain continues after the last year. None if never."""
    invest: dict[int, int] = {}
    gains: dict[int, int] = {}
    permanent_gain = 0
    for line in lines:
        kind, year, amount = line.kind, line.year, line.amount
        if kind in (EconomyKind.INVESTMENT, EconomyKind.RETENDER) and year is not None:
            invest[year] = invest.get(year, 0) + amount
        elif kind == EconomyKind.GAIN:
            if year is None:
                permanent_gain += -amount
            else:
                gains[year] = gains.get(year, 0) + -amount
    invested_years = [y for y, a in invest.items() if a > 0]
    if not invested_years:
        return None
    first = min(invested_years)
    last = max([*invest, *gains])
    cost = gain = 0
    year = first
    while year <= last + 30:
        cost += invest.get(year, 0)
        gain += gains.get(year, permanent_gain if year > last else 0)
        if gain >= cost and cost > 0:
            return year - first + 1
        year += 1
    return None
