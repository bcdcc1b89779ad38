"""A case's economy as the table KK's papers show: kinds by year, with totals.

One place computes the totals, so the case form, the case page and the plans
agree. The table is built from lines (``CaseEconomyLine`` rows or plain
``(kind, year, amount)`` triples), never queried here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .models import EconomyKind

# The order of the rows: costs first, then the gains that pay them back.
KINDS = (EconomyKind.INVESTMENT, EconomyKind.OPERATING, EconomyKind.RETENDER, EconomyKind.GAIN)
# The column of the permanent (varig) effect in a cell's name.
PERMANENT = "varig"


def cell_name(kind, year: int | None) -> str:
    """The name of a kind's cell in a year (None: the permanent effect): "investment_2027".

    The case form's cells have these names, and a service that refuses one
    amount names the cell it refused, so the message lands next to it.
    """
    return f"{kind}_{year if year is not None else PERMANENT}"


@dataclass(frozen=True)
class EconomyRow:
    """One kind of amount across the years: ``cells`` follow ``EconomyTable.columns``."""

    kind: str
    label: str
    cells: tuple[int | None, ...]
    total: int  # the sum over the years; the permanent effect is a yearly level, not added

    @property
    def is_gain(self) -> bool:
        return self.kind == EconomyKind.GAIN


class EconomyTable:
    """Amounts in whole kroner by kind and year, plus the permanent (varig) effect.

    Columns are the years and then ``None`` for the permanent effect. Gains
    are negative, as stored; the net effect of a column is the plain sum of
    its cells, so savings reduce it.
    """

    def __init__(
        self,
        years: Iterable[int],
        lines: Iterable = (),
        price_year: int | None = None,
    ):
        self.price_year = price_year
        self._amounts: dict[tuple[str, int | None], int] = {}
        for line in lines:
            if isinstance(line, tuple):
                kind, year, amount = line
            else:
                kind, year, amount = line.kind, line.year, line.amount
            key = (str(kind), year)
            self._amounts[key] = self._amounts.get(key, 0) + int(amount)
        # A line outside the cycle's years (a case carried over) still shows.
        extra = {year for _kind, year in self._amounts if year is not None}
        self.years: list[int] = sorted(set(years) | extra)
        self.columns: list[int | None] = [*self.years, None]

    @classmethod
    def for_case(cls, case) -> "EconomyTable":
        """The table of a case; uses prefetched ``economy_lines`` when there are any."""
        return cls(case.cycle.out_years, case.economy_lines.all(), price_year=case.price_year)

    def amount(self, kind: str, year: int | None) -> int | None:
        """The stored amount of a kind in a year (``None`` = permanent), or None if empty."""
        return self._amounts.get((str(kind), year))

    def row_total(self, kind: str) -> int:
        return sum(self._amounts.get((str(kind), year), 0) for year in self.years)

    @property
    def rows(self) -> list[EconomyRow]:
        return [
            EconomyRow(
                kind=kind,
                label=str(kind.label),
                cells=tuple(self.amount(kind, column) for column in self.columns),
                total=self.row_total(kind),
            )
            for kind in KINDS
        ]

    def column_total(self, year: int | None) -> int:
        """The net effect of a year (or of the permanent column): costs minus gains."""
        return sum(self._amounts.get((kind.value, year), 0) for kind in KINDS)

    def cost_total(self, year: int | None) -> int:
        """What the year costs before gains."""
        return sum(
            self._amounts.get((kind.value, year), 0) for kind in KINDS if kind != EconomyKind.GAIN
        )

    @property
    def net_per_year(self) -> dict[int | None, int]:
        return {column: self.column_total(column) for column in self.columns}

    @property
    def column_totals(self) -> list[int]:
        return [self.column_total(column) for column in self.columns]

    @property
    def net_total(self) -> int:
        """The net effect over the years of the table (without the permanent effect)."""
        return sum(self.column_total(year) for year in self.years)

    @property
    def is_empty(self) -> bool:
        return not any(self._amounts.values())
