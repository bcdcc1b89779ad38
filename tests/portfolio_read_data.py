"""Cases with economy, anchoring and history, for the read pages' tests."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from governance.models import CaseTransition
from portfolio.models import CaseEconomyLine, CasePrinciple, CaseState, EconomyKind

from .factories import (
    InvestmentCaseFactory,
    PotentialFactory,
    PrincipleFactory,
    ThemeFactory,
    ThemeGoalFactory,
)

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Users are made for every test; a real password hash costs a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(year, month, day, hour=12, minute=0):
    """A moment in Copenhagen time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=COPENHAGEN)


def strategy_frame(themes=3):
    """Themes with a goal each, the three principles and the four potentials."""
    made = [ThemeFactory() for _ in range(themes)]
    for theme in made:
        ThemeGoalFactory(theme=theme, text=f"Mål for {theme.name}")
    principles = [PrincipleFactory(number=n, name=f"Princip {n}") for n in (1, 2, 3)]
    potentials = [PotentialFactory(number=n, name=f"Potentiale {n}") for n in (1, 2, 3, 4)]
    return made, principles, potentials


def full_case(*, department, cycle, author, frame, state=CaseState.DRAFT, edits=0, **fields):
    """A case with four years of economy, themes, a principle, a potential and history.

    ``edits`` adds that many saved changes (title, an amount, a theme) to its history.
    """
    themes, principles, potentials = frame
    case = InvestmentCaseFactory.build(
        department=department, cycle=cycle, created_by=author, state=state, **fields
    )
    case._history_user = author
    case.save()
    case.themes.add(*themes[:2])
    case.potentials.add(potentials[0])
    link = CasePrinciple(case=case, principle=principles[0], justification="Fælles løsning.")
    link._history_user = author
    link.save()
    for year in cycle.out_years:
        for kind, amount in ((EconomyKind.INVESTMENT, 1_000_000), (EconomyKind.GAIN, -250_000)):
            line = CaseEconomyLine(case=case, kind=kind, year=year, amount=amount)
            line._history_user = author
            line.save()
    line = CaseEconomyLine(case=case, kind=EconomyKind.GAIN, year=None, amount=-500_000)
    line._history_user = author
    line.save()
    investment = case.economy_lines.get(kind=EconomyKind.INVESTMENT, year=cycle.budget_year)
    for n in range(edits):
        case.title = f"{case.title} ({n})"
        case.save()
        investment._history_user = author
        investment.amount += 100_000
        investment.save()
        theme = themes[n % len(themes)]
        if case.themes.filter(pk=theme.pk).exists():
            case.themes.remove(theme)
        else:
            case.themes.add(theme)
    if state != CaseState.DRAFT:
        CaseTransition.objects.create(
            case=case, from_state=CaseState.DRAFT, to_state=state, actor=author
        )
    return case
