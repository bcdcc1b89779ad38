"""Factories of the IT system and contract register."""

import datetime
import uuid

import factory

from portfolio.register.models import (
    BusinessCritical,
    Contract,
    ITSystem,
    Lifecycle,
    OrgUnitMapping,
)
from portfolio.register.rules import decision_date

from .factories import DepartmentFactory


class OrgUnitMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnitMapping
        django_get_or_create = ("kitos_unit",)

    kitos_unit = factory.Sequence(lambda n: f"Enhed {n}")
    department = factory.SubFactory(DepartmentFactory)


class ITSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ITSystem

    name = factory.Sequence(lambda n: f"System {n:05d}")
    kitos_uuid = factory.LazyFunction(uuid.uuid4)
    owner_department = factory.SubFactory(DepartmentFactory)
    business_critical = BusinessCritical.NO
    lifecycle = Lifecycle.IN_OPERATION
    supplier = "Leverandør A/S"


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Kontrakt {n:05d}")
    kitos_uuid = factory.LazyFunction(uuid.uuid4)
    owner_department = factory.SubFactory(DepartmentFactory)
    supplier = "Leverandør A/S"
    valid_from = datetime.date(2020, 1, 1)
    valid_to = datetime.date(2028, 12, 31)
    irrevocable_until = None
    notice_months = 6
    yearly_operating_cost = 1_000_000
    acquisition_cost = 4_000_000
    decision_date = factory.LazyAttribute(
        lambda c: decision_date(valid_to=c.valid_to, irrevocable_until=c.irrevocable_until,
                                notice_months=c.notice_months, lead_months=18)
    )

    @factory.post_generation
    def systems(self, create, extracted, **kwargs):
        if create and extracted:
            self.systems.set(extracted)
