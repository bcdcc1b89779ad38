"""Property test: the overview's totals equal an independent sum of the allocation rows."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from financing.models import Allocation, ChannelKind, PriceIndex
from financing.prices import convert
from financing.selectors import INACTIVE_STATES, channel_year_totals
from portfolio.models import CaseState

from .factories import BudgetCycleFactory, InvestmentCaseFactory
from .factories_money import capacities, channels

pytestmark = pytest.mark.django_db

allocation = st.fixed_dictionaries({
    "case": st.integers(0, 5),
    "channel": st.sampled_from(list(ChannelKind.values)),
    "year": st.sampled_from([2027, 2028, 2029, 2030]),
    "requested": st.integers(0, 50_000_000),
    "recommended": st.none() | st.integers(0, 50_000_000),
    "granted": st.none() | st.integers(0, 50_000_000),
})


@pytest.fixture
def world(cycle, department):
    chans = channels()
    for channel in chans.values():
        capacities(channel, {2027: 40_000_000, 2028: 40_000_000, 2029: 30_000_000,
                             2030: 30_000_000})
    old = BudgetCycleFactory(budget_year=2026)
    PriceIndex.objects.create(year=2026, index=Decimal("97.6"))
    PriceIndex.objects.create(year=2027, index=Decimal("100"))
    states = [CaseState.QUALIFIED, CaseState.APPROVED, CaseState.REJECTED, CaseState.FORWARDED,
              CaseState.WITHDRAWN, CaseState.APPROVED]
    cases = [
        InvestmentCaseFactory(department=department, cycle=old if i == 5 else cycle, state=state)
        for i, state in enumerate(states)
    ]
    return chans, cases


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(allocation, max_size=15,
                     unique_by=lambda r: (r["case"], r["channel"], r["year"])))
def test_overview_totals_equal_an_independent_sum(world, cycle, rows):
    chans, cases = world
    Allocation.objects.all().delete()
    for row in rows:
        Allocation.objects.create(
            case=cases[row["case"]], channel=chans[row["channel"]], year=row["year"],
            requested=row["requested"], recommended=row["recommended"], granted=row["granted"],
        )
    indices = {2026: Decimal("97.6"), 2027: Decimal("100")}
    for total in channel_year_totals(cycle):
        mine = [a for a in Allocation.objects.select_related("case__cycle")
                if a.channel_id == total.channel.pk and a.year == total.year]
        by_level: dict[int, dict[str, int]] = {}
        for a in mine:
            level = by_level.setdefault(a.case.cycle.budget_year,
                                        {"requested": 0, "granted": 0, "committed": 0})
            active = a.case.state not in INACTIVE_STATES
            if a.case.state != CaseState.WITHDRAWN:
                level["requested"] += a.requested
            level["granted"] += a.granted or 0
            if active:
                level["committed"] += a.granted if a.granted is not None else (
                    a.recommended or 0)

        def summed(name, by_level=by_level):
            return sum(convert(v[name], from_year=year, to_year=2027, indices=indices)
                       for year, v in by_level.items())

        assert total.requested == summed("requested")
        assert total.granted == summed("granted")
        assert total.committed == summed("committed")
        assert total.remaining == total.capacity - total.committed
