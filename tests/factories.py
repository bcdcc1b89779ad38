"""factory_boy factories for the domain."""

import factory
from django.contrib.auth.models import Group

from governance.models import BudgetCycle, Phase, default_phase_windows
from portfolio.models import (
    CaseEconomyLine,
    CasePrinciple,
    Department,
    EconomyKind,
    InvestmentCase,
    User,
)
from strategy.models import Potential, Principle, Strategy, Theme, ThemeGoal


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"Forvaltning {n}")
    # At most four characters (the column's length, which PostgreSQL enforces), however
    # many departments the whole run has made: "X" and three base-36 digits.
    note_prefix = factory.Sequence(lambda n: "X" + _base36(n % 36**3).rjust(3, "0"))


def _base36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    text = ""
    while True:
        n, rest = divmod(n, 36)
        text = digits[rest] + text
        if n == 0:
            return text


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Jensen{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@kk.dk")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", "kode-til-test-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            group, _ = Group.objects.get_or_create(name=role)
            self.groups.add(group)
        if create:
            self.save()


class BudgetCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetCycle
        django_get_or_create = ("budget_year",)
        skip_postgeneration_save = True

    budget_year = 2027

    @factory.post_generation
    def phases(self, create, extracted, **kwargs):
        if not create or self.phases.exists():
            return
        for kind, starts, ends in default_phase_windows(self.budget_year):
            Phase.objects.create(cycle=self, kind=kind, starts_on=starts, ends_on=ends)


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy
        django_get_or_create = ("name",)

    name = "Digitaliseringsstrategi 2024–2027"
    starts_year = 2024
    ends_year = 2027


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Tema {n + 1}")


class ThemeGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ThemeGoal

    theme = factory.SubFactory(ThemeFactory)
    text = "Modne teknologier skal udbredes og skaleres."


class PrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principle
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Princip {n + 1}")


class PotentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Potential
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Potentiale {n + 1}")


class InvestmentCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentCase

    title = factory.Sequence(lambda n: f"Investeringsbehov {n}")
    summary = "Et fælles system for hele kommunen."
    department = factory.SubFactory(DepartmentFactory)
    cycle = factory.SubFactory(BudgetCycleFactory)
    price_year = factory.LazyAttribute(lambda c: c.cycle.budget_year)
    created_by = factory.SubFactory(
        UserFactory, department=factory.SelfAttribute("..department")
    )


class CasePrincipleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CasePrinciple

    case = factory.SubFactory(InvestmentCaseFactory)
    principle = factory.SubFactory(PrincipleFactory)
    justification = "Løsningen bygges fælles for alle forvaltninger."


class CaseEconomyLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEconomyLine

    case = factory.SubFactory(InvestmentCaseFactory)
    kind = EconomyKind.INVESTMENT
    year = factory.LazyAttribute(lambda line: line.case.cycle.budget_year)
    amount = 1_000_000
