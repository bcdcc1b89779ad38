"""The collected note's summary table: one row per case and the "I alt" row.

Sums across cases are in the cycle's price level (the budget year), converted by
the money app's one conversion function (``financing.prices.convert``); a case at
the cycle's price level is taken as it is.
"""

from dataclasses import dataclass, field

from .context import ANLAEG, SERVICE

try:
    from financing.prices import convert
except ImportError:  # pragma: no cover - until the money app is merged
    convert = None


def to_cycle_level(amount: int, *, from_year: int, to_year: int) -> int:
    if from_year == to_year or convert is None:
        return amount
    return convert(amount, from_year=from_year, to_year=to_year)


@dataclass
class SummaryRow:
    rank: int
    code: str
    department: str
    title: str
    section_id: str
    service: list[int]
    anlaeg: list[int]
    permanent: int  # the effect at full phase-in (varig), net
    payback_years: int | None
    total: int  # investment over the years, service and anlæg


@dataclass
class PlanSummary:
    years: list[int]
    price_year: int
    rows: list[SummaryRow] = field(default_factory=list)

    @property
    def total_service(self) -> list[int]:
        return [sum(r.service[i] for r in self.rows) for i in range(len(self.years))]

    @property
    def total_anlaeg(self) -> list[int]:
        return [sum(r.anlaeg[i] for r in self.rows) for i in range(len(self.years))]

    @property
    def total_permanent(self) -> int:
        return sum(r.permanent for r in self.rows)

    @property
    def total(self) -> int:
        return sum(r.total for r in self.rows)


def plan_summary(cycle, sections: list[dict]) -> PlanSummary:
    years = list(cycle.out_years)
    summary = PlanSummary(years=years, price_year=cycle.budget_year)
    for rank, section in enumerate(sections, start=1):
        case, economy = section["case"], section["economy"]

        def level(amount, case=case):
            return to_cycle_level(amount, from_year=case.price_year, to_year=cycle.budget_year)

        index = {year: i for i, year in enumerate(economy.years)}
        service = [level(economy.investment_by_area(SERVICE)[index[y]]) if y in index else 0
                   for y in years]
        anlaeg = [level(economy.investment_by_area(ANLAEG)[index[y]]) if y in index else 0
                  for y in years]
        summary.rows.append(
            SummaryRow(
                rank=rank,
                code=section["code"],
                department=case.department.code,
                title=case.title,
                section_id=section["section_id"],
                service=service,
                anlaeg=anlaeg,
                permanent=level(economy.permanent_effect),
                payback_years=economy.payback_years,
                total=sum(service) + sum(anlaeg),
            )
        )
    return summary
