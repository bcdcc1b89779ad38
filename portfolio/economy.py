"""A case's economy as the table KK reads it: kinds by year, the permanent effect, totals.

Amounts are whole kroner in the case's price level; gains are negative, so a
column's sum is the net effect of that year. Built from economy lines already
in memory (prefetched), so tables for many cases cost no extra queries.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .models import CaseEconomyLine, EconomyKind

# The column key of the permanent (varig) effect: lines without a year.
PERMANENT = None


@dataclass(frozen=True)
class EconomyRow:
    """One kind of amount across the columns."""

    kind: str
    label: str
    cells: list[int]  # one per year, in the order of EconomyTable.years
    permanent: int
    total: int  # the sum over the years; the permanent effect is a yearly level, not added


@dataclass(frozen=True)
class EconomyTable:
    """The economy of one case, or summed over several cases (a department plan)."""

    years: list[int]
    rows: list[EconomyRow]
    price_year: int | None = None

    @classmethod
    def from_lines(
        cls,
        years: Iterable[int],
        lines: Iterable[CaseEconomyLine],
        price_year: int | None = None,
    ) -> "EconomyTable":
        """Sum ``lines`` by kind and year into a table with the given year columns.

        A line in a year outside ``years`` still counts: the year gets its own
        column, so no amount is silently left out of the totals.
        """
        lines = list(lines)
        all_years = sorted(set(years) | {line.year for line in lines if line.year is not None})
        sums: dict[tuple[str, int | None], int] = {}
        for line in lines:
            key = (line.kind, line.year)
            sums[key] = sums.get(key, 0) + line.amount
        rows = []
        for kind in EconomyKind:
            cells = [sums.get((kind.value, year), 0) for year in all_years]
            rows.append(
                EconomyRow(
                    kind=kind.value,
                    label=str(kind.label),
                    cells=cells,
                    permanent=sums.get((kind.value, PERMANENT), 0),
                    total=sum(cells),
                )
            )
        return cls(years=all_years, rows=rows, price_year=price_year)

    @classmethod
    def for_case(cls, case) -> "EconomyTable":
        """The table of one case; uses prefetched ``economy_lines`` when present."""
        return cls.from_lines(case.cycle.out_years, case.economy_lines.all(), case.price_year)

    @property
    def column_totals(self) -> list[int]:
        """The net of each year column (costs minus gains), in the order of ``years``."""
        return [sum(row.cells[i] for row in self.rows) for i in range(len(self.years))]

    @property
    def permanent_total(self) -> int:
        return sum(row.permanent for row in self.rows)

    @property
    def grand_total(self) -> int:
        return sum(row.total for row in self.rows)

    @property
    def net(self) -> dict[int | None, int]:
        """Net effect by year, and under ``None`` the permanent net effect."""
        net: dict[int | None, int] = dict(zip(self.years, self.column_totals, strict=True))
        net[PERMANENT] = self.permanent_total
        return net

    def row(self, kind: str) -> EconomyRow:
        return next(row for row in self.rows if row.kind == kind)

    @property
    def is_empty(self) -> bool:
        return all(not any(row.cells) and not row.permanent for row in self.rows)
