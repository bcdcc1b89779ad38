"""Reads of the money: the overview's totals, a case's allocations, the pool's verdict.

All sums are in the cycle's price level (``financing.prices``); each
allocation is converted from its own cycle's level before it is added.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, Sum
from django.utils.translation import gettext as _

from portfolio.economy import EconomyKind, payback_years, yearly_flows
from portfolio.models import CaseState

from .models import Allocation, ChannelCapacity, ChannelKind, FinancingChannel, PoolRules
from .prices import convert, cycle_price_year, price_indices

# A recommendation of a case in one of these states no longer holds capacity.
INACTIVE_STATES = (
    CaseState.WITHDRAWN,
    CaseState.REJECTED,
    CaseState.NOT_RECOMMENDED,
    CaseState.DEFERRED,
)


@dataclass(frozen=True)
class Row:
    """One channel in one year (the pool possibly per round) in the cycle's p/l."""

    channel: FinancingChannel
    year: int
    capacity: int
    requested: int
    recommended: int
    granted: int
    committed: int
    remaining: int
    round: str = ""
    price_year: int = 0

    @property
    def round_label(self) -> str:
        from .models import PoolRound

        return str(PoolRound(self.round).label) if self.round else ""

    @property
    def is_over(self) -> bool:
        return self.remaining < 0


def committed_filter() -> Q:
    """The allocations that hold capacity: of cases still in the running."""
    return ~Q(case__state__in=INACTIVE_STATES)


def _sum_rows(queryset, group_by: tuple[str, ...]):
    return queryset.values(*group_by, "case__cycle__budget_year").annotate(
        s_requested=Sum("requested", filter=~Q(case__state=CaseState.WITHDRAWN)),
        s_recommended=Sum("recommended", filter=committed_filter()),
        s_granted=Sum("granted"),
        s_committed_granted=Sum("granted", filter=committed_filter() & Q(granted__isnull=False)),
        s_committed_recommended=Sum(
            "recommended", filter=committed_filter() & Q(granted__isnull=True)
        ),
    )


def channel_year_totals(
    cycle, *, years: Iterable[int] | None = None, channels: list | None = None
) -> list[Row]:
    """Per channel and year of the cycle: capacity, requested, recommended, granted,
    committed (grant, else recommendation) and remaining (capacity − committed).

    Counts every allocation for those years (whatever cycle the case is in),
    converted to the cycle's price level. Four queries whatever the data size (three
    when the caller hands in the channels it has read, in their order of kind).
    """
    years = list(years or cycle.out_years)
    price_year = cycle_price_year(cycle)
    indices = price_indices()
    if channels is None:
        channels = list(FinancingChannel.objects.order_by("kind"))
    capacities = defaultdict(list)
    for capacity in ChannelCapacity.objects.filter(year__in=years):
        capacities[(capacity.channel_id, capacity.year)].append(capacity)
    sums = defaultdict(lambda: defaultdict(int))
    for row in _sum_rows(
        Allocation.objects.filter(year__in=years), ("channel_id", "year", "round")
    ):
        from_year = row["case__cycle__budget_year"]
        key = (row["channel_id"], row["year"], row["round"])
        for name in ("requested", "recommended", "granted"):
            sums[key][name] += convert(
                row[f"s_{name}"] or 0, from_year=from_year, to_year=price_year, indices=indices
            )
        sums[key]["committed"] += convert(
            (row["s_committed_granted"] or 0) + (row["s_committed_recommended"] or 0),
            from_year=from_year,
            to_year=price_year,
            indices=indices,
        )
    rows = []
    for channel in channels:
        for year in years:
            caps = capacities.get((channel.pk, year)) or [None]
            for capacity in sorted(caps, key=lambda c: c.round if c else ""):
                round_ = capacity.round if capacity else ""
                keys = [
                    key
                    for key in sums
                    if key[0] == channel.pk and key[1] == year and (not round_ or key[2] == round_)
                ]
                total = {
                    name: sum(sums[key][name] for key in keys)
                    for name in ("requested", "recommended", "granted", "committed")
                }
                amount = (
                    convert(
                        capacity.amount,
                        from_year=capacity.price_year,
                        to_year=price_year,
                        indices=indices,
                    )
                    if capacity
                    else 0
                )
                rows.append(
                    Row(
                        channel=channel,
                        year=year,
                        round=round_,
                        capacity=amount,
                        remaining=amount - total["committed"],
                        price_year=price_year,
                        **total,
                    )
                )
    return rows


@dataclass
class DepartmentRow:
    department_id: int
    department_name: str
    channel: FinancingChannel
    requested: int = 0
    recommended: int = 0
    granted: int = 0


def department_totals(cycle) -> list[DepartmentRow]:
    """Per department and channel over the cycle's years, in the cycle's p/l."""
    years = cycle.out_years
    price_year = cycle_price_year(cycle)
    indices = price_indices()
    channels = {c.pk: c for c in FinancingChannel.objects.all()}
    result: dict[tuple[int, int], DepartmentRow] = {}
    for row in _sum_rows(
        Allocation.objects.filter(year__in=years),
        ("case__department_id", "case__department__name", "channel_id"),
    ):
        key = (row["case__department_id"], row["channel_id"])
        entry = result.setdefault(
            key,
            DepartmentRow(
                row["case__department_id"],
                row["case__department__name"],
                channels[row["channel_id"]],
            ),
        )
        for name in ("requested", "recommended", "granted"):
            value = convert(
                row[f"s_{name}"] or 0,
                from_year=row["case__cycle__budget_year"],
                to_year=price_year,
                indices=indices,
            )
            setattr(entry, name, getattr(entry, name) + value)
    return sorted(result.values(), key=lambda r: (r.department_name, r.channel.kind))


def allocations_queryset():
    return Allocation.objects.select_related("channel").order_by("channel__kind", "year")


def money_prefetch() -> list:
    """What ``prefetch_related`` needs so that allocations, money totals and the
    pool verdict of many cases cost no query per case."""
    return [Prefetch("allocations", queryset=allocations_queryset()), "economy_lines"]


def allocations_by_case(cases) -> dict[int, list[Allocation]]:
    """The allocations of the cases, by case id, in one query."""
    ids = [case.pk if hasattr(case, "pk") else case for case in cases]
    result: dict[int, list[Allocation]] = {pk: [] for pk in ids}
    for allocation in allocations_queryset().filter(case_id__in=ids):
        result[allocation.case_id].append(allocation)
    return result


@dataclass(frozen=True)
class CaseMoney:
    """A case's requested amounts per channel and year and its total, in whole kroner
    at its cycle's price level (allocations are stored at that level)."""

    by_channel: dict[str, dict[int, int]] = field(default_factory=dict)
    requested_total: int = 0
    recommended_total: int = 0
    granted_total: int = 0


def case_money(allocations: Iterable[Allocation]) -> CaseMoney:
    by_channel: dict[str, dict[int, int]] = {}
    requested = recommended = granted = 0
    for allocation in allocations:
        by_channel.setdefault(allocation.channel.kind, {})[allocation.year] = allocation.requested
        requested += allocation.requested
        recommended += allocation.recommended or 0
        granted += allocation.granted or 0
    return CaseMoney(by_channel, requested, recommended, granted)


@dataclass(frozen=True)
class PoolResult:
    """Whether a case that asks the pool for money meets the cycle's pool rules."""

    applies: bool
    passed: bool
    reasons: list[str]
    payback_years: int | None


def pool_rules_for(cycle) -> PoolRules | None:
    return PoolRules.objects.filter(cycle=cycle).first()


def asks_pool(allocations: Iterable[Allocation]) -> bool:
    return any(
        a.channel.kind == ChannelKind.POOL and (a.requested or a.recommended or a.granted)
        for a in allocations
    )


def _gross_gains_cover(lines, within: int) -> bool:
    """Do the gains alone (before operating costs) of the first ``within`` years,
    from the first investment year, add up to at least the total investment?
    After the table's last year the permanent gain counts every year."""
    flows = yearly_flows(lines, horizon=within)
    if flows is None:
        return False
    _first, rows = flows
    total_investment = sum(investment for _y, investment, _g in yearly_flows(lines)[1])
    listed = {line.year for line in lines if line.year is not None}
    last_listed = max(listed)
    gains = 0
    for year, _investment, _net in rows:
        for line in lines:
            if line.kind != EconomyKind.GAIN:
                continue
            if line.year == year or (line.year is None and year > last_listed):
                gains -= line.amount
    return gains >= total_investment


_NO_RULES = object()


def pool_result(case, rules=_NO_RULES, *, allocations=None, lines=None) -> PoolResult:
    """Evaluate the pool rules on a case (uses prefetched allocations and economy lines,
    or ``allocations`` and ``lines`` given: anything with ``kind``, ``year``, ``amount``).

    ``rules`` not given: the case's cycle's rules (one query); None: the cycle has
    none. A case that does not ask the pool for money is not evaluated
    (``applies`` False).
    """
    if allocations is None:
        allocations = case.allocations.all()
    lines = list(case.economy_lines.all()) if lines is None else list(lines)
    payback = payback_years(lines)
    if not asks_pool(allocations):
        return PoolResult(False, True, [], payback)
    if rules is _NO_RULES:
        rules = pool_rules_for(case.cycle)
    reasons: list[str] = []
    failed = False
    if rules is None:
        return PoolResult(True, True, [_("No pool rules are set for the cycle.")], payback)
    if rules.require_gains:
        if any(line.kind == EconomyKind.GAIN and line.amount for line in lines):
            reasons.append(_("The case has gains: met."))
        else:
            failed = True
            reasons.append(_("The case has no gains, and the pool requires them."))
    if rules.max_payback_years is not None:
        if payback is None:
            failed = True
            reasons.append(
                _("The case is not paid back; the pool requires at most %(max)s years.")
                % {"max": rules.max_payback_years}
            )
        elif payback > rules.max_payback_years:
            failed = True
            reasons.append(
                _("Payback period %(years)s years; the pool allows at most %(max)s.")
                % {"years": payback, "max": rules.max_payback_years}
            )
        else:
            reasons.append(
                _("Payback period %(years)s years (at most %(max)s): met.")
                % {"years": payback, "max": rules.max_payback_years}
            )
    if rules.gains_cover_within_years is not None:
        within = rules.gains_cover_within_years
        covered = _gross_gains_cover(lines, within)
        if covered:
            reasons.append(
                _("Gains match the investment within %(years)s years: met.") % {"years": within}
            )
        else:
            failed = True
            reasons.append(
                _("Gains do not match the investment within %(years)s years.")
                % {"years": within}
            )
    return PoolResult(True, not failed, reasons, payback)


def pool_results(cases) -> dict[int, PoolResult]:
    """The pool verdict of many cases (prefetched with ``money_prefetch()``), with the
    rules of all their cycles read in one query."""
    cycle_ids = {case.cycle_id for case in cases}
    rules = {r.cycle_id: r for r in PoolRules.objects.filter(cycle_id__in=cycle_ids)}
    return {case.pk: pool_result(case, rules.get(case.cycle_id)) for case in cases}


def requested_totals_by_cycle(cases) -> list[tuple[object, int]]:
    """(cycle, requested total) for the cases, each cycle's sum at its own p/l."""
    totals: dict = {}
    cycles: dict = {}
    for case in cases:
        cycles[case.cycle_id] = case.cycle
        totals[case.cycle_id] = totals.get(case.cycle_id, 0) + sum(
            a.requested for a in case.allocations.all()
        )
    return [(cycles[pk], totals[pk]) for pk in sorted(totals, key=lambda k: cycles[k].budget_year)]
