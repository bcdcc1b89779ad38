"""Internal loans: the repayment schedule, derived, never typed in.

Rule: equal annual instalments (annuity) from the year after payout. With the
rate r (per cent / 100) and n instalments the yearly payment is
A = P · r / (1 − (1 + r)^−n), or P / n when r = 0. Each year the interest is
the outstanding balance × r, rounded half away from zero to whole kroner; the
principal part is the rounded payment minus that interest (never below zero,
never above the balance). The last instalment repays whatever balance is left,
so the principal parts always add up to the principal exactly.

Example: 1.000.000 kr. over 3 years at 2 %: A = 346.754,67 → 346.755 kr.
  year 1: interest 20.000, principal 326.755, balance 673.245
  year 2: interest 13.465, principal 333.290, balance 339.955
  year 3: interest  6.799, principal 339.955 (the rest), balance 0
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .prices import round_kroner


@dataclass(frozen=True)
class ScheduleRow:
    year: int
    principal_part: int
    interest_part: int
    balance_after: int
    moved_from_year: int | None = None

    @property
    def total(self) -> int:
        return self.principal_part + self.interest_part


def annuity_payment(principal: int, rate: Decimal, term_years: int) -> Decimal:
    """The exact yearly payment of an annuity (``rate`` in per cent)."""
    r = Decimal(rate) / 100
    if r == 0:
        return Decimal(principal) / term_years
    return Decimal(principal) * r / (1 - (1 + r) ** -term_years)


def amortise(principal: int, rate: Decimal, years: Sequence[int]) -> list[ScheduleRow]:
    """Repay ``principal`` as an annuity with one instalment in each of ``years``."""
    years = list(years)
    if not years:
        return []
    r = Decimal(rate) / 100
    payment = round_kroner(annuity_payment(principal, rate, len(years)))
    balance = int(principal)
    rows = []
    for index, year in enumerate(years):
        interest = round_kroner(Decimal(balance) * r)
        if index == len(years) - 1:
            repaid = balance
        else:
            repaid = min(max(payment - interest, 0), balance)
        balance -= repaid
        rows.append(ScheduleRow(year, repaid, interest, balance))
    return rows


def schedule(principal: int, rate: Decimal, term_years: int, first_year: int) -> list[ScheduleRow]:
    """The repayment schedule: ``term_years`` instalments from ``first_year`` on."""
    return amortise(principal, rate, range(first_year, first_year + term_years))


def reschedule(
    rows: Sequence[ScheduleRow], *, rate: Decimal, from_year: int, to_year: int
) -> list[ScheduleRow]:
    """Move the instalment of ``from_year`` to ``to_year`` (a later year without one).

    Instalments before ``from_year`` stay as they are. In ``from_year`` only the
    interest is paid; the balance then left is repaid as an annuity over the
    remaining instalment years after ``from_year`` plus ``to_year``, the last
    again absorbing the rounding, so the principal repaid stays the principal.
    """
    rows = sorted(rows, key=lambda row: row.year)
    kept = [row for row in rows if row.year < from_year]
    balance = kept[-1].balance_after if kept else sum(row.principal_part for row in rows)
    r = Decimal(rate) / 100
    moved = ScheduleRow(from_year, 0, round_kroner(Decimal(balance) * r), balance)
    later = sorted([row.year for row in rows if row.year > from_year] + [to_year])
    rest = amortise(balance, rate, later)
    rest = [
        ScheduleRow(
            row.year,
            row.principal_part,
            row.interest_part,
            row.balance_after,
            from_year if row.year == to_year else _moved_from(rows, row.year),
        )
        for row in rest
    ]
    return [*kept, moved, *rest]


def _moved_from(rows: Sequence[ScheduleRow], year: int) -> int | None:
    for row in rows:
        if row.year == year:
            return row.moved_from_year
    return None
