"""Factories and helpers for the money tests (channels, capacity, price index)."""

from decimal import Decimal

import factory

from financing.models import (
    Allocation,
    ChannelCapacity,
    ChannelKind,
    FinancingChannel,
    PoolRules,
    PriceIndex,
)

CHANNEL_NAMES = {
    ChannelKind.FRAME: "Flerårig ramme",
    ChannelKind.LOAN: "Internt lån til genudbud",
    ChannelKind.POOL: "Investerings- og innovationspuljen",
}


class FinancingChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancingChannel
        django_get_or_create = ("kind",)

    kind = ChannelKind.FRAME
    name = factory.LazyAttribute(lambda c: CHANNEL_NAMES[c.kind])


class ChannelCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelCapacity

    channel = factory.SubFactory(FinancingChannelFactory)
    year = 2027
    amount = 10_000_000
    price_year = 2027


class PriceIndexFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceIndex
        django_get_or_create = ("year",)

    year = 2027
    index = Decimal("100.000")


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    channel = factory.SubFactory(FinancingChannelFactory)
    year = 2027
    requested = 1_000_000


class PoolRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoolRules

    max_payback_years = 5
    require_gains = True


def channels() -> dict[str, FinancingChannel]:
    """The three channels."""
    return {kind: FinancingChannelFactory(kind=kind) for kind in ChannelKind.values}


def capacities(channel, amounts: dict[int, int], price_year: int = 2027, round_: str = ""):
    return [
        ChannelCapacityFactory(
            channel=channel, year=year, amount=amount, price_year=price_year, round=round_
        )
        for year, amount in amounts.items()
    ]
