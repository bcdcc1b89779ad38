"""A case's economy as the table KK's papers show: kinds by year, with totals.

One place computes the totals, so the case form, the case page and the plans
agree. The table is built from lines (``CaseEconomyLine`` rows or plain
``(kind, year, amount)`` triples), never queried here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import ANLAEG_KINDS, EconomyKind, Styringsomraade

# The order of the rows: costs first, then the gains that pay them back.
KINDS = (EconomyKind.INVESTMENT, EconomyKind.OPERATING, EconomyKind.RETENDER, EconomyKind.GAIN)
# The column of the permanent (varig) effect in a cell's name.
PERMANENT = "varig"


# The rows of the table as KK's proposal tables show them: investment and one-off
# re-tendering split into service (drift) and anlæg; operating and gains are service.
ROWS = tuple(
    (kind, area)
    for kind in KINDS
    for area in (
        (Styringsomraade.SERVICE, Styringsomraade.ANLAEG)
        if kind in ANLAEG_KINDS
        else (Styringsomraade.SERVICE,)
    )
)


def cell_name(kind, year: int | None, area: str = Styringsomraade.SERVICE) -> str:
    """The name of a row's cell in a year (None: the permanent effect):
    "investment_2027" (service), "investment-anlaeg_2027".

    The case form's cells have these names, and a service that refuses one
    amount names the cell it refused, so the message lands next to it.
    """
    return f"{row_key(kind, area)}_{year if year is not None else PERMANENT}"


def row_key(kind, area: str = Styringsomraade.SERVICE) -> str:
    """A row's key in the page's markup: "investment", "investment-anlaeg"."""
    return str(kind) if area == Styringsomraade.SERVICE else f"{kind}-{area}"


def row_label(kind, area: str) -> str:
    """"Investering – service", "Investering – anlæg", or the kind's own name."""
    label = str(EconomyKind(kind).label)
    if kind not in ANLAEG_KINDS:
        return label
    if area == Styringsomraade.ANLAEG:
        return _("%(kind)s – capital (anlæg)") % {"kind": label}
    return _("%(kind)s – service") % {"kind": label}


@dataclass(frozen=True)
class EconomyRow:
    """One kind of amount across the years: ``cells`` follow ``EconomyTable.columns``."""

    kind: str
    label: str
    cells: tuple[int | None, ...]
    total: int  # the sum over the years; the permanent effect is a yearly level, not added
    area: str = Styringsomraade.SERVICE

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
        self._by_area: dict[tuple[str, int | None, str], int] = {}
        for line in lines:
            if isinstance(line, tuple):
                kind, year, amount = line[:3]
                area = line[3] if len(line) > 3 else Styringsomraade.SERVICE
            else:
                kind, year, amount = line.kind, line.year, line.amount
                area = getattr(line, "styringsomraade", Styringsomraade.SERVICE)
            key = (str(kind), year)
            self._amounts[key] = self._amounts.get(key, 0) + int(amount)
            area_key = (str(kind), year, str(area))
            self._by_area[area_key] = self._by_area.get(area_key, 0) + int(amount)
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

    def area_amount(self, kind: str, year: int | None, area: str) -> int | None:
        """The amount of one styringsområde of a kind in a year, or None if empty."""
        return self._by_area.get((str(kind), year, str(area)))

    def row_total(self, kind: str, area: str | None = None) -> int:
        """A kind's total over the years (of one styringsområde when ``area`` is given)."""
        if area is None:
            return sum(self._amounts.get((str(kind), year), 0) for year in self.years)
        return sum(self._by_area.get((str(kind), year, str(area)), 0) for year in self.years)

    @property
    def rows(self) -> list[EconomyRow]:
        """The rows as KK's tables show them: investment and re-tendering split into
        service and anlæg."""
        return [
            EconomyRow(
                kind=kind,
                label=row_label(kind, area),
                cells=tuple(self.area_amount(kind, column, area) for column in self.columns),
                total=self.row_total(kind, area),
                area=area,
            )
            for kind, area in ROWS
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


# The payback period is looked for within this many years, counted from the
# first year with an investment (that year is year 1).
PAYBACK_HORIZON_YEARS = 10
ONE_OFF_KINDS = (EconomyKind.INVESTMENT, EconomyKind.RETENDER)


def _triples(case_or_lines) -> list[tuple[str, int | None, int]]:
    lines = case_or_lines
    if hasattr(case_or_lines, "economy_lines"):
        lines = case_or_lines.economy_lines.all()
    triples = []
    for line in lines:
        if isinstance(line, tuple):
            kind, year, amount = line[0], line[1], line[2]
        else:
            kind, year, amount = line.kind, line.year, line.amount
        triples.append((str(kind), year, int(amount)))
    return triples


def yearly_flows(case_or_lines, horizon: int = PAYBACK_HORIZON_YEARS):
    """Investment and net gain per year over the payback horizon, or None without
    investment.

    Investment is the one-off cost (investment and one-off re-tendering, service
    and anlæg alike); the net gain of a year is its gains less its operating
    costs. After the last year of the table, the permanent (varig) effect counts
    every year. Returns ``(first_year, [(year, investment, net_gain), ...])``.
    """
    investment: dict[int, int] = {}
    net_gain: dict[int, int] = {}
    permanent_gain = 0
    for kind, year, amount in _triples(case_or_lines):
        if year is None:
            if kind == EconomyKind.GAIN:
                permanent_gain -= amount
            elif kind == EconomyKind.OPERATING:
                permanent_gain -= amount
            continue
        if kind in ONE_OFF_KINDS:
            investment[year] = investment.get(year, 0) + amount
        elif kind == EconomyKind.GAIN:
            net_gain[year] = net_gain.get(year, 0) - amount
        elif kind == EconomyKind.OPERATING:
            net_gain[year] = net_gain.get(year, 0) - amount
    invested_years = [year for year, amount in investment.items() if amount]
    if not invested_years:
        return None
    first = min(invested_years)
    last_listed = max([*investment, *net_gain])
    flows = []
    for year in range(first, first + horizon):
        gain = net_gain.get(year, 0) if year <= last_listed else permanent_gain
        flows.append((year, investment.get(year, 0), gain))
    return first, flows


def payback_years(case_or_lines, horizon: int = PAYBACK_HORIZON_YEARS) -> int | None:
    """The payback period (tilbagebetalingstid) in whole years, or None.

    Counting the first year with an investment as year 1, the number of the
    first year by the end of which the cumulative net gains (gains less
    operating costs) cover the total investment of the horizon. None when they
    never do within ``horizon`` years, or when the case has no investment.

    Example: investment 2.000.000 in 2027; gains 500.000 in 2027, 1.000.000 in
    2028, 1.000.000 in 2029: cumulative gains reach 2.000.000 in 2029 → 3 years.

    ``case_or_lines``: a case (uses prefetched ``economy_lines``) or lines /
    ``(kind, year, amount)`` tuples.
    """
    flows = yearly_flows(case_or_lines, horizon)
    if flows is None:
        return None
    _first, rows = flows
    total_investment = sum(investment for _year, investment, _gain in rows)
    cumulative = 0
    for number, (_year, _investment, gain) in enumerate(rows, start=1):
        cumulative += gain
        if cumulative >= total_investment:
            return number
    return None


# --- Price levels ------------------------------------------------------------------
# The one p/l conversion lives in financing (it owns the price index); portfolio
# may not import it, so financing registers it here when it starts.
_price_converter: dict = {}


def register_price_converter(convert, load_indices) -> None:
    """``convert(amount, *, from_year, to_year, indices)`` and ``load_indices()``."""
    _price_converter["convert"] = convert
    _price_converter["load"] = load_indices


def converted_lines(
    cases, to_year: int, lines_by_case: dict | None = None
) -> list[tuple[str, int | None, int]]:
    """The economy lines of ``cases`` as ``(kind, year, amount)`` in ``to_year`` p/l,
    each line converted by the registered conversion (one query for the indices).
    Uses prefetched ``economy_lines``, or ``lines_by_case`` (case id → its lines as
    ``(kind, year, amount, ...)`` tuples) when given."""
    convert = _price_converter["convert"]
    indices = _price_converter["load"]() if any(c.price_year != to_year for c in cases) else {}
    if lines_by_case is None:
        lines_by_case = {
            case.pk: [(line.kind, line.year, line.amount) for line in case.economy_lines.all()]
            for case in cases
        }
    return [
        (
            line[0],
            line[1],
            convert(line[2], from_year=case.price_year, to_year=to_year, indices=indices),
        )
        for case in cases
        for line in lines_by_case.get(case.pk, ())
    ]
