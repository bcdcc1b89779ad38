"""Factories of the budget notes' tests: a complete case with economy and anchoring."""

from portfolio.models import CaseScope, CaseState, EconomyKind, RiskLevel

from .factories import (
    CaseEconomyLineFactory,
    CasePrincipleFactory,
    InvestmentCaseFactory,
    PotentialFactory,
    PrincipleFactory,
    ThemeFactory,
    ThemeGoalFactory,
)

# (kind, year, amount): 2027–2030 and the permanent effect (year None).
ECONOMY = [
    (EconomyKind.INVESTMENT, 2027, 2_400_000),
    (EconomyKind.INVESTMENT, 2028, 1_250_000),
    (EconomyKind.OPERATING, 2028, 300_000),
    (EconomyKind.OPERATING, 2029, 300_000),
    (EconomyKind.OPERATING, 2030, 300_000),
    (EconomyKind.OPERATING, None, 300_000),
    (EconomyKind.GAIN, 2029, -1_500_000),
    (EconomyKind.GAIN, 2030, -2_000_000),
    (EconomyKind.GAIN, None, -2_000_000),
]


def complete_case(*, department, cycle, title="Fælles booking af lokaler", state=None,
                  economy=ECONOMY, participants=(), **fields):
    """A case with everything a budget note shows."""
    values = {
        "summary": "Borgere og medarbejdere booker lokaler i én fælles løsning.",
        "background": "I dag har hver forvaltning sit eget bookingsystem.",
        "solution": "En fælles platform erstatter syv systemer.",
        "scope": CaseScope.CROSS_CUTTING if participants else CaseScope.DEPARTMENT,
        "risk_level": RiskLevel.MEDIUM,
        "risk_text": "Overgangen kræver oplæring af mange brugere.",
        "contact_name": "Mette Holm",
        "contact_email": "mette.holm@kk.dk",
        "state": state or CaseState.QUALIFIED,
        **fields,
    }
    case = InvestmentCaseFactory(department=department, cycle=cycle, title=title, **values)
    theme = ThemeFactory(name="Brugervenlighed")
    ThemeGoalFactory(theme=theme, text="Digitale løsninger skal være enkle og intuitive.")
    case.themes.add(theme)
    principle = PrincipleFactory(number=1, name="Værdi ved at investere fælles først")
    CasePrincipleFactory(case=case, principle=principle,
                         justification="Én løsning for alle syv forvaltninger.")
    case.potentials.add(PotentialFactory(number=1, name="Effektivisering af administrationen"))
    for other in participants:
        case.participating_departments.add(other)
    for kind, year, amount in economy:
        CaseEconomyLineFactory(case=case, kind=kind, year=year, amount=amount)
    return case
