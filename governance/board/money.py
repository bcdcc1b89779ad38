"""The board's window on the money (financing): allocations, capacity, pool criteria.

The board reads the same selectors as the financing overview, so the numbers
on both are the same (issue: "the numbers on the board equal those of the
financing overview"), and changes allocations only through financing's services.
"""

import importlib.util
from collections import defaultdict

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


def channel_year_totals(cycle) -> dict[tuple[int, int], object]:
    """The financing overview's rows by (channel id, year)."""
    if not money_available():
        return {}
    from financing.selectors import channel_year_totals as totals

    return {(row.channel.pk, row.year): row for row in totals(cycle)}


def pool_result(case, rules=None):
    if not money_available():
        return None
    from financing.selectors import pool_result as result

    return result(case, rules)


def pool_rules(cycle):
    if not money_available():
        return None
    from financing.models import PoolRules

    return PoolRules.objects.filter(cycle=cycle).first()


def counted(allocation) -> int:
    """What a case counts on from one allocation on the board: the directors'
    recommended amount once set, else what the department requested."""
    if allocation.recommended is not None:
        return allocation.recommended
    return allocation.requested or 0


def cut_cases(entries, allocations: dict[int, list], excluded: set[int]) -> list[CutCase]:
    """The board's entries (in rank order) as the cut line sees them."""
    result = []
    for entry in entries:
        amounts: dict[tuple[int, int], int] = defaultdict(int)
        for allocation in allocations.get(entry.case_id, ()):
            amounts[(allocation.channel_id, allocation.year)] += counted(allocation)
        result.append(
            CutCase(
                case_id=entry.case_id, amounts=dict(amounts), excluded=entry.case_id in excluded
            )
        )
    return result


def capacities(totals: dict) -> dict[tuple[int, int], int]:
    return {key: row.capacity or 0 for key, row in totals.items()}


def recommend(*, actor, case, channel, amounts: dict[int, int], override_reason: str = ""):
    from financing.services import allocation_recommend_set

    return allocation_recommend_set(
        actor=actor, case=case, channel=channel, amounts=amounts, override_reason=override_reason
    )
