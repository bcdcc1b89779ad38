"""What a budget note says about a case, computed once for the note's template.

The template only lays it out: the rows and totals of the economy table, the
payback, the financing and the recommendation text are decided here.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from portfolio.economy import KINDS
from portfolio.models import CasePrinciple, EconomyKind, InvestmentCase
from strategy.models import Theme

from . import money

SERVICE = "service"
ANLAEG = "anlaeg"
AREA_LABELS = {SERVICE: "Service", ANLAEG: "Anlæg"}


def line_area(line) -> str:
    """A line's styringsområde (money's ``styringsomraade``; service where not set)."""
    return getattr(line, "styringsomraade", "") or SERVICE


@dataclass
class NoteRow:
    kind: str
    label: str
    area: str  # "service" or "anlaeg"
    area_label: str
    cells: list  # one per column (years, then the permanent effect)
    total: int


@dataclass
class NoteEconomy:
    """The economy table of a note: rows by kind and styringsområde, columns by year."""

    years: list[int]
    price_year: int
    rows: list[NoteRow] = field(default_factory=list)
    implementation: list = field(default_factory=list)  # per year + permanent
    implementation_total: int = 0
    net: list = field(default_factory=list)
    net_total: int = 0
    payback_years: int | None = None

    @property
    def columns(self):
        return [*self.years, None]

    @property
    def unit_line(self) -> str:
        return _("DKK 1,000, %(year)s p/l") % {"year": self.price_year}

    def investment_by_area(self, area: str) -> list[int]:
        """Investment (incl. one-off re-tendering) of one styringsområde per year."""
        sums = [0] * len(self.years)
        for row in self.rows:
            if row.area == area and row.kind in (EconomyKind.INVESTMENT, EconomyKind.RETENDER):
                for i, cell in enumerate(row.cells[: len(self.years)]):
                    sums[i] += cell or 0
        return sums

    @property
    def permanent_effect(self) -> int:
        return self.net[-1] if self.net else 0


def build_economy(case, lines, years: list[int]) -> NoteEconomy:
    years = sorted(set(years) | {line.year for line in lines if line.year is not None})
    columns = [*years, None]
    amounts: dict[tuple[str, str, int | None], int] = {}
    for line in lines:
        key = (str(line.kind), line_area(line), line.year)
        amounts[key] = amounts.get(key, 0) + int(line.amount)
    economy = NoteEconomy(years=years, price_year=case.price_year)
    for kind in KINDS:
        areas = sorted({a for (k, a, _y) in amounts if k == kind.value}, reverse=True)
        for area in areas:
            cells = [amounts.get((kind.value, area, column)) for column in columns]
            row = NoteRow(
                kind=kind.value,
                label=str(kind.label),
                area=area,
                area_label=AREA_LABELS.get(area, area),
                cells=cells,
                total=sum(c or 0 for c in cells[:-1]),
            )
            economy.rows.append(row)

    def column_sum(column, kinds):
        return sum(v for (k, _a, y), v in amounts.items() if y == column and k in kinds)

    invest_kinds = {EconomyKind.INVESTMENT.value, EconomyKind.RETENDER.value}
    all_kinds = {k.value for k in KINDS}
    # One-off costs have no permanent level: the column is left empty.
    economy.implementation = [column_sum(c, invest_kinds) for c in years] + [None]
    economy.implementation_total = sum(economy.implementation[:-1])
    economy.net = [column_sum(c, all_kinds) for c in columns]
    economy.net_total = sum(economy.net[:-1])
    economy.payback_years = money.payback(case, lines)
    return economy


def recommendation_items(case, channels) -> list[str]:
    """The "indstilling": what ØKF recommends the committee to decide about the case."""
    items = []
    for entry in channels:
        total = sum(v or 0 for v in entry.requested.values())
        recommended = [v for v in entry.recommended.values() if v is not None]
        amount = sum(recommended) if recommended else total
        if amount:
            items.append(
                _(
                    "that %(amount)s thousand kr. (%(year)s p/l) is set aside for “%(title)s” "
                    "from %(channel)s in %(first)s–%(last)s, as shown in table 2,"
                )
                % {
                    "amount": _thousands(amount),
                    "year": case.cycle.budget_year,
                    "title": case.title,
                    "channel": str(entry.channel).lower(),
                    "first": entry.years[0],
                    "last": entry.years[-1],
                }
            )
    items.append(
        _(
            "that “%(title)s” is included in the cross-cutting development and transition "
            "plan for %(cycle)s with the economy shown in table 1."
        )
        % {"title": case.title, "cycle": case.cycle}
    )
    return items


def _thousands(value):
    from kkdigital.lib.money import format_thousands

    return format_thousands(value)


def note_queryset():
    """Cases with everything a note reads, in a fixed number of queries."""
    return InvestmentCase.objects.select_related("department", "cycle").prefetch_related(
        "economy_lines",
        "participating_departments",
        "potentials",
        Prefetch("themes", queryset=Theme.objects.prefetch_related("goals")),
        Prefetch(
            "principle_links",
            queryset=CasePrinciple.objects.select_related("principle").exclude(justification=""),
        ),
        "decisions__meeting",
    )


def note_code(case) -> str:
    """The note's code (money's ``note_code``, e.g. "BI12", given at qualification);
    before it is assigned, the department's prefix and the case number with a
    hyphen ("BI-26"), which no assigned code can look like."""
    return getattr(case, "note_code", "") or f"{case.department.note_prefix}-{case.pk}"


def case_note_context(case, *, plan=None, allocations=None, loans=None,
                      pool_rules=money.READ_RULES) -> dict:
    """Everything the note template of one case needs. ``case`` comes from
    :func:`note_queryset`; ``allocations`` (its own list), ``loans`` (its own list)
    and ``pool_rules`` (rules by cycle id) may be handed in, read once for many cases."""
    lines = list(case.economy_lines.all())
    economy = build_economy(case, lines, case.cycle.out_years)
    if allocations is None:
        allocations = money.allocations_for([case]).get(case.pk, [])
    if pool_rules is money.READ_RULES:
        # Read whether or not the case asks the pool: the same queries for every note.
        pool_rules = money.pool_rules_by_cycle([case])
    channels = money.channel_financing(allocations, case.cycle.out_years)
    decisions = sorted(case.decisions.all(), key=lambda d: (d.decided_on, d.pk))
    participating = [d for d in case.participating_departments.all() if d.pk != case.department_id]
    return {
        "case": case,
        "code": note_code(case),
        "economy": economy,
        "channels": channels,
        "financing_available": money.financing_available(),
        "pool": money.pool_result_for(case, allocations=allocations, pool_rules=pool_rules),
        "loans": money.loans_for(case) if loans is None else loans,
        "recommendation": recommendation_items(case, channels),
        "decision": decisions[-1] if decisions else None,
        "themes": list(case.themes.all()),
        "principles": list(case.principle_links.all()),
        "potentials": list(case.potentials.all()),
        "participating": participating,
        "plan": plan,
    }
