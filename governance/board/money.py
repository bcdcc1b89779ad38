"""The board's window on the money (financing): allocations, capacity, pool criteria.

The board reads the same selectors as the financing overview, so the numbers
on both are the same (issue: "the numbers on the board equal those of the
financing overview"), and changes allocations only through financing's services.
"""

import importlib.util
from collections import defaultdict
from dataclasses import dataclass

from governance.board.cutline import CutCase


def money_available() -> bool:
    """Whether the financing app has allocations (the money API) in this build."""
    return importlib.util.find_spec("financing.selectors") is not None


def channels():
    from financing.models import FinancingChannel

    return list(FinancingChannel.objects.order_by("kind"))


def allocations_by_case(cases) -> dict[int, list]:
    if not money_available():
        return {}
    from financing.selectors import allocations_by_case as select

    return select(cases)


@dataclass(slots=True)
class BoardAllocation:
    """An allocation as the board reads it: the amounts and the channel, no model
    instance (400 cases ask for money in three channels over four years)."""

    case_id: int
    channel_id: int
    year: int
    requested: int
    recommended: int | None
    granted: int | None
    channel: object


def board_allocations(cycle, case_ids, channels_by_pk: dict) -> dict[int, list[BoardAllocation]]:
    """The allocations of the cases on ``cycle``'s board (``case_ids``) by case id, in
    one query, in the order of ``financing.selectors.allocations_queryset`` (channel
    kind, year). The cases are found by a join on the board, not by a list of 400 ids
    in the SQL, and sorted here by the channels already read."""
    if not money_available():
        return {}
    from financing.models import Allocation

    result: dict[int, list[BoardAllocation]] = {pk: [] for pk in case_ids}
    rows = (
        Allocation.objects.filter(case__board_entry__cycle=cycle)
        .order_by()  # sorted below: the model's order would join the cases for theirs
        .values_list("case_id", "channel_id", "year", "requested", "recommended", "granted", "pk")
    )
    kinds = {pk: channel.kind for pk, channel in channels_by_pk.items()}
    for row in sorted(rows, key=lambda r: (kinds[r[1]], r[2], r[6])):
        if row[0] in result:
            result[row[0]].append(BoardAllocation(*row[:6], channel=channels_by_pk[row[1]]))
    return result


@dataclass
class Total:
    """The financing overview's numbers for one channel and year (the pool's rounds
    added together)."""

    channel: object
    year: int
    capacity: int = 0
    requested: int = 0
    recommended: int = 0
    granted: int = 0
    committed: int = 0
    remaining: int = 0


def channel_year_totals(cycle, channels=None) -> dict[tuple[int, int], Total]:
    """The financing overview's rows by (channel id, year); ``channels`` as
    :func:`channels` gives them, if already read."""
    if not money_available():
        return {}
    from financing.selectors import channel_year_totals as totals

    result: dict[tuple[int, int], Total] = {}
    for row in totals(cycle, channels=channels):
        total = result.setdefault((row.channel.pk, row.year), Total(row.channel, row.year))
        for name in ("capacity", "requested", "recommended", "granted", "committed", "remaining"):
            setattr(total, name, getattr(total, name) + (getattr(row, name, 0) or 0))
    return result


def pool_result(case, rules=None, allocations=None, lines=None):
    if not money_available():
        return None
    from financing.selectors import pool_result as result

    return result(case, rules, allocations=allocations, lines=lines)


def pool_rules(cycle):
    if not money_available():
        return None
    from financing.models import PoolRules

    return PoolRules.objects.filter(cycle=cycle).first()


def counted(allocation) -> int:
    """What a case counts on from one allocation on the board: the grant once
    there is one, else the directors' recommended amount once set, else what the
    department requested."""
    if allocation.granted is not None:
        return allocation.granted
    if allocation.recommended is not None:
        return allocation.recommended
    return allocation.requested or 0


def committed(allocation) -> int:
    """What the allocation holds of the capacity in the financing overview."""
    if allocation.granted is not None:
        return allocation.granted
    return allocation.recommended or 0


def cut_cases(entries, allocations: dict[int, list], excluded: set[int]) -> list[CutCase]:
    """The board's entries (in rank order) as the cut line sees them."""
    result = []
    for entry in entries:
        amounts: dict[tuple[int, int], int] = defaultdict(int)
        wanted: dict[tuple[int, int], int] = defaultdict(int)
        for allocation in allocations.get(entry.case_id, ()):
            key = (allocation.channel_id, allocation.year)
            amounts[key] += counted(allocation)
            wanted[key] += allocation.requested or 0
        result.append(
            CutCase(
                case_id=entry.case_id,
                amounts=dict(amounts),
                excluded=entry.case_id in excluded,
                wanted=dict(wanted),
            )
        )
    return result


def capacities(totals: dict, entries, allocations: dict[int, list], inactive: set[int]):
    """The capacity the board's cases share per (channel id, year): the channel's
    capacity less what cases outside the board hold (other cycles' cases), so
    that the board and the financing overview count the same money."""
    on_board = defaultdict(int)
    for entry in entries:
        if entry.case_id in inactive:
            continue
        for allocation in allocations.get(entry.case_id, ()):
            on_board[(allocation.channel_id, allocation.year)] += committed(allocation)
    return {
        key: (row.capacity or 0) - ((row.committed or 0) - on_board.get(key, 0))
        for key, row in totals.items()
    }


def recommend(*, actor, case, channel, amounts: dict[int, int], override_reason: str = ""):
    from financing.services import allocation_recommend_set

    return allocation_recommend_set(
        actor=actor, case=case, channel=channel, amounts=amounts, override_reason=override_reason
    )
