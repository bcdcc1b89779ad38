"""The portfolio at a glance: where the money of a cycle goes, and where it does not.

Money is the cycle's allocations (requested and granted, in the cycle's price
level) of the cases the reader may see; a case counts in full under each of
its themes, principles and potentials, so those tables do not add up to the
total. Constant queries whatever the number of cases.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from financing.models import Allocation, FinancingChannel
from financing.selectors import channel_year_totals
from portfolio.models import (
    CaseEconomyLine,
    CasePrinciple,
    CaseState,
    Department,
    EconomyKind,
    InvestmentCase,
)
from strategy.models import Potential, Principle, Theme


@dataclass
class MoneyRow:
    key: str
    label: str
    cases: int = 0
    requested: int = 0
    granted: int = 0
    need: int = 0  # the costs in the cases' own economy, over the cycle's years

    @property
    def has_money(self) -> bool:
        return self.granted > 0


@dataclass
class UtilisationRow:
    channel: str
    year: int
    capacity: int
    committed: int
    remaining: int

    @property
    def percent(self) -> int | None:
        if not self.capacity:
            return None
        return round(self.committed * 100 / self.capacity)


def _rows(items, case_ids_by_key, money, need):
    rows = []
    for key, label in items:
        ids = case_ids_by_key.get(key, ())
        requested = granted = needed = 0
        for i in ids:
            amounts = money.get(i)
            if amounts is not None:
                requested += amounts[0]
                granted += amounts[1]
            needed += need.get(i, 0)
        rows.append(
            MoneyRow(
                key=str(key),
                label=label,
                cases=len(ids),
                requested=requested,
                granted=granted,
                need=needed,
            )
        )
    return rows


def portfolio_glance(user, cycle) -> dict:
    """The cycle's money by theme, principle, potential, department, channel, year and state.

    Reads columns and sums, never whole cases: a cycle has thousands of cases, each
    with tens of economy lines and links, and model rows for them cost a second.
    """
    of_cycle = InvestmentCase.objects.visible_to(user).filter(cycle=cycle).order_by()
    visible = of_cycle.exclude(state=CaseState.WITHDRAWN)
    # Every case the reader sees, withdrawn ones too (the pipeline counts them), once each.
    seen = dict.fromkeys(of_cycle.values_list("pk", "department_id", "state"))
    cases = [case for case in seen if case[2] != CaseState.WITHDRAWN]
    in_scope = visible.values("pk")
    cost_kinds = (EconomyKind.INVESTMENT, EconomyKind.OPERATING, EconomyKind.RETENDER)
    need: dict[int, int] = defaultdict(int)
    need.update(
        CaseEconomyLine.objects.filter(
            case_id__in=in_scope, kind__in=cost_kinds, year__in=list(cycle.out_years)
        )
        .order_by()
        .values("case_id")
        .annotate(total=Sum("amount"))
        .values_list("case_id", "total")
    )
    money: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    by_channel: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    channel_cases: dict[int, set] = defaultdict(set)
    by_year: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    year_cases: dict[int, set] = defaultdict(set)
    for case_id, channel_id, year, requested, granted in (
        Allocation.objects.filter(case_id__in=in_scope)
        .order_by()
        .values("case_id", "channel_id", "year")
        .annotate(requested=Sum("requested"), granted=Sum("granted"))
        .values_list("case_id", "channel_id", "year", "requested", "granted")
    ):
        requested, granted = int(requested or 0), int(granted or 0)
        for target in (money[case_id], by_channel[channel_id], by_year[year]):
            target[0] += requested
            target[1] += granted
        channel_cases[channel_id].add(case_id)
        year_cases[year].add(case_id)

    themes_of, principles_of, potentials_of, departments_of = (defaultdict(set) for _ in range(4))
    for pk, department_id, _state in cases:
        departments_of[department_id].add(pk)
    for links, target, of in (
        (InvestmentCase.themes.through.objects, "theme_id", themes_of),
        (InvestmentCase.potentials.through.objects, "potential_id", potentials_of),
    ):
        for case_id, key in (
            links.filter(investmentcase_id__in=in_scope)
            .order_by()
            .values_list("investmentcase_id", target)
        ):
            of[key].add(case_id)
    for case_id, principle_id in (
        CasePrinciple.objects.filter(case_id__in=in_scope)
        .exclude(justification="")
        .order_by()
        .values_list("case_id", "principle_id")
    ):
        principles_of[principle_id].add(case_id)

    themes = _rows(
        [(t.pk, str(t)) for t in Theme.objects.order_by("-strategy__starts_year", "number")],
        themes_of,
        money,
        need,
    )
    channels = list(FinancingChannel.objects.order_by("kind"))
    channel_rows = [
        MoneyRow(
            key=c.kind,
            label=c.name,
            cases=len(channel_cases.get(c.pk, ())),
            requested=by_channel[c.pk][0] if c.pk in by_channel else 0,
            granted=by_channel[c.pk][1] if c.pk in by_channel else 0,
        )
        for c in channels
    ]
    years = sorted(set(cycle.out_years) | set(by_year))
    year_rows = [
        MoneyRow(
            key=str(y),
            label=str(y),
            cases=len(year_cases.get(y, ())),
            requested=by_year[y][0] if y in by_year else 0,
            granted=by_year[y][1] if y in by_year else 0,
        )
        for y in years
    ]
    states = Counter(state for _pk, _department_id, state in seen)
    by_state: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pk, _department_id, state in cases:
        row = by_state[state]
        row[0] += money[pk][0] if pk in money else 0
        row[1] += money[pk][1] if pk in money else 0
        row[2] += need.get(pk, 0)
    pipeline = [
        MoneyRow(
            key=state.value,
            label=str(state.label),
            cases=states.get(state.value, 0),
            requested=by_state[state.value][0],
            granted=by_state[state.value][1],
            need=by_state[state.value][2],
        )
        for state in CaseState
    ]
    utilisation = [
        UtilisationRow(
            channel=row.channel.name + (f" ({row.round_label})" if row.round else ""),
            year=row.year,
            capacity=row.capacity,
            committed=row.committed,
            remaining=row.remaining,
        )
        for row in channel_year_totals(cycle, channels=channels)
    ]
    total = MoneyRow(
        key="total",
        label=_("Total"),
        cases=len(cases),
        requested=sum(m[0] for m in money.values()),
        granted=sum(m[1] for m in money.values()),
        need=sum(need.values()),
    )
    return {
        "themes": themes,
        "uncovered_themes": [r for r in themes if not r.has_money],
        "principles": _rows(
            [(p.pk, f"{p.number}. {p.name}") for p in Principle.objects.order_by("number")],
            principles_of,
            money,
            need,
        ),
        "potentials": _rows(
            [(p.pk, p.name) for p in Potential.objects.order_by("number")],
            potentials_of,
            money,
            need,
        ),
        "departments": _rows(
            [(d.pk, d.name) for d in Department.objects.order_by("name")],
            departments_of,
            money,
            need,
        ),
        "channels": channel_rows,
        "years": year_rows,
        "pipeline": pipeline,
        "utilisation": utilisation,
        "total": total,
    }


def chart_data(rows, title: str) -> dict:
    """What the chart script draws: labels and two series in 1.000 kr."""
    return {
        "title": title,
        "labels": [r.label for r in rows],
        "need": [round(r.need / 1000) for r in rows],
        "granted": [round(r.granted / 1000) for r in rows],
        "needLabel": _("Investment need (1.000 kr.)"),
        "grantedLabel": _("Granted (1.000 kr.)"),
    }
