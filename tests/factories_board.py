"""Factories and helpers for the board and plan tests."""

from governance.board.models import BoardEntry
from governance.board.services import board_sync, criteria_for, scores_save
from portfolio.models import CaseState, Role

from .factories import InvestmentCaseFactory, UserFactory
from .governance_helpers import complete_case


def qualified_cases(cycle, department, n: int, prefix: str = "Sag", **kwargs):
    """``n`` qualified cases of ``cycle`` on its board, ranked in creation order."""
    cases = [
        complete_case(
            cycle=cycle,
            department=department,
            state=CaseState.QUALIFIED,
            title=f"{prefix} {i + 1:03d}",
            **kwargs,
        )
        for i in range(n)
    ]
    board_sync(cycle=cycle)
    return cases


def bare_qualified_cases(cycle, department, n: int):
    """Like ``qualified_cases`` but without the extras (cheap for the large sizes)."""
    creator = UserFactory(username=f"creator-{department.code}", department=department)
    cases = [
        InvestmentCaseFactory(
            cycle=cycle,
            department=department,
            state=CaseState.QUALIFIED,
            title=f"Sag {i + 1:04d}",
            created_by=creator,
        )
        for i in range(n)
    ]
    board_sync(cycle=cycle)
    return cases


def director_named(username: str, first: str = "Henrik", last: str = "Dahl"):
    return UserFactory(
        username=username,
        first_name=first,
        last_name=last,
        department=None,
        roles=[Role.IT_DIRECTORS],
    )


def score_all(director, case, value: int, comment: str = "", overrides=None):
    """``director`` scores ``case`` ``value`` on every criterion (``overrides`` by position)."""
    criteria = criteria_for(case.cycle)
    overrides = overrides or {}
    values = {c.pk: (overrides.get(c.position, value), comment) for c in criteria}
    return scores_save(actor=director, case_pk=case.pk, values=values)


def ranks(cycle) -> list[str]:
    return list(
        BoardEntry.objects.filter(cycle=cycle)
        .order_by("rank")
        .values_list("case__title", flat=True)
    )
