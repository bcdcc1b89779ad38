"""Two grants at the same moment that each fit the capacity but together do not."""

import threading

import pytest
from django.db import connection, connections

from financing import services
from financing.models import Allocation, ChannelKind
from portfolio.models import CaseState

from .factories import InvestmentCaseFactory
from .factories_money import capacities, channels

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no row locks (SELECT … FOR UPDATE); run on PostgreSQL",
    ),
]


def race(*calls):
    """Run the calls in threads on their own connections, started by a barrier."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 – the test inspects it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_two_grants_at_once_cannot_pass_the_capacity_together(cycle, department, secretariat):
    frame = channels()[ChannelKind.FRAME]
    capacities(frame, {2027: 10_000_000})
    first = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)
    second = InvestmentCaseFactory(department=department, cycle=cycle, state=CaseState.FORWARDED)

    def grant(case):
        return lambda: services.allocation_grant_set(
            actor=secretariat, case=case, channel=frame, amounts={2027: 6_000_000}
        )

    results = race(grant(first), grant(second))

    refusals = [r for r in results if isinstance(r, services.CapacityExceeded)]
    wins = [r for r in results if isinstance(r, list)]
    assert len(wins) == 1 and len(refusals) == 1, results
    assert refusals[0].message == (
        "Kapaciteten overskrides: Flerårig ramme i 2027 ville blive overskredet med "
        "2.000.000 kr. Giv en begrundelse for at overskride kapaciteten."
    )
    assert Allocation.objects.filter(granted__isnull=False).count() == 1
